"""Time `POST /api/v1/products/<code>/configure` end to end, through Django's test client.

Django is set up inside the calling process (the worker of one model) with the test
settings, a throwaway SQLite database under a temporary VAR_DIR, and migrations applied.
The catalog is imported and published the way `load_demo` does it; the first request
(which compiles the published version) is timed apart, then recorded selections are
replayed.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypedDict

from bench.walks import Stats, Step, stats

# The temporary folders of setup_django, kept for the life of the process (deleted at exit).
_var_dirs: list[tempfile.TemporaryDirectory[str]] = []


class HttpResult(TypedDict):
    """Timings of the configure endpoint."""

    setup_s: float  # django.setup + migrate
    import_s: float  # catalog_import(publish=True)
    first_ms: float  # first request: loads and compiles the published version
    requests: Stats
    engine_same_steps: Stats  # the engine's walk time of the replayed steps
    errors: int  # responses other than 200


def setup_django() -> float:
    """Configure Django on a temporary database and migrate it; return the seconds it took."""
    start = time.perf_counter()
    var_dir = tempfile.TemporaryDirectory(prefix="configurator-bench-")
    _var_dirs.append(var_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    os.environ["VAR_DIR"] = var_dir.name
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(var_dir.name) / 'db.sqlite3'}"
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ.pop("DEBUG", None)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return time.perf_counter() - start


def _body(step: Step, multi: frozenset[str]) -> dict[str, Any]:
    return {
        "selections": {
            group: sorted(chosen) if group in multi else next(iter(chosen), None)
            for group, chosen in step.selection.choices.items()
        }
    }


def measure(catalog: dict[str, Any], base_dir: Path, steps: Sequence[Step], budget: float) -> HttpResult:
    """Import and publish `catalog`, then time the configure endpoint on `steps` (within `budget` s)."""
    setup_s = setup_django()
    from django.test import Client

    from catalog.services import catalog_import

    start = time.perf_counter()
    catalog_import(catalog, base_dir=base_dir, publish=True)
    import_s = time.perf_counter() - start

    product = catalog["products"][0]
    url = f"/api/v1/products/{product['code']}/configure"
    multi = frozenset(g["code"] for g in product["groups"] if g.get("kind") == "multi")
    client = Client()

    def post(body: dict[str, Any]) -> tuple[float, int]:
        begin = time.perf_counter()
        response = client.post(url, body, content_type="application/json")
        return time.perf_counter() - begin, response.status_code

    first, status = post({"selections": {}})
    errors = int(status != 200)
    seconds: list[float] = []
    engine: list[float] = []
    deadline = time.perf_counter() + budget
    for step in steps:
        if seconds and time.perf_counter() >= deadline:
            break
        elapsed, status = post(_body(step, multi))
        seconds.append(elapsed)
        engine.append(step.seconds)
        errors += status != 200
    return HttpResult(
        setup_s=setup_s,
        import_s=import_s,
        first_ms=first * 1e3,
        requests=stats(seconds),
        engine_same_steps=stats(engine),
        errors=errors,
    )
