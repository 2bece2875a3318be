"""Nothing lost, nothing duplicated in effect: 300 orders through real processes while things fail.

Runs against PostgreSQL (the test database, shared with a real Celery worker process)
and a private Redis started for the test, with the factory simulator in its own
process. During the run the worker is SIGKILLed mid-delivery (one pool child, then the
whole worker) and restarted, the factory answers 500 and then times out for a while,
and Redis is restarted without persistence, losing every queued task.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.models import Count

from catalog.models import CatalogVersion
from config.celery import app as celery_app
from orders import services
from orders.harness import Pipeline, wait_until
from orders.models import Delivery, DeliveryAttempt, DeliveryState, OutboxMessage
from orders.tests.conftest import CUSTOMER, SECRET

pytestmark = [
    pytest.mark.reliability,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="needs PostgreSQL shared with a worker process: set DATABASE_URL=postgres://…",
    ),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server on the PATH"),
]

BROKER_KEYS = ("broker_url", "broker_read_url", "broker_write_url")
REPORT = Path(__file__).resolve().parents[2] / "var" / "reliability.json"


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _forget_broker_pools() -> None:
    """Make this process's Celery app open new connections to the (changed) broker URL."""
    celery_app._pool = None  # type: ignore[attr-defined]  # private: celery-types leave it out
    celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]  # private, as above


@pytest.fixture
def pipeline(transactional_db: None, tmp_path: Path) -> Iterator[Pipeline]:
    live = Pipeline(workdir=tmp_path, database_url=_database_url(), secret=SECRET)
    # This process enqueues on commit too: point its producer at the private Redis.
    saved = {key: celery_app.conf[key] for key in BROKER_KEYS}
    celery_app.conf.update({key: live.broker_url for key in BROKER_KEYS})
    _forget_broker_pools()
    try:
        live.start()
        yield live
    finally:
        live.stop()
        celery_app.conf.update(saved)
        _forget_broker_pools()
        connection.close()


def _place(version: CatalogVersion, config: dict[str, Any], count: int) -> None:
    for _ in range(count):
        services.order_place(version=version, data=config, customer=CUSTOMER, language="en")


def test_every_order_reaches_the_factory_exactly_once_in_effect(
    pipeline: Pipeline, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    started = time.monotonic()
    services.endpoint_save(name="simulator", url=pipeline.factory_url, secret=SECRET, internal=True)

    # (a) SIGKILL mid-delivery: a slow factory keeps requests in flight.
    pipeline.factory_control(delay=0.3, fail_rate=0)
    _place(shirt, config, 60)
    wait_until(lambda: Delivery.objects.filter(lease_until__isnull=False).exists(), 30, "a delivery in flight")
    assert pipeline.worker is not None
    children = pipeline.worker.children()
    assert children, "the worker has no pool processes"
    os.kill(children[0], signal.SIGKILL)  # one pool child: its task is rejected and redelivered
    _place(shirt, config, 40)
    wait_until(lambda: Delivery.objects.filter(lease_until__isnull=False).exists(), 30, "a delivery in flight")
    pipeline.worker.kill()  # the whole worker, beat included
    _place(shirt, config, 20)
    pipeline.worker.start()

    # (b) the factory answers 500, then too slowly (past the read timeout), then recovers.
    pipeline.factory_control(delay=0, fail_rate=1.0)
    _place(shirt, config, 60)
    time.sleep(3)
    pipeline.factory_control(delay=3.0, fail_rate=0)
    _place(shirt, config, 20)
    time.sleep(3)
    pipeline.factory_control(delay=0, fail_rate=0.2)

    # (c) the broker restarts without persistence: queued and unacked tasks are gone.
    _place(shirt, config, 40)
    pipeline.restart_redis()
    _place(shirt, config, 60)  # 20 of them may meet a broker still starting: the sweep sends them
    pipeline.factory_control(delay=0, fail_rate=0)

    try:
        wait_until(
            lambda: Delivery.objects.filter(state=DeliveryState.DELIVERED).count() == 300,
            150,
            "all 300 deliveries",
            interval=0.5,
        )
    except TimeoutError as error:
        states = dict(Delivery.objects.values_list("state").annotate(n=Count("id")).order_by())
        worker = pipeline.worker
        alive = worker is not None and worker.popen is not None and worker.popen.poll() is None
        pytest.fail(
            f"{error}: deliveries by state {states}, outbox rows {OutboxMessage.objects.count()}, "
            f"worker alive {alive}, restarted by its supervisor {worker.restarts if worker else 0} times "
            f"(logs in {pipeline.workdir})"
        )
    received = pipeline.received()
    stats = pipeline.factory_stats()
    webhook_ids = set(OutboxMessage.objects.values_list("webhook_id", flat=True))
    report = {
        "orders": OutboxMessage.objects.count(),
        "received_by_factory": len(received),
        "distinct_webhook_ids_received": len({r["webhook_id"] for r in received}),
        "duplicates_dropped_by_factory": stats["duplicates"],
        "simulated_failures": stats["failed"],
        "attempts": DeliveryAttempt.objects.count(),
        "failed_attempts": DeliveryAttempt.objects.exclude(status_code=200).count(),
        "pending": Delivery.objects.filter(state=DeliveryState.PENDING).count(),
        "dead": Delivery.objects.filter(state=DeliveryState.DEAD).count(),
        "worker_restarts_by_supervisor": pipeline.worker.restarts,
        "seconds": round(time.monotonic() - started, 1),
    }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report))
    assert report["orders"] == 300 and Delivery.objects.count() == 300
    assert {r["webhook_id"] for r in received} == webhook_ids  # every order, as its own webhook-id
    assert len(received) == 300  # exactly once in effect: duplicates came only as known ids, dropped
    assert report["pending"] == 0 and report["dead"] == 0
    assert not OutboxMessage.objects.filter(fanned_out_at__isnull=True).exists()
    assert report["failed_attempts"] > 0  # the failures did happen
