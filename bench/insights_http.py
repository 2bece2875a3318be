"""Recording's cost through a real server: the same clicks over HTTP to gunicorn with Insights on and off.

bench/insights.py's test-client figures leave out what only a real server does: Django
closing its connections before the events are written (a new SQLite connection for the
write), the daily salt read from the shared cache, and gunicorn's own work. Here two
gunicorn processes (one sync worker each) serve one throwaway SQLite database, one with
INSIGHTS_ENABLED on and one with it off, and the same htmx clicks go to both, alternating:

- *isolated*: each click alone (a pause after it, so the previous click's write is over):
  the time until the response, what the shopper waits for;
- *back to back*: the clicks one after the other with no pause, so each waits for the
  worker to finish the write after the previous one: the server's whole cost per click.
"""

from __future__ import annotations

import http.client
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.servers import free_port, port_wait
from bench.walks import Stats, stats

ROOT = Path(__file__).resolve().parent.parent
HEADERS = {"HX-Request": "true", "User-Agent": "Mozilla/5.0 (bench)"}
#: After an isolated click: long enough for the write that follows the response.
PAUSE_S = 0.03


def _environment(scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
            "FIELD_ENCRYPTION_KEY": "YmVuY2gtb25seS1maWVsZC1lbmNyeXB0aW9uLWtleTA=",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain HTTP from one client: no TLS redirect, and no rate limit on the clicks.
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "RATELIMIT_ENABLE": "0",
            "VAR_DIR": str(scratch),
            "DATABASE_URL": f"sqlite:///{scratch / 'db.sqlite3'}",
            "CACHE_URL": "db://django_cache",
        }
    )
    return env


@contextmanager
def servers() -> Iterator[dict[bool, int]]:
    """Start gunicorn with Insights on and off on one fresh SQLite database; yield their ports by `enabled`."""
    scratch = Path(tempfile.mkdtemp(prefix="configurator-bench-insights-http-"))
    env = _environment(scratch)
    python = sys.executable
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"], ["load_demo"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    ports = {True: free_port(), False: free_port()}
    while ports[False] == ports[True]:
        ports[False] = free_port()
    started: list[subprocess.Popen[bytes]] = []
    try:
        for enabled, port in ports.items():
            command = [python, "-m", "gunicorn", "config.wsgi", "--workers=1", f"--bind=127.0.0.1:{port}"]
            server_env = {**env, "INSIGHTS_ENABLED": "1" if enabled else "0"}
            started.append(subprocess.Popen([*command, "--log-level=warning"], cwd=ROOT, env=server_env))
        for port in ports.values():
            port_wait(port, seconds=30)
        yield ports
    finally:
        for server in started:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(scratch, ignore_errors=True)


def _get(port: int, url: str) -> float:
    """GET `url` as an htmx click on a new connection; return the seconds until the whole response was read."""
    start = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", url, headers=HEADERS)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    seconds = time.perf_counter() - start
    if not 200 <= response.status < 300:
        raise SystemExit(f"{url} answered {response.status} on port {port}")
    return seconds


def _isolated(ports: dict[bool, int], trace: list[str], repeats: int) -> dict[bool, list[float]]:
    """Each click `repeats` times each way, in a random order per click, alone; keep each click's fastest."""
    fastest: dict[bool, list[float]] = {True: [], False: []}
    for url in trace:
        runs: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(repeats):
            for enabled in random.Random(url).sample((True, False), 2):
                runs[enabled].append(_get(ports[enabled], url))
                time.sleep(PAUSE_S)
        for enabled, seconds in runs.items():
            fastest[enabled].append(min(seconds))
    return fastest


def _back_to_back(port: int, trace: list[str]) -> float:
    """Return the mean seconds per click of `trace` sent one after the other with no pause."""
    start = time.perf_counter()
    for url in trace:
        _get(port, url)
    _get(port, trace[0])  # waits for the last click's write
    return (time.perf_counter() - start) / (len(trace) + 1)


def bench_http(trace: list[str], repeats: int = 3, rounds: int = 3) -> dict[str, Stats | float]:
    """Replay `trace` over HTTP with recording on and off; return the figures (Stats, and ms per click)."""
    with servers() as ports:
        for url in trace:  # warm both workers: models compiled, templates loaded
            for port in ports.values():
                _get(port, url)
        fastest = _isolated(ports, trace, repeats)
        chained: dict[bool, list[float]] = {True: [], False: []}
        for round_ in range(rounds):
            for enabled in (True, False) if round_ % 2 == 0 else (False, True):
                chained[enabled].append(_back_to_back(ports[enabled], trace))
    differences = [on - off for on, off in zip(fastest[True], fastest[False], strict=True)]
    return {
        "on": stats(fastest[True]),
        "off": stats(fastest[False]),
        "paired": stats(differences),
        "chained_on_ms": min(chained[True]) * 1e3,
        "chained_off_ms": min(chained[False]) * 1e3,
    }


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def report(found: dict[str, Stats | float], target_ms: float) -> list[str]:
    """Return the Markdown lines of the HTTP figures."""
    on, off, paired = found["on"], found["off"], found["paired"]
    assert isinstance(on, dict) and isinstance(off, dict) and isinstance(paired, dict)
    chained_on, chained_off = found["chained_on_ms"], found["chained_off_ms"]
    assert isinstance(chained_on, float) and isinstance(chained_off, float)
    verdict = "ok" if paired["p95_ms"] is not None and paired["p95_ms"] <= target_ms else "MISSED"
    return [
        "",
        "Through a real server (gunicorn, one sync worker each, one SQLite database, DEBUG off, the cache in the "
        "database as by default): the same clicks over HTTP, a new connection each, to a server with "
        "INSIGHTS_ENABLED on and one with it off, alternating, each click's fastest of 3 each way kept. Until the "
        "response:",
        "",
        "| recording | n | median ms | p95 ms | |",
        "|---|---|---|---|---|",
        f"| off | {off['n']} | {_ms(off['median_ms'])} | {_ms(off['p95_ms'])} | |",
        f"| on | {on['n']} | {_ms(on['median_ms'])} | {_ms(on['p95_ms'])} | |",
        f"| each click's own difference (on − off) | {paired['n']} | {_ms(paired['median_ms'])} | "
        f"{_ms(paired['p95_ms'])} | ≤ {target_ms:g} ms {verdict} |",
        "",
        f"Back to back (no pause: each click waits for the write after the previous one, so this is the worker's "
        f"whole cost per click; best of 3 rounds): {chained_off:.2f} ms a click off, {chained_on:.2f} ms on "
        f"({chained_on - chained_off:+.2f} ms).",
    ]
