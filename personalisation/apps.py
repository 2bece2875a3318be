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
        from personalisation.popular import version_published

        post_save.connect(version_published, sender=CatalogVersion, dispatch_uid="personalisation-version-published")
