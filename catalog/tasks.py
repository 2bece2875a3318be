"""Celery tasks of the catalog: scheduled publications (beat)."""

from __future__ import annotations

import logging

from celery import shared_task

from catalog.schedules import schedules_publish_due

logger = logging.getLogger(__name__)


@shared_task(name="catalog.tasks.publish_due")
def publish_due() -> dict[str, int]:
    """Publish the scheduled drafts whose time has come (beat, every minute); count the outcomes."""
    counts = schedules_publish_due()
    if counts:
        logger.info("catalog: scheduled publications carried out: %s", counts)
    return counts
