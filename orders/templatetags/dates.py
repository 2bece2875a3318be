"""`{% load dates %}`: long dates in the shopper's language, and the estimated dispatch date.

`{{ order.placed_at|long_datetime }}`, `{{ order.due_date|long_date }}`, and
`{% dispatch_estimate product %}` for a product (the catalog's, the engine's, or
anything with a `lead_time_days`, such as the configurator page) before it is
ordered: the same date an order placed now gets.
"""

from __future__ import annotations

import datetime
from typing import Any, Protocol

from django import template

from orders import dates

register = template.Library()


class HasLeadTime(Protocol):
    lead_time_days: int


@register.filter
def long_date(value: datetime.date | None) -> str:
    return dates.long_date(value) if value else ""


@register.filter
def long_datetime(value: datetime.datetime | None) -> str:
    return dates.long_datetime(value) if value else ""


@register.inclusion_tag("orders/_dispatch.html")
def dispatch_estimate(product: HasLeadTime) -> dict[str, Any]:
    """Render "made in N working days: ordered today, it leaves our workshop by <date>"."""
    days = product.lead_time_days
    return {"days": days, "date": dates.dispatch_estimate(days)}
