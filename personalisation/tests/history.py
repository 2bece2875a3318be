"""Orders of the demo shirt written straight to the table: what the co-occurrence tests count."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal
from typing import Any

from catalog.models import CatalogVersion
from orders.models import Order

_numbers = itertools.count(1)


def orders(version: CatalogVersion, count: int, **selections: Any) -> None:
    """Place `count` orders of the shirt with these selections (written directly: only the choices matter)."""
    Order.objects.bulk_create(
        Order(
            number=f"T-{next(_numbers)}",
            access_key="k",
            catalog_version=version,
            product_code="shirt",
            configuration={"selections": selections, "parameters": {"neck": "40"}, "texts": {"monogram": "JS"}},
            summary={},
            price_lines=[],
            currency="EUR",
            total=Decimal(80),
            customer_name="A",
            customer_email="a@example.com",
            customer_address="Here",
            due_date=date(2026, 1, 1),
        )
        for _ in range(count)
    )
