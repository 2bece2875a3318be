"""Personalisation: suggestions learnt from what shoppers order, guided questions, a returning shopper's data.

Every personalised element says why it is there, and none is ever a dead end: the engine
checks each suggestion on the current catalog version before a shopper sees it.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PersonalisationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "personalisation"
    verbose_name = _("Personalisation")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from catalog.models import CatalogVersion
        from orders.services.privacy import ShopperDataHolder, shopper_data_holder_register
        from personalisation.popular import version_published
        from personalisation.profiles import shopper_data_erase, shopper_data_export

        post_save.connect(version_published, sender=CatalogVersion, dispatch_uid="personalisation-version-published")
        # orders must not import this app: it learns here that a returning shopper's data exists.
        shopper_data_holder_register(
            ShopperDataHolder(
                key="returning_shopper",
                label="returning-shopper profile (e-mail, measurements, saved configurations, sign-in links)",
                export=shopper_data_export,
                erase=shopper_data_erase,
            )
        )
