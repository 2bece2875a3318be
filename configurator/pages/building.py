"""Assemble the configurator page from the engine's typed answer and the shopper's input."""

from __future__ import annotations

from django.urls import reverse

from configurator.engine.model import Product
from configurator.engine.selection import selection_pairs
from configurator.forms import PageInput
from configurator.pages.fields import place_fields
from configurator.pages.links import configure_url, state_pairs
from configurator.pages.page import ConfiguratorPage, DraftView
from configurator.pages.sizing import sizing_view, warning_notices
from configurator.pages.steps import OTHER, SUMMARY, field_notices, hidden_fields, make_steps, navigate
from configurator.pages.suggestions import standing_suggestions, suggestion_notices
from configurator.pages.summary import order_url, orderable, preview_alt, price_view, progress, summary_rows
from configurator.preview import PreviewUrls
from configurator.services import ConfigurationAnswer


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
    selection = answer.selection
    base = base or reverse("configurator:configure", args=[product.code])
    steps = make_steps(product, language)
    conflict = place_fields(product, page, answer, steps, OTHER, language)
    steps = [s for s in steps if s.groups or s.parameters or s.texts]
    one_page = product.layout == "single"
    navigation = navigate(steps, step, one_page=one_page)
    on_summary = navigation.step.code == SUMMARY
    # The steps shown count as visited (every step, on the one-page layout).
    here = {s.code for s in steps} if one_page and not on_summary else {navigation.step.code}
    seen = page.seen | here
    suggested = standing_suggestions(page, selection, steps, shown=here)
    visited = frozenset(seen & {s.code for s in steps})
    state = state_pairs(product, visited, suggested=suggested, estimates=page.estimates, guided=page.guided)

    def url(step_code: str) -> str:
        return configure_url(product, selection, step_code, rejected=page.rejected, state=state, base=base)

    for s in steps:
        s.visited = s.code in seen
        # One page shows every step: its stepper links to each step's block on that page.
        s.url = f"{url('')}#h-{s.code}" if one_page else url(s.code)
    built = ConfiguratorPage(
        product_code=product.code,
        product_name=product.label(language),
        lead_time_days=product.lead_time_days,
        steps=steps,
        step=navigation.step,
        previous_step=navigation.previous,
        next_step=navigation.next,
        one_page=one_page,
        hidden=hidden_fields(product, page, selection, navigation.shown),
        state=state,
        notices=[
            *notices,
            *suggestion_notices(suggested),
            *field_notices(product, page, steps, navigation.shown),
            *warning_notices(answer.warnings, language),
        ],
        conflict=conflict,
        complete=answer.complete,
        progress=progress(steps),
        price=price_view(answer.price),
        summary=summary_rows(steps, selection),
        # The save form carries the estimates too, so saving never passes them off as measured.
        selection_pairs=selection_pairs(product, selection) + page.estimates.pairs(),
        # The one-page layout's address names no step, so the stepper's links stay on the page.
        canonical_url=url("" if one_page and not on_summary else navigation.step.code),
        summary_url=url(SUMMARY),
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
