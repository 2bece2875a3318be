"""Money as shoppers read it, in their language."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency
from django.conf import settings
from django.utils.translation import get_language

_LOCALES = {"en": "en_GB", "it": "it_IT"}


def format_money(amount: Decimal, currency: str, language: str | None = None) -> str:
    """Format `amount` in `currency` for `language` (default: the active one).

    English gives "€18,900.00", Italian "€ 18.900,00"; the patterns live in the
    CURRENCY_FORMATS setting so a shop can follow its own convention.
    """
    language = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return _format(amount, currency, language)


@lru_cache(maxsize=4096)
def _format(amount: Decimal, currency: str, language: str) -> str:
    # Babel parses the pattern on every call; a page shows the same few amounts over and over.
    pattern = settings.CURRENCY_FORMATS.get(language, settings.CURRENCY_FORMATS[settings.LANGUAGE_CODE])
    locale = _LOCALES.get(language, language)
    return format_currency(amount, currency, format=pattern, locale=locale, currency_digits=False)
