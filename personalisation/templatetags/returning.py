"""The site header's link to "My data", shown only to a signed-in returning shopper."""

from __future__ import annotations

from typing import Any

from django import template

from personalisation.models.returning import ShopperProfile
from personalisation.returning import signed_in

register = template.Library()


@register.simple_tag(takes_context=True)
def returning_shopper(context: dict[str, Any]) -> ShopperProfile | None:
    """Return the profile the page's request is signed in to, or None."""
    request = context.get("request")
    return signed_in(request) if request is not None else None
