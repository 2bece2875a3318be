"""Rolling up what is new, rebuilding idempotently, expiring old events and rollups, the beat task."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from insights import rollup, tasks
from insights.models import DailyGuided, DailyOption, DailyStage, DailyVisits, Event, RollupState
from insights.rollup import expire, rollup_days, rollup_pending
from insights.tests.factories import save, shopper

pytestmark = pytest.mark.django_db
DAY = date(2026, 11, 2)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def snapshot(day: date) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for model in (DailyVisits, DailyStage, DailyOption):
        values = model.objects.filter(day=day).order_by("pk").values()
        rows += [tuple(v for k, v in row.items() if k != "id") for row in values]
    return rows


def test_rebuilding_a_day_twice_gives_the_same_rows() -> None:
    save(
        shopper("v1", product="gone").step("a").chosen("g", "x").order("g=x"),
        shopper("v2", product="gone").step("b").blocked("g", "y", "R").saved("g=y"),
    )
    rollup_days([DAY])
    first = snapshot(DAY)
    rollup_days([DAY, DAY])
    assert snapshot(DAY) == first
    assert DailyVisits.objects.get().visits == 2


def test_rollup_pending_rebuilds_only_the_days_with_new_events_and_advances_the_mark() -> None:
    monday, tuesday = DAY, DAY + timedelta(days=1)
    save(shopper("v1", product="gone", start=at(monday)), shopper("v2", product="gone", start=at(tuesday)))
    assert rollup_pending() == 2
    monday_row = DailyVisits.objects.get(day=monday)
    assert rollup_pending() == 0
    save(shopper("v3", product="gone", start=at(tuesday, 12)))
    assert rollup_pending() == 1
    assert DailyVisits.objects.get(day=monday).pk == monday_row.pk  # not rebuilt
    assert DailyVisits.objects.get(day=tuesday).visits == 2
    assert RollupState.objects.get(name="events").last_event == Event.objects.latest("id").id


def test_a_rebuild_keeps_the_rollups_of_a_traffic_whose_events_have_expired() -> None:
    save(shopper("v1", product="gone").order("g=x"))
    rollup_pending()
    Event.objects.all().delete()  # expired
    save(shopper("v2", product="gone", simulated=True))
    rollup_pending()
    assert {r.simulated: (r.visits, r.orders) for r in DailyVisits.objects.all()} == {False: (1, 1), True: (1, 0)}


def test_expire_deletes_old_events_once_rolled_up_and_old_rollups_keeping_the_rest() -> None:
    today = timezone.localdate()
    kept_events = today - timedelta(days=settings.INSIGHTS_EVENTS_DAYS)
    old_events = kept_events - timedelta(days=1)
    kept_rollups = today - timedelta(days=settings.INSIGHTS_ROLLUPS_DAYS)
    old_rollups = kept_rollups - timedelta(days=1)
    save(shopper("v1", product="gone", start=at(kept_events)), shopper("v2", product="gone", start=at(old_events)))
    rollup_pending()
    save(shopper("v3", product="gone", start=at(old_events, 12)))  # not rolled up yet
    for day in (kept_rollups, old_rollups):
        DailyVisits.objects.create(day=day, product="gone", version=1, visits=5)
        DailyGuided.objects.create(day=day, product="gone", version=1, question="wear", answered=2)

    assert expire() == (2, 2)

    assert set(Event.objects.values_list("day", flat=True)) == {kept_events}
    visits = dict(DailyVisits.objects.values_list("day", "visits"))
    assert visits == {kept_events: 1, old_events: 2, kept_rollups: 5}
    assert list(DailyGuided.objects.values_list("day", flat=True)) == [kept_rollups]
    assert expire() == (0, 0)


def test_the_beat_task_rolls_up_then_expires() -> None:
    old = timezone.localdate() - timedelta(days=settings.INSIGHTS_EVENTS_DAYS + 1)
    recent = timezone.localdate() - timedelta(days=1)
    save(shopper("v1", product="gone", start=at(old)), shopper("v2", product="gone", start=at(recent)))
    assert tasks.rollup() == {"days": 2, "events_expired": 1, "rollups_expired": 0}
    assert DailyVisits.objects.filter(day=old).exists()
    schedule = settings.CELERY_BEAT_SCHEDULE["insights-rollup"]
    assert (schedule["task"], schedule["schedule"]) == ("insights.tasks.rollup", settings.INSIGHTS_ROLLUP_SECONDS)


def test_a_day_is_counted_outside_the_write_transaction_and_late_events_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    save(shopper("v1", product="gone"))
    tally = rollup._tally
    late = [shopper("v2", product="gone")]
    in_transaction: list[bool] = []
    test_blocks = len(connection.atomic_blocks)  # the test's own transaction

    def tally_then_record(day: date, upto: int) -> object:
        in_transaction.append(len(connection.atomic_blocks) > test_blocks)
        counted = tally(day, upto)
        while late:
            late.pop().save()  # recorded after the day was read, before its rows are written
        return counted

    monkeypatch.setattr(rollup, "_tally", tally_then_record)
    assert rollup_pending() == 1
    assert DailyVisits.objects.get().visits == 1
    assert in_transaction == [False]  # SQLite's write lock is never held while counting
    assert rollup_pending() == 1  # the event recorded meanwhile is above the mark: the next run has it
    assert DailyVisits.objects.get().visits == 2
    assert in_transaction == [False, False]


def test_an_older_count_never_overwrites_a_newer_one(monkeypatch: pytest.MonkeyPatch) -> None:
    save(shopper("v1", product="gone"))
    first = Event.objects.latest("id").pk
    tally = rollup._tally
    newer: list[None] = []

    def tally_while_another_rollup_runs(day: date, upto: int) -> object:
        counted = tally(day, upto)
        if not newer:
            newer.append(None)
            save(shopper("v2", product="gone"))
            rollup_days([day])  # a later rollup counts both visits and writes first
        return counted

    monkeypatch.setattr(rollup, "_tally", tally_while_another_rollup_runs)
    rollup_days([DAY], upto=first)  # counted one visit, then found the newer count written
    assert DailyVisits.objects.get().visits == 2


def test_expire_deletes_a_days_events_in_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    old = timezone.localdate() - timedelta(days=settings.INSIGHTS_EVENTS_DAYS + 1)
    save(shopper("v1", product="gone", start=at(old)).step("a").step("b"))
    rollup_pending()
    monkeypatch.setattr(rollup, "BATCH", 2)
    with CaptureQueriesContext(connection) as queries:
        assert expire() == (3, 0)
    deletes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('DELETE FROM "insights_event"')]
    assert len(deletes) == 2
    assert not Event.objects.exists()
    assert DailyVisits.objects.get(day=old).visits == 1
