"""The field table: the one definition the checker, the model, the schema and spreadsheets agree on."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from configurator.engine.fields import OPTION, PARTS, Field, Part, columns, read, write
from configurator.engine.kinds import Integer
from configurator.engine.model import Option, product_from_dict, product_to_dict
from configurator.engine.schema import check_product

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = json.loads((ROOT / "docs" / "catalog-format.schema.json").read_text())
DEMOS = sorted((ROOT / "catalog" / "demo").glob("*.json"))
#: "Default ''.", "Default 14.", "Default \"0.00\"." in a property's description.
STATED = re.compile(r"\bDefault ('[^']*'|\"[^\"]*\"|true|false|null|-?\d+|\[\]|\{\})\.")


def _schema_nodes() -> dict[str, Any]:
    """Return each part's object in the JSON Schema, by the part's name in the table."""
    product = SCHEMA["properties"]["products"]["items"]
    parts = product["properties"]
    group, parameter, text = parts["groups"]["items"], parts["parameters"]["items"], parts["texts"]["items"]
    text_preview = text["properties"]["preview"]
    return {
        "file": SCHEMA,
        "product": product,
        "section": parts["sections"]["items"],
        "group": group,
        "option": group["properties"]["options"]["items"],
        "parameter": parameter,
        "guide": parameter["properties"]["guide"]["anyOf"][1],
        "text": text,
        "text_preview": text_preview,
        "text_place": text_preview["properties"]["places"]["additionalProperties"],
        "rule": parts["rules"]["items"],
        "price": parts["prices"]["items"],
        "preview": parts["preview"],
        "layer": SCHEMA["$defs"]["layers"]["items"],
        "size": parts["sizes"]["items"],
    }


NODES = _schema_nodes()


def _demo_product(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(), parse_float=Decimal)["products"][0]


def test_every_part_of_the_table_is_in_the_json_schema() -> None:
    assert set(NODES) == set(PARTS)


@pytest.mark.parametrize("name", sorted(PARTS))
def test_json_schema_has_exactly_the_keys_the_table_declares(name: str) -> None:
    part, node = PARTS[name], NODES[name]
    assert [key for key in node["properties"]] == [field.key for field in part.fields]
    assert node.get("additionalProperties") is False
    assert tuple(node.get("required", ())) == part.required


@pytest.mark.parametrize("name", sorted(PARTS))
def test_json_schema_states_the_defaults_of_the_table(name: str) -> None:
    for field in PARTS[name].fields:
        prop = NODES[name]["properties"][field.key]
        if field.required:
            assert "default" not in prop, field.key
            continue
        assert prop.get("default", "missing") == field.default, field.key
        for stated in STATED.findall(prop.get("description", "")):
            assert json.loads(stated.replace("'", '"')) == field.default, (field.key, stated)


@pytest.mark.parametrize("name", sorted(name for name, part in PARTS.items() if part.translatable))
def test_json_schema_translates_the_keys_the_table_marks_translatable(name: str) -> None:
    translations = NODES[name]["properties"]["translations"]["additionalProperties"]["properties"]
    assert tuple(translations) == PARTS[name].translatable


def test_a_sparse_option_takes_the_table_defaults() -> None:
    data = {
        "code": "bike",
        "name": "Bike",
        "currency": "EUR",
        "base_price": "10",
        "groups": [{"code": "frame", "name": "Frame", "options": [{"code": "blue", "name": "Blue"}]}],
    }
    assert check_product(data) == []
    option = product_to_dict(product_from_dict(data))["groups"][0]["options"][0]
    defaults = {"price": "0.00", "bom_quantity": "1", "bom_unit": "pcs", "active": True, "swatch": "", "layers": []}
    assert {key: option[key] for key in defaults} == defaults
    assert list(option) == [field.key for field in OPTION.fields]


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


def test_a_field_the_engine_has_no_attribute_for_travels_in_extra() -> None:
    """Adding a table field needs no engine code: it is read into `extra` and written back."""
    part = Part("option", (*OPTION.fields, Field("weight_grams", Integer(0), 0)))
    option = Option(**read(part, {"code": "blue", "name": "Blue", "weight_grams": 250}, Option))
    assert option.extra == {"weight_grams": 250}
    assert write(part, option, layers=[])["weight_grams"] == 250
    assert Option(**read(part, {"code": "red", "name": "Red"}, Option)).extra == {"weight_grams": 0}


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
