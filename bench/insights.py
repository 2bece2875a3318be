"""Benchmark Insights: recording's cost on a click, a full rollup of 1,000,000 events, the figures.

    .venv/bin/python bench/insights.py [--events 1000000] [--clicks 300] [--write]
    .venv/bin/python bench/insights.py --database-url postgres://postgres@127.0.0.1:5432/bench_insights --write
    .venv/bin/python bench/insights.py --http-only --write

Django runs in this process on a throwaway SQLite database (or, with --database-url, on that
PostgreSQL database, dropped and created first), with the demo catalogs published.

- *click*: simulated shoppers' htmx clicks on the configurator (insights/simulation) are
  recorded once, then replayed through Django's test client with recording on and off, the
  two alternating click by click (same run, same clicks). "on" is the time until the
  response; the events are written after it (`request_finished`), shown apart.
- *click over HTTP* (SQLite only; alone with --http-only): the same clicks through two
  gunicorn servers, recording on and off (bench/insights_http.py): what the test client
  cannot see, the connection Django reopens for the write and the salt read from the cache.
- *rollup*: `--events` synthetic events (bench/events.py: a plausible mix over 30 days and
  both demo products) are bulk-inserted, then `rollup_pending()` rolls up every day.
- *figures*: `product_insights` (all the Insights page reads) over the last 30 days of those
  rollups, and the admin's Insights page itself when it exists.

Targets (printed, never asserted): recording adds at most 1 ms at p95; the rollup takes
under 60 s; the page renders in under 300 ms.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path[0] == str(Path(__file__).resolve().parent):
    sys.path[0] = str(ROOT)  # import `bench.*` as a package, and never shadow the standard library

import argparse  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from datetime import timedelta  # noqa: E402
from functools import partial  # noqa: E402
from typing import Any  # noqa: E402

from bench.walks import Stats, stats  # noqa: E402

TARGETS = {"recording_p95_ms": 1.0, "rollup_s": 60.0, "page_ms": 300.0}
PRODUCTS = ("city-car", "shirt")


def setup(database_url: str | None) -> str:
    """Set Django up on a fresh database with the demo catalogs published; return the database vendor."""
    if database_url is None:
        from bench.http_api import setup_django

        setup_django()
    else:
        _create_database(database_url)
        os.environ.update(
            {
                "DJANGO_SETTINGS_MODULE": "config.settings_test",
                "VAR_DIR": tempfile.mkdtemp(prefix="configurator-bench-insights-"),
                "DATABASE_URL": database_url,
                "ALLOWED_HOSTS": "testserver,localhost",
            }
        )
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
    from django.db import connection

    from catalog.services import catalog_import, catalog_parse

    for path in sorted((ROOT / "catalog" / "demo").glob("*.json")):
        catalog_import(catalog_parse(path.read_bytes()), base_dir=path.parent, publish=True)
    return connection.vendor


def _create_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    if "bench" not in name:
        # It is dropped first: never a database whose name does not say it is a benchmark's.
        raise SystemExit(f"--database-url: the database is dropped and created again; '{name}' must contain 'bench'")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


# -- (a) a click with and without recording -------------------------------------------------------
def click_trace(code: str, clicks: int, seed: int) -> list[str]:
    """Return the addresses of `clicks` htmx clicks simulated shoppers made on product `code`, in order."""
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone

    from insights.simulation.calendar import Clock
    from insights.simulation.habits import Taste
    from insights.simulation.shoppers import Shopper, Tally, Visit

    trace: list[str] = []

    class Tracing(Visit):
        def _send(self, method: str, url: str, data: Any = None, **options: Any) -> Any:
            if options.get("htmx") and method == "get":
                trace.append(url)
            return super()._send(method, url, data, **options)

    tally, taste, number = Tally(), Taste(str(seed), code), 0
    with override_settings(RATELIMIT_ENABLE=False):
        while len(trace) < clicks:
            number += 1
            shopper = Shopper("192.0.2.10", "Mozilla/5.0 (bench)", "", random.Random(f"{seed}:{number}"))
            # The real clock, not a simulated one: the replay must find each visit still going.
            Tracing(Client(), shopper, taste, Clock(timezone.now()), tally).run()
    return trace[:clicks]


def _timed_click(client: Any, url: str, enabled: bool, written: list[float]) -> tuple[float, float]:
    """GET one click with recording on or off; return (seconds until the response, seconds in all)."""
    from django.test.utils import override_settings

    written.clear()
    with override_settings(INSIGHTS_ENABLED=enabled):
        start = time.perf_counter()
        client.get(url, headers={"HX-Request": "true", "User-Agent": "Mozilla/5.0 (bench)"}, REMOTE_ADDR="192.0.2.10")
        total = time.perf_counter() - start
    return total - sum(written), total


def bench_click(trace: list[str], repeats: int = 3) -> dict[str, Stats]:
    """Replay `trace` with recording on and off, alternating; return the timings by measure.

    Each click is timed `repeats` times each way and its fastest kept: the click's own cost,
    without the moments another process had the CPU (this machine is shared).
    """
    from django.test import Client

    from insights import recording

    written: list[float] = []
    flush = recording.flush

    def timed_flush() -> None:
        start = time.perf_counter()
        flush()
        written.append(time.perf_counter() - start)

    client = Client()
    for url in trace:  # warm every look up first: preview recipes stored, versions compiled
        client.get(url, headers={"HX-Request": "true"}, REMOTE_ADDR="192.0.2.10")
    samples: dict[str, list[float]] = {"off": [], "on": [], "on, with the write after it": []}
    recording.flush = timed_flush
    try:
        for url in trace:
            runs: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
            for _ in range(repeats):
                for enabled in random.Random(url).sample((True, False), 2):
                    runs[enabled].append(_timed_click(client, url, enabled, written))
            samples["off"].append(min(total for _, total in runs[False]))
            samples["on"].append(min(response for response, _ in runs[True]))
            samples["on, with the write after it"].append(min(total for _, total in runs[True]))
    finally:
        recording.flush = flush
    found = {name: stats(values) for name, values in samples.items()}
    # Each click's own difference: what recording adds to that very request.
    differences = sorted(on - off for on, off in zip(samples["on"], samples["off"], strict=True))
    found["paired"] = Stats(
        n=len(differences),
        median_ms=statistics.median(differences) * 1e3,
        p95_ms=differences[max(0, math.ceil(0.95 * len(differences)) - 1)] * 1e3,
        max_ms=differences[-1] * 1e3,
    )
    return found


# -- (b) the rollup of synthetic events -------------------------------------------------------------
def bench_rollup(events: int, days: int) -> dict[str, float]:
    """Insert `events` synthetic events and roll them all up; return the seconds of each and the rows."""
    from bench.events import insert_events
    from catalog.selectors import version_latest_for
    from configurator.loading import version_model
    from insights.models import DailyOption, DailyStage, DailyVisits
    from insights.rollup import rollup_pending
    from insights.stages import stage_codes

    products = []
    for code in PRODUCTS:
        version = version_latest_for(code)
        assert version is not None, code
        model = version_model(version)
        products.append((model, version.number, stage_codes(model)))
    start = time.perf_counter()
    written = insert_events(products, events, days)
    inserted = time.perf_counter() - start
    start = time.perf_counter()
    rolled = rollup_pending()
    rollup = time.perf_counter() - start
    rows = DailyVisits.objects.count() + DailyStage.objects.count() + DailyOption.objects.count()
    return {"events": written, "insert_s": inserted, "rollup_s": rollup, "days": rolled, "rows": rows}


# -- (c) the figures the Insights page shows --------------------------------------------------------
def _repeat(action: Callable[[], Any], times: int) -> Stats:
    seconds = []
    for _ in range(times):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    return stats(seconds)


def _report(filters: Any) -> Any:
    from insights.figures import product_insights, report_data

    return report_data(product_insights(filters))


def bench_figures(times: int) -> dict[str, Stats]:
    """Time `product_insights` (and the admin's Insights page, when there is one) for each demo product."""
    from django.utils import timezone

    from insights.figures import Filters, product_insights

    until = timezone.localdate()
    found: dict[str, Stats] = {}
    for code in PRODUCTS:
        filters = Filters(product=code, version=None, since=until - timedelta(days=29), until=until, traffic="all")
        product_insights(filters)  # the engine model's first load is not the page's cost
        found[f"{code}: product_insights"] = _repeat(partial(product_insights, filters), times)
        found[f"{code}: + report_data"] = _repeat(partial(_report, filters), times)
        page = _page_request(code)
        if page is not None:
            page()
            found[f"{code}: Insights page (admin)"] = _repeat(page, times)
    return found


def _page_request(code: str) -> Callable[[], Any] | None:
    """Return a call that GETs the admin's Insights page of `code` as a superuser, or None without one."""
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    try:
        url = reverse("admin:insights_productinsight_page", args=[code]) + "?traffic=all"
    except NoReverseMatch:
        return None
    user = User.objects.filter(username="bench").first() or User.objects.create_superuser("bench", "b@example.com", "x")
    client = Client()
    client.force_login(user)

    def get() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    return get


# -- report ------------------------------------------------------------------------------------------
def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def _stat_rows(found: dict[str, Stats], target: float | None = None) -> list[str]:
    rows = []
    for name, figures in found.items():
        verdict = ""
        if target is not None and figures["p95_ms"] is not None:
            verdict = f"< {target:g} ms {'ok' if figures['p95_ms'] < target else 'MISSED'}"
        rows.append(f"| {name} | {figures['n']} | {_ms(figures['median_ms'])} | {_ms(figures['p95_ms'])} | {verdict} |")
    return rows


def report(vendor: str, click: dict[str, Stats], rollup: dict[str, float], figures: dict[str, Stats]) -> str:
    """Return the Markdown section of one run."""
    on, off = click["on"], click["off"]
    lines = [
        f"## Insights ({'PostgreSQL' if vendor == 'postgresql' else 'SQLite'})",
        "",
        f"`bench/insights.py` on {vendor}, {time.strftime('%Y-%m-%d')}. Targets: recording adds at most "
        f"{TARGETS['recording_p95_ms']:g} ms to a click at p95; a full rollup of 1,000,000 events under "
        f"{TARGETS['rollup_s']:g} s; the Insights page under {TARGETS['page_ms']:g} ms.",
        "",
        "A configurator click (htmx GET through Django's test client; the same clicks of simulated shoppers with "
        "recording on and off, alternating, each click's fastest of 3 each way kept: this machine is shared):",
        "",
        "| recording | n | median ms | p95 ms | |",
        "|---|---|---|---|---|",
        *_stat_rows({name: figures for name, figures in click.items() if name != "paired"}),
    ]
    if on["median_ms"] is not None and off["median_ms"] is not None and on["p95_ms"] and off["p95_ms"]:
        p95 = on["p95_ms"] - off["p95_ms"]
        paired = click["paired"]
        lines.append(
            f"| each click's own difference (on − off) | {paired['n']} | {_ms(paired['median_ms'])} | "
            f"{_ms(paired['p95_ms'])} | |"
        )
        verdict = "ok" if p95 <= TARGETS["recording_p95_ms"] else "MISSED"
        lines.append(
            f"| difference (on − off, until the response) | | {on['median_ms'] - off['median_ms']:+.2f} | "
            f"{p95:+.2f} | ≤ {TARGETS['recording_p95_ms']:g} ms {verdict} |"
        )
    rollup_verdict = "ok" if rollup["rollup_s"] < TARGETS["rollup_s"] else "MISSED"
    lines += [
        "",
        f"Rollup: {int(rollup['events']):,} synthetic events over 30 days and 2 products, bulk-inserted in "
        f"{rollup['insert_s']:.1f} s; `rollup_pending()` rebuilt {int(rollup['days'])} days in "
        f"**{rollup['rollup_s']:.1f} s** (< {TARGETS['rollup_s']:g} s {rollup_verdict}; "
        f"{rollup['events'] / rollup['rollup_s']:,.0f} events/s).",
        "",
        "The figures of the last 30 days from those rollups (all traffic):",
        "",
        "| measure | n | median ms | p95 ms | |",
        "|---|---|---|---|---|",
        *_stat_rows(figures, TARGETS["page_ms"]),
    ]
    return "\n".join(lines) + "\n"


def _http(trace: list[str], write: bool) -> None:
    """Measure the clicks through real servers and print (and write) their section."""
    from bench.insights_http import bench_http
    from bench.insights_http import report as http_report

    found = bench_http(trace)
    markdown = "\n".join(
        [
            "## Insights: recording through a real server (SQLite)",
            "",
            f"`bench/insights.py` (bench/insights_http.py), {time.strftime('%Y-%m-%d')}. This machine is shared "
            "with other jobs: each figure is the fastest of several tries, and the difference is what matters.",
            *http_report(found, TARGETS["recording_p95_ms"]),
        ]
    )
    print(markdown)
    if write:
        from bench.sections import write_section

        write_section("insights-http", markdown, "python bench/insights.py --http-only --write")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000, help="synthetic events to roll up (1,000,000)")
    parser.add_argument("--clicks", type=int, default=300, help="clicks replayed with recording on and off (300)")
    parser.add_argument("--times", type=int, default=20, help="repeats of each figures measure (20)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", help="a PostgreSQL database to use (dropped and created first)")
    parser.add_argument("--http-only", action="store_true", help="only the clicks through real servers (SQLite)")
    parser.add_argument("--write", action="store_true", help="write the figures into docs/performance.md")
    args = parser.parse_args()
    vendor = setup(args.database_url)
    print(f"database: {vendor}")
    trace = [url for code in PRODUCTS for url in click_trace(code, args.clicks // len(PRODUCTS), args.seed)]
    if vendor == "sqlite":
        _http(trace, args.write)
    if args.http_only:
        return
    click = bench_click(trace)
    print("click:", {name: (s["median_ms"], s["p95_ms"]) for name, s in click.items()})
    rollup = bench_rollup(args.events, 30)
    print("rollup:", rollup)
    figures = bench_figures(args.times)
    markdown = report(vendor, click, rollup, figures)
    print(markdown)
    if args.write:
        from bench.sections import write_section

        write_section(
            f"insights-{vendor}",
            markdown,
            "python bench/insights.py --write" + (" --database-url …" if args.database_url else ""),
        )


if __name__ == "__main__":
    main()
