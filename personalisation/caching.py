"""The shared cache as personalisation uses it: a help for speed, never a condition for answering.

A shopper's click reads its suggestions through the cache; when the cache (CACHE_URL) fails, the
database answers and the failure is logged, as for the latest catalog version
(`catalog.selectors.version_latest_cached`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

from config.throttling import CACHE_ERRORS

logger = logging.getLogger(__name__)


def cache_read(key: str) -> Any:
    """Return the value kept under `key`, or None when it is not there or the cache fails."""
    try:
        return cache.get(key)
    except CACHE_ERRORS:
        logger.warning("%s read without the cache (CACHE_URL failed)", key, exc_info=True)
        return None


def cache_keep(key: str, value: Any, seconds: int, *, only_new: bool = False) -> None:
    """Keep `value` under `key` for `seconds` (with `only_new`, unless a value is there); a failing cache is logged."""
    try:
        if only_new:
            cache.add(key, value, seconds)
        else:
            cache.set(key, value, seconds)
    except CACHE_ERRORS:
        logger.warning("%s not kept (CACHE_URL failed)", key, exc_info=True)


def cached[T](key: str, seconds: int, compute: Callable[[], T]) -> T:
    """Return the value under `key`, computing and keeping it when absent (or when the cache fails)."""
    found: T | None = cache_read(key)
    if found is None:
        found = compute()
        cache_keep(key, found, seconds)
    return found


def forget_on_commit(key: str) -> None:
    """Forget `key` once the current transaction commits; a failing cache is logged (its entry then expires)."""

    def forget() -> None:
        try:
            cache.delete(key)
        except CACHE_ERRORS:
            logger.warning("%s not forgotten (CACHE_URL failed): it expires on its own", key, exc_info=True)

    transaction.on_commit(forget)
