"""Made-to-measure help on the page: start from a usual size, estimates to check, guides, warnings.

A standard size fills the measurements the shopper has not given as *estimates*. The
page state carries them (`_size`, `_estimated`: `configurator.forms.Estimates`), never a
cookie, until the shopper confirms each one, confirms them all, or types their own value;
"Order" waits for that (`summary.orderable`).
"""

from __future__ import annotations

import dataclasses

from configurator.engine.model import Guide, Product, Size
from configurator.engine.plausibility import MeasurementWarning
from configurator.engine.selection import Selection
from configurator.forms import Estimates, PageInput
from configurator.pages.page import GuideView, ParameterView, SizeChoice, SizingView, WarningView


def size_fill(product: Product, page: PageInput, size: Size) -> PageInput:
    """Fill in from `size` every measurement the shopper has not given, as estimates.

    The shopper's own values, including one set aside for a typo, are never replaced;
    earlier estimates (from another size) are. Return the page input with the filled
    selection and its estimates.
    """
    selection = page.selection
    ours = set(page.estimates.fields)
    filled = {}
    for parameter in product.parameters:
        code = parameter.code
        given = (code in selection.parameters and code not in ours) or code in page.rejected
        value = size.value(code)
        if not given and value is not None:
            filled[code] = value
    parameters = {**selection.parameters, **filled}
    new = Selection(choices=selection.choices, parameters=parameters, texts=selection.texts)
    fields = tuple(p.code for p in product.parameters if p.code in filled)
    return dataclasses.replace(page, selection=new, estimates=Estimates(size.code, fields) if fields else Estimates())


def sizing_view(product: Product, estimates: Estimates, language: str) -> SizingView | None:
    """Return the size table as the page offers it, or None when the product has none."""
    if not product.sizes:
        return None
    current = product.size(estimates.size) if estimates.fields else None
    names = {p.code: p.label(language) for p in product.parameters}
    return SizingView(
        sizes=tuple(SizeChoice(s.code, s.label(language), current is s) for s in product.sizes),
        size_name=current.label(language) if current else "",
        estimated=tuple(names[code] for code in estimates.fields if code in names),
    )


def guide_view(guide: Guide | None, language: str) -> GuideView | None:
    """Return a measuring guide as the page shows it beside its field."""
    return None if guide is None else GuideView(image=guide.image, text=guide.text_in(language))


def warning_notices(warnings: tuple[MeasurementWarning, ...], language: str) -> list[tuple[str, str]]:
    """Return the warnings that name no measurement as page notices: they have no field to sit beside."""
    return [("warning", w.text(language)) for w in warnings if not w.fields]


def annotate_parameter(
    view: ParameterView, estimates: Estimates, warnings: tuple[MeasurementWarning, ...], language: str
) -> None:
    """Mark `view` as an estimate to check, and add the warnings that name it."""
    view.estimated = view.code in estimates.fields
    view.warnings = [WarningView(w.code, w.text(language)) for w in warnings if view.code in w.fields]
