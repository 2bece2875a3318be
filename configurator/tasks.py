"""Celery tasks of the configurator: the preview expiry sweep (beat, every PREVIEW_SWEEP_SECONDS)."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from configurator import preview_expiry


@shared_task(name="configurator.tasks.previews_expire")
def previews_expire() -> dict[str, int]:
    """Remove unused previews and recipes, and the oldest over PREVIEW_MAX_BYTES; return the counts."""
    return asdict(preview_expiry.previews_expire())
