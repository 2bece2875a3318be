"""Guided questions on the configurator page: the offer, the proposal's "why", the overrides.

The page carries the questions' state as `_guided` (configurator/forms.py GUIDED): empty
until the shopper answers or skips (the offer shows on the first step), "skip" once they
skipped, or the answers as
`question:answer,question:answer`. `guided_page` reads it on every click, says what the
page shows (`GuidedView`) and notes for insights what the shopper did: skipping (the skip
button sends SKIP_NOW once), and changing a group an answer had set (an override).

An answer "set" a group when its limit or its preference holds in the proposal and names
the group; the page lists each such group, with the answers that set it, while it still
holds the proposal. Questionnaires are read from the cache: a click reads no row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from configurator.engine.guiding import named_groups
from configurator.engine.selection import Selection
from configurator.forms import PageInput
from configurator.services import VersionEngine, configuration_propose
from insights import tracking
from insights.models import Event
from personalisation.caching import cached, forget_on_commit
from personalisation.models.guided import Question

SKIP = "skip"
#: What the skip button sends: recorded once, then carried as SKIP.
SKIP_NOW = "skip-now"


@dataclass(frozen=True)
class GuidedAnswer:
    question: str
    code: str
    label: str
    prefer: str
    limit: str


@dataclass(frozen=True)
class GuidedQuestion:
    code: str
    label: str
    answers: tuple[GuidedAnswer, ...]

    def answer(self, code: str) -> GuidedAnswer | None:
        return next((a for a in self.answers if a.code == code), None)


@dataclass(frozen=True)
class ProposedRow:
    """A group the answers set that still holds the proposal, and the answers that set it."""

    group: str
    name: str
    options: str
    answers: str


@dataclass(frozen=True)
class GuidedView:
    """What the configurator page shows: the offer to answer, or what the answers proposed."""

    offer: bool
    count: int
    questions_url: str
    proposed: tuple[ProposedRow, ...] = ()


@dataclass(frozen=True)
class GuidedProposal:
    """The proposed configuration and, per group, the answers that set it."""

    selection: Selection
    set_by: dict[str, tuple[GuidedAnswer, ...]]


#: How long a questionnaire is kept in the cache at most; every save in the admin forgets it at once.
CACHE_SECONDS = 600


def _cache_key(product_code: str) -> str:
    return f"personalisation:guided:{product_code}"


def _questionnaire_rows(product_code: str) -> list[dict[str, Any]]:
    """Return the product's questions and answers as plain data, from the cache (a click reads no row)."""

    def read() -> list[dict[str, Any]]:
        found = Question.objects.filter(product__code=product_code).prefetch_related("answers")
        return [
            {
                "code": q.code,
                "text": (q.text, q.text_it),
                "answers": [(a.code, a.text, a.text_it, a.prefer, a.limit) for a in q.answers.all()],
            }
            for q in found
        ]

    return cached(_cache_key(product_code), CACHE_SECONDS, read)


def questionnaire_forget(product_code: str) -> None:
    """Forget the cached questionnaire of `product_code` once the transaction that changed it commits."""
    forget_on_commit(_cache_key(product_code))


def questionnaire(product_code: str, language: str) -> tuple[GuidedQuestion, ...]:
    """Return the product's questions that have answers, in the merchandiser's order, worded in `language`."""

    def word(texts: tuple[str, str] | list[str]) -> str:
        english, italian = texts
        return italian if language == "it" and italian else english

    return tuple(
        GuidedQuestion(
            code=row["code"],
            label=word(row["text"]),
            answers=tuple(
                GuidedAnswer(question=row["code"], code=code, label=word((text, text_it)), prefer=prefer, limit=limit)
                for code, text, text_it, prefer, limit in row["answers"]
            ),
        )
        for row in _questionnaire_rows(product_code)
        if row["answers"]
    )


def answers_read(questions: Sequence[GuidedQuestion], raw: str) -> list[GuidedAnswer]:
    """Read `question:answer,...` (what the page carries); unknown questions or answers are dropped."""
    given = dict(item.partition(":")[::2] for item in raw.split(",") if ":" in item)
    found = []
    for question in questions:
        answer = question.answer(given.get(question.code, ""))
        if answer is not None:
            found.append(answer)
    return found


def answers_text(answers: Sequence[GuidedAnswer]) -> str:
    """Write the answers as the page state carries them ("" for none)."""
    return ",".join(f"{a.question}:{a.code}" for a in answers)


def guided_proposal(engine: VersionEngine, answers: Sequence[GuidedAnswer]) -> GuidedProposal | None:
    """Return the configuration the answers propose on `engine`'s version, or None when there is none."""
    limited = [a for a in answers if a.limit.strip()]
    found = configuration_propose(engine, tuple(a.limit for a in limited), tuple(a.prefer for a in answers))
    if found is None:
        return None
    product = engine.product
    set_by: dict[str, list[GuidedAnswer]] = {}
    shaped = [*zip(limited, (a.limit for a in limited), strict=True), *((a, a.prefer) for a in answers)]
    for (answer, text), honoured in zip(shaped, found.honoured, strict=True):
        if honoured:
            for group in named_groups(product, text):
                if answer not in set_by.setdefault(group, []):
                    set_by[group].append(answer)
    return GuidedProposal(found.selection, {g: tuple(a) for g, a in set_by.items()})


def _questions_url(product_code: str, visit: tracking.Visit | None, answers: Sequence[GuidedAnswer] = ()) -> str:
    """Return the questions' page, with the answers given so far ticked, continuing the visit."""
    url = reverse("personalisation:guided", args=[product_code])
    if answers:
        url += "?" + urlencode([(f"q_{a.question}", a.code) for a in answers])
    return visit.url(url) if visit is not None else url


def _proposed_rows(
    engine: VersionEngine, proposal: GuidedProposal, selection: Selection, visit: tracking.Visit | None, language: str
) -> tuple[ProposedRow, ...]:
    """Return the groups that still hold what the answers set; note the ones the shopper just changed."""
    rows = []
    for group in engine.product.groups:
        answers = proposal.set_by.get(group.code)
        if not answers:
            continue
        proposed = proposal.selection.choices.get(group.code, frozenset())
        now = selection.choices.get(group.code, frozenset())
        if now == proposed:
            names = ", ".join(o.label(language) for o in group.options if o.code in proposed) or "—"
            labels = ", ".join(a.label for a in answers)
            rows.append(ProposedRow(group=group.code, name=group.label(language), options=names, answers=labels))
        elif visit is not None and visit.prev is not None and visit.prev.choices.get(group.code) == proposed:
            for answer in answers:
                visit.note(Event.Kind.GUIDED_OVERRIDE, field=answer.question, option=answer.code, group=group.code)
    return tuple(rows)


def guided_page(
    engine: VersionEngine,
    page: PageInput,
    selection: Selection,
    visit: tracking.Visit | None,
    language: str,
    *,
    shop: bool = True,
) -> tuple[PageInput, GuidedView | None]:
    """Settle the guided state `page` carries and return what the page shows (None: nothing).

    `shop` False (staff trying a draft): nothing is offered or recorded.
    """
    if not shop or page.guided == SKIP:
        return page, None
    questions = questionnaire(engine.product.code, language)
    if not questions:
        return page, None
    if page.guided == SKIP_NOW:
        for question in questions:
            tracking.note(visit, Event.Kind.GUIDED_SKIPPED, field=question.code)
        return replace(page, guided=SKIP), None
    answers = answers_read(questions, page.guided)
    url = _questions_url(engine.product.code, visit, answers)
    if not answers:
        # Offered where the shopper starts (the first step); once they move on, they chose themselves.
        first = engine.product.sections[0].code if engine.product.sections else ""
        offer = page.step in ("", first)
        view = GuidedView(offer=True, count=len(questions), questions_url=url) if offer else None
        return replace(page, guided=""), view
    proposal = guided_proposal(engine, answers)
    rows = _proposed_rows(engine, proposal, selection, visit, language) if proposal is not None else ()
    view = GuidedView(offer=False, count=len(questions), questions_url=url, proposed=rows)
    return replace(page, guided=answers_text(answers)), view
