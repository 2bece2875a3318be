"""Spreadsheet columns: cells written from the format read back to the same product."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from configurator.engine.model import product_from_dict, product_to_dict
from configurator.engine.schema import check_product
from configurator.engine.spreadsheets import columns

DEMOS = sorted((Path(__file__).resolve().parents[3] / "catalog" / "demo").glob("*.json"))


def _demo_product(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(), parse_float=Decimal)["products"][0]


@pytest.mark.parametrize("path", DEMOS, ids=lambda p: p.name)
def test_options_prices_and_parameters_survive_a_spreadsheet_round_trip(path: Path) -> None:
    """Write each row's cells with `columns` and read them back: the product is unchanged."""
    product = product_to_dict(product_from_dict(_demo_product(path)))
    again = json.loads(json.dumps(product))
    rows = [
        *(("option", o) for group in again["groups"] for o in group["options"]),
        *(("price", p) for p in again["prices"]),
        *(("parameter", p) for p in again["parameters"]),
    ]
    for part, row in rows:
        for column in columns(part):
            value = column.from_cell(column.to_cell(row[column.key]))
            if value is None:
                del row[column.key]
            else:
                row[column.key] = value
    assert check_product(again) == []
    assert product_to_dict(product_from_dict(again)) == product


def test_spreadsheet_columns_name_the_scalar_keys_in_export_order() -> None:
    keys = [c.key for c in columns("option")]
    assert keys[:4] == ["code", "name", "description", "price"]
    assert {"bom_unit", "active", "swatch"} <= set(keys)
    assert not {"translations", "layers"} & set(keys)
    assert [(c.key, c.model) for c in columns("parameter") if c.key in ("min", "max")] == [
        ("min", "min_value"),
        ("max", "max_value"),
    ]
    assert [c.key for c in columns("price")] == ["code", "when", "amount", "per", "label"]


@pytest.mark.parametrize(
    ("part", "key", "text", "problem"),
    [
        ("option", "price", "12,50", "'12,50' is not a decimal number"),
        ("option", "active", "maybe", "'maybe' is not true or false"),
        ("option", "swatch", "red", "'red' is not a colour like '#c0392b'"),
        ("option", "code", " ", "a value is required"),
        ("price", "amount", "", "a value is required"),
        ("parameter", "step", "1e", "'1e' is not a decimal number"),
    ],
)
def test_a_bad_cell_names_its_problem(part: str, key: str, text: str, problem: str) -> None:
    (column,) = [c for c in columns(part) if c.key == key]
    with pytest.raises(ValueError, match=re.escape(problem)):
        column.from_cell(text)


def test_an_empty_cell_takes_the_default_and_cells_read_plainly() -> None:
    by_key = {c.key: c for c in columns("option")}
    assert by_key["bom_unit"].from_cell("") is None
    assert by_key["bom_unit"].default == "pcs"
    assert by_key["active"].from_cell("No") is False
    assert by_key["price"].to_cell("3") == "3.00"
    assert {c.key: c for c in columns("parameter")}["default"].to_cell(None) == ""
