"""A complete configuration of the demo shirt, as an order's API body states it.

Shared by the order tests, the two-server test and the order benchmarks: one place to
change when the demo catalog (catalog/demo/shirt.json) changes. `order_row` makes an
unsaved order for bulk writes (the co-occurrence tests and bench/suggestions.py).
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

_SHIRT: dict[str, Any] = {
    "selections": {
        "fabric": "oxford_blue",
        "collar": "classic",
        "sleeves": "long",
        "cuffs": "double",
        "buttons": "white",
        "fit": "regular",
        "pocket": None,
        "monogram_position": "chest",
        "monogram_colour": "navy",
    },
    "parameters": {"neck": "40", "chest": "102", "waist": "90", "sleeve": "64", "arm": "62", "shirt_length": "78"},
    "texts": {"monogram": "JS"},
}


def shirt_configuration(**extra: Any) -> dict[str, Any]:
    """Return a fresh copy of the demo shirt's configuration, with `extra` top-level keys added or replaced."""
    return {**copy.deepcopy(_SHIRT), **extra}


def order_row(version: Any, number: str, configuration: dict[str, Any]) -> Any:
    """Return an unsaved order of catalog `version` holding `configuration`, with placeholder customer data.

    For tests and benchmarks that need many orders fast (`bulk_create`) and count only what was chosen:
    the price, dates and customer are placeholders, never checked by the engine.
    """
    from orders.models import Order

    return Order(
        number=number,
        access_key="sample",
        catalog_version=version,
        product_code=version.product.code,
        configuration=configuration,
        summary={},
        price_lines=[],
        currency="EUR",
        total=Decimal(1),
        customer_name="Sample",
        customer_email="sample@example.com",
        customer_address="Sample",
        due_date=date(2026, 1, 1),
    )
