"""The configurator page's addresses: a URL reproduces the configuration it shows."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from configurator.engine.model import Product
from configurator.engine.selection import Selection, selection_pairs
from configurator.forms import STEP


def configure_url(product: Product, selection: Selection, step: str = "") -> str:
    """Return the configurator URL that reproduces `selection` (and shows `step`)."""
    pairs = selection_pairs(product, selection)
    if step:
        pairs.append((STEP, step))
    base = reverse("configurator:configure", args=[product.code])
    return f"{base}?{urlencode(pairs)}" if pairs else base
