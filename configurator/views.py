"""Shopper pages."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from catalog.selectors import listed_versions
from configurator.loading import version_model


@dataclass(frozen=True)
class ProductCard:
    code: str
    name: str
    description: str
    currency: str
    base_price: Decimal
    version: int


def product_list(request: HttpRequest) -> HttpResponse:
    """List the published products, in the shopper's language."""
    language = get_language() or "en"
    cards = []
    for version in listed_versions():
        model = version_model(version)
        cards.append(
            ProductCard(
                code=model.code,
                name=model.label(language),
                description=model.translations.get(language, {}).get("description") or model.description,
                currency=model.currency,
                base_price=model.base_price,
                version=version.number,
            )
        )
    return render(request, "configurator/product_list.html", {"products": cards})
