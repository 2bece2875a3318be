"""The field table: the one definition the checker, the model, the schema and spreadsheets agree on."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from configurator.engine.fields import OPTION, PARTS, Field, Part, read, write
from configurator.engine.kinds import Integer
from configurator.engine.model import Option, product_from_dict, product_to_dict
from configurator.engine.schema import check_product

ROOT = Path(__file__).resolve().parents[3]
SCHEMA = json.loads((ROOT / "docs" / "catalog-format.schema.json").read_text())
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


def test_a_field_the_engine_has_no_attribute_for_travels_in_extra() -> None:
    """Adding a table field needs no engine code: it is read into `extra` and written back."""
    part = Part("option", (*OPTION.fields, Field("weight_grams", Integer(0), 0)))
    option = Option(**read(part, {"code": "blue", "name": "Blue", "weight_grams": 250}, Option))
    assert option.extra == {"weight_grams": 250}
    assert write(part, option, layers=[])["weight_grams"] == 250
    assert Option(**read(part, {"code": "red", "name": "Red"}, Option)).extra == {"weight_grams": 0}
