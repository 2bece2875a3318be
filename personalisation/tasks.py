"""Celery tasks of personalisation: thin, each takes codes and delegates to a service."""

from __future__ import annotations

import logging

from celery import shared_task

from catalog.models import Product
from personalisation.popular import starting_points_refresh

logger = logging.getLogger(__name__)


@shared_task(name="personalisation.tasks.starting_points_refresh", soft_time_limit=300, time_limit=330)
def starting_points_refresh_task(code: str) -> int:
    """Recompute product `code`'s popular builds and re-validate its presets (after a publish or a preset edit)."""
    return starting_points_refresh(code)


@shared_task(name="personalisation.tasks.starting_points_refresh_all", soft_time_limit=1200, time_limit=1260)
def starting_points_refresh_all() -> dict[str, int]:
    """Recompute every listed product's starting points from the orders placed so far (beat)."""
    counts = {}
    for code in Product.objects.filter(active=True, versions__isnull=False).distinct().values_list("code", flat=True):
        counts[code] = starting_points_refresh(code)
    logger.info("personalisation: starting points refreshed: %s", counts)
    return counts
