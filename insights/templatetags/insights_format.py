"""How the Insights page writes its figures: shares as percentages, times in words, lifts as factors."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()

#: Shown where there is no figure (nothing to divide by, no visit).
NONE = "—"


@register.filter
def percent(value: float | None) -> str:
    """Write a fraction as a percentage with one decimal: 0.4251 -> "42.5%" ("42,5%" in Italian)."""
    if value is None:
        return NONE
    return f"{number_format(_rounded(value, 1, shift=2), 1)}%"


@register.filter
def duration(seconds: float | None) -> str:
    """Write a time in seconds as people say it: "45 s", "2 min 5 s", "1 h 20 min"."""
    if seconds is None:
        return NONE
    whole = round(seconds)
    if whole < 60:
        return _("%(seconds)d s") % {"seconds": whole}
    if whole < 3600:
        return _("%(minutes)d min %(seconds)d s") % {"minutes": whole // 60, "seconds": whole % 60}
    return _("%(hours)d h %(minutes)d min") % {"hours": whole // 3600, "minutes": whole % 3600 // 60}


@register.filter
def factor(value: float | None) -> str:
    """Write a lift as a factor: 1.25 -> "×1.25"."""
    if value is None:
        return NONE
    return f"×{number_format(_rounded(value, 2), 2)}"


def _rounded(value: float, places: int, *, shift: int = 0) -> Decimal:
    """Round `value` times 10**shift to `places` decimals, halves up: (2.9999, 2) -> 3.00.

    Django's number_format cuts a float's extra digits off instead of rounding them (2.9999 would read
    2.99), so the figure is rounded here first. Starting from the float's shortest text keeps 0.0099 an
    exact 0.99 before the shift, so it rounds to 1.0 as a person would.
    """
    return Decimal(str(value)).scaleb(shift).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@register.filter
def get_item(mapping: dict[str, str], key: str) -> str:
    """Look `key` up in a dictionary ("" when missing): `links|get_item:code`."""
    return mapping.get(key, "")


@register.filter
def amount(value: Decimal | None) -> str:
    """Write a quantity with the decimals it has and no trailing zeros: 7.4000 -> "7.4", 120.00 -> "120"."""
    if value is None:
        return NONE
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return number_format(normal, places, force_grouping=True)
