"""Reads of the catalog that shoppers, orders and the API rely on."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from catalog.models import CatalogVersion


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
