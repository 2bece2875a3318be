"""Synthetic insight events for the benchmarks: a plausible mix, fast to make, written in bulk.

Visits of the given products' engine models (their real steps, groups, options, measurements
and rule codes), started over the last `days` days: each shows its first stage, picks options
step by step, fills measurements (a few refused), now and then asks for an unavailable option
(then chooses anyway, chooses another or leaves), finishes, saves, opens the checkout and
orders; some answer or skip two guided questions first. The events follow docs/insights.md
(visitor on `visit` events only, one day per visit), so `rollup_pending` reads them as it
reads the recorder's. About 15 events a visit.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

BATCH = 5000
#: The guided questions of every product (question codes only: the events name nothing else of them).
GUIDED_QUESTIONS = ("q1", "q2")


class _Visit:
    """One synthetic visit's events, as field dicts (day, product, version and visit are the caller's)."""

    def __init__(self, product: Any, rnd: random.Random, start: datetime) -> None:
        self.product, self.rnd, self.at = product, rnd, start
        self.events: list[dict[str, Any]] = []
        self.chosen: dict[str, str] = {}
        # What the engine names for an unavailable option: constraints and tables ("" = the shopper's choices).
        self.rules = [r.code for r in product.rules if r.kind in ("constraint", "table")] + [""]

    def add(self, kind: str, step: str, **fields: Any) -> None:
        if self.events:
            self.at += timedelta(seconds=self.rnd.expovariate(1 / 12))
        self.events.append({"kind": kind, "step": step, "at": self.at, "price": self.product.base_price, **fields})

    def group(self, group: Any, step: str) -> bool:
        """Choose in `group` (or not), perhaps ask for an unavailable option; False when the shopper left."""
        if self.rnd.random() < 0.5:
            option = self.rnd.choice(group.options).code
            self.chosen[group.code] = option
            self.add("chosen", step, group=group.code, option=option)
            self.add("preview", step)
        if self.rnd.random() < 0.06:
            option = self.rnd.choice(group.options).code
            self.add("blocked", step, group=group.code, option=option, rules=self.rnd.choice(self.rules))
            outcome = self.rnd.random()
            if outcome < 0.3:
                self.add("anyway_offered", step, group=group.code, option=option)
                self.add("anyway_applied", step, group=group.code, option=option, changes=f"group:{group.code}")
            return outcome >= 0.45 or outcome < 0.3
        return True

    def close(self) -> None:
        """Save, open the checkout and order, each now and then."""
        choices = ";".join(f"{g}={o}" for g, o in self.chosen.items())
        if self.rnd.random() < 0.05:
            self.add("saved", "summary", choices=choices)
        if self.rnd.random() < 0.35:
            self.add("checkout", "checkout", choices=choices)
            if self.rnd.random() < 0.45:
                self.add("order", "checkout", choices=choices)


def _visit_events(product: Any, stages: Sequence[str], rnd: random.Random, start: datetime) -> list[dict[str, Any]]:
    """Return one visit's events: its steps in order until it leaves, or its summary and checkout."""
    visit = _Visit(product, rnd, start)
    steps = list(stages[:-3])
    visit.add("visit", steps[0], visitor=secrets.token_hex(8))
    visit.add("step", steps[0])
    visit.add("preview", steps[0])
    _guided(visit, steps[0])
    for number, step in enumerate([*steps, "summary"]):
        if number and rnd.random() < 0.18:
            return visit.events  # left on the previous step
        if number:
            visit.add("step", step)
        for group in [g for g in product.groups if g.section == step]:
            if not visit.group(group, step):
                return visit.events
        for parameter in [p for p in product.parameters if p.section == step]:
            visit.add("filled", step, field=parameter.code, valid=rnd.random() > 0.05)
        if rnd.random() < 0.04:
            visit.add("finish", step)
    visit.close()
    return visit.events


def _guided(visit: _Visit, step: str) -> None:
    """Now and then answer the guided questions (sometimes changing what an answer set later), or skip them."""
    outcome = visit.rnd.random()
    for question in GUIDED_QUESTIONS:
        if outcome < 0.15:
            visit.add("guided_answered", step, field=question, option="a1")
            if visit.rnd.random() < 0.2:
                visit.add("guided_override", step, field=question, option="a1", group=visit.product.groups[0].code)
        elif outcome < 0.25:
            visit.add("guided_skipped", step, field=question)


#: The columns written, in order (the id is the database's).
COLUMNS = (
    "at", "day", "product", "version", "visit", "visitor", "kind", "step", "group", "option",
    "field", "valid", "rules", "changes", "choices", "price", "simulated",
)  # fmt: skip


def synthetic_rows(
    products: Sequence[tuple[Any, int, Sequence[str]]], count: int, days: int, seed: int = 1
) -> Iterator[list[tuple[Any, ...]]]:
    """Yield rows of the events table (COLUMNS) in batches until `count` events are made.

    `products` holds (engine model, catalog version, stage codes) for each product; visits are
    shared out between them evenly, started at a random second of the last `days` days.
    """
    from django.utils import timezone

    rnd = random.Random(seed)
    now = timezone.now()
    made = number = 0
    batch: list[tuple[Any, ...]] = []
    while made < count:
        product, version, stages = products[number % len(products)]
        number += 1
        start = now - timedelta(seconds=rnd.randrange(days * 86400))
        day = timezone.localtime(start).date()
        visit = f"{number:x}-{rnd.getrandbits(64):016x}"
        events = _visit_events(product, stages, rnd, start)[: count - made]
        made += len(events)
        for e in events:
            batch.append(
                (e["at"], day, product.code, version, visit, e.get("visitor", ""), e["kind"], e["step"],
                 e.get("group", ""), e.get("option", ""), e.get("field", ""), e.get("valid"), e.get("rules", ""),
                 e.get("changes", ""), e.get("choices", ""), e["price"], False)
            )  # fmt: skip
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def insert_events(products: Sequence[tuple[Any, int, Sequence[str]]], count: int, days: int) -> int:
    """Write `count` synthetic events in one transaction (COPY on PostgreSQL); return how many were written."""
    from django.db import connection, transaction

    from insights.models import Event

    table = Event._meta.db_table
    columns = ", ".join(connection.ops.quote_name(c) for c in COLUMNS)
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for batch in synthetic_rows(products, count, days):
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(COLUMNS))
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", [_sqlite(r) for r in batch])
            written += len(batch)
            if written % 100_000 < BATCH:
                print(f"  {written:,} events inserted", flush=True)
    return written


def _sqlite(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Return `row` as Django stores it in SQLite: naive UTC times, ISO dates, decimals as text."""
    at = row[0].astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return (at, row[1].isoformat(), *row[2:15], str(row[15]), row[16])
