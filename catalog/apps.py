from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _
from PIL import Image

from configurator.engine.model import PREVIEW_MAX_SIDE


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = _("Catalog")

    def ready(self) -> None:
        # Pillow warns above MAX_IMAGE_PIXELS and refuses twice that. Nothing this process
        # has reason to decode is larger than a layer at the upload limit or a full preview
        # canvas, so the limit is the larger of the two (Pillow's default, 89 Mpx, let a
        # 144 Mpx layer through). Uploads are measured first (catalog/images.py) so that they
        # are refused with their size named; this is the backstop for anything else.
        Image.MAX_IMAGE_PIXELS = max(settings.CATALOG_LAYER_MAX_PIXELS, PREVIEW_MAX_SIDE**2)

        from catalog.listing import product_changed, product_changing
        from catalog.models import Product

        pre_save.connect(product_changing, sender=Product, dispatch_uid="catalog.listing.changing")
        post_save.connect(product_changed, sender=Product, dispatch_uid="catalog.listing.changed")
        post_delete.connect(product_changed, sender=Product, dispatch_uid="catalog.listing.deleted")
