"""What the configurator page shows: steps, options with their reasons, ranges, price, summary.

`page_context` turns the configure answer (the same one the API gives) and the
shopper's own input into plain objects the templates render without logic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from catalog.models import CatalogVersion
from configurator import preview, services
from configurator.engine.model import Group, Parameter, Product, TextField
from configurator.engine.selection import (
    MAX_DECIMAL_CHARACTERS,
    MAX_SIGNIFICANT_DIGITS,
    DecimalInputError,
    Selection,
    decimal_read,
    selection_pairs,
)
from configurator.forms import STEP, PageInput

SUMMARY = "summary"
#: The step for groups, parameters and texts that belong to no section.
OTHER = "other"


@dataclass
class OptionView:
    code: str
    name: str
    description: str
    price: Decimal
    swatch: str
    checked: bool
    available: bool
    reason: str = ""
    #: False when only the rules exclude it (no change of the shopper's can make it possible).
    can_force: bool = False


@dataclass
class GroupView:
    code: str
    name: str
    description: str
    kind: str
    required: bool
    display: str
    options: list[OptionView]
    decided_none: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def decided(self) -> bool:
        return self.decided_none or any(o.checked for o in self.options)


@dataclass
class ParameterView:
    code: str
    name: str
    description: str
    unit: str
    min: Decimal
    max: Decimal
    step: Decimal
    live_min: Decimal | None
    live_max: Decimal | None
    value: str
    errors: list[str] = field(default_factory=list)

    @property
    def narrowed(self) -> bool:
        return (self.live_min, self.live_max) != (self.min, self.max)


@dataclass
class TextView:
    code: str
    name: str
    description: str
    max_length: int
    charset: str
    required: bool
    value: str
    errors: list[str] = field(default_factory=list)


@dataclass
class Step:
    code: str
    name: str
    number: int
    groups: list[GroupView] = field(default_factory=list)
    parameters: list[ParameterView] = field(default_factory=list)
    texts: list[TextView] = field(default_factory=list)
    url: str = ""

    @property
    def done(self) -> bool:
        """Every required decision of the step is made (optional ones may stay open)."""
        return (
            all(g.decided for g in self.groups if g.required)
            and all(p.value for p in self.parameters)
            and all(t.value for t in self.texts if t.required)
        )


@dataclass
class SummaryRow:
    label: str
    value: str
    url: str
    missing: bool = False


def configure_url(product: Product, selection: Selection, step: str = "") -> str:
    """Return the configurator URL that reproduces `selection` (and shows `step`)."""
    pairs = selection_pairs(product, selection)
    if step:
        pairs.append((STEP, step))
    base = reverse("configurator:configure", args=[product.code])
    return f"{base}?{urlencode(pairs)}" if pairs else base


def _description(thing: Any, language: str) -> str:
    """Return the description of a group, option, parameter or text field in `language`."""
    return str(thing.translations.get(language, {}).get("description") or thing.description)


def _decimal(value: str | None) -> Decimal | None:
    """Read a number the configure answer computed (a live range bound), never the shopper's input."""
    return None if value is None else Decimal(value)


def _field_messages(product: Product, code: str, raw: str) -> list[str]:
    """Say, in the shopper's language, why the value `raw` of field `code` was set aside."""
    group = product.group(code)
    if group is not None:
        return [_("This choice is not offered any more.")]
    parameter = product.parameter(code)
    if parameter is not None:
        unit = parameter.unit
        try:
            number = decimal_read(raw)
        except DecimalInputError as error:
            if error.code == "length":
                return [_("At most %(count)d characters.") % {"count": MAX_DECIMAL_CHARACTERS}]
            if error.code == "digits":
                return [_("At most %(count)d significant digits.") % {"count": MAX_SIGNIFICANT_DIGITS}]
            if error.code == "script":
                return [_("Use the digits 0-9, like %(example)s.") % {"example": f"{parameter.min}"}]
            return [_("Enter a number, like %(example)s.") % {"example": f"{parameter.min}"}]
        if not parameter.min <= number <= parameter.max:
            return [
                _("Enter a value from %(min)s to %(max)s %(unit)s.")
                % {"min": parameter.min, "max": parameter.max, "unit": unit}
            ]
        return [_("Use steps of %(step)s %(unit)s.") % {"step": parameter.step, "unit": unit}]
    text = product.text(code)
    if text is not None:
        if len(raw) > text.max_length:
            return [_("At most %(count)d characters.") % {"count": text.max_length}]
        bad = sorted({c for c in raw if not re.fullmatch(f"[{text.charset}]", c)}) if text.charset else []
        return [
            _("These characters cannot be used: %(bad)s. Allowed: %(allowed)s.")
            % {"bad": " ".join(bad), "allowed": text.charset}
        ]
    return [_("This field is not part of the product.")]


def _steps(product: Product, language: str) -> list[Step]:
    steps = [Step(code=s.code, name=s.label(language), number=i + 1) for i, s in enumerate(product.sections)]
    known = {s.code for s in steps}
    placed = {
        *(g.section for g in product.groups),
        *(p.section for p in product.parameters),
        *(t.section for t in product.texts),
    }
    if not steps or not placed <= known:
        steps.append(Step(code=OTHER, name=_("Options") if not steps else _("More"), number=len(steps) + 1))
    return steps


def _group_view(group: Group, state: dict[str, Any], selection: Selection, language: str) -> GroupView:
    chosen = selection.choices.get(group.code)
    options = []
    for option, option_state in zip(group.options, state["options"], strict=True):
        if not option.active:
            continue
        checked = chosen is not None and option.code in chosen
        reasons = option_state.get("reasons", [])
        options.append(
            OptionView(
                code=option.code,
                name=option_state["name"],
                description=_description(option, language),
                price=option.price,
                swatch=option.swatch,
                checked=checked,
                # What the shopper has chosen stays choosable, even when it conflicts.
                available=option_state["available"] or checked,
                reason="" if option_state["available"] or checked else services.reason_sentence(reasons),
                can_force=any("selection" in r for r in reasons),
            )
        )
    return GroupView(
        code=group.code,
        name=state["name"],
        description=_description(group, language),
        kind=group.kind,
        required=group.required,
        display=group.display,
        options=options,
        decided_none=chosen is not None and not chosen,
    )


def _parameter_view(parameter: Parameter, state: dict[str, Any], raw: str | None, language: str) -> ParameterView:
    value = state["value"] if raw is None else raw
    return ParameterView(
        code=parameter.code,
        name=parameter.label(language),
        description=_description(parameter, language),
        unit=parameter.unit,
        min=parameter.min,
        max=parameter.max,
        step=parameter.step,
        live_min=_decimal(state["min"]),
        live_max=_decimal(state["max"]),
        value=value or "",
    )


def _text_view(text: TextField, selection: Selection, raw: str | None, language: str) -> TextView:
    return TextView(
        code=text.code,
        name=text.label(language),
        description=_description(text, language),
        max_length=text.max_length,
        charset=text.charset,
        required=text.required,
        value=raw if raw is not None else selection.texts.get(text.code, ""),
    )


def _place_fields(
    product: Product, page: PageInput, selection: Selection, answer: dict[str, Any], steps: list[Step], language: str
) -> str:
    """Put a view of every group, parameter and text field on its step, with its messages.

    Return the sentence naming the conflict, if the selection has one ('' otherwise).
    """
    by_code = {s.code: s for s in steps}

    def step_of(section: str) -> Step:
        return by_code.get(section) or by_code[OTHER]

    conflict_keys = {r["selection"] for r in answer["violations"] if "selection" in r} if not answer["valid"] else set()
    conflict = services.conflict_sentence(answer["violations"]) if not answer["valid"] else ""

    def messages(code: str, raw: str | None) -> list[str]:
        """The field's messages: why `raw` (if not None) was set aside, then the conflict it is part of."""
        found = _field_messages(product, code, raw) if raw is not None else []
        return [*found, conflict] if code in conflict_keys else found

    for group, state in zip(product.groups, answer["groups"], strict=True):
        view = _group_view(group, state, selection, language)
        view.errors = messages(group.code, "" if group.code in page.errors else None)
        step_of(group.section).groups.append(view)
    for parameter, state in zip(product.parameters, answer["parameters"], strict=True):
        raw = page.rejected.get(parameter.code)
        view_p = _parameter_view(parameter, state, raw, language)
        view_p.errors = messages(parameter.code, raw)
        step_of(parameter.section).parameters.append(view_p)
    for text in product.texts:
        raw = page.rejected.get(text.code)
        view_t = _text_view(text, selection, raw, language)
        view_t.errors = messages(text.code, raw)
        step_of(text.section).texts.append(view_t)
    return conflict


def page_context(
    version: CatalogVersion,
    product: Product,
    page: PageInput,
    selection: Selection,
    step_code: str,
    notices: list[tuple[str, str]],
    language: str,
    *,
    recipe: preview.Recipe,
) -> dict[str, Any]:
    """Return the template context of the configurator page for `selection`, whose look is `recipe`."""
    answer = services.configuration_answer(version, selection, language)
    steps = _steps(product, language)
    conflict = _place_fields(product, page, selection, answer, steps, language)
    steps = [s for s in steps if s.groups or s.parameters or s.texts]
    for s in steps:
        s.url = configure_url(product, selection, s.code)
    codes = [s.code for s in steps]
    if step_code != SUMMARY and step_code not in codes:
        step_code = codes[0] if codes else SUMMARY
    current = next((s for s in steps if s.code == step_code), None)
    index = codes.index(step_code) if current is not None else len(codes)
    shown = {
        *(g.code for g in (current.groups if current else [])),
        *(p.code for p in (current.parameters if current else [])),
        *(t.code for t in (current.texts if current else [])),
    }
    if product.layout == "single" and current is not None:
        shown = {code for s in steps for code in (*(g.code for g in s.groups), *(p.code for p in s.parameters))}
        shown |= {t.code for s in steps for t in s.texts}
    # Decisions made on other steps travel with the form as hidden fields.
    hidden = [(k, v) for k, v in selection_pairs(product, selection) if k not in shown]
    hidden += [(k, v) for k, v in page.rejected.items() if k not in shown]
    # A bad value of a field on another step is still named, at the top of the page.
    names = {g.code: g.name for s in steps for g in s.groups}
    names |= {p.code: p.name for s in steps for p in s.parameters} | {t.code: t.name for s in steps for t in s.texts}
    notices = list(notices)
    for code in page.errors:
        if code in names and code not in shown:
            for message in _field_messages(product, code, page.rejected.get(code, "")):
                notices.append(("error", f"{names[code]}: {message}"))
    summary = _summary(product, steps, selection, language)
    done = sum(1 for s in steps if s.done)
    price = answer["price"]
    return {
        "product": product,
        "product_name": product.label(language),
        "version": version,
        "answer": answer,
        "steps": steps,
        "step": current or Step(code=SUMMARY, name=_("Summary"), number=len(steps) + 1),
        "previous_step": codes[index - 1] if index > 0 else "",
        "next_step": codes[index + 1] if index + 1 < len(codes) else SUMMARY,
        "one_page": product.layout == "single",
        "hidden": hidden,
        "notices": notices,
        "conflict": conflict,
        "complete": answer["complete"],
        "progress": {"done": done, "total": len(steps), "percent": round(100 * done / len(steps)) if steps else 100},
        "price": {
            "currency": price["currency"],
            "total": Decimal(price["total"]),
            "lines": [{**line, "amount": Decimal(line["amount"])} for line in price["lines"]],
        },
        "summary": summary,
        "missing": [row for row in summary if row.missing],
        "selection_pairs": selection_pairs(product, selection),
        "canonical_url": configure_url(product, selection, step_code),
        "summary_url": configure_url(product, selection, SUMMARY),
        # Ordering is offered only for what can be built: a complete, valid configuration.
        "order_url": (
            f"{reverse('orders:checkout', args=[product.code])}?{urlencode(selection_pairs(product, selection))}"
            if answer["complete"]
            else ""
        ),
        "live_text": next((t for s in steps for t in s.texts if t.code == page.live), None),
        "preview": preview.preview_urls(recipe),
    }


def _summary(product: Product, steps: list[Step], selection: Selection, language: str) -> list[SummaryRow]:
    rows = []
    for step in steps:
        for group in step.groups:
            names = [o.name for o in group.options if o.checked]
            if names or group.decided_none:
                rows.append(SummaryRow(group.name, ", ".join(names) or _("None"), step.url))
            elif group.required:
                rows.append(SummaryRow(group.name, _("Not chosen yet"), step.url, missing=True))
        for parameter in step.parameters:
            value = selection.parameters.get(parameter.code)
            if value is not None:
                rows.append(SummaryRow(parameter.name, f"{number_format(value)} {parameter.unit}".strip(), step.url))
            else:
                rows.append(SummaryRow(parameter.name, _("Not entered yet"), step.url, missing=True))
        for text in step.texts:
            if selection.texts.get(text.code):
                rows.append(SummaryRow(text.name, selection.texts[text.code], step.url))
            elif text.required:
                rows.append(SummaryRow(text.name, _("Not entered yet"), step.url, missing=True))
    return rows
