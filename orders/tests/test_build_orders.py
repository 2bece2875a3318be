"""The build order: options with part numbers, parameters with units, exact BOM quantities, the schema."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from catalog.models import CatalogVersion
from configurator.engine.model import Option, Product
from configurator.engine.selection import read_selection
from configurator.loading import version_model
from orders.build_orders import BuildOrderError, bom_lines, build_order_data

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "factory-build-order.schema.json").read_text())


def _build(version: CatalogVersion, config: dict[str, Any]) -> dict[str, Any]:
    product = version_model(version)
    return build_order_data(
        product,
        read_selection(product, config),
        build_order_id="6f1c1bd4-2f0e-4b8e-9d3c-0d6f3f0e2a11",
        order_number="MF-TEST0001",
        catalog_version=version.number,
        placed_at=datetime.datetime(2026, 11, 23, 18, 0, tzinfo=datetime.UTC),
        due_date=datetime.date(2026, 12, 7),
        notes="",
        ship_to={"name": "Ada", "address": "London"},
    )


def test_fabric_length_follows_the_measurements(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    lines = {line["option"]: line for line in _build(shirt, config)["bom_lines"]}
    # 2 * shirt_length + 2 * sleeve + 40 = 2 * 78 + 2 * 64 + 40
    assert lines["oxford_blue"]["quantity"] == "324" and lines["oxford_blue"]["unit"] == "cm"
    config["parameters"]["shirt_length"] = "80.5"
    lines = {line["option"]: line for line in _build(shirt, config)["bom_lines"]}
    assert lines["oxford_blue"]["quantity"] == "329"
    config["parameters"]["sleeve"] = "64.5"
    lines = {line["option"]: line for line in _build(shirt, config)["bom_lines"]}
    assert lines["oxford_blue"]["quantity"] == "330"


def test_build_order_lists_part_numbers_units_and_texts(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    data = _build(shirt, config)
    assert data["product_code"] == "shirt" and data["catalog_version"] == shirt.number
    assert data["bom_lines"][0] == {
        "line": 1,
        "part_number": "SH-BASE-MTM-01",
        "description": "Made-to-measure shirt",
        "quantity": "1",
        "unit": "pcs",
        "group": None,
        "option": None,
    }
    assert {"group": "cuffs", "option": "double", "part_number": "SH-CUF-DBL"}.items() <= next(
        o for o in data["options"] if o["group"] == "cuffs"
    ).items()
    assert {"code": "chest", "name": "Chest", "value": "102", "unit": "cm"} in data["parameters"]
    assert data["texts"] == [{"code": "monogram", "name": "Monogram", "value": "JS"}]
    assert [line["line"] for line in data["bom_lines"]] == list(range(1, len(data["bom_lines"]) + 1))


def test_build_order_matches_its_documented_schema(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    jsonschema.validate(_build(shirt, config), SCHEMA, format_checker=jsonschema.FormatChecker())


def test_the_documented_example_matches_the_schema() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "factory-feed.md").read_text()
    example = doc.split("```json\n", 1)[1].split("```", 1)[0]
    jsonschema.validate(json.loads(example), SCHEMA, format_checker=jsonschema.FormatChecker())


def _product(quantity: str) -> Product:
    from configurator.engine.model import Group, Parameter

    return Product(
        code="p",
        name="P",
        currency="EUR",
        base_price=Decimal("1"),
        groups=(
            Group(
                code="g",
                name="G",
                kind="choice",
                required=True,
                options=(Option(code="o", name="O", part_number="X-1", bom_quantity=quantity, bom_unit="m"),),
            ),
        ),
        parameters=(
            Parameter(code="len", name="Length", unit="m", min=Decimal(0), max=Decimal(10), step=Decimal("0.25")),
        ),
    )


def test_quantity_formulas_are_exact_decimals() -> None:
    product = _product("0.1 * len + 0.2")
    selection = read_selection(product, {"selections": {"g": "o"}, "parameters": {"len": "0.25"}})
    assert bom_lines(product, selection)[0]["quantity"] == "0.225"


def test_a_negative_quantity_is_refused() -> None:
    product = _product("len - 5")
    selection = read_selection(product, {"selections": {"g": "o"}, "parameters": {"len": "1"}})
    with pytest.raises(BuildOrderError, match="negative"):
        bom_lines(product, selection)
