"""The funnel's stages for one product: its steps in order, then summary, checkout and order.

Events name the step the shopper was on with `stage_of`, and the rollups order the funnel
with `stage_codes`, so both agree on what a stage is.
"""

from __future__ import annotations

from django.utils import translation

from configurator.engine.model import Product
from configurator.pages.steps import SUMMARY, make_steps

#: The one-page layout has a single step before the summary.
PAGE = "page"
CHECKOUT = "checkout"
ORDER = "order"
#: The stages after the steps, in funnel order.
CLOSING = (SUMMARY, CHECKOUT, ORDER)


def step_codes(product: Product) -> list[str]:
    """Return the codes of the product's steps in page order (["page"] on the one-page layout)."""
    if product.layout == "single":
        return [PAGE]
    with translation.override("en"):
        return [s.code for s in make_steps(product, "en")]


def stage_codes(product: Product) -> list[str]:
    """Return every stage of the product's funnel in order: its steps, then summary, checkout, order."""
    return [*step_codes(product), *CLOSING]


def stage_of(product: Product, step_code: str) -> str:
    """Return the stage a page showing `step_code` stands for (the one-page layout's steps are one)."""
    if step_code in CLOSING:
        return step_code
    if product.layout == "single":
        return PAGE
    return step_code
