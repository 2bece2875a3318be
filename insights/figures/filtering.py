"""What a request for figures may name (the default period, products, versions), and the rollup rows it selects."""

from __future__ import annotations

import datetime

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from catalog.models import CatalogVersion, Product
from insights.figures.types import Filters
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


def period_rows[M: Model](model: type[M], filters: Filters) -> QuerySet[M]:
    """Return the rollup rows of the filter's product, days and version, whatever their traffic."""
    rows = model._default_manager.filter(product=filters.product, day__range=(filters.since, filters.until))
    return rows if filters.version is None else rows.filter(version=filters.version)


def traffic_q(filters: Filters) -> Q:
    """Return the condition on `simulated` of the filter's traffic."""
    if filters.traffic == "all":
        return Q(simulated__in=(False, True))
    return Q(simulated=filters.traffic == "simulated")


def rollup_rows[M: Model](model: type[M], filters: Filters) -> QuerySet[M]:
    """Return the rollup rows the filters select."""
    return period_rows(model, filters).filter(traffic_q(filters))
