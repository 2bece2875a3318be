"""The page's summary: the configuration in rows, the price, the progress and whether it can be ordered."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from configurator.engine.checking import Price
from configurator.engine.model import Product
from configurator.engine.selection import Selection, selection_pairs
from configurator.pages.page import ConfiguratorPage, PriceLineView, PriceView, Progress, StepView, SummaryRow
from configurator.pages.wording import measure_words

_CENT = Decimal("0.01")


def _unset(typed: str, errors: list[str]) -> str:
    """Word a field the configuration lacks: what the shopper typed when it was set aside, else not entered."""
    if typed and errors:
        return _("Not valid: %(value)s") % {"value": typed}
    return _("Not entered yet")


def _step_rows(step: StepView, selection: Selection) -> list[SummaryRow]:
    rows = []
    for group in step.groups:
        names = [o.name for o in group.options if o.checked]
        if names or group.decided_none:
            rows.append(SummaryRow(group.name, ", ".join(names) or _("None"), step.url))
        elif group.required:
            rows.append(SummaryRow(group.name, _("Not chosen yet"), step.url, missing=True))
    for parameter in step.parameters:
        value = selection.parameters.get(parameter.code)
        if value is not None:
            shown = measure_words(value, parameter.unit)
            rows.append(SummaryRow(parameter.name, shown, step.url, estimated=parameter.estimated))
        else:
            rows.append(SummaryRow(parameter.name, _unset(parameter.value, parameter.errors), step.url, missing=True))
    for text in step.texts:
        if selection.texts.get(text.code):
            rows.append(SummaryRow(text.name, selection.texts[text.code], step.url))
        elif text.required or (text.value and text.errors):
            rows.append(SummaryRow(text.name, _unset(text.value, text.errors), step.url, missing=True))
    return rows


def summary_rows(steps: list[StepView], selection: Selection) -> list[SummaryRow]:
    """Return a row per decision, step by step; the ones still to make are marked missing."""
    return [row for step in steps for row in _step_rows(step, selection)]


def price_view(price: Price) -> PriceView:
    """Return the itemised price as the panel shows it, amounts to the cent."""
    return PriceView(
        currency=price.currency,
        total=price.total.quantize(_CENT),
        lines=tuple(PriceLineView(label=line.label, amount=line.amount.quantize(_CENT)) for line in price.lines),
    )


def progress(steps: list[StepView]) -> Progress:
    """Count the steps done, for the stepper."""
    return Progress(done=sum(1 for s in steps if s.done), total=len(steps))


def orderable(page: ConfiguratorPage) -> bool:
    """Say whether the page offers "Order".

    Only what can be built (a complete, valid configuration) whose every measurement is one
    the shopper gave: measurements are the shopper's body, never filled in for them. This is
    the one order gate of the page: an estimate from a standard size left unconfirmed closes it too.
    """
    estimates = page.sizing is not None and bool(page.sizing.estimated)
    return page.complete and all(p.given for s in page.steps for p in s.parameters) and not estimates


def order_url(product: Product, selection: Selection) -> str:
    """Return the checkout link of `selection`."""
    return f"{reverse('orders:checkout', args=[product.code])}?{urlencode(selection_pairs(product, selection))}"


def preview_alt(product: Product, selection: Selection, language: str) -> str:
    """Describe the preview in words: the chosen options of the groups the picture shows.

    "City car with Sage green, Contrast roof, white and 17-inch alloys".
    """
    names = [
        option.label(language)
        for group in product.groups
        if any(option.layers for option in group.options)
        for option in group.options
        if option.code in selection.choices.get(group.code, frozenset())
    ]
    if not names:
        return _("Preview of your %(name)s") % {"name": product.label(language)}
    choices = (
        names[0] if len(names) == 1 else _("%(list)s and %(last)s") % {"list": ", ".join(names[:-1]), "last": names[-1]}
    )
    return _("%(product)s with %(choices)s") % {"product": product.label(language), "choices": choices}
