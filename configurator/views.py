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


_PREVIEW_CACHE = "public, max-age=31536000, immutable"


def preview_image(request: HttpRequest, key: str, size: str, fmt: str) -> HttpResponse:
    """Serve one preview picture (`/preview/<key>-<size>.<fmt>`), rendered on first request.

    The address names the content, so the answer is cacheable forever; a matching
    `If-None-Match` answers 304. An unknown key, size or format answers 404.
    """
    # Imported here so that this view stays a self-contained block of the shop's views.
    from django.http import Http404
    from django.utils.translation import gettext as _

    from configurator import preview

    etag = f'"{key}-{size}.{fmt}"'
    known = preview.KEY.match(key) and size in preview.SIZES and fmt in preview.FORMATS
    if known and etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        path = preview.preview_file(key, size, fmt)
        if path is None:
            raise Http404(_("No such preview image."))
        response = HttpResponse(path.read_bytes(), content_type=preview.FORMATS[fmt])
    response["Cache-Control"] = _PREVIEW_CACHE
    response["ETag"] = etag
    return response
