"""Celery tasks of the configurator: the preview expiry sweep (beat, every PREVIEW_SWEEP_SECONDS), and the
shared cache's expired entries (hourly), which hold visitors' addresses (throttle counts)."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from config.throttling import cache_expired_delete
from configurator import preview_expiry


@shared_task(name="configurator.tasks.previews_expire")
def previews_expire() -> dict[str, int]:
    """Remove unused previews and recipes, and the oldest over PREVIEW_MAX_BYTES; return the counts."""
    return asdict(preview_expiry.previews_expire())


@shared_task(name="configurator.tasks.cache_expire")
def cache_expire() -> int:
    """Delete the expired entries of a database cache (throttle counts keyed by address); return how many."""
    return cache_expired_delete()
