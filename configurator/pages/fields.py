"""The page's fields: a view of every group, parameter and text field, with its messages, on its step."""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol

from django.utils.formats import number_format

from configurator.charsets import charset_words
from configurator.engine.model import Group, Parameter, Product, TextField, Translations
from configurator.engine.selection import Selection, text_upper_cased
from configurator.engine.session import GroupState, ParameterState, Reason
from configurator.forms import PageInput
from configurator.pages.page import GroupView, OptionView, ParameterView, StepView, TextView
from configurator.pages.sizing import annotate_parameter, guide_view
from configurator.pages.wording import LiveRange, conflict_sentence, field_messages, reason_sentence
from configurator.services import ConfigurationAnswer


class _Described(Protocol):
    @property
    def description(self) -> str: ...

    @property
    def translations(self) -> Translations: ...


def description(thing: _Described, language: str) -> str:
    """Return the description of a group, option, parameter or text field in `language`."""
    return str(thing.translations.get(language, {}).get("description") or thing.description)


def _plain(value: Decimal | None) -> Decimal | None:
    """Return `value` without an exponent (1E+2 -> 100), as the shopper reads a bound."""
    return None if value is None else Decimal(format(value, "f"))


def never_choosable(reasons: tuple[Reason, ...]) -> bool:
    """Say whether the rules alone exclude an option: no choice of the shopper's makes it possible.

    Such an option is hidden from shoppers (the catalog lint tells the merchandiser).
    """
    return not any(r.selection is not None for r in reasons)


def group_view(product: Product, group: Group, state: GroupState, selection: Selection, language: str) -> GroupView:
    """Return the view of `group`: its active options, ticked, available or why not."""
    chosen = selection.choices.get(group.code)
    options = []
    for option, option_state in group.arrange(list(zip(group.options, state.options, strict=True)), language):
        if not option.active:
            continue
        checked = chosen is not None and option.code in chosen
        # What the shopper has chosen stays choosable, even when it conflicts.
        available = option_state.available or checked
        reasons = option_state.reasons if not option_state.available else ()
        if not available and never_choosable(reasons):
            continue
        options.append(
            OptionView(
                code=option.code,
                name=option.label(language),
                description=description(option, language),
                price=option.price,
                swatch=option.swatch,
                checked=checked,
                available=available,
                reason="" if available else reason_sentence(product, reasons, selection, language),
                can_force=any(r.selection is not None for r in reasons),
                excluded_by=frozenset(r.selection[1] for r in reasons if r.selection and r.selection[0] == "group"),
            )
        )
    return GroupView(
        code=group.code,
        name=group.label(language),
        description=description(group, language),
        kind=group.kind,
        required=group.required,
        display=group.display,
        options=options,
        decided_none=chosen is not None and not chosen,
    )


def parameter_view(
    parameter: Parameter, state: ParameterState, selection: Selection, raw: str | None, language: str
) -> ParameterView:
    """Return the view of `parameter`: its range now, and the value or what the shopper typed."""
    value = selection.parameters.get(parameter.code)
    return ParameterView(
        code=parameter.code,
        name=parameter.label(language),
        description=description(parameter, language),
        unit=parameter.unit,
        min=parameter.min,
        max=parameter.max,
        step=parameter.step,
        live_min=_plain(state.min),
        live_max=_plain(state.max),
        # In the shopper's language ("40,5" in Italian), as the field reads it back.
        value=raw if raw is not None else "" if value is None else number_format(value),
    )


def text_view(text: TextField, selection: Selection, raw: str | None, language: str) -> TextView:
    """Return the view of `text` with the shopper's value (or what they typed, when set aside)."""
    return TextView(
        code=text.code,
        name=text.label(language),
        description=description(text, language),
        max_length=text.max_length,
        charset=text.charset,
        required=text.required,
        value=raw if raw is not None else selection.texts.get(text.code, ""),
        allowed=charset_words(text.charset),
        capitals=text_upper_cased(text),
    )


def place_fields(
    product: Product, page: PageInput, answer: ConfigurationAnswer, steps: list[StepView], fallback: str, language: str
) -> str:
    """Put a view of every group, parameter and text field on its step (else on `fallback`).

    Return the sentence naming the conflict, if the selection has one ('' otherwise).
    """
    by_code = {s.code: s for s in steps}
    selection = answer.selection
    conflict_keys = set() if answer.valid else {r.selection[1] for r in answer.propagation.conflict if r.selection}
    conflict = "" if answer.valid else conflict_sentence(product, answer.propagation.conflict, selection, language)

    def step_of(section: str) -> StepView:
        return by_code.get(section) or by_code[fallback]

    def messages(code: str, raw: str | None, live: LiveRange = None) -> list[str]:
        """The field's messages: why `raw` (if not None) was set aside, then the conflict it is part of."""
        found = field_messages(product, code, raw, live) if raw is not None else []
        return [*found, conflict] if code in conflict_keys else found

    for group, state in zip(product.groups, answer.propagation.groups, strict=True):
        view = group_view(product, group, state, selection, language)
        view.errors = messages(group.code, "" if group.code in page.errors else None)
        step_of(group.section).groups.append(view)
    for parameter, parameter_state in zip(product.parameters, answer.propagation.parameters, strict=True):
        raw = page.rejected.get(parameter.code)
        view_p = parameter_view(parameter, parameter_state, selection, raw, language)
        view_p.errors = messages(parameter.code, raw, view_p.narrowed_range)
        view_p.guide = guide_view(parameter.guide, language)
        annotate_parameter(view_p, page.estimates, answer.warnings, language)
        step_of(parameter.section).parameters.append(view_p)
    for text in product.texts:
        raw = page.rejected.get(text.code)
        view_t = text_view(text, selection, raw, language)
        view_t.errors = messages(text.code, raw)
        step_of(text.section).texts.append(view_t)
    return conflict
