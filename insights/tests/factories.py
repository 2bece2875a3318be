"""Readable visits for tests: events as the recorder writes them (the contract in docs/insights.md).

    shopper("v1", visitor="h1").step("look").chosen("frame", "black", at=20).order("frame=black", at=90).save()

Each call adds one event at `at` seconds after the visit's start (default: a second after the
previous event). The visit's day is the local date it started on, as the recorder sets it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Self

from django.utils import timezone

from insights.models import Event

#: A Monday, 11:00 in Rome (the shop's time zone in the tests).
START = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


class VisitFactory:
    """The events of one visit, built in order."""

    def __init__(
        self,
        visit: str,
        *,
        product: str = "bike",
        version: int | None = 1,
        start: datetime = START,
        visitor: str = "",
        simulated: bool = False,
        first: str = "visit",
        step: str = "",
    ) -> None:
        self.visit, self.product, self.version, self.simulated = visit, product, version, simulated
        self.start = start
        self.day = timezone.localdate(start)
        self.events: list[Event] = []
        self._offset = 0.0
        # The recorder names the visitor on the `visit` event only, and the stage the page showed.
        self._add(first, at=0, visitor=visitor if first == "visit" else "", step=step)

    def _add(self, kind: str, *, at: float | None = None, **fields: Any) -> Self:
        self._offset = self._offset + 1 if at is None else at
        self.events.append(
            Event(
                at=self.start + timedelta(seconds=self._offset),
                day=self.day,
                product=self.product,
                version=self.version,
                visit=self.visit,
                simulated=self.simulated,
                kind=kind,
                **fields,
            )
        )
        return self

    def step(self, step: str, *, at: float | None = None) -> Self:
        """Add a `step` event: the page showed another stage (`insights.stages.stage_of`)."""
        return self._add("step", at=at, step=step)

    def chosen(self, group: str, option: str, *, at: float | None = None) -> Self:
        return self._add("chosen", at=at, group=group, option=option)

    def unchosen(self, group: str, option: str, *, at: float | None = None) -> Self:
        return self._add("unchosen", at=at, group=group, option=option)

    def filled(self, field: str, *, valid: bool = True, at: float | None = None) -> Self:
        return self._add("filled", at=at, field=field, valid=valid)

    def cleared(self, field: str, *, at: float | None = None) -> Self:
        return self._add("cleared", at=at, field=field)

    def blocked(self, group: str, option: str, rules: str = "", *, at: float | None = None) -> Self:
        return self._add("blocked", at=at, group=group, option=option, rules=rules)

    def anyway_offered(self, group: str, option: str, *, at: float | None = None) -> Self:
        return self._add("anyway_offered", at=at, group=group, option=option)

    def anyway_applied(self, group: str, option: str, changes: str = "", *, at: float | None = None) -> Self:
        return self._add("anyway_applied", at=at, group=group, option=option, changes=changes)

    def finish(self, *, at: float | None = None) -> Self:
        return self._add("finish", at=at)

    def preview(self, *, at: float | None = None) -> Self:
        return self._add("preview", at=at)

    def saved(self, choices: str, *, at: float | None = None) -> Self:
        return self._add("saved", at=at, choices=choices)

    def share_opened(self, choices: str, *, at: float | None = None) -> Self:
        return self._add("share_opened", at=at, choices=choices)

    def checkout(self, choices: str, *, at: float | None = None) -> Self:
        return self._add("checkout", at=at, step="checkout", choices=choices)

    def order(self, choices: str, *, price: str = "100.00", at: float | None = None) -> Self:
        return self._add("order", at=at, step="order", choices=choices, price=Decimal(price))

    def answered(self, question: str, answer: str, *, at: float | None = None) -> Self:
        """Add a `guided_answered` event: the question's code in `field`, the answer's in `option`."""
        return self._add("guided_answered", at=at, field=question, option=answer)

    def skipped(self, question: str, *, at: float | None = None) -> Self:
        return self._add("guided_skipped", at=at, field=question)

    def overrode(self, question: str, answer: str, group: str, *, at: float | None = None) -> Self:
        """Add a `guided_override` event: the shopper changed `group`, which the answer had set."""
        return self._add("guided_override", at=at, field=question, option=answer, group=group)

    def save(self) -> list[Event]:
        """Write the visit's events (in bulk, as the recorder does) and return them."""
        return Event.objects.bulk_create(self.events)


def shopper(visit: str, **kwargs: Any) -> VisitFactory:
    """Start a visit (its `visit` event at the start); see `VisitFactory` for the keywords."""
    return VisitFactory(visit, **kwargs)


def save(*visits: VisitFactory) -> None:
    """Write several visits' events at once."""
    Event.objects.bulk_create([event for visit in visits for event in visit.events])
