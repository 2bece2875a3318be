"""Popular builds and pinned presets: starting points for a shopper who arrives on a product.

A merchandiser pins presets (`PinnedPreset`); the background task (personalisation.popular)
counts the most-ordered builds and re-validates both on the current catalog version, and
writes what a shopper may be offered as `StartingPoint` rows of that version. A shopper's
request only reads those rows: a new version has none until the task has run, so nothing
computed for an older version is ever offered.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import CatalogVersion, Product


class PinnedPreset(models.Model):
    """A curated build a merchandiser offers as a starting point, before the popular ones."""

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="pinned_presets"
    )
    name = models.CharField(_("name"), max_length=100)
    name_it = models.CharField(_("Italian name"), max_length=100, blank=True, help_text=_("Empty: the name."))
    choices = models.JSONField(
        _("choices"),
        default=dict,
        help_text=_(
            'Option of each group, e.g. {"fabric": "oxford_blue", "collar": "button_down"}; a list for a '
            "group of several options. Groups left out are completed with the catalog's defaults."
        ),
    )
    languages = models.JSONField(_("shown in"), default=list, blank=True, help_text=_("None ticked: every language."))
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["product", "position", "id"]
        verbose_name = _("pinned preset")
        verbose_name_plural = _("pinned presets")

    def __str__(self) -> str:
        return self.name

    def label(self, language: str) -> str:
        """Return the preset's name in `language`."""
        return self.name_it if language == "it" and self.name_it else self.name

    def shown_in(self, language: str) -> bool:
        """Say whether the preset is offered on pages in `language`."""
        return not self.languages or language in self.languages


class StartingPoint(models.Model):
    """A pinned preset or a popular build as it stands on one catalog version, ready to offer.

    `choices` is a complete valid configuration of the version's style choices (the request
    shape's "selections"); `adapted` says, per language, what re-validation changed.
    """

    class Kind(models.TextChoices):
        PRESET = "preset", _("Pinned preset")
        POPULAR = "popular", _("Popular build")

    version = models.ForeignKey(CatalogVersion, on_delete=models.CASCADE, related_name="starting_points")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    preset = models.ForeignKey(PinnedPreset, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField()
    choices = models.JSONField()
    #: How many orders chose this build (popular builds; 0 for presets).
    orders = models.PositiveIntegerField(default=0)
    #: The options that set it apart from the product's first look, as [group, option] pairs.
    highlights = models.JSONField(default=list)
    #: language -> sentences naming what re-validation changed ("Sunroof is no longer offered").
    adapted = models.JSONField(default=dict)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="starting_point_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.version_id}: {self.kind} {self.position}"
