"""Reads of the catalog that shoppers, orders and the API rely on."""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache
from django.db.models import OuterRef, QuerySet, Subquery

from catalog.listing import CACHE_SECONDS, MISSING, latest_key
from catalog.models import CatalogVersion, Product
from catalog.snapshots import product_as_dict
from config.throttling import CACHE_ERRORS

logger = logging.getLogger(__name__)


def latest_versions() -> QuerySet[CatalogVersion]:
    """Return the latest published version of every product that has one."""
    newest = CatalogVersion.objects.filter(product=OuterRef("product")).order_by("-number").values("number")[:1]
    return (
        CatalogVersion.objects.filter(number=Subquery(newest))
        .select_related("product")
        .defer("snapshot")
        .order_by("product__position", "product__code")
    )


def listed_versions() -> list[CatalogVersion]:
    """Return the latest version of each product the shop lists, in shop order."""
    return [version for version in latest_versions() if version.product.active]


def version_latest_for(code: str) -> CatalogVersion | None:
    """Return the latest published version of the product `code`, or None.

    The snapshot (megabytes for large table models) is deferred: the engine's cache
    reads it only the first time a version is used.
    """
    return (
        CatalogVersion.objects.filter(product__code=code)
        .select_related("product")
        .defer("snapshot")
        .order_by("-number")
        .first()
    )


def version_latest_cached(code: str) -> CatalogVersion | None:
    """Return `version_latest_for(code)` through the shared cache, which publishing clears.

    For shoppers' clicks, asked on every one of them. Orders read the database itself
    (`version_latest_for`): what a shopper buys never rests on a cache. When the cache
    fails the database answers.
    """
    key = latest_key(code)
    try:
        found = cache.get(key)
    except CACHE_ERRORS:
        logger.warning("latest version of %r read without the cache (CACHE_URL failed)", code, exc_info=True)
        return version_latest_for(code)
    if found == MISSING:
        return None
    if isinstance(found, CatalogVersion):
        return found
    version = version_latest_for(code)
    try:
        cache.set(key, version if version is not None else MISSING, CACHE_SECONDS)
    except CACHE_ERRORS:
        logger.warning("latest version of %r not cached (CACHE_URL failed)", code, exc_info=True)
    return version


#: How the draft is named where a version number is expected (`catalog_diff CODE 3 draft`, ?new=draft).
DRAFT = "draft"


def version_number(text: str) -> int | None:
    """Read a version as people write it ("3" or "v3"); None when it is not one."""
    digits = text.strip().lower().removeprefix("v")
    return int(digits) if digits.isdecimal() and int(digits) > 0 else None


def snapshot_of(product: Product, which: str) -> dict[str, Any]:
    """Return the snapshot of version `which` of `product` ("3", "v3"), or of its draft for "draft".

    Raise LookupError with a sentence naming what is missing.
    """
    if which.strip().lower() == DRAFT:
        return product_as_dict(product)
    number = version_number(which)
    if number is None:
        raise LookupError(f"'{which}' is not a version: give a number such as 3, or '{DRAFT}'")
    snapshot = product.versions.filter(number=number).values_list("snapshot", flat=True).first()
    if snapshot is None:
        raise LookupError(f"{product.code} has no version {number}")
    return dict(snapshot)
