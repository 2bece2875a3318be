"""The production setup under load: gunicorn on PostgreSQL and Redis, in one run (issue 17).

    .venv/bin/python bench/serving.py [--clients 8] [--seconds 15] [--publishes 20] [--orders 200] [--write]

gunicorn with config/gunicorn.conf.py (2 workers x 4 threads, the catalog warmed in the master),
DEBUG off, on a PostgreSQL database of its own (`bench_serving`, dropped and created), the
machine's Redis on 127.0.0.1:6379 (db 13 the cache, db 12 the Celery broker: only those two are
flushed), a Celery worker and the factory simulator (orders/harness.py). Figures:

1. *clicks*: `--clients` threads, each a keep-alive HTTP client, for `--seconds` each: the htmx
   configure click of the city car and the shirt (seeded random walks, bench/shop.py) and
   `POST /api/v1/products/<code>/configure` with each demo product's shipped configuration
   (the city car's defaults completed, the shirt's of orders/samples.py): clicks/s and
   p50/p95/p99 as the clients saw them;
2. *first answer*: Renault Megane's page (../shared/benchmarks/renault-megane, read with the XCSP
   reader) right after gunicorn starts, and right after each of `--publishes` publishes made by a
   separate process with `catalog_publish` while the server runs, against a warm answer.
   Target: the first answer within 2x a warm one (no request waits for a compile). After each
   publish the next waits until every worker serves the new version (polled through the configure
   API, which names the version it answered with), as a shop publishes minutes apart: the time
   that takes is reported too;
3. *RSS per worker*: VmRSS of every gunicorn worker (the master's children) after the first
   publish and after the last. Target: within 20 %;
4. *orders*: `POST /api/v1/orders` through gunicorn from the clients (orders/s), then a backlog
   placed with the worker stopped and delivered to the simulator once it starts (deliveries/s);
5. *product list*: bench/product_list.py's measure with `--products` listed products on the same
   PostgreSQL and the Redis cache. Targets: at most 3 queries cold, 5 ms CPU warm.

The database is dropped and Redis db 12 and 13 emptied at the end of a run that finishes.

Exits with status 2 when PostgreSQL or Redis does not answer (`make bench` then skips it).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path[0] == str(Path(__file__).resolve().parent):
    sys.path[0] = str(ROOT)  # import `bench.*` and the project as packages

import argparse  # noqa: E402
import concurrent.futures  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402

import requests  # noqa: E402

from bench.servers import free_port  # noqa: E402
from orders.harness import Pipeline, wait_until  # noqa: E402

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_serving"
REDIS = ("127.0.0.1", 6379)
CACHE_DB, BROKER_DB = 13, 12
BIG = "renault"
PRODUCTS = ("city-car", "shirt")
#: first answer within this many warm ones; RSS after the last publish within this share of after the first
FIRST_TARGET, RSS_TARGET = 2.0, 0.20
LIST_CPU_TARGET_MS, LIST_QUERIES_TARGET = 5.0, 3


def _up(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=0.5):
            return True
    except OSError:
        return False


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _met(ok: bool) -> str:
    return "met" if ok else "MISSED"


def bench_env(database_url: str, var_dir: Path) -> dict[str, str]:
    """The environment of every process of the run: production settings, DEBUG off, plain HTTP."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "CELERY_TASK_ALWAYS_EAGER")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-not-for-production-use-0123456789",
            "FIELD_ENCRYPTION_KEY": "YmVuY2gtb25seS1maWVsZC1lbmNyeXB0aW9uLWtleTA=",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0",
            "RATELIMIT_ENABLE": "0",
            "DATABASE_URL": database_url,
            "CACHE_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{CACHE_DB}",
            "CELERY_BROKER_URL": f"redis://{REDIS[0]}:{REDIS[1]}/{BROKER_DB}",
            "VAR_DIR": str(var_dir),
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


@dataclass
class SharedPipeline(Pipeline):
    """orders/harness.py's worker and factory simulator, on the machine's Redis and production settings."""

    base_env: dict[str, str] = field(default_factory=dict)

    @property
    def broker_url(self) -> str:
        return self.base_env["CELERY_BROKER_URL"]

    def start_redis(self) -> None:
        """The machine's Redis serves: nothing to start."""

    def env(self) -> dict[str, str]:
        return {**super().env(), **self.base_env}


# --- load ------------------------------------------------------------------------------------


@dataclass
class Load:
    """What `--clients` threads saw for `seconds`."""

    requests: int
    seconds: float
    errors: int
    latencies_ms: list[float]

    @property
    def per_s(self) -> float:
        return self.requests / self.seconds

    def figures(self) -> dict[str, float]:
        return {
            "per_s": round(self.per_s, 1),
            "p50_ms": round(_percentile(self.latencies_ms, 0.50), 1),
            "p95_ms": round(_percentile(self.latencies_ms, 0.95), 1),
            "p99_ms": round(_percentile(self.latencies_ms, 0.99), 1),
            "errors": self.errors,
        }


Call = Callable[[requests.Session, int], bool]


def load(clients: int, seconds: float, call: Call) -> Load:
    """Run `call(session, n)` from `clients` threads for `seconds`; return what they saw."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    deadline = time.perf_counter() + seconds

    def client(index: int) -> None:
        with requests.Session() as session:
            n = index
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                ok = call(session, n)
                latencies[index].append((time.perf_counter() - start) * 1000)
                errors[index] += not ok
                n += clients

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    flat = [x for one in latencies for x in one]
    return Load(requests=len(flat), seconds=elapsed, errors=sum(errors), latencies_ms=flat)


def get_each(base: str, paths: Sequence[str], headers: dict[str, str] | None = None) -> Call:
    def call(session: requests.Session, n: int) -> bool:
        return session.get(base + paths[n % len(paths)], headers=headers, timeout=120).status_code == 200

    return call


def post_each(base: str, posts: Sequence[tuple[str, dict[str, Any]]]) -> Call:
    def call(session: requests.Session, n: int) -> bool:
        path, body = posts[n % len(posts)]
        return session.post(base + path, json=body, timeout=120).status_code == 200

    return call


def timed_get(url: str) -> float:
    """Milliseconds of one GET of `url` on a fresh connection (raises on an answer other than 200)."""
    elapsed, status = timed_status(url)
    if status != 200:
        raise RuntimeError(f"GET {url} answered {status}")
    return elapsed


def timed_status(url: str) -> tuple[float, int]:
    """Milliseconds and status of one GET of `url` on a fresh connection."""
    start = time.perf_counter()
    response = requests.get(url, timeout=300)
    return (time.perf_counter() - start) * 1000, response.status_code


# --- the server -------------------------------------------------------------------------------


class Gunicorn:
    """config/gunicorn.conf.py on a free port, its log in `log`."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**env, "PORT": str(self.port)}
        self.log = log
        self.popen: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Start gunicorn; return the seconds until it accepts connections (warming included)."""
        began = time.perf_counter()
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.conf.py", "config.wsgi"],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

        def listening() -> bool:
            assert self.popen is not None
            if self.popen.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.popen.returncode}: see {self.log}")
            return _up(("127.0.0.1", self.port))

        wait_until(listening, 600, "gunicorn to listen", interval=0.05)
        return time.perf_counter() - began

    def workers(self) -> list[int]:
        """The master's children that are gunicorn workers (not the fork server warming started)."""
        assert self.popen is not None
        pid = self.popen.pid
        children = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        return [child for child in children if b"gunicorn" in Path(f"/proc/{child}/cmdline").read_bytes()]

    def rss_mb(self) -> list[float]:
        """VmRSS of each worker in MB."""
        sizes = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)


# --- the publisher (a separate process) -------------------------------------------------------


def publisher(code: str) -> None:
    """Publish a new version of `code` for each line read from stdin; print one JSON line for each.

    Each version changes the base price by a cent, so it is a new version a shopper must be
    served from, with the same rules.
    """
    import django

    django.setup()
    from decimal import Decimal

    from catalog.models import Product
    from catalog.services import catalog_publish

    product = Product.objects.get(code=code)
    base = product.base_price
    for count, _line in enumerate(sys.stdin, start=1):
        product.base_price = base + Decimal(count) / 100
        product.save(update_fields=["base_price"])
        start = time.perf_counter()
        result = catalog_publish(product, note=f"bench/serving.py publish {count}")
        print(json.dumps({"number": result.version.number, "seconds": time.perf_counter() - start}), flush=True)


class Publisher:
    def __init__(self, env: dict[str, str], code: str, log: Path) -> None:
        self.log = log.open("ab")
        self.popen = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), "--publisher", code],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )

    def publish(self) -> dict[str, Any]:
        assert self.popen.stdin is not None and self.popen.stdout is not None
        self.popen.stdin.write("publish\n")
        self.popen.stdin.flush()
        line = self.popen.stdout.readline()
        if not line:
            raise RuntimeError(f"the publisher exited with {self.popen.wait()}: see {self.log.name}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        if self.popen.stdin is not None:
            self.popen.stdin.close()
        self.popen.wait(timeout=30)
        self.log.close()


# --- the run ----------------------------------------------------------------------------------


def _prepare(env: dict[str, str], database_url: str) -> None:
    """(Re)create the database, migrate, collect static files, load the demo catalogs; flush Redis db 12, 13."""
    import redis

    from bench.orders import _create_database

    for db in (CACHE_DB, BROKER_DB):
        redis.Redis(host=REDIS[0], port=REDIS[1], db=db).flushdb()
    _create_database(database_url)
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"], ["load_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL
        )


def _big_import() -> float:
    """Import and publish Renault Megane (as bench/http_api.py does); return the seconds it took."""
    from bench.models import SPECS
    from catalog.services import catalog_import

    spec = SPECS[BIG]
    missing = spec.missing()
    if missing:
        raise SystemExit(f"Renault Megane: {missing}")
    start = time.perf_counter()
    catalog_import(spec.read(), publish=True)
    return time.perf_counter() - start


def _first_and_warm(url: str, warm: int = 20) -> tuple[float, float, float]:
    """The first answer, the slowest of the next 9 (the other worker's first), the median of `warm` after."""
    first = timed_get(url)
    early = [timed_get(url) for _ in range(9)]
    return first, max(early), statistics.median(timed_get(url) for _ in range(warm))


def _until_every_worker_serves(base: str, number: int, timeout: float = 300.0) -> float:
    """Wait until every worker answers with version `number` (its background build done); the seconds it took.

    A shop publishes minutes apart, not while the last version still compiles: the next publish
    is measured on a server that has switched, and the time to switch is a figure of its own.
    """
    start = time.perf_counter()
    url = f"{base}/api/v1/products/{BIG}/configure"

    def probe() -> object:
        # A new connection each time (no keep-alive), several at once: every worker gets some.
        answer = requests.post(url, json={"selections": {}}, headers={"Connection": "close"}, timeout=300)
        return answer.json().get("version")

    while time.perf_counter() - start < timeout:
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            served = set(pool.map(lambda _: probe(), range(16)))
        if served == {number}:
            return time.perf_counter() - start
        time.sleep(0.2)
    raise RuntimeError(f"version {number} was not served by every worker within {timeout:g} s")


def _both_workers(url: str, clients: int = 4, each: int = 4) -> list[int]:
    """Enough concurrent requests that every worker answers `url` (the workers share the accepts); the statuses."""
    statuses: list[int] = []

    def client() -> None:
        with requests.Session() as session:
            for _ in range(each):
                statuses.append(session.get(url, timeout=300).status_code)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Measure everything; return the figures."""
    from bench.sections import Provenance

    provenance = Provenance()
    scratch = Path(tempfile.mkdtemp(prefix="configurator-bench-serving-"))
    env = bench_env(args.database_url, scratch / "var")
    (scratch / "var").mkdir()
    os.environ.update(env)
    figures: dict[str, Any] = {"clients": args.clients, "seconds": args.seconds}
    print(f"preparing {args.database_url} (logs in {scratch})", flush=True)
    _prepare(env, args.database_url)
    import django

    django.setup()
    from bench.orders import CUSTOMER, SECRET
    from bench.shop import SEED, _walk_urls
    from catalog.selectors import version_latest_for
    from configurator.services import configuration_complete
    from orders import services as order_services
    from orders.models import Delivery, DeliveryState
    from orders.samples import shirt_configuration

    figures["big_import_s"] = round(_big_import(), 1)
    clicks = {code: [url for url, _ in _walk_urls(code, 10, SEED + 1)] for code in PRODUCTS}
    shipped: dict[str, dict[str, Any]] = {}
    car = version_latest_for("city-car")
    assert car is not None
    shipped["city-car"] = configuration_complete(car, {}, "en")["configuration"]  # the catalog's defaults
    shipped["shirt"] = shirt_configuration()  # the demo shirt's order (orders/samples.py)
    from django.db import connections

    connections.close_all()

    pipeline = SharedPipeline(workdir=scratch, database_url=args.database_url, secret=SECRET, settings={}, base_env=env)
    server = Gunicorn(env, scratch / "gunicorn.log")
    publisher_process: Publisher | None = None
    try:
        pipeline.start()
        order_services.endpoint_save(name="simulator", url=pipeline.factory_url, secret=SECRET, internal=True)
        connections.close_all()

        # 2a. first answer after a start
        figures["start_s"] = round(server.start(), 1)
        big_page = f"{server.base}/p/{BIG}/"
        # Each worker's first page (templates, first connections) on a small product, then the big model's.
        process_first = timed_get(f"{server.base}/p/{PRODUCTS[0]}/")
        _both_workers(f"{server.base}/p/{PRODUCTS[0]}/")
        first, early, warm = _first_and_warm(big_page)
        figures["start"] = {
            "process_first_ms": round(process_first, 1),
            "first_ms": round(first, 1),
            "early_max_ms": round(early, 1),
            "warm_ms": round(warm, 1),
        }
        print(f"started in {figures['start_s']} s; {BIG}: {figures['start']}", flush=True)

        # 1. clicks
        loads = {}
        for code in PRODUCTS:
            loads[f"{code} click"] = load(
                args.clients, args.seconds, get_each(server.base, clicks[code], {"HX-Request": "true"})
            ).figures()
        posts = [(f"/api/v1/products/{code}/configure", body) for code, body in shipped.items()]
        loads["configure API"] = load(args.clients, args.seconds, post_each(server.base, posts)).figures()
        figures["loads"] = loads
        for name, one in loads.items():
            print(f"{name}: {one}", flush=True)

        # 2b, 3. publishes: the first answer after each, RSS after the first and the last
        publisher_process = Publisher(env, BIG, scratch / "publisher.log")
        after: list[float] = []
        failed: list[str] = []
        publish_s: list[float] = []
        settle_s: list[float] = []
        rss_first: list[float] = []
        for count in range(1, args.publishes + 1):
            published = publisher_process.publish()
            publish_s.append(published["seconds"])
            elapsed, status = timed_status(big_page)
            after.append(elapsed)
            if status != 200:
                failed.append(f"publish {count}: {status}")
            failed += [f"publish {count}, another request: {s}" for s in _both_workers(big_page) if s != 200]
            settle_s.append(_until_every_worker_serves(server.base, published["number"]))
            if count == 1:
                rss_first = server.rss_mb()
            print(f"publish {count}: v{published['number']} first answer {elapsed:.0f} ms ({status})", flush=True)
        rss_last = server.rss_mb()
        warm_answers = [timed_status(big_page) for _ in range(20)]
        failed += [f"warm: {status}" for _, status in warm_answers if status != 200]
        warm_after = statistics.median([ms for ms, status in warm_answers if status == 200] or [float("inf")])
        figures["publish"] = {
            "publishes": args.publishes,
            "publish_median_s": round(statistics.median(publish_s), 2),
            "first_median_ms": round(statistics.median(after), 1),
            "settle_median_s": round(statistics.median(settle_s), 2),
            "settle_max_s": round(max(settle_s), 2),
            "first_max_ms": round(max(after), 1),
            "warm_ms": round(warm_after, 1),
            "errors": len(failed),
            "first_errors": failed[:5],
        }
        figures["rss"] = {"first_mb": [round(x) for x in rss_first], "last_mb": [round(x) for x in rss_last]}

        # 4. orders: placed through gunicorn, then a backlog delivered
        body = {"product": "shirt", **shipped["shirt"], "customer": CUSTOMER}

        def place(session: requests.Session, n: int) -> bool:
            key = f"bench-serving-{time.time_ns()}-{n}"
            response = session.post(
                f"{server.base}/api/v1/orders", json=body, headers={"Idempotency-Key": key}, timeout=120
            )
            return response.status_code == 201

        def delivered() -> int:
            return Delivery.objects.filter(state=DeliveryState.DELIVERED).count()

        placing = load(args.clients, args.order_seconds, place)
        wait_until(lambda: delivered() >= placing.requests - placing.errors, 300, "the placed orders' deliveries", 0.2)
        assert pipeline.worker is not None
        pipeline.worker.kill()
        before = delivered()
        backlog = 0
        with requests.Session() as session:
            while backlog < args.orders:
                backlog += place(session, backlog)
        pipeline.worker.start()
        wait_until(lambda: delivered() > before, 120, "the first backlog delivery", interval=0.01)
        start, first_count = time.perf_counter(), delivered()
        wait_until(lambda: delivered() >= before + backlog, 600, "the backlog's deliveries", interval=0.05)
        figures["orders"] = {
            **placing.figures(),
            "placed": placing.requests,
            "backlog": backlog,
            "deliveries_per_s": round((before + backlog - first_count) / (time.perf_counter() - start), 1),
            "worker_processes": pipeline.concurrency,
        }
        print(f"orders: {figures['orders']}", flush=True)
    finally:
        if publisher_process is not None:
            publisher_process.close()
        server.stop()
        pipeline.stop()

    # 5. the product list (bench/product_list.py) on this PostgreSQL and the Redis cache
    from bench.product_list import list_figures
    from catalog.services import catalog_import
    from catalog.tests.factories import listed_products, small_catalog

    listed_products(args.products)
    catalog_import(small_catalog(), publish=True)
    figures["product_list"] = {"products": args.products, **list_figures(args.runs)}
    print(f"product list: {figures['product_list']}", flush=True)
    connections.close_all()
    figures["measured"] = provenance.line()
    _cleanup(args.database_url)
    shutil.rmtree(scratch, ignore_errors=True)
    return figures


def _cleanup(database_url: str) -> None:
    """Drop the run's database and empty the Redis databases it used."""
    import psycopg
    import redis

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    for db in (CACHE_DB, BROKER_DB):
        redis.Redis(host=REDIS[0], port=REDIS[1], db=db).flushdb()


def markdown(f: dict[str, Any]) -> str:
    """The docs/performance.md section (and the printed summary) of these figures."""
    start, pub, rss, orders, listing = f["start"], f["publish"], f["rss"], f["orders"], f["product_list"]
    start_ratio = max(start["first_ms"], start["early_max_ms"]) / start["warm_ms"]
    pub_ratio = pub["first_max_ms"] / pub["warm_ms"]
    pub_ok = pub_ratio <= FIRST_TARGET and not pub["errors"]
    growth = max(last / first - 1 for first, last in zip(rss["first_mb"], rss["last_mb"], strict=False))
    lines = [
        "## Serving: gunicorn on PostgreSQL and Redis",
        "",
        f["measured"],
        "",
        "`bench/serving.py`: gunicorn with config/gunicorn.conf.py (2 workers x 4 threads, the catalog warmed in"
        " the master), DEBUG off, PostgreSQL and Redis (cache and broker) on this machine, a Celery worker"
        f" ({orders['worker_processes']} processes) and the factory simulator; {f['clients']} client threads with"
        f" keep-alive, {f['seconds']} s per load. Latencies as the clients saw them. Big model: Renault Megane"
        f" (imported and published in {f['big_import_s']} s).",
        "",
        "| load | clicks/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|",
    ]
    for name, one in f["loads"].items():
        lines.append(
            f"| {name} | {one['per_s']} | {one['p50_ms']} | {one['p95_ms']} | {one['p99_ms']} | {one['errors']} |"
        )
    lines += [
        "",
        "| figure | value | target |",
        "|---|---|---|",
        f"| gunicorn start to listening (warming included) | {f['start_s']} s | |",
        f"| a worker's first page after the start (the city car's, templates and connections cold) |"
        f" {start['process_first_ms']} ms | |",
        f"| Renault page after the start (each worker has served one page): first answer / slowest of the next"
        f" 9 / warm median | {start['first_ms']} /"
        f" {start['early_max_ms']} / {start['warm_ms']} ms ({start_ratio:.1f}x) | ≤ {FIRST_TARGET:g}x:"
        f" {_met(start_ratio <= FIRST_TARGET)} |",
        f"| Renault page after each of {pub['publishes']} publishes (separate process, median publish"
        f" {pub['publish_median_s']} s): first answer median / max, warm median | {pub['first_median_ms']} /"
        f" {pub['first_max_ms']} ms, {pub['warm_ms']} ms ({pub_ratio:.1f}x); {pub['errors']} answers other than"
        f" 200 | ≤ {FIRST_TARGET:g}x, no error: {_met(pub_ok)} |",
        f"| after a publish, until every worker serves the new version (built in the background): median / max"
        f" | {pub.get('settle_median_s', '–')} / {pub.get('settle_max_s', '–')} s | |",
        f"| RSS per worker after publish 1 → after publish {pub['publishes']} | "
        f"{', '.join(map(str, rss['first_mb']))} → {', '.join(map(str, rss['last_mb']))} MB (+{growth:.0%}) |"
        f" ≤ +{RSS_TARGET:.0%}: {_met(growth <= RSS_TARGET)} |",
        f"| orders placed through `POST /api/v1/orders` ({orders['placed']} from {f['clients']} clients) |"
        f" {orders['per_s']}/s (p50 {orders['p50_ms']} ms, p95 {orders['p95_ms']} ms, {orders['errors']} errors) | |",
        f"| deliveries to the simulator (backlog of {orders['backlog']}) | {orders['deliveries_per_s']}/s | |",
        f"| product list, {listing['products']} products, Redis cache: CPU warm / queries cold |"
        f" {listing['warm_cpu_ms']:.2f} ms / {listing['cold_queries']:.0f} | ≤ {LIST_CPU_TARGET_MS:g} ms:"
        f" {_met(listing['warm_cpu_ms'] <= LIST_CPU_TARGET_MS)}; ≤ {LIST_QUERIES_TARGET}:"
        f" {_met(listing['cold_queries'] <= LIST_QUERIES_TARGET)} |",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads (8)")
    parser.add_argument("--seconds", type=float, default=15, help="seconds per click load (15)")
    parser.add_argument("--publishes", type=int, default=20, help="publishes of the big model (20)")
    parser.add_argument("--order-seconds", type=float, default=10, help="seconds of placing orders (10)")
    parser.add_argument("--orders", type=int, default=200, help="orders in the delivery backlog (200)")
    parser.add_argument("--products", type=int, default=200, help="listed products for the product list (200)")
    parser.add_argument("--runs", type=int, default=20, help="runs of the product list (20)")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_SERVING_DATABASE_URL", DATABASE_URL))
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--write", action="store_true", help="write the figures into docs/performance.md")
    parser.add_argument("--publisher", metavar="CODE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.publisher:
        publisher(args.publisher)
        return
    down = [name for name, address in (("PostgreSQL", ("127.0.0.1", 5432)), ("Redis", REDIS)) if not _up(address)]
    if down:
        print(f"bench/serving.py needs {' and '.join(down)} on 127.0.0.1", file=sys.stderr)
        raise SystemExit(2)
    figures = run(args)
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    text = markdown(figures)
    print(text)
    if args.write:
        from bench.sections import write_section

        write_section("serving", text, "python bench/serving.py --write")


if __name__ == "__main__":
    main()
