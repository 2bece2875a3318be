"""The shopper's configurator click, measured: `python bench/shop.py` (also run by `make bench`).

1. Server-side time of one configure click, the htmx request a shopper's click sends
   (`GET /p/<code>/?…` with `HX-Request`: engine + template render), through Django's
   test client, over seeded random walks on both demo catalogs; the same steps through
   the engine alone are the baseline of the same run, so the ratio shows the page's cost.
2. Requests per second of that click under wrk, against gunicorn with 2 workers, on
   PostgreSQL when it answers on 127.0.0.1:5432 (SQLite otherwise, and said so).
Prints a table and returns the figures (bench/run.py writes them into docs/performance.md).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TypedDict

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.http_api import setup_django  # noqa: E402
from bench.servers import free_port, port_wait  # noqa: E402
from bench.walks import Stats, stats  # noqa: E402

PRODUCTS = ("city-car", "shirt")
WALKS = 40
SEED = 20261123


class ClickResult(TypedDict):
    product: str
    clicks: Stats
    engine: Stats  # the engine's answer for the same selections, alone
    errors: int


def _walk_urls(code: str, walks: int, seed: int) -> list[tuple[str, Any]]:
    """Return (url, selection) for every click of `walks` random shopper walks on `code`."""
    from catalog.selectors import version_latest_for
    from configurator.engine.selection import Selection
    from configurator.loading import version_model, version_session
    from configurator.pages import configure_url

    version = version_latest_for(code)
    assert version is not None
    product = version_model(version)
    session = version_session(version)
    rng = random.Random(seed)
    clicks: list[tuple[str, Any]] = []
    for _walk in range(walks):
        choices: dict[str, frozenset[str]] = {}
        parameters: dict[str, Any] = {}
        steps = [s.code for s in product.sections] or [""]
        for _click in range(len(product.groups) + len(product.parameters)):
            selection = Selection(choices=dict(choices), parameters=dict(parameters))
            result = session.propagate(selection, reasons=False)
            open_groups = [g for g in result.groups if g.code not in choices and any(o.available for o in g.options)]
            open_params = [p for p in result.parameters if p.code not in parameters and p.min is not None]
            if not open_groups and not open_params:
                break
            if open_params and (not open_groups or rng.random() < 0.3):
                state = rng.choice(open_params)
                spec = product.parameter(state.code)
                assert spec is not None and state.min is not None and state.max is not None
                count = int((state.max - state.min) / spec.step)
                parameters[state.code] = state.min + spec.step * rng.randint(0, count)
            else:
                group = rng.choice(open_groups)
                option = rng.choice([o.code for o in group.options if o.available])
                choices[group.code] = frozenset([option])
            selection = Selection(choices=dict(choices), parameters=dict(parameters))
            clicks.append((configure_url(product, selection, rng.choice(steps)), selection))
    return clicks


def measure_clicks(code: str, walks: int = WALKS, seed: int = SEED) -> ClickResult:
    """Time the htmx configure click of `code` over seeded random walks.

    The baseline is a fresh engine `Session` on the same compiled model answering the
    same selections in the same order (with reasons), so both start equally cold.
    """
    from django.test import Client

    from catalog.selectors import version_latest_for
    from configurator.engine.session import Session
    from configurator.loading import version_session

    clicks = _walk_urls(code, walks, seed)
    version = version_latest_for(code)
    assert version is not None
    baseline = Session(version_session(version).model)
    engine: list[float] = []
    for _url, selection in clicks:
        start = time.perf_counter()
        baseline.propagate(selection)
        engine.append(time.perf_counter() - start)
    client = Client()
    client.get(clicks[0][0], headers={"HX-Request": "true"})  # warm the template cache
    page: list[float] = []
    errors = 0
    for url, _selection in clicks:
        start = time.perf_counter()
        response = client.get(url, headers={"HX-Request": "true"})
        page.append(time.perf_counter() - start)
        errors += response.status_code != 200
    return ClickResult(product=code, clicks=stats(page), engine=stats(engine), errors=errors)


def _postgres_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


def measure_load(urls: list[str], seconds: int = 15, connections: int = 8) -> dict[str, Any]:
    """Run wrk over `urls` against gunicorn (2 workers); return requests/s and latency figures."""
    wrk = shutil.which("wrk")
    if wrk is None:
        return {"skipped": "wrk is not installed (apt-get install wrk)"}
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update({"DEBUG": "0", "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789"})
    env["FIELD_ENCRYPTION_KEY"] = "YmVuY2gtb25seS1maWVsZC1lbmNyeXB0aW9uLWtleTA="
    env["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    # Plain HTTP from one client: no TLS redirect, and no rate limit on the load itself.
    env.update({"SECURE_SSL_REDIRECT": "0", "SECURE_COOKIES": "0", "RATELIMIT_ENABLE": "0"})
    scratch = Path(tempfile.mkdtemp(prefix="configurator-load-"))
    env["VAR_DIR"] = str(scratch)
    if _postgres_up():
        database = "postgres"
        env["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/configurator_bench"
        server_args = ["-h", "127.0.0.1", "-U", "postgres"]
        subprocess.run(["dropdb", *server_args, "--if-exists", "configurator_bench"], check=False)
        subprocess.run(["createdb", *server_args, "configurator_bench"], check=True)
    else:
        database = "sqlite"
        env["DATABASE_URL"] = f"sqlite:///{scratch / 'db.sqlite3'}"
    python = sys.executable
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"], ["load_demo"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "config.wsgi", "--workers=2", f"--bind=127.0.0.1:{port}", "--log-level=warning"],
        cwd=ROOT,
        env=env,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        port_wait(port)
        script = scratch / "clicks.lua"
        paths = json.dumps(urls)
        script.write_text(
            "local paths = {" + paths[1:-1] + "}\n"
            "local i = 0\n"
            'wrk.headers["HX-Request"] = "true"\n'
            "request = function()\n"
            "  i = i % #paths + 1\n"
            '  return wrk.format("GET", paths[i])\n'
            "end\n"
            "done = function(summary, latency, requests)\n"
            '  io.write(string.format("JSON {\\"requests\\": %d, \\"seconds\\": %f, \\"non2xx\\": %d, '
            '\\"p50_ms\\": %f, \\"p95_ms\\": %f}\\n", summary.requests, summary.duration / 1e6, '
            "summary.errors.status, latency:percentile(50) / 1000, latency:percentile(95) / 1000))\n"
            "end\n"
        )
        # Warm both workers (each compiles the demo models once), then measure.
        subprocess.run([wrk, "-t1", "-c2", "-d3s", "-s", str(script), base], capture_output=True, check=False)
        run = subprocess.run(
            [wrk, "-t2", f"-c{connections}", f"-d{seconds}s", "-s", str(script), base],
            capture_output=True,
            text=True,
            check=False,
        )
        line = next((x for x in run.stdout.splitlines() if x.startswith("JSON ")), None)
        if line is None:
            return {"skipped": f"wrk printed no summary: {run.stderr.strip()[:200]}"}
        figures = json.loads(line[5:])
        return {
            "database": database,
            "workers": 2,
            "connections": connections,
            "requests_per_s": figures["requests"] / figures["seconds"],
            "p50_ms": figures["p50_ms"],
            "p95_ms": figures["p95_ms"],
            "non_2xx": figures["non2xx"],
        }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)


def run(walks: int = WALKS, load_seconds: int = 15) -> dict[str, Any]:
    """Measure both demo catalogs and the load test; return the figures."""
    setup_django()
    from django.core.management import call_command

    call_command("load_demo", stdout=open(os.devnull, "w"))
    results = [measure_clicks(code, walks) for code in PRODUCTS]
    urls = [url for code in PRODUCTS for url, _ in _walk_urls(code, 10, SEED + 1)]
    return {"clicks": results, "load": measure_load(urls, seconds=load_seconds)}


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def report(figures: dict[str, Any]) -> str:
    lines = [
        "| catalog | clicks | click median / p95 (ms) | engine alone median / p95 (ms) | click ÷ engine (median) |",
        "|---|---|---|---|---|",
    ]
    for r in figures["clicks"]:
        c, e = r["clicks"], r["engine"]
        ratio = c["median_ms"] / e["median_ms"] if c["median_ms"] and e["median_ms"] else None
        lines.append(
            f"| {r['product']} | {c['n']} | {_ms(c['median_ms'])} / {_ms(c['p95_ms'])} | "
            f"{_ms(e['median_ms'])} / {_ms(e['p95_ms'])} | {'—' if ratio is None else f'{ratio:.1f}x'} |"
        )
    load = figures["load"]
    if "skipped" in load:
        lines.append(f"\nLoad test skipped: {load['skipped']}")
    else:
        lines.append(
            f"\nUnder load (wrk, {load['connections']} connections, gunicorn {load['workers']} workers, "
            f"{load['database']}): {load['requests_per_s']:.0f} clicks/s, latency p50 {load['p50_ms']:.1f} ms, "
            f"p95 {load['p95_ms']:.1f} ms, {load['non_2xx']} non-2xx answers."
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    import argparse

    from bench.sections import write_section

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--walks", type=int, default=WALKS, help=f"random walks per demo catalog ({WALKS})")
    parser.add_argument("--load-seconds", type=int, default=15, help="length of the wrk run (15)")
    parser.add_argument("--write", action="store_true", help="write the figures into docs/performance.md")
    args = parser.parse_args(argv)
    table = report(run(args.walks, args.load_seconds))
    print(table)
    if args.write:
        heading = (
            "## The shopper's click\n\n"
            "One configure click as the browser sends it (htmx `GET /p/<code>/?…`: engine, page context and "
            "render) through Django's test client on SQLite, over seeded random walks; the engine alone on the same "
            "selections is the baseline. Target: click p95 under 50 ms.\n\n"
        )
        write_section("shop", heading + table, "python bench/shop.py --write")


if __name__ == "__main__":
    main()
