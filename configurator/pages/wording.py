"""The page's sentences: why an option is unavailable, why choices conflict, why a value was set aside."""

from __future__ import annotations

import re
from collections.abc import Iterable

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
from configurator.services import reason_message


def _worded(
    product: Product, reasons: Iterable[Reason], selection: Selection, language: str
) -> tuple[list[tuple[str, str]], list[str]]:
    """Split `reasons` into (rule message, rule code) pairs and the shopper's decisions, in words."""
    rules, choices = [], []
    for reason in reasons:
        message = reason_message(product, reason, selection, language)
        if reason.selection is not None:
            choices.append(message)
        elif reason.rule:
            rules.append((message, reason.rule))
    return rules, choices


def reason_sentence(product: Product, reasons: Iterable[Reason], selection: Selection, language: str) -> str:
    """Say in one sentence why an option is unavailable.

    "Not with Body colour: Black: contrast roofs need a lighter body (rule R4)."
    """
    rules, choices = _worded(product, reasons, selection, language)
    because = "; ".join(
        _("%(message)s (rule %(code)s)") % {"message": message.rstrip("."), "code": code} for message, code in rules
    )
    if choices and because:
        return _("Not with %(choices)s: %(rules)s.") % {"choices": _(" and ").join(choices), "rules": because}
    if choices:
        return _("Not with %(choices)s.") % {"choices": _(" and ").join(choices)}
    return _("Never available: %(rules)s.") % {"rules": because} if because else _("Not available.")


def conflict_sentence(product: Product, reasons: Iterable[Reason], selection: Selection, language: str) -> str:
    """Say why the shopper's choices cannot be built together: the rules, then the choices involved."""
    rules, choices = _worded(product, reasons, selection, language)
    sentence = " ".join(f"{message.rstrip('.')} ({_('rule')} {code})." for message, code in rules)
    if choices:
        sentence += " " + _("Involved: %(choices)s.") % {"choices": "; ".join(choices)}
    return sentence.strip()


def _parameter_messages(parameter: Parameter, raw: str) -> list[str]:
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


def field_messages(product: Product, code: str, raw: str) -> list[str]:
    """Say, in the shopper's language, why the value `raw` of field `code` was set aside."""
    if product.group(code) is not None:
        return [_("This choice is not offered any more.")]
    parameter = product.parameter(code)
    if parameter is not None:
        return _parameter_messages(parameter, raw)
    text = product.text(code)
    if text is not None:
        return _text_messages(text, raw)
    return [_("This field is not part of the product.")]
