"""Probes: `GET /healthz` (the process answers) and `GET /readyz` (database, cache and broker answer).

A platform restarts a process whose /healthz fails and sends no traffic to one whose /readyz
fails: a database outage must not restart every web process, so only /readyz looks beyond
the process. The probes need no sign-in, so it names only the component that is down; the error
itself (which may name hosts, users or paths) goes to the log.
"""

from __future__ import annotations

import logging
import os

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app

log = logging.getLogger(__name__)


def database_status() -> str:
    """Return "ok", or "unavailable" (and log why) when a trivial query fails."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means "down"
        log.error("readyz: the database is unavailable: %s: %s", type(error).__name__, error)
        return "unavailable"
    return "ok"


def broker_status() -> str:
    """Return "ok", or "unavailable" (and log why) when the Celery broker cannot be reached."""
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            if str(celery_app.conf.broker_url).startswith("filesystem://"):
                # The file-system transport "connects" even to a missing folder.
                folder = celery_app.conf.broker_transport_options["data_folder_in"]
                if not os.access(folder, os.W_OK | os.X_OK):
                    raise OSError(f"broker folder {folder} is missing or not writable")
    except Exception as error:  # noqa: BLE001
        log.error("readyz: the broker is unavailable: %s: %s", type(error).__name__, error)
        return "unavailable"
    return "ok"


def cache_status() -> str:
    """Return "ok", or "unavailable" (and log why) when the shared cache cannot store and read a key."""
    try:
        cache.set("readyz", "ok", timeout=10)
        if cache.get("readyz") != "ok":
            raise OSError("a key just stored reads back as missing")
    except Exception as error:  # noqa: BLE001
        log.error("readyz: the cache is unavailable: %s: %s", type(error).__name__, error)
        return "unavailable"
    return "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 while the process serves requests (liveness); it touches nothing outside the process."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database, the cache and the broker answer, 503 naming those that do not."""
    checks = {"database": database_status(), "cache": cache_status(), "broker": broker_status()}
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ready else "error", **checks}, status=200 if ready else 503)
