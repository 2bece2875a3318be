"""What the shop lists, kept on each published version and in the shared cache.

Listing the shop and answering a click both ask "which version of this product is
current?". Publishing copies what a product card needs onto the version (so the list
reads one row per product and builds no engine model), and the answers are kept in the
shared cache (Redis or the database cache, settings.CACHES) until the catalog changes:
a publish, or a product's row saved (listed or not, its order in the shop, its code).
"""

from __future__ import annotations

import logging
import uuid
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.db import transaction

from config.throttling import CACHE_ERRORS
from configurator.engine.model import LEAD_TIME_DAYS, Product
from configurator.engine.selection import Selection
from configurator.preview import default_selection, preview_recipe

logger = logging.getLogger(__name__)

#: Seconds a cached answer lives even without a change: bounds what a change made outside
#: the services (a raw UPDATE) can leave stale, and renews the card pictures' recipes.
CACHE_SECONDS = 600
_LATEST = "catalog:latest:v1:{code}"
_LISTING_GENERATION = "catalog:listing:generation"
#: A product code nobody publishes: "no such product" is cached too, so unknown codes cost no query.
MISSING = "-"


def version_card_fields(snapshot: dict[str, Any], model: Product, first_look: Selection | None) -> dict[str, Any]:
    """Return the CatalogVersion fields a product card reads, from the snapshot being published.

    `first_look` is the look the product's page opens on (the defaults, completed); without
    one (no configuration exists) the card shows the defaults' look.
    """
    recipe = preview_recipe(model, first_look if first_look is not None else default_selection(model))
    return {
        "name": snapshot["name"],
        "description": snapshot.get("description") or "",
        "translations": {
            language: {key: text for key, text in texts.items() if key in ("name", "description") and text}
            for language, texts in (snapshot.get("translations") or {}).items()
        },
        "currency": snapshot["currency"],
        "base_price": Decimal(str(snapshot["base_price"])),
        "lead_time_days": snapshot.get("lead_time_days", LEAD_TIME_DAYS),
        "card_recipe": recipe.as_data(),
    }


def latest_key(code: str) -> str:
    return _LATEST.format(code=code)


def listing_generation() -> str:
    """Return the current generation of the product list's cache entries (made on first use)."""
    generation = cache.get(_LISTING_GENERATION)
    if generation is None:
        cache.add(_LISTING_GENERATION, uuid.uuid4().hex, None)
        generation = cache.get(_LISTING_GENERATION) or "0"
    return str(generation)


def _forget(codes: tuple[str, ...]) -> None:
    try:
        cache.delete_many([latest_key(code) for code in codes])
        # A new generation: every cached page of the list, in every language, is left to expire.
        cache.set(_LISTING_GENERATION, uuid.uuid4().hex, None)
    except CACHE_ERRORS:
        # Never a failed publish for an unreachable cache: what it holds expires in CACHE_SECONDS.
        logger.error(
            "the shared cache (CACHE_URL) failed: %s may be listed as before for a while", codes, exc_info=True
        )


def listing_forget(*codes: str) -> None:
    """Drop the cached latest versions of `codes` and the cached product list.

    Done at once and again when the transaction commits: a request between the two
    could otherwise cache the version that the transaction is replacing.
    """
    _forget(codes)
    transaction.on_commit(lambda: _forget(codes))


def product_changed(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    """Forget the cached answers about a product whose row changed (connected in catalog.apps).

    A signal, not a service call: the admin, the import, history reverts and the shell all
    save products, and each of them can take one off the list or rename it. The code it had
    before (set by `product_changing`) is forgotten too.
    """
    codes = {instance.code, getattr(instance, "_listing_code", instance.code)}
    listing_forget(*sorted(codes))


def product_changing(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    """Remember the code a product had before this save, so that both are forgotten."""
    if instance.pk is not None and not kwargs.get("raw"):
        previous = sender._default_manager.filter(pk=instance.pk).values_list("code", flat=True).first()
        instance._listing_code = previous or instance.code
