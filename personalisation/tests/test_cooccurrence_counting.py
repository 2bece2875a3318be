"""The arithmetic of option pairs and the ranking of suggestions; never an unavailable or chosen option."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from configurator.engine.compiler import compile_product
from configurator.engine.model import Product
from configurator.engine.selection import Selection
from configurator.engine.session import Session
from configurator.engine.tests.oracle import extends, multi_groups, valid_configurations
from configurator.engine.tests.strategies import products
from personalisation.cooccurrence.counting import Item, basket_counts, basket_of, count_pairs, suggest
from personalisation.cooccurrence.suggesting import available_options

BLUE, WHITE = ("fabric", "oxford_blue"), ("fabric", "poplin_white")
BUTTON, CLASSIC = ("collar", "button_down"), ("collar", "classic")


def baskets(*groups: tuple[int, frozenset[Item]]) -> Counter[frozenset[Item]]:
    return Counter({basket: times for times, basket in groups})


#: 6 blue button-downs, 4 blue classics, 10 white classics.
SHIRTS = baskets((6, frozenset({BLUE, BUTTON})), (4, frozenset({BLUE, CLASSIC})), (10, frozenset({WHITE, CLASSIC})))


def test_support_confidence_and_lift() -> None:
    counted = SHIRTS
    rules = {(r.if_item, r.then_item): r for r in count_pairs(counted, min_support=5)}
    blue_button = rules[(BLUE, BUTTON)]
    assert (blue_button.together, blue_button.if_count, blue_button.then_count, blue_button.baskets) == (6, 10, 6, 20)
    assert blue_button.confidence == pytest.approx(0.6)  # 6 of the 10 who picked blue
    assert blue_button.lift == pytest.approx(0.6 / (6 / 20))  # twice as likely as among all
    assert rules[(BUTTON, BLUE)].confidence == 1.0
    assert rules[(CLASSIC, WHITE)].lift == pytest.approx((10 / 14) / (10 / 20))
    # Blue with classic: 4 together, under the minimum support of 5.
    assert (BLUE, CLASSIC) not in rules and (CLASSIC, BLUE) not in rules


def test_suggestions_need_a_lift_above_one_and_rank_by_lift_then_confidence() -> None:
    counted = SHIRTS
    rules = count_pairs(counted, min_support=1)
    found = suggest(rules, {BLUE}, {BUTTON, CLASSIC}, limit=3)
    # Classic goes with blue less often than with anything (lift 0.57): not offered.
    assert [(s.item, s.because) for s in found] == [(BUTTON, BLUE)]
    assert suggest(rules, {BLUE}, {CLASSIC}, limit=3) == []
    assert suggest(rules, {BLUE}, {BUTTON}, limit=0) == []


def test_a_basket_holds_options_only() -> None:
    selections = {"fabric": "oxford_blue", "pocket": None, "packs": ["city", "tech"]}
    data = {"selections": selections, "parameters": {"x": "1"}}
    assert basket_of(data) == {("fabric", "oxford_blue"), ("packs", "city"), ("packs", "tech")}
    assert basket_of({"selections": "garbage"}) == frozenset()
    assert basket_counts([("shirt", data), ("shirt", data), ("car", {})]) == {
        "shirt": Counter({basket_of(data): 2}),
        "car": Counter({frozenset(): 1}),
    }


def _chosen_with(product: Product, selection: Selection, item: Item) -> Selection:
    group, option = item
    held = selection.choices.get(group, frozenset()) if group in multi_groups(product) else frozenset()
    return Selection(choices={**selection.choices, group: held | {option}})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), product=products())
def test_suggestions_are_only_available_options_not_chosen(data: st.DataObject, product: Product) -> None:
    configurations = valid_configurations(product)
    assume(configurations)
    items = [(g.code, o.code) for g in product.groups for o in g.options]
    # Random orders: valid configurations, and any options at all (as of options no longer offered).
    valid = st.sampled_from(configurations).map(lambda c: frozenset((g, o) for g, v in c.choices.items() for o in v))
    anything = st.frozensets(st.sampled_from(items), max_size=5)
    orders = data.draw(st.lists(valid | anything, min_size=1, max_size=30))
    rules = count_pairs(Counter(orders), min_support=data.draw(st.integers(1, 2)))
    # The shopper's selection: part of a valid configuration, so it is no conflict.
    config = data.draw(st.sampled_from(configurations))
    kept = data.draw(st.sets(st.sampled_from([g.code for g in product.groups]), min_size=1))
    selection = Selection(choices={g: v for g, v in config.choices.items() if g in kept})
    propagation = Session(compile_product(product)).propagate(selection)
    groups = {g.code for g in product.groups}
    chosen = {(g, o) for g, options in selection.choices.items() for o in options}
    candidates = available_options(product, propagation, selection, groups)
    found = suggest(rules, chosen, candidates, limit=3)
    event(f"suggestions: {len(found)}")
    assert len(found) <= 3
    multi = multi_groups(product)
    states = {(g.code, o.code): o for g in propagation.groups for o in g.options}
    for suggestion in found:
        group, option = suggestion.item
        assert states[suggestion.item].available
        assert option not in selection.choices.get(group, frozenset())
        assert product.group(group).option(option).active  # type: ignore[union-attr]
        assert suggestion.because in chosen and suggestion.lift > 1
        # Never a dead end: a complete valid configuration keeps every choice and the suggestion.
        after = _chosen_with(product, selection, suggestion.item)
        assert any(extends(c, after, multi) for c in configurations)
