"""The configurator page's addresses: a URL reproduces the configuration it shows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

from django.urls import reverse

from configurator.engine.model import Product
from configurator.engine.selection import Selection, selection_pairs
from configurator.forms import GUIDED, SEEN, STEP, SUGGESTED, Estimates, suggestions_text
from configurator.pages.steps import OTHER


def configure_url(
    product: Product,
    selection: Selection,
    step: str = "",
    *,
    rejected: Mapping[str, str] | None = None,
    state: Sequence[tuple[str, str]] = (),
    base: str = "",
) -> str:
    """Return the configurator URL that reproduces `selection` (and shows `step`).

    `rejected` (field code -> what the shopper typed) keeps values set aside in the
    address, so a reload shows them again with their messages rather than dropping them;
    `state` is the page state to keep (visited steps, suggestions, estimates), as `state_pairs` gives it;
    `base` is the configurator's address to stay on (the shop's for the product when empty).
    """
    pairs = selection_pairs(product, selection)
    pairs += list((rejected or {}).items())
    pairs += list(state)
    if step:
        pairs.append((STEP, step))
    base = base or reverse("configurator:configure", args=[product.code])
    return f"{base}?{urlencode(pairs)}" if pairs else base


def state_pairs(
    product: Product,
    seen: frozenset[str],
    *,
    suggested: Mapping[str, frozenset[str]] | None = None,
    estimates: Estimates | None = None,
    guided: str = "",
) -> list[tuple[str, str]]:
    """Return the page state to carry: the visited steps (the product's, in its order), the suggestions
    still standing, the estimates from a standard size still to confirm, then the guided questions' state."""
    order = {section.code: index for index, section in enumerate(product.sections)}
    order[OTHER] = len(order)
    visited = sorted((code for code in seen if code in order), key=order.__getitem__)
    pairs = [(SEEN, ",".join(visited))] if visited else []
    text = suggestions_text(product, suggested or {})
    pairs += [(SUGGESTED, text)] if text else []
    pairs += estimates.pairs() if estimates is not None else []
    return pairs + ([(GUIDED, guided)] if guided else [])
