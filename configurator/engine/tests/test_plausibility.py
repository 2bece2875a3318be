"""Warning rules: advice on implausible measurements that never constrains anything."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configurator.engine.checking import Checker
from configurator.engine.compiler import compile_product
from configurator.engine.model import Product, Rule, product_from_dict
from configurator.engine.plausibility import plausibility_warnings
from configurator.engine.selection import Selection, read_selection
from configurator.engine.session import Session
from configurator.engine.tests.strategies import _atoms, expressions, products, selections

DEMO = Path(__file__).resolve().parents[3] / "catalog" / "demo"
SHIRT = product_from_dict(json.loads((DEMO / "shirt.json").read_text(), parse_float=Decimal)["products"][0])
TYPICAL = {"neck": "40", "chest": "102", "waist": "88", "sleeve": "64", "arm": "62", "shirt_length": "78"}


def _warnings(**values: str) -> dict[str, tuple[str, ...]]:
    selection = read_selection(SHIRT, {"parameters": {**TYPICAL, **values}})
    return {w.code: w.fields for w in plausibility_warnings(SHIRT, selection)}


def test_typical_measurements_raise_no_warning() -> None:
    assert _warnings() == {}


def test_a_sleeve_much_longer_than_the_arm_warns_on_both_fields() -> None:
    assert _warnings(sleeve="70", arm="62") == {"W1": ("sleeve", "arm")}


def test_chest_against_neck_warns_both_ways_and_waist_against_chest() -> None:
    assert set(_warnings(neck="45", chest="100")) == {"W2"}
    assert set(_warnings(neck="36", chest="120")) == {"W3"}
    assert _warnings(chest="100", waist="106") == {"W4": ("chest", "waist")}


def test_a_warning_waits_until_every_value_it_names_is_given() -> None:
    selection = read_selection(SHIRT, {"parameters": {"sleeve": "72"}})
    assert plausibility_warnings(SHIRT, selection) == ()


def test_the_message_is_in_the_shoppers_language() -> None:
    selection = read_selection(SHIRT, {"parameters": {**TYPICAL, "sleeve": "70"}})
    (warning,) = plausibility_warnings(SHIRT, selection)
    assert warning.text("it").startswith("La manica è molto più lunga del braccio")
    assert warning.text("en").startswith("The sleeve is much longer than the arm")


def test_every_standard_size_of_the_demo_shirt_is_plausible_and_valid() -> None:
    checker = Checker(SHIRT)
    for size in SHIRT.sizes:
        values = {code: format(value, "f") for code, value in size.values}
        selection = read_selection(SHIRT, {"parameters": values})
        assert plausibility_warnings(SHIRT, selection) == (), size.code
        assert not [v for v in checker.validate(selection).violations if v.kind != "missing"], size.code


def _with_warnings(product: Product, texts: list[str]) -> Product:
    rules = tuple(Rule(code=f"W{i}", kind="warning", expr=text, message="check") for i, text in enumerate(texts))
    return dataclasses.replace(product, rules=product.rules + rules)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_warning_rules_never_change_availability_ranges_or_validity(data: st.DataObject) -> None:
    """Adding any warning rules to any product changes no propagation and no validation."""
    product = data.draw(products())
    texts = data.draw(st.lists(expressions(_atoms(product)), min_size=1, max_size=3))
    warned = _with_warnings(product, texts)
    plain, advised = Session(compile_product(product)), Session(compile_product(warned))
    for _ in range(3):
        selection: Selection = data.draw(selections(product))
        assert advised.propagate(selection) == plain.propagate(selection)
        assert advised.validate(selection) == plain.validate(selection)
