"""Time `POST /api/v1/products/<code>/configure` end to end, through Django's test client.

Django is set up inside the calling process (the worker of one model) with the test
settings, a throwaway SQLite database under a temporary VAR_DIR, and migrations applied.
The catalog is imported and published the way `load_demo` does it; the first request
(which compiles the published version) is timed apart, then recorded selections are
replayed. Each kind of click (monotone walks, mixed walks, random jumps) is replayed
twice, step by step and alternating which goes first: through the service the API calls
(`configuration_propagate`: engine, reasons and the answer's data, no HTTP) and through
the HTTP endpoint.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypedDict

from bench.walks import Stats, Step, stats

# The temporary folders of setup_django, kept for the life of the process (deleted at exit).
_var_dirs: list[tempfile.TemporaryDirectory[str]] = []


class KindResult(TypedDict):
    """One kind of click replayed through the service and through HTTP."""

    service: Stats
    http: Stats
    engine_same_steps: Stats  # the engine's time of the replayed steps, when they were recorded


class HttpResult(TypedDict):
    """Timings of the configure endpoint."""

    setup_s: float  # django.setup + migrate
    import_s: float  # catalog_import(publish=True)
    first_ms: float  # first request: loads and compiles the published version
    requests: Stats  # monotone walks through HTTP (the same as kinds["monotone"]["http"])
    engine_same_steps: Stats  # the engine's walk time of the replayed steps
    errors: int  # responses other than 200
    kinds: dict[str, KindResult]


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


def _timed_both(
    steps: Sequence[Step], budget: float, first: Callable[[Step], bool], second: Callable[[Step], bool]
) -> tuple[list[float], list[float], int]:
    """Time `first` and `second` on each step, alternating which goes first, within `budget` seconds.

    Whichever answers a selection second finds the engine's caches warm for it: alternating
    shares that advantage evenly. Return both lists of times and how many calls failed.
    """
    times: tuple[list[float], list[float]] = ([], [])
    failures = 0
    deadline = time.perf_counter() + budget
    for number, step in enumerate(steps):
        if times[0] and time.perf_counter() >= deadline:
            break
        order = (0, 1) if number % 2 == 0 else (1, 0)
        for which in order:
            begin = time.perf_counter()
            ok = (first, second)[which](step)
            times[which].append(time.perf_counter() - begin)
            failures += not ok
    return times[0], times[1], failures


def measure(catalog: dict[str, Any], base_dir: Path, kinds: Mapping[str, Sequence[Step]], budget: float) -> HttpResult:
    """Import and publish `catalog`, then time each kind of steps through the service and HTTP.

    `budget` seconds per kind and way (both ways alternate within twice that); `kinds` must hold "monotone".
    """
    setup_s = setup_django()
    from django.test import Client

    from catalog.selectors import version_latest_for
    from catalog.services import catalog_import
    from configurator.services import configuration_propagate

    start = time.perf_counter()
    catalog_import(catalog, base_dir=base_dir, publish=True)
    import_s = time.perf_counter() - start

    product = catalog["products"][0]
    url = f"/api/v1/products/{product['code']}/configure"
    multi = frozenset(g["code"] for g in product["groups"] if g.get("kind") == "multi")
    client = Client()

    def post(step: Step) -> bool:
        return bool(client.post(url, _body(step, multi), content_type="application/json").status_code == 200)

    begin = time.perf_counter()
    status = client.post(url, {"selections": {}}, content_type="application/json").status_code
    first = time.perf_counter() - begin
    version = version_latest_for(product["code"])
    assert version is not None

    def serve(step: Step) -> bool:
        configuration_propagate(version, _body(step, multi), "en")
        return True

    errors = int(status != 200)
    results: dict[str, KindResult] = {}
    for kind, steps in kinds.items():
        served, posted, failed = _timed_both(steps, 2 * budget, serve, post)
        errors += failed
        engine = stats([step.seconds for step in steps[: len(posted)]])
        results[kind] = KindResult(service=stats(served), http=stats(posted), engine_same_steps=engine)
    return HttpResult(
        setup_s=setup_s,
        import_s=import_s,
        first_ms=first * 1e3,
        requests=results["monotone"]["http"],
        engine_same_steps=results["monotone"]["engine_same_steps"],
        errors=errors,
        kinds=results,
    )
