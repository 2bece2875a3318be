"""A returning shopper's own data, kept only after they asked for it by a magic link (issue 19, item 4).

`ShopperProfile` exists once a shopper followed a sign-in link; it holds their measurements per
product and the configurations they saved while signed in. `SignInLink` is one e-mailed link: an
outbox row (claimed by compare-and-set, like `orders.OrderEmail`) whose token is made by the
sending task and stored only as its SHA-256, so neither the database nor the broker ever holds
a token that opens an account.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from configurator.models import SavedConfiguration
from orders.models import Order


class ShopperProfile(models.Model):
    """A shopper who chose to be remembered: an e-mail address, no password."""

    email = models.EmailField(_("e-mail"), unique=True)
    #: Off: nothing is prefilled or suggested from this shopper's history, and nothing new is kept.
    personalise = models.BooleanField(_("personalisation on"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    signed_in_at = models.DateTimeField(_("last signed in"), null=True, blank=True)

    class Meta:
        verbose_name = _("returning shopper")
        verbose_name_plural = _("returning shoppers")

    def __str__(self) -> str:
        return self.email


class ShopperMeasurements(models.Model):
    """A shopper's measurements for one product, as they last gave them (an order, or their own edit)."""

    profile = models.ForeignKey(ShopperProfile, on_delete=models.CASCADE, related_name="measurements")
    product_code = models.CharField(_("product"), max_length=64)
    #: Parameter code -> value as text ("40.5"), as the configurator's address carries it.
    values = models.JSONField(_("measurements"))
    taken_at = models.DateTimeField(_("taken"))
    #: The order they came from ("" for none).
    order_number = models.CharField(_("order"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("shopper's measurements")
        verbose_name_plural = _("shoppers' measurements")
        constraints = [
            models.UniqueConstraint(fields=["profile", "product_code"], name="shopper_measurements_once_per_product")
        ]

    def __str__(self) -> str:
        return f"{self.profile_id}: {self.product_code}"


class ShopperConfiguration(models.Model):
    """A configuration a signed-in shopper saved: theirs to find again on "My data"."""

    profile = models.ForeignKey(ShopperProfile, on_delete=models.CASCADE, related_name="configurations")
    configuration = models.ForeignKey(SavedConfiguration, on_delete=models.CASCADE, related_name="+")
    saved_at = models.DateTimeField(_("saved"), auto_now_add=True)

    class Meta:
        ordering = ["-saved_at", "-id"]
        verbose_name = _("shopper's saved configuration")
        verbose_name_plural = _("shoppers' saved configurations")
        constraints = [models.UniqueConstraint(fields=["profile", "configuration"], name="shopper_configuration_once")]

    def __str__(self) -> str:
        return f"{self.profile_id}: {self.configuration_id}"


class SignInLink(models.Model):
    """One e-mailed sign-in link: sent at most once, used at most once, valid for a short while."""

    email = models.EmailField(_("e-mail"))
    #: The order whose measurements the shopper asked to keep (None: a sign-in to an existing profile).
    order = models.ForeignKey(Order, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    language = models.CharField(_("language"), max_length=8, default="en")
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    #: SHA-256 of the token, set by the sending task ("" until then).
    token_hash = models.CharField(_("token hash"), max_length=64, blank=True, db_index=True, editable=False)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")

    def __str__(self) -> str:
        return f"{self.pk}"
