"""The guided questions' figures: per question, visits that answered, skipped, then overrode.

Read from the events (not the rollups): a small table over the events still kept
(INSIGHTS_EVENTS_DAYS). A question is named by its text when the personalisation app
still has it, else by its code.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.apps import apps

from insights.figures.compute import ratio
from insights.figures.types import Filters
from insights.models import Event

K = Event.Kind


@dataclass(frozen=True)
class GuidedFigure:
    """One question: visits that answered it, skipped it, and then changed a choice its answer set."""

    question: str
    label: str
    answered: int
    skipped: int
    overridden: int

    @property
    def share_overridden(self) -> float | None:
        return ratio(self.overridden, self.answered)


def _labels(product: str, language: str) -> dict[str, str]:
    if not apps.is_installed("personalisation"):
        return {}
    question = apps.get_model("personalisation", "Question")
    return {q.code: q.label(language) for q in question.objects.filter(product__code=product)}


def guided_figures(filters: Filters, *, language: str) -> list[GuidedFigure]:
    """Return one figure per question with events in the filters' period, in the questions' order."""
    events = Event.objects.filter(
        product=filters.product,
        day__range=(filters.since, filters.until),
        kind__in=(K.GUIDED_ANSWERED, K.GUIDED_SKIPPED, K.GUIDED_OVERRIDE),
    )
    if filters.version is not None:
        events = events.filter(version=filters.version)
    if filters.traffic != "all":
        events = events.filter(simulated=filters.traffic == "simulated")
    visits: dict[tuple[str, str], set[str]] = defaultdict(set)
    for kind, question, visit in events.values_list("kind", "field", "visit").distinct():
        visits[(kind, question)].add(visit)
    labels = _labels(filters.product, language)
    order = {code: index for index, code in enumerate(labels)}
    questions = sorted({q for _kind, q in visits}, key=lambda q: (order.get(q, len(order)), q))
    return [
        GuidedFigure(
            question=q,
            label=labels.get(q, q),
            answered=len(visits[(K.GUIDED_ANSWERED, q)]),
            skipped=len(visits[(K.GUIDED_SKIPPED, q)]),
            # Visits that answered and then changed what the answer set (one count per visit).
            overridden=len(visits[(K.GUIDED_OVERRIDE, q)] & visits[(K.GUIDED_ANSWERED, q)]),
        )
        for q in questions
    ]
