"""`{{ amount|money:currency }}`: an amount formatted for the active language."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template

from configurator.money import format_money

register = template.Library()


@register.filter
def money(amount: object, currency: str = "EUR") -> str:
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return ""
    return format_money(value, currency)
