"""Celery tasks of personalisation: the option pairs' recount (beat, every COOCCURRENCE_REFRESH_SECONDS)."""

from __future__ import annotations

from celery import shared_task

from personalisation.cooccurrence.refreshing import cooccurrence_refresh as refresh


@shared_task(name="personalisation.tasks.cooccurrence_refresh")
def cooccurrence_refresh() -> dict[str, int]:
    """Recount "often chosen with" for every product from orders and saved configurations; return pairs kept."""
    return refresh()
