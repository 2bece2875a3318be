"""The session agrees with a brute-force oracle on many small random products."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configurator.engine.compiler import compile_product
from configurator.engine.diagram import compile_diagram
from configurator.engine.model import Product
from configurator.engine.selection import Selection
from configurator.engine.session import Reason, Session
from configurator.engine.tests.oracle import extends, multi_groups, valid_configurations
from configurator.engine.tests.strategies import products, selections

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: the diagram path's runs of the same tests (the SAT path's reasons and caches are shared by both)
DIAGRAM_SETTINGS = settings(SETTINGS, max_examples=120)
#: walks of ten clicks, each checked against the oracle, cost several times a single answer
WALK_SETTINGS = settings(SETTINGS, max_examples=60)


def session_on(path: str, product: Product) -> Session:
    """Return a session of `product` answering availability from the SAT path or from its diagram."""
    model = compile_product(product)
    if path == "sat":
        return Session(model)
    diagram = compile_diagram(model, max_nodes=100_000, seconds=30, in_process=True)
    session = Session(model, diagram=diagram)
    assert diagram is None or session.diagram is diagram
    return session


@SETTINGS
@given(data=st.data())
def test_propagate_matches_the_oracle(data: st.DataObject) -> None:
    _propagate_matches_the_oracle("sat", data)


@DIAGRAM_SETTINGS
@given(data=st.data())
def test_propagate_matches_the_oracle_on_the_diagram(data: st.DataObject) -> None:
    _propagate_matches_the_oracle("diagram", data)


def _propagate_matches_the_oracle(path: str, data: st.DataObject) -> None:
    product = data.draw(products())
    selection = data.draw(selections(product))
    configs = valid_configurations(product)
    session = session_on(path, product)
    assert_propagation_matches(session, product, configs, selection)


@WALK_SETTINGS
@given(data=st.data())
def test_propagate_stays_exact_over_a_mixed_walk(data: st.DataObject) -> None:
    _propagate_stays_exact_over_a_mixed_walk("sat", data)


@WALK_SETTINGS
@given(data=st.data())
def test_propagate_stays_exact_over_a_mixed_walk_on_the_diagram(data: st.DataObject) -> None:
    _propagate_stays_exact_over_a_mixed_walk("diagram", data)


def _propagate_stays_exact_over_a_mixed_walk(path: str, data: st.DataObject) -> None:
    """Clicks as shoppers make them: mostly a new choice, sometimes an undo or a switch of a decided group."""
    product = data.draw(products())
    configs = valid_configurations(product)
    session = session_on(path, product)
    selection = Selection()
    for _ in range(10):
        result = session.propagate(selection)
        assert_propagation_matches(session, product, configs, selection)
        decided = [g for g in result.groups if g.decided]
        move = data.draw(st.sampled_from(["choose", "choose", "choose", "undo", "switch"]))
        if move == "undo" and decided:
            selection = selection.without(("group", data.draw(st.sampled_from(decided)).code))
            continue
        states = decided if move == "switch" and decided else [g for g in result.groups if not g.decided]
        offered = [(g.code, o.code) for g in states for o in g.options if o.available and not o.selected]
        if not offered:
            break
        group, option = data.draw(st.sampled_from(offered))
        kind = product.group(group).kind  # type: ignore[union-attr]
        chosen = selection.choices.get(group, frozenset()) if kind == "multi" else frozenset()
        selection = Selection({**selection.choices, group: chosen | {option}}, selection.parameters, selection.texts)


@SETTINGS
@given(data=st.data())
def test_propagate_stays_exact_over_a_session_of_clicks(data: st.DataObject) -> None:
    _propagate_stays_exact_over_a_session_of_clicks("sat", data)


@DIAGRAM_SETTINGS
@given(data=st.data())
def test_propagate_stays_exact_over_a_session_of_clicks_on_the_diagram(data: st.DataObject) -> None:
    _propagate_stays_exact_over_a_session_of_clicks("diagram", data)


def _propagate_stays_exact_over_a_session_of_clicks(path: str, data: st.DataObject) -> None:
    """Witnesses, moved solutions, cached cores and answers carried from click to click keep every answer exact."""
    product = data.draw(products())
    configs = valid_configurations(product)
    session = session_on(path, product)
    for _ in range(4):
        selection = data.draw(selections(product))
        for size in range(len(selection.keys()) + 1):
            prefix = selection
            for key in selection.keys()[size:]:
                prefix = prefix.without(key)
            assert_propagation_matches(session, product, configs, prefix)


def assert_propagation_matches(
    session: Session, product: Product, configs: list[Selection], selection: Selection
) -> None:
    """Check `session.propagate(selection)` against the valid configurations `configs` of `product`."""
    result = session.propagate(selection)
    matching = [c for c in configs if extends(c, selection, multi_groups(product))]
    assert result.valid == bool(matching)
    if not matching:
        assert result.conflict, "an impossible selection must say why"
        return
    for state in result.groups:
        group = state.code
        chosen = selection.choices.get(group)
        multi = product.group(group).kind == "multi"  # type: ignore[union-attr]
        # A decided choice group's other options are judged as a switch; a multi group's as an addition.
        context = (
            matching
            if chosen is None or multi
            else [c for c in configs if extends(c, selection.without(("group", group)), multi_groups(product))]
        )
        for option in state.options:
            if chosen is not None and option.code in chosen:
                assert option.available
                continue
            expected = any(option.code in c.choices[group] for c in context)
            assert option.available == expected, (group, option.code)
            if not option.available:
                assert_reasons_exclude(product, configs, selection, group, option.code, option.reasons)
    for parameter in result.parameters:
        context = [
            c for c in configs if extends(c, selection.without(("parameter", parameter.code)), multi_groups(product))
        ]
        values = [c.parameters[parameter.code] for c in context]
        assert parameter.min == (min(values) if values else None)
        assert parameter.max == (max(values) if values else None)


@SETTINGS
@given(data=st.data())
def test_complete_and_validate_match_the_oracle(data: st.DataObject) -> None:
    product = data.draw(products())
    selection = data.draw(selections(product))
    configs = valid_configurations(product)
    session = Session(compile_product(product))
    completion = session.complete(selection)
    possible = any(extends(c, selection, multi_groups(product)) for c in configs)
    assert (completion.configuration is not None) == possible
    if completion.configuration is None:
        assert completion.conflict
        return
    config = completion.configuration
    assert extends(config, selection, multi_groups(product))
    # the completed configuration is one of the oracle's valid configurations ...
    assert any(c.choices == config.choices and c.parameters == config.parameters for c in configs)
    # ... and validate agrees once the texts only a shopper can type are filled in
    typed = Selection(
        choices=config.choices,
        parameters=config.parameters,
        texts={**config.texts, **{t: "AB" for t in completion.texts_needed}},
    )
    result = session.validate(typed)
    assert result.valid and result.complete, result.violations


@SETTINGS
@given(data=st.data())
def test_validate_rejects_exactly_the_invalid_complete_configurations(data: st.DataObject) -> None:
    from configurator.engine.tests.oracle import all_configurations

    product = data.draw(products())
    candidates = all_configurations(product)
    config = data.draw(st.sampled_from(candidates))
    valid = set(map(repr, valid_configurations(product)))
    assert session_valid(product, config) == (repr(config) in valid)


def session_valid(product, config) -> bool:
    return Session(compile_product(product)).validate(config).valid


def assert_reasons_exclude(
    product: Product,
    configs: list[Selection],
    selection: Selection,
    group: str,
    option: str,
    reasons: tuple[Reason, ...],
) -> None:
    """Check that the rules and the shopper's choices the reasons name exclude the option on their own.

    Reasons come from unsat cores or unit propagation, and may be carried over from
    earlier clicks, so this checks that none names a choice no longer made or leaves out
    a choice or a rule the exclusion needs.
    """
    named = {reason.selection for reason in reasons if reason.selection is not None}
    assert named <= set(selection.keys()), (group, option, named)
    alone = selection
    for key in selection.keys():
        if key not in named:
            alone = alone.without(key)
    if product.group(group).kind != "multi":  # type: ignore[union-attr]
        alone = alone.without(("group", group))  # a decided group's options are judged as a switch
    possible = [c for c in configs if extends(c, alone, multi_groups(product)) and option in c.choices[group]]
    assert not possible, (group, option, reasons)
    named_rules = frozenset(reason.rule for reason in reasons if reason.rule is not None)
    loose = _with_rules(product, named_rules)  # every configuration of the named rules alone
    possible = [c for c in loose if extends(c, alone, multi_groups(product)) and option in c.choices[group]]
    assert not possible, (group, option, reasons, "the named rules alone allow it")


_LOOSE: dict[tuple[int, frozenset[str]], tuple[Product, list[Selection]]] = {}


def _with_rules(product: Product, rules: frozenset[str]) -> list[Selection]:
    """Return the valid configurations of `product` with only `rules` among its constraints and tables."""
    key = (id(product), rules)  # products are not hashable; the entry keeps the product (and its id) alive
    if key not in _LOOSE:
        if len(_LOOSE) > 256:
            _LOOSE.clear()
        kept = tuple(r for r in product.rules if r.code in rules or r.kind not in ("constraint", "table"))
        _LOOSE[key] = (product, valid_configurations(dataclasses.replace(product, rules=kept)))
    return _LOOSE[key][1]
