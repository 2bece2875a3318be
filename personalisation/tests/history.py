"""Orders of the demo shirt written straight to the table: what the co-occurrence tests count."""

from __future__ import annotations

import itertools
from typing import Any

from catalog.models import CatalogVersion
from orders.models import Order
from orders.samples import order_row

_numbers = itertools.count(1)


def orders(version: CatalogVersion, count: int, **selections: Any) -> None:
    """Place `count` orders of the shirt with these selections (written directly: only the choices matter)."""
    configuration = {"selections": selections, "parameters": {"neck": "40"}, "texts": {"monogram": "JS"}}
    Order.objects.bulk_create(order_row(version, f"T-{next(_numbers)}", configuration) for _ in range(count))
