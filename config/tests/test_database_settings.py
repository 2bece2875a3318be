"""The database settings from DATABASE_URL: kept connections, checked before a request reuses them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _databases(tmp_path: Path, **env: str) -> dict[str, dict[str, object]]:
    """Return DATABASES as config.settings makes it from `env` (no connection is opened)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DB_", "DJANGO_"))}
    base.update(VAR_DIR=str(tmp_path), DEBUG="1", DJANGO_SETTINGS_MODULE="config.settings", **env)
    code = (
        "import json, django; django.setup(); from django.conf import settings; print(json.dumps(settings.DATABASES))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    databases: dict[str, dict[str, object]] = json.loads(done.stdout.strip().splitlines()[-1])
    return databases


def test_a_kept_postgresql_connection_is_checked_before_a_request_reuses_it(tmp_path: Path) -> None:
    default = _databases(tmp_path, DATABASE_URL="postgres://shop@db.internal:5432/shop")["default"]
    assert default["ENGINE"] == "django.db.backends.postgresql"
    # Kept a minute, and checked first: a restarted database or PgBouncer costs one reconnect, not a 500.
    assert default["CONN_MAX_AGE"] == 60 and default["CONN_HEALTH_CHECKS"] is True
    assert default["DISABLE_SERVER_SIDE_CURSORS"] is False
    behind_pgbouncer = _databases(
        tmp_path,
        DATABASE_URL="postgres://shop@pgbouncer.internal:6432/shop",
        DB_CONN_MAX_AGE="0",
        DB_DISABLE_SERVER_SIDE_CURSORS="1",
    )["default"]
    assert behind_pgbouncer["CONN_MAX_AGE"] == 0 and behind_pgbouncer["DISABLE_SERVER_SIDE_CURSORS"] is True


def test_the_running_settings_check_kept_connections() -> None:
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
