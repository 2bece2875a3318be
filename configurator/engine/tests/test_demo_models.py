"""The engine on the demo catalogs: reasons, explanations, completion and prices."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from configurator.engine.compiler import compile_product
from configurator.engine.model import Product, product_from_dict
from configurator.engine.selection import Selection, read_selection
from configurator.engine.session import Reason, Session

DEMO = Path(__file__).resolve().parents[3] / "catalog" / "demo"


def _load(name: str) -> Product:
    return product_from_dict(json.loads((DEMO / name).read_text(), parse_float=Decimal)["products"][0])


@pytest.fixture(scope="module")
def car() -> Session:
    return Session(compile_product(_load("city-car.json")))


@pytest.fixture(scope="module")
def shirt() -> Session:
    return Session(compile_product(_load("shirt.json")))


def _option(result, group: str, option: str):
    state = next(g for g in result.groups if g.code == group)
    return next(o for o in state.options if o.code == option)


def test_contrast_black_roof_is_unavailable_on_a_black_body_with_its_rule(car: Session) -> None:
    selection = read_selection(car.model.product, {"selections": {"body_colour": "black"}})
    roof = _option(car.propagate(selection), "roof", "contrast_black")
    assert not roof.available
    assert Reason(rule="R1") in roof.reasons
    assert Reason(selection=("group", "body_colour")) in roof.reasons
    assert car.explain(selection, "roof", "contrast_black") == (
        Reason(rule="R1"),
        Reason(selection=("group", "body_colour")),
    )


def test_explain_of_an_available_option_is_empty(car: Session) -> None:
    selection = read_selection(car.model.product, {"selections": {"body_colour": "red"}})
    assert car.explain(selection, "roof", "contrast_black") == ()


def test_switching_a_decided_group_shows_compatible_alternatives(car: Session) -> None:
    selection = read_selection(car.model.product, {"selections": {"body_colour": "black", "roof": "contrast_white"}})
    result = car.propagate(selection)
    assert result.valid
    assert _option(result, "body_colour", "white").available is False  # white body with white roof: R2
    assert _option(result, "body_colour", "red").available is True


def test_resolve_proposes_the_single_change(car: Session) -> None:
    selection = read_selection(car.model.product, {"selections": {"body_colour": "black"}})
    resolution = car.resolve(selection, "roof", "contrast_black")
    assert resolution.possible
    assert [c.key for c in resolution.changes] == [("group", "body_colour")]
    assert resolution.selection is not None
    assert resolution.selection.choices["roof"] == frozenset({"contrast_black"})
    assert car.propagate(resolution.selection).valid


def test_finish_for_me_follows_defaults(shirt: Session) -> None:
    product = shirt.model.product
    completion = shirt.complete(read_selection(product, {"selections": {"fabric": "oxford_blue"}}))
    config = completion.configuration
    assert config is not None
    assert config.choices["fit"] == frozenset({"regular"})  # group default
    assert config.choices["sleeves"] == frozenset({"long"})
    assert config.parameters["chest"] == Decimal("102")  # parameter default
    assert shirt.validate(config).valid


def test_finishing_an_empty_shirt_decides_every_style_choice_and_no_measurement(shirt: Session) -> None:
    product = shirt.model.product
    completion = shirt.complete(Selection(), parameters=False)
    config = completion.configuration
    assert config is not None
    assert config.parameters == {}  # no neck 40, chest 102 made up
    assert config.choices["fit"] == frozenset({"regular"}) and config.choices["collar"] == frozenset({"classic"})
    assert all(config.choices.get(g.code) for g in product.groups if g.required)
    result = shirt.propagate(config)
    assert result.valid and not result.complete  # the measurements are still to be entered
    assert all(state.decided for state in result.groups)
    assert all(p.min is not None and p.value is None for p in result.parameters)  # each can still be entered
    assert completion.texts_needed == ()


def test_finishing_keeps_the_measurements_given_and_refuses_impossible_ones(shirt: Session) -> None:
    product = shirt.model.product
    given = read_selection(product, {"selections": {"fit": "slim"}, "parameters": {"neck": "40.5", "chest": "101"}})
    config = shirt.complete(given, parameters=False).configuration
    assert config is not None
    assert config.parameters == {"neck": Decimal("40.5"), "chest": Decimal("101")}
    assert shirt.propagate(config).valid
    # Waist 140 with chest 80 breaks "waist - chest <= 10": nothing is replaced, the answer is None.
    clash = read_selection(product, {"parameters": {"waist": "140", "chest": "80"}})
    completion = shirt.complete(clash, parameters=False)
    assert completion.configuration is None and Reason(rule="R3") in completion.conflict


def test_slim_fit_narrows_the_waist_range(shirt: Session) -> None:
    product = shirt.model.product
    result = shirt.propagate(read_selection(product, {"selections": {"fit": "slim"}, "parameters": {"chest": "100"}}))
    waist = next(p for p in result.parameters if p.code == "waist")
    assert waist.max == Decimal("92")  # chest - waist >= 8


def test_shirt_price_adds_monogram_and_cufflinks(shirt: Session) -> None:
    product = shirt.model.product
    selection = read_selection(
        product,
        {
            "selections": {"cuffs": "double", "monogram_position": "chest", "monogram_colour": "navy"},
            "texts": {"monogram": "ABC"},
        },
    )
    price = shirt.price(selection)
    codes = [line.code for line in price.lines]
    assert "P1" in codes and "P2" in codes
    assert price.total == sum(line.amount for line in price.lines)
    assert price.lines[0].amount == Decimal("89.00")


def test_an_impossible_selection_says_which_rules_and_choices_clash(car: Session) -> None:
    selection = read_selection(car.model.product, {"selections": {"body_colour": "black", "roof": "contrast_black"}})
    result = car.propagate(selection)
    assert not result.valid
    assert Reason(rule="R1") in result.conflict
