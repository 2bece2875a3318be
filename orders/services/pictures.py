"""Orders' pictures: the look as ordered, kept in the media store, one file per look.

An order shows the large WebP preview of its look, which the shopper's summary and
checkout already rendered: placing the order copies it once per look from the previews
store (derived, expiring) into the media store (`storages["default"]`, kept), under a
content-addressed name, so every order of the same look shares one file and no order
draws a picture of its own. Erasing an order's personal data releases its picture: the
file goes once no other order shows it.
"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.core.files.storage import storages

from catalog.storage import content_save
from configurator import preview
from configurator.engine.model import Product
from configurator.engine.selection import Selection
from orders.models import Order

logger = logging.getLogger(__name__)

#: Where orders' pictures are kept in the media store.
ORDER_PICTURES = "orders/previews"


def order_picture_keep(product: Product, selection: Selection) -> str:
    """Keep the look's picture in the media store and return its stored name ("" when it cannot be drawn).

    So later catalog changes never alter what was ordered. A missing layer image must
    not stop an order: it is logged and the order has no picture.
    """
    recipe = preview.preview_recipe(product, selection)
    name = f"{ORDER_PICTURES}/{recipe.key}-large.webp"
    media = storages["default"]
    if media.exists(name):
        return name
    try:
        content = preview.preview_picture(recipe, "large", "webp")
    except preview.PreviewUnavailable:
        logger.warning("order preview of %s not rendered", product.code, exc_info=True)
        return ""
    return content_save(media, name, ContentFile(content))


def order_picture_release(name: str) -> None:
    """Delete the picture `name` from the media store unless an order still shows it."""
    if name and not Order.objects.filter(preview_image=name).exists():
        storages["default"].delete(name)
