"""No event is skipped when its transaction commits after a later one (PostgreSQL, two connections).

The trap: T1 inserts an event (lower id) and has not committed; T2 inserts one and commits. A
rollup that took T2's id as its mark would never read T1's event. The mark is read under a
SHARE lock, which waits for T1.
"""

from __future__ import annotations

import os
import threading
import time

import pytest
from django.db import connection, transaction

from insights.models import DailyVisits, Event, RollupState
from insights.rollup import rollup_pending
from insights.tests.factories import shopper

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="needs two concurrent transactions: set DATABASE_URL=postgres://…",
)


def _waiting_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        row = cursor.fetchone()
    return bool(row and row[0])


@pytest.mark.django_db(transaction=True)
def test_an_event_committed_late_is_rolled_up() -> None:
    inserted, release = threading.Event(), threading.Event()
    result: dict[str, int] = {}

    def slow_insert() -> None:
        try:
            with transaction.atomic():
                shopper("t1", product="gone").save()
                inserted.set()
                assert release.wait(30)
        finally:
            connection.close()

    def roll_up() -> None:
        try:
            result["days"] = rollup_pending()
        finally:
            connection.close()

    t1 = threading.Thread(target=slow_insert)
    t1.start()
    assert inserted.wait(30)
    shopper("t2", product="gone").save()
    rolling = threading.Thread(target=roll_up)
    rolling.start()
    deadline = time.monotonic() + 30
    while not _waiting_for_a_lock() and time.monotonic() < deadline:
        time.sleep(0.05)
    release.set()
    t1.join(30)
    rolling.join(30)
    assert result["days"] == 1
    assert DailyVisits.objects.get().visits == 2
    assert rollup_pending() == 0
    assert RollupState.objects.get(name="events").last_event == Event.objects.latest("id").pk
