"""The guided questions' figures: per question, visits that answered, skipped, then overrode.

Read from the `DailyGuided` rollups, like every other figure (decision 29). A question is
named by its text when the personalisation app still has it, else by its code.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Sum

from insights.figures.filtering import rollup_rows
from insights.figures.types import Filters, GuidedFigure
from insights.models import DailyGuided


def _labels(product: str, language: str) -> dict[str, str]:
    if not apps.is_installed("personalisation"):
        return {}
    question = apps.get_model("personalisation", "Question")
    return {q.code: q.label(language) for q in question.objects.filter(product__code=product)}


def guided_figures(filters: Filters, *, language: str) -> list[GuidedFigure]:
    """Return one figure per question with answers or skips in the filters' period, in the questions' order."""
    rows = (
        rollup_rows(DailyGuided, filters)
        .values("question")
        .annotate(answered_sum=Sum("answered"), skipped_sum=Sum("skipped"), overridden_sum=Sum("overridden"))
        .order_by()
    )
    sums = {row["question"]: row for row in rows}
    labels = _labels(filters.product, language) if sums else {}
    order = {code: index for index, code in enumerate(labels)}
    questions = sorted(sums, key=lambda q: (order.get(q, len(order)), q))
    return [
        GuidedFigure(
            question=q,
            label=labels.get(q, q),
            answered=sums[q]["answered_sum"],
            skipped=sums[q]["skipped_sum"],
            overridden=sums[q]["overridden_sum"],
        )
        for q in questions
    ]
