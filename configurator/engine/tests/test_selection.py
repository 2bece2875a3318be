"""Reading selections from flat form and query pairs, and writing them back."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from configurator.engine.model import Product, TextField, product_from_dict
from configurator.engine.selection import (
    DecimalInputError,
    SelectionError,
    data_from_pairs,
    decimal_read,
    read_selection,
    selection_pairs,
    text_read,
    text_upper_cased,
)

DEMO = Path(__file__).resolve().parents[3] / "catalog" / "demo"


@pytest.fixture(scope="module")
def car() -> Product:
    return product_from_dict(json.loads((DEMO / "city-car.json").read_text(), parse_float=Decimal)["products"][0])


@pytest.fixture(scope="module")
def shirt() -> Product:
    return product_from_dict(json.loads((DEMO / "shirt.json").read_text(), parse_float=Decimal)["products"][0])


def test_pairs_name_groups_parameters_and_texts_by_code(shirt: Product) -> None:
    data = data_from_pairs(shirt, [("fabric", "oxford_blue"), ("chest", "101.5"), ("monogram", "AB"), ("_step", "2")])
    assert data == {
        "selections": {"fabric": "oxford_blue"},
        "parameters": {"chest": "101.5"},
        "texts": {"monogram": "AB"},
    }
    selection = read_selection(shirt, data)
    assert selection.parameters == {"chest": Decimal("101.5")}


def test_repeated_keys_tick_several_options_of_a_multi_group(car: Product) -> None:
    data = data_from_pairs(car, [("packs", "city"), ("packs", "tech"), ("body_colour", "red")])
    selection = read_selection(car, data)
    assert selection.choices == {"packs": frozenset({"city", "tech"}), "body_colour": frozenset({"red"})}


def test_unknown_keys_reach_the_checker_and_are_named(car: Product) -> None:
    with pytest.raises(SelectionError) as error:
        read_selection(car, data_from_pairs(car, [("colour", "red"), ("wheels", "w99")]))
    assert set(error.value.errors) == {"selections.colour", "selections.wheels"}


def test_pairs_round_trip_in_product_order(car: Product, shirt: Product) -> None:
    for product, pairs in (
        (car, [("body_colour", "red"), ("packs", "city"), ("packs", "tech"), ("roof", "")]),
        (shirt, [("fabric", "twill_grey"), ("neck", "40.5"), ("monogram", "J.D")]),
    ):
        selection = read_selection(product, data_from_pairs(product, pairs))
        written = selection_pairs(product, selection)
        assert read_selection(product, data_from_pairs(product, written)) == selection
        order = [g.code for g in product.groups] + [p.code for p in product.parameters]
        order += [t.code for t in product.texts]
        keys = [k for k, _ in written]
        assert keys == sorted(keys, key=order.index)


def test_a_value_off_the_grid_by_a_tiny_amount_is_named_whatever_its_digits(shirt: Product) -> None:
    with pytest.raises(SelectionError) as error:  # 31 significant digits: past Decimal's default precision
        read_selection(shirt, {"parameters": {"chest": "102.0000000000000000000000000001"}})
    assert set(error.value.errors) == {"parameters.chest"}
    exact = read_selection(shirt, {"parameters": {"chest": "102.5000000000000000000000000000"}})
    assert exact.parameters["chest"] == Decimal("102.5")


def _errors(product: Product, value: object) -> list[str]:
    with pytest.raises(SelectionError) as error:
        read_selection(product, {"parameters": {"neck": value}})
    return error.value.errors["parameters.neck"]


def test_a_million_digits_are_refused_by_their_length_before_any_arithmetic(shirt: Product) -> None:
    assert _errors(shirt, "40." + "0" * 1_000_000 + "1") == ["at most 40 characters, not 1000004"]


def test_more_than_twenty_significant_digits_are_refused(shirt: Product) -> None:
    assert _errors(shirt, "40.000000000000000000001") == ["at most 20 significant digits, not 23"]
    assert _errors(shirt, 10**25) == ["at most 20 significant digits"]
    assert read_selection(shirt, {"parameters": {"neck": "40.000000000000000000"}}).parameters["neck"] == 40


def test_only_plain_ascii_decimals_are_numbers(shirt: Product) -> None:
    assert _errors(shirt, "٤٠") == ["'٤٠' is not a number: use the digits 0-9"]  # Arabic-Indic 40
    assert _errors(shirt, "４０") == ["'４０' is not a number: use the digits 0-9"]  # full-width 40
    for text in ("4e1", "40,5", "1_0", "0x28", "NaN", "Infinity", "--40", "40..5", ".", ""):
        with pytest.raises(DecimalInputError):
            decimal_read(text or " ")
    for value in (float("nan"), float("inf"), True, None, [40], {"v": 40}):
        with pytest.raises(DecimalInputError):
            decimal_read(value)


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("40." + "0" * 30, "40"),
        ("40.50", "40.5"),
        ("+040.0", "40"),
        (" 40 ", "40"),
        (40, "40"),
        (40.0, "40"),
        (40.5, "40.5"),
        (Decimal("4E+1"), "40"),
        ("-0.000", "0"),
        ("0.0000001", "0.0000001"),
    ],
)
def test_what_is_kept_is_normalised_and_never_in_exponent_form(raw: object, kept: str) -> None:
    assert format(decimal_read(raw), "f") == kept


def test_a_selection_is_sent_back_normalised(shirt: Product) -> None:
    selection = read_selection(shirt, {"parameters": {"neck": "40.000000", "chest": "101.50"}})
    assert selection.as_data()["parameters"] == {"neck": "40", "chest": "101.5"}
    assert selection_pairs(shirt, selection) == [("neck", "40"), ("chest", "101.5")]


def test_small_letters_of_a_capitals_only_text_are_read_as_capitals(shirt: Product) -> None:
    assert read_selection(shirt, {"texts": {"monogram": "js"}}).texts == {"monogram": "JS"}
    assert read_selection(shirt, {"texts": {"monogram": "j.s."}}).texts == {"monogram": "J.S."}  # dots count: 4 fit


def test_upper_casing_never_lets_a_refused_character_through(shirt: Product) -> None:
    refused = (("ab1", "characters not allowed: 1"), ("ß", "characters not allowed: ß"), ("j.s.x", "at most 4"))
    for value, problem in refused:
        with pytest.raises(SelectionError) as error:
            read_selection(shirt, {"texts": {"monogram": value}})
        assert error.value.errors["texts.monogram"][0].startswith(problem)


def test_a_text_that_takes_small_letters_keeps_them() -> None:
    mixed = TextField(code="engraving", name="Engraving", max_length=20, charset="A-Za-z ")
    capitals = TextField(code="initials", name="Initials", max_length=3, charset="A-Z")
    anything = TextField(code="note", name="Note", max_length=20)
    assert (text_upper_cased(mixed), text_upper_cased(capitals), text_upper_cased(anything)) == (False, True, False)
    assert text_read(mixed, "Ada L") == "Ada L"
    assert text_read(anything, "ada") == "ada"
    assert text_read(capitals, "éa") == "ÉA"
