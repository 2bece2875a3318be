"""Option pairs that shoppers chose together, per product (`cooccurrence.refreshing` replaces them)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OptionPair(models.Model):
    """A → B on one product: of the configurations holding option A, how many also hold option B.

    One row per direction; only pairs held together by at least COOCCURRENCE_MIN_SUPPORT
    configurations are kept. Codes, not keys: the counts span catalog versions, and the
    page offers only what the current version's engine shows available.
    """

    product_code = models.CharField(_("product"), max_length=64)
    if_group = models.CharField(_("if group"), max_length=64)
    if_option = models.CharField(_("if option"), max_length=64)
    then_group = models.CharField(_("then group"), max_length=64)
    then_option = models.CharField(_("then option"), max_length=64)
    #: Configurations holding both (the support).
    together = models.PositiveIntegerField(_("together"))
    if_count = models.PositiveIntegerField(_("configurations with the first option"))
    then_count = models.PositiveIntegerField(_("configurations with the second option"))
    #: Configurations of the product counted in all.
    baskets = models.PositiveIntegerField(_("configurations"))
    confidence = models.FloatField(_("confidence"))
    lift = models.FloatField(_("lift"))
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("option pair")
        verbose_name_plural = _("option pairs")
        constraints = [
            models.UniqueConstraint(
                fields=["product_code", "if_group", "if_option", "then_group", "then_option"],
                name="optionpair_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(together__lte=models.F("if_count")) & models.Q(together__lte=models.F("then_count")),
                name="optionpair_together_within_counts",
            ),
        ]
        # The page asks for the pairs leading into the groups of one step.
        indexes = [models.Index(fields=["product_code", "then_group"], name="optionpair_then_idx")]

    def __str__(self) -> str:
        return f"{self.product_code}: {self.if_group}={self.if_option} → {self.then_group}={self.then_option}"
