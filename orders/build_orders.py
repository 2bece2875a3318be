"""The factory's build order, made from a product model and a complete configuration.

The build order speaks the factory's language: codes and part numbers, measurements
with units, bill-of-materials lines with exact quantities. Names are English (the
catalog's own language), whatever language the shopper ordered in. Its JSON shape is
documented in docs/factory-feed.md and checked by docs/factory-build-order.schema.json.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, TypedDict

from configurator.engine.compiler import vocabulary_for
from configurator.engine.model import Group, Option, Product
from configurator.engine.rules import RuleError, parse_linear
from configurator.engine.selection import Selection

FORMAT = "factory-build-order/1"


class BomLine(TypedDict):
    line: int
    part_number: str
    description: str
    quantity: str
    unit: str
    group: str | None
    option: str | None


class BuildOrderError(ValueError):
    """A quantity formula cannot be evaluated for this configuration."""


def chosen_options(product: Product, selection: Selection) -> Iterator[tuple[Group, Option]]:
    """Yield each chosen option with its group, in the product's order."""
    for group in product.groups:
        chosen = selection.choices.get(group.code, frozenset())
        for option in group.options:
            if option.code in chosen:
                yield group, option


def _quantity(value: Decimal) -> str:
    """Return an exact quantity without trailing zeros ("324", "1.5")."""
    normal = value.normalize()
    return format(normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal, "f")


def bom_lines(product: Product, selection: Selection) -> list[BomLine]:
    """Return the bill of materials: the product's base part, then one line per chosen option.

    Quantities are formulas over the parameters (e.g. fabric `2 * shirt_length + 40`),
    evaluated exactly; options without a part number are made in-house and listed with
    an empty part number so the factory still sees them.
    """
    vocabulary = vocabulary_for(product)
    lines: list[BomLine] = []
    if product.part_number:
        lines.append(
            BomLine(
                line=1,
                part_number=product.part_number,
                description=product.name,
                quantity="1",
                unit="pcs",
                group=None,
                option=None,
            )
        )
    for group, option in chosen_options(product, selection):
        try:
            quantity = parse_linear(option.bom_quantity or "1", vocabulary).evaluate(selection.parameters)
        except (RuleError, ValueError) as error:
            raise BuildOrderError(f"{group.code}.{option.code}: bom_quantity: {error}") from None
        if quantity < 0:
            raise BuildOrderError(f"{group.code}.{option.code}: bom_quantity is negative ({quantity})")
        lines.append(
            BomLine(
                line=len(lines) + 1,
                part_number=option.part_number,
                description=f"{group.name}: {option.name}",
                quantity=_quantity(quantity),
                unit=option.bom_unit,
                group=group.code,
                option=option.code,
            )
        )
    return lines


def build_order_data(
    product: Product,
    selection: Selection,
    *,
    build_order_id: str,
    order_number: str,
    catalog_version: int,
    placed_at: datetime.datetime,
    due_date: datetime.date,
    notes: str,
    ship_to: dict[str, str],
) -> dict[str, Any]:
    """Return the build order document for one order (docs/factory-feed.md)."""
    options = [
        {
            "group": group.code,
            "group_name": group.name,
            "option": option.code,
            "name": option.name,
            "part_number": option.part_number,
        }
        for group, option in chosen_options(product, selection)
    ]
    parameters = [
        {
            "code": p.code,
            "name": p.name,
            "value": format(selection.parameters[p.code], "f"),
            "unit": p.unit,
        }
        for p in product.parameters
        if p.code in selection.parameters
    ]
    texts = [
        {"code": t.code, "name": t.name, "value": selection.texts[t.code]}
        for t in product.texts
        if selection.texts.get(t.code)
    ]
    return {
        "format": FORMAT,
        "build_order_id": build_order_id,
        "order_number": order_number,
        "placed_at": placed_at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
        "due_date": due_date.isoformat(),
        "product_code": product.code,
        "product_name": product.name,
        "product_part_number": product.part_number,
        "catalog_version": catalog_version,
        "options": options,
        "parameters": parameters,
        "texts": texts,
        "bom_lines": bom_lines(product, selection),
        "notes": notes,
        "ship_to": ship_to,
    }


def build_order_body(payload: Any) -> str:
    """Return the JSON text a build order is signed and sent as (the webhook's body).

    The one stored copy is the build order's `payload`; the body is made from it on each
    attempt, canonically (keys sorted, no spaces), so every retry sends the same bytes
    whatever the database does to a JSON document's key order.
    """
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def order_summary(product: Product, selection: Selection, language: str) -> dict[str, Any]:
    """Return what was ordered, in the shopper's language, for the order page and e-mails."""
    options = [
        {
            "group": group.code,
            "group_name": group.label(language),
            "option": option.code,
            "name": option.label(language),
        }
        for group, option in chosen_options(product, selection)
    ]
    return {
        "product_name": product.label(language),
        "options": options,
        "parameters": [
            {
                "code": p.code,
                "name": p.label(language),
                "value": format(selection.parameters[p.code], "f"),
                "unit": p.unit,
            }
            for p in product.parameters
            if p.code in selection.parameters
        ],
        "texts": [
            {"code": t.code, "name": t.label(language), "value": selection.texts[t.code]}
            for t in product.texts
            if selection.texts.get(t.code)
        ],
    }
