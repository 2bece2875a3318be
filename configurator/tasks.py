"""Celery tasks of the configurator: the preview expiry sweep (beat, every PREVIEW_SWEEP_SECONDS), the
shared cache's expired entries (hourly), which hold visitors' addresses (throttle counts), and a newly
published version's diagram (sent at publish)."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from catalog.models import CatalogVersion
from config.throttling import cache_expired_delete
from configurator import diagrams, preview_expiry
from configurator.engine.compiler import compile_product
from configurator.loading import version_model


@shared_task(name="configurator.tasks.previews_expire")
def previews_expire() -> dict[str, int]:
    """Remove unused previews and recipes, and the oldest over PREVIEW_MAX_BYTES; return the counts."""
    return asdict(preview_expiry.previews_expire())


@shared_task(name="configurator.tasks.cache_expire")
def cache_expire() -> int:
    """Delete the expired entries of a database cache (throttle counts keyed by address); return how many."""
    return cache_expired_delete()


@shared_task(name="configurator.tasks.diagram_compile")
def diagram_compile(version_id: int) -> str:
    """Compile a published version's solution space and keep it for every process (configurator/diagrams.py).

    Sent at publish, so the first shopper's process reads the diagram instead of compiling it.
    """
    version = CatalogVersion.objects.filter(pk=version_id).first()
    if version is None:
        return "no such version"
    diagram = diagrams.diagram_for(compile_product(version_model(version)), version.checksum)
    return "over budget" if diagram is None else f"{diagram.nodes} nodes"
