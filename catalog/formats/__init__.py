"""Readers that turn other configuration formats into the catalog exchange format."""

from __future__ import annotations

from typing import Any

from configurator.engine.model import FORMAT


def catalog_of(code: str, name: str, groups: list[dict[str, Any]], rules: list[dict[str, Any]]) -> dict[str, Any]:
    """Return a catalog file of one unpriced product (prices are added in the admin)."""
    product = {
        "code": code,
        "name": name or code,
        "currency": "EUR",
        "base_price": "0.00",
        "layout": "single",
        "groups": groups,
        "rules": rules,
    }
    return {"format": FORMAT, "products": [product]}
