"""The daily rollups: rebuilt a day at a time from the events, kept after the events expire (decision 28).

A day's rows are recomputed from all of that day's events (the visits started that day), never
updated in place: rebuilding a day twice gives the same rows, and a late event only means
rebuilding its day again. `RollupState("events")` remembers the highest event id rolled up;
`rollup_pending` rebuilds the days of the events above it, counting each day outside the write
transaction (on SQLite a write transaction holds up every shopper's write). Beat runs `insights.tasks.rollup`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from itertools import groupby
from operator import attrgetter
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Max, Q
from django.utils import timezone

from catalog.selectors import version_latest_for
from configurator.loading import version_model
from insights.models import (
    DailyBlock,
    DailyConfiguration,
    DailyField,
    DailyGuided,
    DailyHour,
    DailyOption,
    DailyStage,
    DailyVisits,
    Event,
    RollupState,
)
from insights.stages import stage_codes
from insights.tally import OUTCOMES, DayTally, Ev, KeyTally, stage_order

STATE = "events"
#: Events read per database round trip while streaming a day.
CHUNK = 10_000
#: Rows deleted per statement when expiring: each statement is a short write transaction.
BATCH = 5000
DAILY: tuple[type[models.Model], ...] = (
    DailyVisits,
    DailyStage,
    DailyOption,
    DailyField,
    DailyBlock,
    DailyHour,
    DailyConfiguration,
    DailyGuided,
)


def rollup_days(days: Iterable[date], upto: int | None = None) -> None:
    """Rebuild the rollups of each day from its events with an id up to `upto`, a day per transaction.

    `upto` defaults to the highest event id committed now (`_watermark`); later events are left
    for the next `rollup_pending`. A day is counted outside any transaction (SQLite's readers do
    not hold up its writers, so shoppers' writes go on meanwhile); the write transaction only
    replaces the day's rows, and not at all when another rollup already wrote a count of the day
    up to a higher event id (its per-day `RollupState`). Only the rows of the (product, version,
    traffic) the day's events hold are replaced: once a day's events have expired, its rollups are
    all that is left of it and stay as they are.
    """
    top = _watermark() if upto is None else upto
    _state()
    stages: dict[str, list[str] | None] = {}
    for day in sorted(set(days)):
        tally = _tally(day, top)
        with transaction.atomic():
            # One writer per day at a time (PostgreSQL's row lock; SQLite writes one at a time).
            counted, _ = RollupState.objects.select_for_update().get_or_create(name=_day_state(day))
            if counted.last_event > top:
                continue  # a newer count of the day is already written
            _replace(day, tally, stages)
            RollupState.objects.filter(pk=counted.pk).update(last_event=top, rolled_at=timezone.now())


def rollup_pending() -> int:
    """Roll up every day that has events not rolled up yet; return how many days were rebuilt."""
    top = _watermark()
    mark = _state().last_event
    if top <= mark:
        return 0
    days = set(Event.objects.filter(id__gt=mark, id__lte=top).values_list("day", flat=True).distinct())
    rollup_days(days, upto=top)
    # Never backwards: a rollup that started earlier may end later.
    RollupState.objects.filter(name=STATE, last_event__lt=top).update(last_event=top, rolled_at=timezone.now())
    return len(days)


def expire() -> tuple[int, int]:
    """Delete events older than INSIGHTS_EVENTS_DAYS and rollups older than INSIGHTS_ROLLUPS_DAYS.

    A day's events are deleted only once rolled up (the days not rolled up yet are, first), in
    batches of short transactions. Return (events, rollup rows) deleted.
    """
    today = timezone.localdate()
    events_before = today - timedelta(days=settings.INSIGHTS_EVENTS_DAYS)
    rollups_before = today - timedelta(days=settings.INSIGHTS_ROLLUPS_DAYS)
    top = _watermark()
    mark = _state().last_event
    old = Event.objects.filter(day__lt=events_before, id__lte=top)
    rollup_days(old.filter(id__gt=mark).values_list("day", flat=True).distinct(), upto=top)
    events = 0
    for day in sorted(set(old.values_list("day", flat=True).distinct())):
        events += _delete_in_batches(old.filter(day=day))
        RollupState.objects.filter(name=_day_state(day)).delete()
    rows = 0
    for model in DAILY:
        rows += _delete_in_batches(model._default_manager.filter(day__lt=rollups_before))
    return events, rows


def _day_state(day: date) -> str:
    """Name the `RollupState` holding the highest event id a day's rows were counted up to."""
    return f"day:{day.isoformat()}"


def _state() -> RollupState:
    return RollupState.objects.get_or_create(name=STATE)[0]


def _watermark() -> int:
    """Return the highest event id, every lower id being committed (so none is skipped later).

    PostgreSQL hands out ids before commit: SHARE mode waits for the inserts under way and holds
    new ones back for this short transaction. SQLite writes one transaction at a time.
    """
    if connection.vendor != "postgresql":
        return Event.objects.aggregate(top=Max("id"))["top"] or 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'LOCK TABLE "{Event._meta.db_table}" IN SHARE MODE')
        return Event.objects.aggregate(top=Max("id"))["top"] or 0


def _visits(day: date, upto: int) -> Iterator[list[Ev]]:
    """Yield the events of each visit of the day up to event `upto`, in (at, id) order, a visit at a time."""
    ordered = Event.objects.filter(day=day, id__lte=upto).order_by("visit", "at", "id")
    rows = ordered.values_list(*Ev._fields).iterator(chunk_size=CHUNK)
    for _, events in groupby(map(Ev._make, rows), key=attrgetter("visit")):
        yield list(events)


def _tally(day: date, upto: int) -> DayTally:
    tally = DayTally(zone=timezone.get_default_timezone())
    for events in _visits(day, upto):
        tally.add_visit(events)
    return tally


def _model_stages(product: str, cache: dict[str, list[str] | None]) -> list[str] | None:
    """Return the stages of the product's latest catalog version (None when it is no longer in the catalog)."""
    if product not in cache:
        version = version_latest_for(product)
        cache[product] = stage_codes(version_model(version)) if version is not None else None
    return cache[product]


def _replace(day: date, tally: DayTally, stages: dict[str, list[str] | None]) -> None:
    if not tally.keys:
        return
    keys = Q()
    for product, version, simulated in tally.keys:
        keys |= Q(product=product, version=version, simulated=simulated)
    for model in DAILY:
        model._default_manager.filter(keys, day=day).delete()
    rows: dict[type[models.Model], list[models.Model]] = {model: [] for model in DAILY}
    for key, counts in tally.keys.items():
        base = {"day": day, "product": key[0], "version": key[1], "simulated": key[2]}
        order = stage_order(_model_stages(key[0], stages), tally.seen.get(key[0], {}))
        for model, made in _rows(base, counts, order):
            rows[model].extend(made)
    for model, made in rows.items():
        model._default_manager.bulk_create(made, batch_size=1000)


def _rows(base: dict[str, Any], c: KeyTally, order: list[str]) -> Iterator[tuple[type[models.Model], list[Any]]]:
    """Yield the rollup rows of one (day, product, version, traffic), by model."""
    yield (
        DailyVisits,
        [
            DailyVisits(
                **base,
                visits=c.visits,
                visitors=len(c.visitors),
                finishes=c.finishes,
                saved=c.saved,
                shares_opened=c.shares_opened,
                checkouts=c.checkouts,
                orders=c.orders,
            )
        ],
    )
    yield DailyStage, [_stage_row(base, c, position, stage) for position, stage in enumerate(order)]
    yield (
        DailyOption,
        [
            DailyOption(
                **base,
                group=g,
                option=o,
                chosen=t.chosen,
                chosen_ordered=t.chosen_ordered,
                ordered=t.ordered,
                saved=t.saved,
            )
            for (g, o), t in c.options.items()
        ],
    )
    yield DailyField, [DailyField(**base, field=f, filled=t.filled, invalid=t.invalid) for f, t in c.fields.items()]
    yield (
        DailyBlock,
        [
            DailyBlock(**base, rule=r, group=g, option=o, times=t.times, **{k: t.outcomes[k] for k in OUTCOMES})
            for (r, g, o), t in c.blocks.items()
        ],
    )
    yield DailyHour, [DailyHour(**base, hour=h, visits=t.visits, orders=t.orders) for h, t in sorted(c.hours.items())]
    yield (
        DailyConfiguration,
        [
            DailyConfiguration(**base, kind=kind, choices=choices, count=n)
            for (kind, choices), n in c.configurations.items()
        ],
    )
    yield (
        DailyGuided,
        [
            DailyGuided(**base, question=q, answered=t.answered, skipped=t.skipped, overridden=t.overridden)
            for q, t in c.guided.items()
        ],
    )


def _stage_row(base: dict[str, Any], c: KeyTally, position: int, stage: str) -> DailyStage:
    counts = c.stages.get(stage)
    if counts is None:
        return DailyStage(**base, stage=stage, position=position, reached=0, left_here=0, seconds={})
    seconds = {str(s): n for s, n in sorted(counts.seconds.items())}
    return DailyStage(
        **base, stage=stage, position=position, reached=counts.reached, left_here=counts.left_here, seconds=seconds
    )


def _delete_in_batches(queryset: models.QuerySet[Any], size: int | None = None) -> int:
    """Delete what `queryset` selects, `size` (BATCH) rows per statement (short write locks); return how many."""
    size = size or BATCH
    deleted = 0
    while ids := list(queryset.order_by("pk").values_list("pk", flat=True)[:size]):
        deleted += queryset.filter(pk__gte=ids[0], pk__lte=ids[-1]).delete()[0]
    return deleted
