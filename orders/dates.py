"""Dates as shoppers read them: when an order leaves the workshop, and long dates in their language.

A lead time counts working days, Monday to Friday: a workshop quotes "15 working days",
and a shopper who orders on Friday expects the weekend not to count. Public holidays
are not modelled (docs/decisions.md, 24). Long dates follow CLDR through Babel, as
money does: "Friday 18 December 2026" in English, "venerdì 18 dicembre 2026" in
Italian, whose day and month names are lowercase (Django's own Italian formats
capitalise them and pad the day: "Venerdì 04 Dicembre 2026").
"""

from __future__ import annotations

import datetime

from babel.dates import format_date, format_datetime
from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

_LOCALES = {"en": "en_GB", "it": "it_IT"}
_SATURDAY = 5


def dispatch_date(start: datetime.date, lead_time_days: int) -> datetime.date:
    """Return the working day `lead_time_days` working days after `start` (the next working day for 0)."""
    day = start
    remaining = lead_time_days
    while remaining > 0 or day.weekday() >= _SATURDAY:
        day += datetime.timedelta(days=1)
        if day.weekday() < _SATURDAY:
            remaining -= 1
    return day


def dispatch_estimate(lead_time_days: int, now: datetime.datetime | None = None) -> datetime.date:
    """Return when an order placed `now` (default: this moment, in the shop's time zone) leaves the workshop."""
    return dispatch_date(timezone.localdate(now), lead_time_days)


def _locale(language: str | None) -> str:
    code = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return _LOCALES.get(code, code)


def long_date(value: datetime.date, language: str | None = None) -> str:
    """Return `value` with its weekday, in `language` (default: the active one): "venerdì 4 dicembre 2026"."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return format_date(value, "full", locale=_locale(language))


def long_datetime(value: datetime.datetime, language: str | None = None) -> str:
    """Return `value` in the shop's time zone as a long date and a time: "venerdì 4 dicembre 2026, 19:41"."""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    locale = _locale(language)
    return f"{format_date(local.date(), 'full', locale=locale)}, {format_datetime(local, 'HH:mm', locale=locale)}"
