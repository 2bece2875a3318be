"""Celery tasks of the insights: the rollup of new events and the expiry of old ones (beat)."""

from __future__ import annotations

import logging

from celery import shared_task

from insights import rollup as rollups

logger = logging.getLogger(__name__)


@shared_task(name="insights.tasks.rollup")
def rollup() -> dict[str, int]:
    """Roll up the days with new events, then expire old events and rollups (beat, every INSIGHTS_ROLLUP_SECONDS)."""
    days = rollups.rollup_pending()
    events, rows = rollups.expire()
    logger.info("insights: %d days rolled up, %d events and %d rollup rows expired", days, events, rows)
    return {"days": days, "events_expired": events, "rollups_expired": rows}
