"""Recording events: buffered per thread, written in one insert after the response is sent.

Nothing here touches the database while the shopper waits: `record` appends to a buffer
of this thread, and `flush` (connected to Django's `request_finished`, which fires once
the response is sent, ahead of Django's own receivers that close the request's database and
cache connections: see `InsightsConfig.ready`) writes the buffer with one `bulk_create` in a
transaction. A failed write is logged and dropped, never raised: insights must not break a
shopper's click.

`simulation(clock)` marks what is recorded inside it, in this thread, as simulated, timed
by `clock` (`simulate_shoppers` drives the real pages with it).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from configurator.engine.model import Product
from configurator.engine.selection import Selection
from insights.models import Event
from insights.privacy import VisitorSource, visitor_hash

logger = logging.getLogger(__name__)


@dataclass
class _Buffer(threading.local):
    events: list[Event] = field(default_factory=list)
    #: id(event) -> what its visitor hash is made of (the `visit` events only), dropped once hashed.
    sources: dict[int, VisitorSource] = field(default_factory=dict)
    clock: Callable[[], datetime] | None = None


_buffer = _Buffer()


def now() -> datetime:
    """Return the time events are recorded at: the simulation's clock inside `simulation`, else now."""
    return _buffer.clock() if _buffer.clock is not None else timezone.now()


def simulating() -> bool:
    """Say whether this thread records simulated traffic."""
    return _buffer.clock is not None


@contextmanager
def simulation(clock: Callable[[], datetime]) -> Iterator[None]:
    """Inside this block, in this thread, record every event as simulated and at `clock()`.

    Recording still honours INSIGHTS_ENABLED. Blocks nest: the outer clock comes back after.
    """
    outer = _buffer.clock
    _buffer.clock = clock
    try:
        yield
    finally:
        _buffer.clock = outer


def record(event: Event, *, visitor: VisitorSource | None = None) -> None:
    """Buffer `event` for this thread's next `flush` (its `at` and `simulated` are set here).

    `visitor` (a `visit` event's) is hashed at flush time, after the response, then forgotten.
    """
    event.at = now()
    event.simulated = simulating()
    _buffer.events.append(event)
    if visitor is not None:
        _buffer.sources[id(event)] = visitor


def pending() -> list[Event]:
    """Return the events this thread has buffered and not written yet (for tests and the simulator)."""
    return list(_buffer.events)


def flush() -> None:
    """Write what this thread buffered, in one insert; log and drop it if the write fails."""
    events, sources = _buffer.events, _buffer.sources
    if not events:
        return
    _buffer.events, _buffer.sources = [], {}
    try:
        for event in events:
            source = sources.get(id(event))
            if source is not None:
                event.visitor = visitor_hash(source, event.day)
        with transaction.atomic():
            Event.objects.bulk_create(events, batch_size=500)
    except Exception:
        logger.exception("Could not record %d insight events; they are dropped.", len(events))


def flush_on_finish(**kwargs: Any) -> None:
    """`request_finished` receiver: write the request's events once its response is sent."""
    flush()


def choices_key(product: Product, selection: Selection) -> str:
    """Return a configuration's options as `group=option+option;group=option`, in catalog order.

    Only options: never a measurement or a text. Groups decided "none" are left out.
    """
    items = []
    for group in product.groups:
        chosen = selection.choices.get(group.code)
        if chosen:
            items.append(f"{group.code}={'+'.join(o.code for o in group.options if o.code in chosen)}")
    return ";".join(items)
