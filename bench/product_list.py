"""Time the product list with 200 products, and the latest-version read of a click.

    .venv/bin/python bench/product_list.py [--products 200] [--runs 30]

Django is set up on a throwaway SQLite database (as bench/http_api.py does) with
`--products` listed products (catalog.tests.factories.listed_products). For each cache
backend reachable (the tests' locmem, the default db:// table, Redis on 127.0.0.1:6379):

- `cold`: GET / through Django's WSGI handler (not the test client, which records every
  template rendered) with the cache emptied first: queries and CPU (process time) per request;
- `warm`: GET / again: the same.
- `latest`: the latest-version read a click makes, from the database (`version_latest_for`)
  and through the cache (`version_latest_cached`), CPU per read.

Medians are printed. Targets: ≤ 3 queries cold, ≤ 5 ms CPU warm.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path[0] == str(Path(__file__).resolve().parent):
    sys.path[0] = str(ROOT)  # import `bench.*` as a package, and never shadow the standard library

import argparse  # noqa: E402
import contextlib  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

from bench.sections import Provenance  # noqa: E402

BACKENDS: dict[str, dict[str, Any]] = {
    "locmem": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "bench"},
    "db": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "django_cache"},
    "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/15"},
}


def _cpu_ms(action: Callable[[], Any]) -> float:
    start = time.process_time()
    action()
    return (time.process_time() - start) * 1000


def _start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], object]:
    return lambda data: None


def _reachable() -> bool:
    """Whether the cache now configured answers; print why not when it does not."""
    from django.core.cache import cache

    try:
        cache.clear()
    except Exception as exc:  # noqa: BLE001 - any unreachable store is skipped, said why
        print(f"skipped: {exc.__class__.__name__}: {exc}")
        return False
    return True


def _click(runs: int) -> tuple[float, float]:
    """Return the median CPU of a configurator click reading the latest version from the database, then the cache."""
    from unittest import mock

    from django.core.handlers.wsgi import WSGIHandler
    from django.test.client import RequestFactory

    from catalog.selectors import version_latest_for
    from configurator import views

    handler = WSGIHandler()
    environ = RequestFactory().get("/p/bike/", {"frame": "blue", "_seen": "look"}).environ

    def click() -> None:
        response = handler(dict(environ), _start_response)
        assert response.status_code == 200, response.status_code
        b"".join(response)

    medians = []
    for patch in (mock.patch.object(views, "version_latest_cached", version_latest_for), contextlib.nullcontext()):
        with patch:
            click()  # the engine's caches and the latest version's entry warm
            medians.append(statistics.median(_cpu_ms(click) for _ in range(runs)))
    return medians[0], medians[1]


def list_figures(runs: int) -> dict[str, float]:
    """GET / through the WSGI handler with the cache now configured, emptied first then warm: medians.

    Return CPU (process time) and queries of a cold and of a warm request (bench/serving.py uses it too).
    """
    from django.core.cache import cache
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.test.client import RequestFactory
    from django.test.utils import CaptureQueriesContext

    handler = WSGIHandler()
    environ = RequestFactory().get("/").environ

    def get() -> None:
        response = handler(dict(environ), _start_response)
        assert b"product-card" in b"".join(response)

    cold_cpu, cold_queries, warm_cpu, warm_queries = [], [], [], []
    for _ in range(runs):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            cold_cpu.append(_cpu_ms(get))
        cold_queries.append(len(queries.captured_queries))
        with CaptureQueriesContext(connection) as queries:
            warm_cpu.append(_cpu_ms(get))
        warm_queries.append(len(queries.captured_queries))
    return {
        "cold_cpu_ms": statistics.median(cold_cpu),
        "cold_queries": statistics.median(cold_queries),
        "warm_cpu_ms": statistics.median(warm_cpu),
        "warm_queries": statistics.median(warm_queries),
    }


def _measure(name: str, runs: int) -> str:
    """Print one cache backend's figures; return them as a row of the Markdown table."""
    from catalog.listing import listing_forget
    from catalog.selectors import version_latest_cached, version_latest_for

    listing = list_figures(runs)
    listing_forget("p0100")
    version_latest_cached("p0100")
    from_db = [_cpu_ms(lambda: version_latest_for("p0100")) for _ in range(runs * 10)]
    cached = [_cpu_ms(lambda: version_latest_cached("p0100")) for _ in range(runs * 10)]
    click_before, click_after = _click(runs * 5)
    figures = (
        listing["cold_cpu_ms"],
        listing["cold_queries"],
        listing["warm_cpu_ms"],
        listing["warm_queries"],
        statistics.median(from_db),
        statistics.median(cached),
        click_before,
        click_after,
    )
    print(
        f"{name:7} list cold {figures[0]:6.2f} ms CPU, {figures[1]:.0f} queries"
        f" | warm {figures[2]:5.2f} ms CPU, {figures[3]:.0f} queries"
        f" | latest version: database {figures[4]:.3f} ms, cache {figures[5]:.3f} ms"
        f" | click GET /p/bike/: {click_before:.2f} ms before, {click_after:.2f} ms after"
    )
    return "| {} | {:.1f} | {:.0f} | {:.2f} | {:.0f} | {:.3f} | {:.3f} | {:.2f} | {:.2f} |".format(name, *figures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--write", action="store_true", help="write the figures into docs/performance.md")
    args = parser.parse_args()
    provenance = Provenance()

    from bench.http_api import setup_django

    setup_django()
    from django.core.management import call_command

    from catalog.services import catalog_import
    from catalog.tests.factories import listed_products, small_catalog

    listed_products(args.products)
    catalog_import(small_catalog(), publish=True)
    print(f"{args.products} listed products, {args.runs} runs, medians (CPU is process time of the request)")
    from django.test.utils import override_settings

    rows = [
        "| cache | list cold ms CPU | cold queries | list warm ms CPU | warm queries | latest version from the"
        " database ms | from the cache ms | click before ms | click after ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, backend in BACKENDS.items():
        # Django's setting_changed receiver drops the cache connections: the next use opens `backend`.
        with override_settings(CACHES={"default": backend}):
            call_command("createcachetable", verbosity=0)
            if _reachable():
                rows.append(_measure(name, args.runs))
    if args.write:
        from bench.sections import write_section

        heading = (
            "## Product list and the latest version\n\n"
            f"{provenance.line()}\n\n"
            f"`bench/product_list.py`: {args.products} listed products on SQLite, medians of {args.runs} runs, CPU as"
            " process time of a request through Django's WSGI handler. *cold*: the cache emptied first; *warm*: the"
            " page again. *latest version*: the read every click makes (`version_latest_for` against"
            " `version_latest_cached`); *click*: `GET /p/bike/` reading it from the database (before) or the cache"
            " (after). Targets: at most 3 queries cold, 5 ms CPU warm. The `db` cache's own reads and writes are"
            " queries.\n\n"
        )
        write_section("product-list", heading + "\n".join(rows), "python bench/product_list.py --write")


if __name__ == "__main__":
    main()
