"""`GET /healthz`: is the database reachable, is the broker reachable.

The probe needs no sign-in, so it names only the component that is down; the error
itself (which may name hosts, users or paths) goes to the log.
"""

from __future__ import annotations

import logging
import os

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
        log.error("healthz: the database is unavailable: %s: %s", type(error).__name__, error)
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
        log.error("healthz: the broker is unavailable: %s: %s", type(error).__name__, error)
        return "unavailable"
    return "ok"


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when both the database and the broker are up, 503 otherwise."""
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
