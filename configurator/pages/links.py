"""The configurator page's addresses: a URL reproduces the configuration it shows."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from django.urls import reverse

from configurator.engine.model import Product
from configurator.engine.selection import Selection, selection_pairs
from configurator.forms import STEP


def configure_url(
    product: Product, selection: Selection, step: str = "", *, rejected: Mapping[str, str] | None = None
) -> str:
    """Return the configurator URL that reproduces `selection` (and shows `step`).

    `rejected` (field code -> what the shopper typed) keeps values set aside in the
    address, so a reload shows them again with their messages rather than dropping them.
    """
    pairs = selection_pairs(product, selection)
    pairs += list((rejected or {}).items())
    if step:
        pairs.append((STEP, step))
    base = reverse("configurator:configure", args=[product.code])
    return f"{base}?{urlencode(pairs)}" if pairs else base
