"""Hostile requests against a served app: how fast they are refused, and what others feel meanwhile.

Serves the app with gunicorn (DEBUG off, demo catalogs, SQLite in a scratch VAR_DIR) as one
worker with four threads, the setup where a request holding the GIL stalls every other
one (audit F1: a 1 MB decimal held the whole process for 30 s). A normal client sends
configure requests for the shirt back to back, first alone (the baseline), then while a
hostile client sends, in turn, a measurement of a million digits and JSON nested 10,000
deep. Prints each hostile request's time to its 400 and the normal requests' median and
p95 latency in both phases, with their ratio. `--write` puts the table in
docs/performance.md.

    python bench/abuse.py [--seconds 10] [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.sections import write_section  # noqa: E402
from bench.servers import free_port, port_wait  # noqa: E402

NORMAL = {
    "selections": {"fabric": "oxford_blue", "collar": "classic", "fit": "regular"},
    "parameters": {"neck": "40", "chest": "102"},
}
HOSTILE = {
    "1 MB decimal": json.dumps({"parameters": {"neck": "40." + "0" * 1_000_000 + "1"}}).encode(),
    "JSON 10,000 deep": ('{"parameters": ' + "[" * 10_000 + "]" * 10_000 + "}").encode(),
}


def _post(url: str, body: bytes) -> tuple[int, float]:
    """POST a JSON body; return the status and the seconds until the whole answer was read."""
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            response.read()
            status = int(response.status)
    except urllib.error.HTTPError as error:
        error.read()
        status = int(error.code)
    return status, time.perf_counter() - start


def _normal_phase(url: str, seconds: float, stop: threading.Event | None = None) -> list[float]:
    """Send normal configure requests back to back for `seconds`; return their latencies in ms."""
    body = json.dumps(NORMAL).encode()
    latencies: list[float] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end and not (stop and stop.is_set()):
        status, elapsed = _post(url, body)
        if status != 200:
            raise RuntimeError(f"a normal configure request answered {status}")
        latencies.append(elapsed * 1000)
    return latencies


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def _serve(scratch: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
            "ALLOWED_HOSTS": "127.0.0.1",
            "VAR_DIR": str(scratch),
            "DATABASE_URL": f"sqlite:///{scratch / 'db.sqlite3'}",
            "LOG_LEVEL": "ERROR",
            # Plain HTTP on the loopback; no rate limits, so what is measured is the cost of each request.
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "RATELIMIT_ENABLE": "0",
            "FIELD_ENCRYPTION_KEY": "YmVuY2gtb25seS1maWVsZC1lbmNyeXB0aW9uLWtleTA=",
        }
    )
    python = sys.executable
    for command in (["migrate", "--noinput", "-v0"], ["load_demo"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "config.wsgi", "--workers=1", "--threads=4", f"--bind=127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    port_wait(port)
    return server, f"http://127.0.0.1:{port}"


def measure(seconds: float) -> dict[str, Any]:
    """Run the baseline and the hostile phase against a fresh server; return the figures."""
    scratch = Path(tempfile.mkdtemp(prefix="configurator-abuse-"))
    server, base = _serve(scratch)
    try:
        url = f"{base}/api/v1/products/shirt/configure"
        _normal_phase(url, 2)  # warm up: the worker compiles the demo model once
        baseline = _normal_phase(url, seconds)
        hostile: dict[str, list[tuple[int, float]]] = {name: [] for name in HOSTILE}
        stop = threading.Event()

        def attack() -> None:
            while not stop.is_set():
                for name, body in HOSTILE.items():
                    hostile[name].append(_post(url, body))

        attacker = threading.Thread(target=attack, daemon=True)
        attacker.start()
        during = _normal_phase(url, seconds)
        stop.set()
        attacker.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"baseline": baseline, "during": during, "hostile": hostile, "seconds": seconds}


def table(figures: dict[str, Any]) -> str:
    baseline, during = figures["baseline"], figures["during"]
    lines = [
        "| request | count | answers | median ms | max ms |",
        "|---|---|---|---|---|",
    ]
    for name, results in figures["hostile"].items():
        times = [elapsed * 1000 for _status, elapsed in results]
        answers = ", ".join(sorted({str(status) for status, _ in results}))
        lines.append(f"| {name} | {len(results)} | {answers} | {statistics.median(times):.0f} | {max(times):.0f} |")
    lines += [
        "",
        "| normal configure requests | count | median ms | p95 ms |",
        "|---|---|---|---|",
        f"| alone (baseline) | {len(baseline)} | {statistics.median(baseline):.1f} | {_p95(baseline):.1f} |",
        f"| during the hostile requests | {len(during)} | {statistics.median(during):.1f} | {_p95(during):.1f} |",
        f"| ratio | | {statistics.median(during) / statistics.median(baseline):.2f}x "
        f"| {_p95(during) / _p95(baseline):.2f}x |",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="length of each phase (default 10)")
    parser.add_argument("--write", action="store_true", help="write the figures into docs/performance.md")
    args = parser.parse_args(argv)
    figures = measure(args.seconds)
    text = table(figures)
    print(text)
    if args.write:
        heading = (
            "## Hostile requests\n\n"
            f"`bench/abuse.py`, {time.strftime('%Y-%m-%d %H:%M')}: gunicorn with one worker and four threads "
            f"(DEBUG off, SQLite); each phase {args.seconds:g} s. A normal client configures the shirt back to "
            "back, alone and then while another client sends a 1 MB decimal and JSON nested 10,000 deep in turn. "
            "Times are until the whole answer was read.\n\n"
        )
        write_section("abuse", heading + text, "python bench/abuse.py --write")


if __name__ == "__main__":
    main()
