"""Benchmark orders and the factory feed on PostgreSQL, a private Redis and the factory simulator.

    .venv/bin/python bench/orders.py [--orders 300] [--database-url postgres://postgres@127.0.0.1:5432/…]

Three figures:

- *placed/s*: `POST /api/v1/orders` through Django's test client, one after another,
  with the worker running (each order's fan-out task goes to Redis on commit);
- *deliveries/s*: orders placed while the worker is stopped, then a Celery worker with
  2 processes starts and delivers them all to the simulator (fan-out + signed webhook),
  timed from its first delivery to its last;
- *placement → receipt*: orders placed at a steady rate with the worker running, from
  the order's commit to the simulator's receipt (median, p95).

It creates (and drops first) its own database, and runs its own Redis on a free port.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path[0] == str(Path(__file__).resolve().parent):
    sys.path[0] = str(ROOT)  # import `bench.*` and the project as packages

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from typing import Any, TypedDict  # noqa: E402

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
#: What the shopper picks; the configurator completes the rest (defaults, first available options).
PICKS: dict[str, Any] = {
    "selections": {"fabric": "oxford_blue", "cuffs": "double", "monogram_position": "chest"},
    "texts": {"monogram": "JS"},
}
CUSTOMER = {"name": "Bench Mark", "email": "bench@example.com", "address": "1 Bench Street, Milan"}


class OrdersResult(TypedDict):
    orders: int
    placed_per_s: float
    place_median_ms: float
    place_p95_ms: float
    deliveries: int
    deliveries_per_s: float
    worker_processes: int
    latency_orders: int
    latency_rate_per_s: float
    latency_median_ms: float
    latency_p95_ms: float


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _create_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def run(orders: int, database_url: str) -> OrdersResult:
    """Measure and return the figures (Django is set up in this process)."""
    from orders.harness import Pipeline, wait_until

    workdir = Path(tempfile.mkdtemp(prefix="configurator-bench-orders-"))
    pipeline = Pipeline(workdir=workdir, database_url=database_url, secret=SECRET, settings={})
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": pipeline.broker_url,
            "VAR_DIR": str(workdir / "var"),
            "ALLOWED_HOSTS": "testserver,localhost",
        }
    )
    _create_database(database_url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from orders import services
    from orders.models import Delivery, DeliveryState, Order

    call_command("migrate", verbosity=0, interactive=False)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
    from catalog.selectors import version_latest_for
    from configurator.services import configuration_complete

    version = version_latest_for("shirt")
    assert version is not None
    body = {"product": "shirt", **configuration_complete(version, PICKS, "en")["configuration"], "customer": CUSTOMER}
    pipeline.start()
    try:
        services.endpoint_save(name="simulator", url=pipeline.factory_url, secret=SECRET, internal=True)
        client = Client()

        def place(count: int, pause: float = 0.0) -> list[float]:
            times = []
            for index in range(count):
                start = time.perf_counter()
                response = client.post(
                    "/api/v1/orders",
                    json.dumps(body),
                    content_type="application/json",
                    headers={"Idempotency-Key": f"bench-{time.time_ns()}-{index}"},
                )
                times.append((time.perf_counter() - start) * 1000)
                if response.status_code != 201:
                    raise RuntimeError(f"POST /api/v1/orders answered {response.status_code}: {response.content!r}")
                if pause:
                    time.sleep(pause)
            return times

        def delivered() -> int:
            return Delivery.objects.filter(state=DeliveryState.DELIVERED).count()

        place(10)  # warm-up: compiles the shirt's model, opens connections
        wait_until(lambda: delivered() == 10, 60, "the warm-up deliveries", interval=0.2)

        # 1. placing
        start = time.perf_counter()
        place_ms = place(orders)
        placed_per_s = orders / (time.perf_counter() - start)
        wait_until(lambda: delivered() == 10 + orders, 300, "the placed orders' deliveries", interval=0.2)

        # 2. deliveries/s from a backlog, 2 worker processes
        assert pipeline.worker is not None
        pipeline.worker.kill()
        place(orders)
        before = delivered()
        pipeline.worker.start()
        # Timed from the first delivery, so the worker's start-up is not counted.
        wait_until(lambda: delivered() > before, 120, "the first backlog delivery", interval=0.01)
        start, first = time.perf_counter(), delivered()
        wait_until(lambda: delivered() == before + orders, 600, "the backlog's deliveries", interval=0.05)
        deliveries_per_s = (before + orders - first) / (time.perf_counter() - start)

        # 3. placement -> receipt at a steady rate
        rate = 20.0
        seen = {r["order_number"] for r in pipeline.received()}
        place(orders // 2, pause=1 / rate)
        wait_until(lambda: delivered() == before + orders + orders // 2, 300, "the paced deliveries", interval=0.2)
        received = {r["order_number"]: r["received_at"] for r in pipeline.received() if r["order_number"] not in seen}
        placed = dict(Order.objects.filter(number__in=received).values_list("number", "placed_at"))
        latencies = [(received[n] - placed[n].timestamp()) * 1000 for n in received]
        return OrdersResult(
            orders=orders,
            placed_per_s=round(placed_per_s, 1),
            place_median_ms=round(statistics.median(place_ms), 1),
            place_p95_ms=round(_p95(place_ms), 1),
            deliveries=orders,
            deliveries_per_s=round(deliveries_per_s, 1),
            worker_processes=pipeline.concurrency,
            latency_orders=len(latencies),
            latency_rate_per_s=rate,
            latency_median_ms=round(statistics.median(latencies), 1),
            latency_p95_ms=round(_p95(latencies), 1),
        )
    finally:
        pipeline.stop()


def markdown(result: OrdersResult) -> str:
    """Return the docs/performance.md section of these figures."""
    return "\n".join(
        [
            "## Orders and the factory feed",
            "",
            "`bench/orders.py`: PostgreSQL, a private Redis, a Celery worker with "
            f"{result['worker_processes']} processes and the factory simulator on this machine, demo shirt orders.",
            "",
            "| figure | value |",
            "|---|---|",
            f"| orders placed through `POST /api/v1/orders` (sequential, {result['orders']}) | "
            f"{result['placed_per_s']}/s (median {result['place_median_ms']} ms, p95 {result['place_p95_ms']} ms) |",
            f"| deliveries through Celery + Redis to the simulator (backlog of {result['deliveries']}) | "
            f"{result['deliveries_per_s']}/s |",
            f"| placement → factory receipt ({result['latency_orders']} orders at "
            f"{result['latency_rate_per_s']:g}/s) | "
            f"median {result['latency_median_ms']} ms, p95 {result['latency_p95_ms']} ms |",
            "",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/configurator_bench_orders"),
        help="a PostgreSQL database to (re)create for the run",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--write", action="store_true", help="write the figures into docs/performance.md")
    args = parser.parse_args(argv)
    result = run(args.orders, args.database_url)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(markdown(result))
    if args.write:
        from bench.sections import write_section

        write_section("orders", markdown(result), "python bench/orders.py --write")


if __name__ == "__main__":
    main()
