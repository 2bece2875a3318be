"""`resolve` gives the preferred smallest change, checked against a brute-force oracle and on the demo car."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configurator.engine.compiler import compile_product
from configurator.engine.model import Product, product_from_dict
from configurator.engine.resolving import Change, Resolution
from configurator.engine.selection import Selection, read_selection
from configurator.engine.session import Session
from configurator.engine.tests.oracle import multi_groups, preferred_resolution, valid_configurations
from configurator.engine.tests.strategies import products, selections

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DEMO = Path(__file__).resolve().parents[3] / "catalog" / "demo"


def undone(product: Product, resolution: Resolution) -> int:
    """Count the decisions a resolution undoes: each option unticked in a multi group, each other change."""
    multi = multi_groups(product)
    return sum(len(set(c.before) - set(c.after)) if c.key[1] in multi else 1 for c in resolution.changes)


@SETTINGS
@given(data=st.data())
def test_resolve_gives_the_preferred_smallest_change_whatever_was_asked_before(data: st.DataObject) -> None:
    product = data.draw(products(preferences=True))
    selection = data.draw(selections(product))
    group = data.draw(st.sampled_from(product.groups))
    option = data.draw(st.sampled_from(group.options))
    configs = valid_configurations(product)
    model = compile_product(product)
    session = Session(model)
    for _ in range(data.draw(st.integers(0, 3))):  # earlier questions must not change the answer
        other = data.draw(selections(product))
        other_group = data.draw(st.sampled_from(product.groups))
        session.propagate(other)
        session.resolve(other, other_group.code, data.draw(st.sampled_from(other_group.options)).code)
    resolution = session.resolve(selection, group.code, option.code)
    assert resolution == Session(model, warm=False).resolve(selection, group.code, option.code)
    expected = preferred_resolution(product, configs, selection, group.code, option.code)
    assert resolution.possible == (expected is not None)
    if expected is None:
        return
    new, size = expected
    assert resolution.selection == new
    assert undone(product, resolution) == size
    assert session.propagate(new).valid


@pytest.fixture(scope="module")
def car() -> Session:
    data = json.loads((DEMO / "city-car.json").read_text(), parse_float=Decimal)
    return Session(compile_product(product_from_dict(data["products"][0])))


def test_the_mild_hybrid_anyway_from_essential_moves_to_style_twenty_times_in_a_row(car: Session) -> None:
    product = car.model.product
    selection = read_selection(product, {"selections": {"trim": "essential", "engine": "petrol70"}})
    electric = read_selection(
        product, {"selections": {"trim": "essential", "engine": "petrol70", "gearbox": "manual5"}}
    )
    answers = []
    for _ in range(20):
        # Other shoppers' clicks in between leave their solutions in the shared session.
        car.resolve(electric, "engine", "electric")
        car.propagate(Selection(choices={"trim": frozenset({"premium"}), "wheels": frozenset({"w18"})}))
        answers.append(car.resolve(selection, "engine", "hybrid130"))
    assert all(answer == answers[0] for answer in answers)
    # Style (+€1,400, the catalog's default) is enough; Premium (+€3,200) is not the answer.
    assert answers[0].changes == (Change(("group", "trim"), ("essential",), ("style",)),)
    assert answers[0].selection is not None
    assert car.price(answers[0].selection).total == Decimal("20600.00")


def test_electric_anyway_changes_trim_to_style_and_the_gearbox_the_table_needs(car: Session) -> None:
    product = car.model.product
    selection = read_selection(
        product, {"selections": {"trim": "essential", "engine": "petrol70", "gearbox": "manual5"}}
    )
    resolution = car.resolve(selection, "engine", "electric")
    assert resolution.changes == (
        Change(("group", "trim"), ("essential",), ("style",)),
        Change(("group", "gearbox"), ("manual5",), ("single_speed",)),
    )
    assert resolution.selection is not None
    assert car.price(resolution.selection).total == Decimal("27200.00")  # not Premium's 29,000


def test_a_pack_anyway_on_a_clash_keeps_the_default_wheels_and_unticks_the_pack_in_the_way(car: Session) -> None:
    product = car.model.product
    # The sport pack needs 17" or 18" wheels (R3): changing the wheels or unticking sport are both one change;
    # unticking sport keeps the default 16" wheels (the group's default and rule D2), so it is preferred.
    selection = read_selection(product, {"selections": {"trim": "style", "wheels": "w16", "packs": ["sport", "city"]}})
    assert not car.propagate(selection).valid
    resolution = car.resolve(selection, "packs", "tech")
    assert resolution.changes == (Change(("group", "packs"), ("city", "sport"), ("city", "tech")),)
    assert undone(product, resolution) == 1
