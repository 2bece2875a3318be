"""The page's steps: which exist, which one is shown, and what the form carries for the others."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from configurator.engine.model import Product
from configurator.engine.selection import Selection, selection_pairs
from configurator.forms import PageInput
from configurator.pages.page import StepView
from configurator.pages.wording import field_messages

SUMMARY = "summary"
#: The step for groups, parameters and texts that belong to no section.
OTHER = "other"


def make_steps(product: Product, language: str) -> list[StepView]:
    """Return an empty step per section of the product, and one for fields in no known section."""
    steps = [StepView(code=s.code, name=s.label(language), number=i + 1) for i, s in enumerate(product.sections)]
    known = {s.code for s in steps}
    placed = {
        *(g.section for g in product.groups),
        *(p.section for p in product.parameters),
        *(t.section for t in product.texts),
    }
    if not steps or not placed <= known:
        steps.append(StepView(code=OTHER, name=_("Options") if not steps else _("More"), number=len(steps) + 1))
    return steps


def finished_steps(product: Product, page: PageInput, finished: Selection) -> frozenset[str]:
    """Return the steps whose style choices "Finish for me" made or confirmed: they count as visited.

    A group is Finish's decision when the shopper had not decided it, or had only its suggestion;
    the shopper asked the shop to decide it, so its step is no longer waiting for them. Steps of
    measurements and texts alone stay as they were: Finish never fills those in.
    """
    sections = {s.code for s in product.sections}
    decided = [
        g.section if g.section in sections else OTHER
        for g in product.groups
        if g.code in finished.choices and (g.code not in page.selection.choices or g.code in page.suggested)
    ]
    return frozenset(decided)


@dataclass(frozen=True)
class Navigation:
    """The step shown and its neighbours' codes ('' before the first; the summary after the last)."""

    step: StepView
    previous: str
    next: str
    #: The codes of the fields the page shows (every step's on the one-page layout).
    shown: frozenset[str]


def navigate(steps: list[StepView], step_code: str, *, one_page: bool) -> Navigation:
    """Return the step `step_code` names (the first step when it names none, or the summary)."""
    codes = [s.code for s in steps]
    if step_code != SUMMARY and step_code not in codes:
        step_code = codes[0] if codes else SUMMARY
    current = next((s for s in steps if s.code == step_code), None)
    if current is None:
        step = StepView(code=SUMMARY, name=_("Summary"), number=len(steps) + 1)
        return Navigation(step, codes[-1] if codes else "", SUMMARY, frozenset())
    index = codes.index(step_code)
    shown = {code for s in steps for code in s.codes} if one_page else current.codes
    return Navigation(
        step=current,
        previous=codes[index - 1] if index > 0 else "",
        next=codes[index + 1] if index + 1 < len(codes) else SUMMARY,
        shown=frozenset(shown),
    )


def hidden_fields(
    product: Product, page: PageInput, selection: Selection, shown: frozenset[str]
) -> list[tuple[str, str]]:
    """Return the decisions (and set-aside values) of fields not shown: the form carries them along."""
    hidden = [(k, v) for k, v in selection_pairs(product, selection) if k not in shown]
    return hidden + [(k, v) for k, v in page.rejected.items() if k not in shown]


def field_notices(
    product: Product, page: PageInput, steps: list[StepView], shown: frozenset[str]
) -> list[tuple[str, str]]:
    """Name, at the top of the page, each bad value of a field on another step."""
    names = {g.code: g.name for s in steps for g in s.groups}
    names |= {p.code: p.name for s in steps for p in s.parameters} | {t.code: t.name for s in steps for t in s.texts}
    live = {p.code: p.narrowed_range for s in steps for p in s.parameters}
    notices = []
    for code in page.errors:
        if code in names and code not in shown:
            for message in field_messages(product, code, page.rejected.get(code, ""), live.get(code)):
                notices.append(("error", f"{names[code]}: {message}"))
    return notices
