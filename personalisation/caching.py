"""The shared cache as personalisation uses it: a help for speed, never a condition for answering.

A shopper's click reads its suggestions through the cache; when the cache (CACHE_URL) fails, the
database answers and the failure is logged, as for the latest catalog version
(`catalog.selectors.version_latest_cached`). After a failure the process leaves the cache alone
for `PAUSE_SECONDS`: a Redis that does not answer costs one read timeout, not one per read.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

from config.throttling import CACHE_ERRORS

logger = logging.getLogger(__name__)

#: How long a process leaves a failing cache alone before trying it again.
PAUSE_SECONDS = 10.0


class _Pause:
    """Until when (time.monotonic) this process leaves the cache alone."""

    until = 0.0


pause = _Pause()


def _usable() -> bool:
    return time.monotonic() >= pause.until


def _failed(what: str, key: str) -> None:
    pause.until = time.monotonic() + PAUSE_SECONDS
    logger.warning("%s %s (CACHE_URL failed; left alone for %.0f s)", key, what, PAUSE_SECONDS, exc_info=True)


def cache_read(key: str) -> Any:
    """Return the value kept under `key`, or None when it is not there or the cache fails."""
    if not _usable():
        return None
    try:
        return cache.get(key)
    except CACHE_ERRORS:
        _failed("read without the cache", key)
        return None


def cache_keep(key: str, value: Any, seconds: int, *, only_new: bool = False) -> None:
    """Keep `value` under `key` for `seconds` (with `only_new`, unless a value is there); a failing cache is logged."""
    if not _usable():
        return
    try:
        if only_new:
            cache.add(key, value, seconds)
        else:
            cache.set(key, value, seconds)
    except CACHE_ERRORS:
        _failed("not kept", key)


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
            _failed("not forgotten: it expires on its own", key)

    transaction.on_commit(forget)
