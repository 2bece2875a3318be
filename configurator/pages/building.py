"""Assemble the configurator page from the engine's typed answer and the shopper's input."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from configurator.engine.model import Product
from configurator.engine.selection import selection_pairs
from configurator.forms import PageInput
from configurator.pages.fields import place_fields
from configurator.pages.links import configure_url, state_pairs
from configurator.pages.page import ConfiguratorPage, DraftView, StepView
from configurator.pages.sizing import sizing_view, warning_notices
from configurator.pages.steps import OTHER, SUMMARY, Navigation, field_notices, hidden_fields, make_steps, navigate
from configurator.pages.suggestions import standing_suggestions, suggestion_notices
from configurator.pages.summary import order_url, orderable, preview_alt, price_view, progress, summary_rows
from configurator.preview import PreviewUrls
from configurator.services import ConfigurationAnswer


@dataclass(frozen=True)
class _Placed:
    """The steps with their fields placed and visits marked, the step shown, and the page state to carry."""

    steps: list[StepView]
    navigation: Navigation
    one_page: bool
    #: The sentence naming the selection's conflict ('' when it has none).
    conflict: str
    suggested: dict[str, frozenset[str]]
    state: list[tuple[str, str]]
    #: The address of a step (the summary, or '' for the one-page layout's own) with the page state.
    url: Callable[[str], str]

    @property
    def canonical_url(self) -> str:
        """The page's own address: the one-page layout's names no step, so the stepper's links stay on it."""
        on_summary = self.navigation.step.code == SUMMARY
        return self.url("" if self.one_page and not on_summary else self.navigation.step.code)


def _place(
    product: Product, page: PageInput, answer: ConfigurationAnswer, step: str, language: str, base: str
) -> _Placed:
    """Place every field on its step, find the step shown, mark the visited steps and link each step."""
    steps = make_steps(product, language)
    conflict = place_fields(product, page, answer, steps, OTHER, language)
    steps = [s for s in steps if s.groups or s.parameters or s.texts]
    one_page = product.layout == "single"
    navigation = navigate(steps, step, one_page=one_page)
    # The steps shown count as visited (every step, on the one-page layout).
    here = {s.code for s in steps} if one_page and navigation.step.code != SUMMARY else {navigation.step.code}
    seen = page.seen | here
    suggested = standing_suggestions(page, answer.selection, steps, shown=here)
    visited = frozenset(seen & {s.code for s in steps})
    state = state_pairs(product, visited, suggested=suggested, estimates=page.estimates, guided=page.guided)

    def url(step_code: str) -> str:
        return configure_url(product, answer.selection, step_code, rejected=page.rejected, state=state, base=base)

    for s in steps:
        s.visited = s.code in seen
        # One page shows every step: its stepper links to each step's block on that page.
        s.url = f"{url('')}#h-{s.code}" if one_page else url(s.code)
    return _Placed(steps, navigation, one_page, conflict, suggested, state, url)


def _notices(
    product: Product,
    page: PageInput,
    answer: ConfigurationAnswer,
    placed: _Placed,
    notices: list[tuple[str, str]],
    language: str,
) -> list[tuple[str, str]]:
    """Return the page's notices: `notices` (an action's answer) first, then what the suggestions mean,
    each bad value on a step not shown, and the warnings that name no measurement."""
    return [
        *notices,
        *suggestion_notices(placed.suggested),
        *field_notices(product, page, placed.steps, placed.navigation.shown),
        *warning_notices(answer.warnings, language),
    ]


def build_page(
    product: Product,
    page: PageInput,
    answer: ConfigurationAnswer,
    *,
    step: str,
    notices: list[tuple[str, str]],
    language: str,
    preview: PreviewUrls,
    base: str = "",
    draft: DraftView | None = None,
) -> ConfiguratorPage:
    """Return the configurator page for `answer` (the engine's, for `answer.selection`) showing `step`.

    `page` is what the request carried: the values set aside with their messages, and
    the text field being typed in; `notices` come first, then one per bad value on a
    step not shown. `base` is the configurator's address every link stays on (the shop's
    when empty); `draft` marks staff trying the draft, where nothing can be ordered.
    """
    selection, base = answer.selection, base or reverse("configurator:configure", args=[product.code])
    placed = _place(product, page, answer, step, language, base)
    steps, navigation = placed.steps, placed.navigation
    built = ConfiguratorPage(
        product_code=product.code,
        product_name=product.label(language),
        lead_time_days=product.lead_time_days,
        steps=steps,
        step=navigation.step,
        previous_step=navigation.previous,
        next_step=navigation.next,
        one_page=placed.one_page,
        hidden=hidden_fields(product, page, selection, navigation.shown),
        state=placed.state,
        notices=_notices(product, page, answer, placed, notices, language),
        conflict=placed.conflict,
        complete=answer.complete,
        progress=progress(steps),
        price=price_view(answer.price),
        summary=summary_rows(steps, selection),
        # The save form carries the estimates too, so saving never passes them off as measured.
        selection_pairs=selection_pairs(product, selection) + page.estimates.pairs(),
        canonical_url=placed.canonical_url,
        summary_url=placed.url(SUMMARY),
        order_url="",
        live_text=next((t for s in steps for t in s.texts if t.code == page.live), None),
        preview=preview,
        preview_alt=preview_alt(product, selection, language),
        sizing=sizing_view(product, page.estimates, language),
        form_url=base,
        draft=draft,
    )
    built.ready = orderable(built)
    if built.ready and draft is None:
        built.order_url = order_url(product, selection)
    return built
