"""The shop's home page: the published products, a page of cards at a time, in the shopper's language."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from catalog.listing import CACHE_SECONDS
from config.throttling import CACHE_ERRORS, throttle
from configurator.selectors import cards_cache_key, product_cards

logger = logging.getLogger(__name__)


def _cards_html(language: str, number: int) -> str | None:
    """Return page `number` of the product cards rendered, from the shared cache when it has it.

    The rendered cards are what costs (a warm page otherwise spends most of its time in the
    template), so they are kept, per language and day (the dispatch dates they show), until the
    catalog changes. None past the last page. A cache that fails is skipped.
    """
    try:
        key: str | None = cards_cache_key(language, number, timezone.localdate().isoformat())
        cached = cache.get(key)
    except CACHE_ERRORS:
        logger.warning("product list read without the cache (CACHE_URL failed)", exc_info=True)
        key, cached = None, None
    if isinstance(cached, str):
        return cached
    found = product_cards(language, number)
    if found is None:
        return None
    html = render_to_string("configurator/_product_cards.html", {"products": found.cards, "page": found})
    if key is not None:
        try:
            cache.set(key, html, CACHE_SECONDS)
        except CACHE_ERRORS:
            logger.warning("product list not cached (CACHE_URL failed)", exc_info=True)
    return html


@throttle("pages")
def product_list(request: HttpRequest) -> HttpResponse:
    """List the published products in the shopper's language, a page (`?page=`) at a time."""
    raw = request.GET.get("page", "1")
    number = int(raw) if raw.isdigit() and len(raw) < 9 else 0
    html = _cards_html(get_language() or "en", number) if number >= 1 else None
    if html is None:
        missing = _("There is no page %(page)s of products.") % {"page": raw}
        return render(request, "configurator/product_list.html", {"missing": missing}, status=404)
    # Rendered by the template engine from escaped values: safe to insert as it is.
    return render(request, "configurator/product_list.html", {"cards": mark_safe(html)})
