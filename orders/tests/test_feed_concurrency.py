"""The pull feed never skips an order whose transaction commits late (PostgreSQL, two connections).

The trap: T1 inserts first (lower id), T2 inserts and commits, a poll returns T2, then
T1 commits. A cursor on ids or timestamps (`id > T2`) never returns T1. Feed positions
are given after commit, so T1 comes after T2 in the feed and the next poll returns it.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import pytest
from django.db import connection, transaction

from catalog.models import CatalogVersion
from orders import selectors, services
from orders.models import FactoryEndpoint, Order
from orders.tests.conftest import CUSTOMER

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="needs two concurrent transactions: set DATABASE_URL=postgres://…",
)


def _poll(after: int) -> list[str]:
    services.feed_positions_assign()
    endpoint = FactoryEndpoint.objects.get()
    return [b.order.number for b in selectors.feed_page(endpoint=endpoint, after=after, limit=100)]


@pytest.mark.django_db(transaction=True)
def test_an_order_committed_late_is_not_skipped(
    shirt: CatalogVersion, config: dict[str, Any], endpoint: FactoryEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orders import tasks

    monkeypatch.setattr(tasks.outbox_fan_out, "delay", lambda pk: None)
    inserted, release = threading.Event(), threading.Event()
    numbers: dict[str, str] = {}

    def slow_transaction() -> None:
        try:
            with transaction.atomic():
                numbers["t1"] = services.order_place(
                    version=shirt, data=config, customer=CUSTOMER, language="en"
                ).order.number
                inserted.set()
                assert release.wait(30)
        finally:
            connection.close()

    t1 = threading.Thread(target=slow_transaction)
    t1.start()
    assert inserted.wait(30)
    numbers["t2"] = services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en").order.number
    assert Order.objects.get(number=numbers["t2"]).pk > 0
    first = _poll(after=0)
    assert first == [numbers["t2"]]  # T1 has not committed: invisible, and given no position
    release.set()
    t1.join(30)
    second = _poll(after=1)
    assert second == [numbers["t1"]]
    assert _poll(after=0) == [numbers["t2"], numbers["t1"]]  # a stable order: no skip, no repeat
