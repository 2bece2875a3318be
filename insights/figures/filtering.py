"""What a request for figures may name: the default period, and products and versions that exist."""

from __future__ import annotations

import datetime

from django.utils import timezone

from catalog.models import CatalogVersion, Product
from insights.models import DailyVisits

#: The period figures cover when none is given: the last 30 days, today included.
DEFAULT_DAYS = 30


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """Return (since, until): the `DEFAULT_DAYS` days up to `today` (the shop's local today by default)."""
    until = today or timezone.localdate()
    return until - datetime.timedelta(days=DEFAULT_DAYS - 1), until


def product_known(code: str) -> bool:
    """Tell whether `code` names a catalog product, or one that is gone but left figures behind."""
    return Product.objects.filter(code=code).exists() or DailyVisits.objects.filter(product=code).exists()


def version_known(code: str, number: int) -> bool:
    """Tell whether the product has published version `number`, or left figures under it."""
    return (
        CatalogVersion.objects.filter(product__code=code, number=number).exists()
        or DailyVisits.objects.filter(product=code, version=number).exists()
    )
