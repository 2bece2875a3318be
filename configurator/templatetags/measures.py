"""`{{ value|measure:unit }}`: a stored measurement written in the active language, with its unit."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from configurator.pages.wording import measure_words

register = template.Library()


@register.filter
def measure(value: object, unit: str = "") -> str:
    """Write a measurement as the configurator does: "40.5" and "cm" read "40,5 cm" in Italian.

    Orders keep their measurements as plain decimal text ("40.5"), the same in every language,
    so the order page and the e-mails read them back here in the shopper's language.
    """
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return f"{value} {unit}".strip()
    return measure_words(number, unit)
