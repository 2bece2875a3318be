"""The page's sentences: why an option is unavailable, why choices conflict, why a value was set aside."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.utils.formats import get_format, number_format
from django.utils.translation import gettext as _

from configurator.charsets import charset_words
from configurator.engine.model import Parameter, Product, TextField
from configurator.engine.selection import (
    MAX_DECIMAL_CHARACTERS,
    MAX_SIGNIFICANT_DIGITS,
    DecimalInputError,
    Selection,
    decimal_read,
    text_read,
)
from configurator.engine.session import Reason
from configurator.forms import decimal_input
from configurator.services import reason_message


def measure_words(value: Decimal, unit: str) -> str:
    """Write a measurement in the active language with its unit: 40.5 cm reads "40,5 cm" in Italian."""
    return f"{number_format(value)} {unit}".strip()


def choice_words(product: Product, key: tuple[str, str], selection: Selection, language: str) -> str:
    """Name a decision of the shopper's in words: "Onyx Black (Body colour)", "101.5 cm (Chest)"."""
    kind, code = key
    thing = product.group(code) or product.parameter(code) or product.text(code)
    name = thing.label(language) if thing is not None else code
    if kind == "group":
        group = product.group(code)
        chosen = selection.choices.get(code, frozenset())
        labels = [o.label(language) for o in group.options if o.code in chosen] if group else sorted(chosen)
        value = ", ".join(labels) or _("none")
    elif kind == "parameter":
        parameter = product.parameter(code)
        number = selection.parameters.get(code)
        unit = parameter.unit if parameter else ""
        value = measure_words(number, unit) if number is not None else "—"
    else:
        return name
    return _("%(value)s (%(name)s)") % {"value": value, "name": name}


def _worded(
    product: Product, reasons: Iterable[Reason], selection: Selection, language: str
) -> tuple[list[str], list[str]]:
    """Split `reasons` into the rules' messages and the shopper's decisions, in words (never codes)."""
    rules, choices = [], []
    for reason in reasons:
        if reason.selection is not None:
            choices.append(choice_words(product, reason.selection, selection, language))
        elif reason.rule:
            rules.append(reason_message(product, reason, selection, language).rstrip("."))
    return rules, choices


def reason_sentence(product: Product, reasons: Iterable[Reason], selection: Selection, language: str) -> str:
    """Say in one sentence, in words, why an option is unavailable.

    "Not with Onyx Black (Body colour): contrast roofs need a lighter body." Rule codes
    stay in the API and the admin.
    """
    rules, choices = _worded(product, reasons, selection, language)
    because = "; ".join(rules)
    if choices and because:
        return _("Not with %(choices)s: %(rules)s.") % {"choices": _(" and ").join(choices), "rules": because}
    if choices:
        return _("Not with %(choices)s.") % {"choices": _(" and ").join(choices)}
    return f"{because}." if because else _("Not available.")


def conflict_sentence(product: Product, reasons: Iterable[Reason], selection: Selection, language: str) -> str:
    """Say why the shopper's choices cannot be built together: the rules' messages, then the choices."""
    rules, choices = _worded(product, reasons, selection, language)
    sentence = " ".join(f"{message}." for message in rules)
    if choices:
        sentence += " " + _("Involved: %(choices)s.") % {"choices": "; ".join(choices)}
    return sentence.strip()


#: The range the shopper's other choices leave a measurement, when narrower than its own (min, max).
LiveRange = tuple[Decimal, Decimal] | None


def _out_of_range(parameter: Parameter, live: LiveRange) -> str:
    """Name the values to type: the live range when the other choices narrow it, the hint names it too."""
    unit = parameter.unit
    if live is not None:
        bounds = {"min": number_format(live[0]), "max": number_format(live[1]), "unit": unit}
        return _("Enter a value from %(min)s to %(max)s %(unit)s with your other choices.") % bounds
    bounds = {"min": number_format(parameter.min), "max": number_format(parameter.max), "unit": unit}
    return _("Enter a value from %(min)s to %(max)s %(unit)s.") % bounds


def _parameter_messages(parameter: Parameter, raw: str, live: LiveRange) -> list[str]:
    unit = parameter.unit
    example = number_format(parameter.min)
    try:
        number = decimal_read(decimal_input(raw, get_format("DECIMAL_SEPARATOR")))
    except DecimalInputError as error:
        if error.code == "length":
            return [_("At most %(count)d characters.") % {"count": MAX_DECIMAL_CHARACTERS}]
        if error.code == "digits":
            return [_("At most %(count)d significant digits.") % {"count": MAX_SIGNIFICANT_DIGITS}]
        if error.code == "script":
            return [_("Use the digits 0-9, like %(example)s.") % {"example": example}]
        return [_("Enter a number, like %(example)s.") % {"example": example}]
    if not parameter.min <= number <= parameter.max:
        return [_out_of_range(parameter, live)]
    return [_("Use steps of %(step)s %(unit)s.") % {"step": number_format(parameter.step), "unit": unit}]


def _text_messages(text: TextField, raw: str) -> list[str]:
    kept = text_read(text, raw)  # what the shop would keep: "ab1" is refused for its "1" alone
    if len(kept) > text.max_length:
        return [_("At most %(count)d characters.") % {"count": text.max_length}]
    bad = sorted({c for c in kept if not re.fullmatch(f"[{text.charset}]", c)}) if text.charset else []
    # Quoted, so that a refused "." or "," is not read as the sentence's own punctuation.
    return [
        _("These characters cannot be used: %(bad)s. Use only %(allowed)s.")
        % {"bad": ", ".join(f"“{c}”" for c in bad), "allowed": charset_words(text.charset)}
    ]


def field_messages(product: Product, code: str, raw: str, live: LiveRange = None) -> list[str]:
    """Say, in the shopper's language, why the value `raw` of field `code` was set aside.

    `live`: a measurement's range as the shopper's other choices narrow it, named instead of its own.
    """
    if product.group(code) is not None:
        return [_("This choice is not offered any more.")]
    parameter = product.parameter(code)
    if parameter is not None:
        return _parameter_messages(parameter, raw, live)
    text = product.text(code)
    if text is not None:
        return _text_messages(text, raw)
    return [_("This field is not part of the product.")]


def set_aside_sentence(
    product: Product, errors: Mapping[str, list[str]], rejected: Mapping[str, str], language: str
) -> str:
    """Name each field whose value was set aside and say why ("Neck: Enter a value from 34 to 50 cm.").

    Fields are in the order of `errors`; an error naming no field of the product is left to the caller.
    """
    parts = []
    for code in errors:
        field = product.parameter(code) or product.text(code) or product.group(code)
        raw = rejected.get(code)
        if field is not None and raw is not None:
            parts.append(f"{field.label(language)}: {' '.join(field_messages(product, code, raw))}")
    return " ".join(parts)


def confirmed_sentence(product: Product, confirmed: str, language: str) -> str:
    """Say what the shopper confirmed ("This is right" on one estimate, or "I have checked these").

    The sentence is the notice that takes focus after the button, which the redrawn form no
    longer has, so the shopper hears what happened instead of being left on the page's top.
    """
    parameter = product.parameter(confirmed)
    if parameter is not None:
        return _("%(field)s is checked: it is your own measurement now.") % {"field": parameter.label(language)}
    return _("Checked: these measurements are your own now.")
