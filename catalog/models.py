"""The merchandisers' draft catalog and its published, immutable versions.

Rows here are the *draft*: merchandisers edit them in the admin or replace them with
`import_catalog`. Shoppers and orders never read them directly: they read a
`CatalogVersion`, a frozen snapshot in the exchange format that publishing creates.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from catalog.images import LayerImageFormField
from catalog.storage import ContentAddressedStorage, content_name
from configurator.engine.model import LEAD_TIME_DAYS, LEAD_TIME_MAX_DAYS, PREVIEW_MAX_SIDE

code_validator = RegexValidator(
    r"\A[A-Za-z0-9_][A-Za-z0-9_.-]*\Z",
    _("Use letters, digits, '_', '.' and '-' (not first)."),
)
name_code_validator = RegexValidator(
    r"\A[A-Za-z_][A-Za-z0-9_.-]*\Z",
    _("Start with a letter or '_'; then letters, digits, '_', '.' and '-'."),
)
color_validator = RegexValidator(r"\A#[0-9A-Fa-f]{6}\Z", _("Use a colour like #c0392b."))
currency_validator = RegexValidator(r"\A[A-Z]{3}\Z", _("Use an ISO 4217 code such as EUR."))


class DecimalSize(TypedDict):
    max_digits: int
    decimal_places: int


MONEY: DecimalSize = {"max_digits": 12, "decimal_places": 2}
MEASURE: DecimalSize = {"max_digits": 12, "decimal_places": 4}

if TYPE_CHECKING:
    # django-stubs makes fields generic (value set, value read); Django's classes are not subscriptable.
    _CharFieldBase = models.CharField[str, str]
else:
    _CharFieldBase = models.CharField


class CodeField(_CharFieldBase):
    """A catalog code: short, ASCII, unique within its parent (rules refer to it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("validators", [code_validator])
        kwargs.setdefault("verbose_name", _("code"))
        super().__init__(*args, **kwargs)


def translations_default() -> dict[str, dict[str, str]]:
    return {}


class Translated(models.Model):
    """Texts in the catalog language (English) plus `translations` per other language."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    translations = models.JSONField(
        _("translations"),
        default=translations_default,
        blank=True,
        help_text=_('Per language, e.g. {"it": {"name": "Rosso", "description": "…"}}.'),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


_PREVIEW_SIDE_HELP = format_lazy(
    _("In pixels, from 16 to {most}, the largest preview the shop draws."), most=PREVIEW_MAX_SIDE
)


class Product(Translated):
    class Layout(models.TextChoices):
        STEPS = "steps", _("Steps (one section per step)")
        SINGLE = "single", _("Single page")

    code = CodeField(unique=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR", validators=[currency_validator])
    base_price = models.DecimalField(_("base price"), **MONEY, default=Decimal("0"))
    part_number = models.CharField(_("base part number"), max_length=64, blank=True)
    lead_time_days = models.PositiveIntegerField(
        _("lead time (working days)"),
        default=LEAD_TIME_DAYS,
        validators=[MaxValueValidator(LEAD_TIME_MAX_DAYS)],
        help_text=_("From the order to leaving the workshop, Monday to Friday; shoppers see the date before ordering."),
    )
    layout = models.CharField(_("layout"), max_length=10, choices=Layout.choices, default=Layout.STEPS)
    active = models.BooleanField(_("listed in the shop"), default=True)
    position = models.PositiveIntegerField(_("order"), default=0)
    preview_width = models.PositiveIntegerField(
        _("preview width"),
        default=800,
        validators=[MinValueValidator(16), MaxValueValidator(PREVIEW_MAX_SIDE)],
        help_text=_PREVIEW_SIDE_HELP,
    )
    preview_height = models.PositiveIntegerField(
        _("preview height"),
        default=600,
        validators=[MinValueValidator(16), MaxValueValidator(PREVIEW_MAX_SIDE)],
        help_text=_PREVIEW_SIDE_HELP,
    )
    preview_background = models.CharField(
        _("preview background"), max_length=7, default="#ffffff", validators=[color_validator]
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        permissions = [("publish_product", _("Can publish a new catalog version of a product"))]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class ProductPart(models.Model):
    """Something that belongs to one product, has a code unique in it and an order."""

    code = CodeField()
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "id"]


class Section(ProductPart):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(_("name"), max_length=200)
    translations = models.JSONField(_("translations"), default=translations_default, blank=True)
    history = HistoricalRecords()

    class Meta(ProductPart.Meta):
        verbose_name = _("section (step)")
        verbose_name_plural = _("sections (steps)")
        constraints = [models.UniqueConstraint(fields=["product", "code"], name="section_code_unique")]

    def __str__(self) -> str:
        return self.name


def _section_of_another_product(part: OptionGroup | Parameter | TextField) -> ValidationError | None:
    """Return the error of a part placed in another product's section (None when it is its own or none)."""
    if part.section_id is None or part.product_id is None:
        return None
    section = part.section
    if section is None or section.product_id == part.product_id:
        return None
    return ValidationError(
        {
            "section": _("The section “%(section)s” belongs to %(other)s, not to %(product)s: choose one of its own.")
            % {"section": section.name, "other": section.product, "product": part.product}
        }
    )


class OptionGroup(Translated, ProductPart):
    class Kind(models.TextChoices):
        CHOICE = "choice", _("Single choice")
        MULTI = "multi", _("Multiple choice")

    class Display(models.TextChoices):
        RADIO = "radio", _("Radio buttons")
        SWATCH = "swatch", _("Colour swatches")
        SELECT = "select", _("Drop-down")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="groups")
    code = CodeField(validators=[name_code_validator])
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CHOICE)
    required = models.BooleanField(_("required"), default=True)
    min_count = models.PositiveIntegerField(_("at least"), null=True, blank=True)
    max_count = models.PositiveIntegerField(_("at most"), null=True, blank=True)
    section = models.ForeignKey(
        Section,
        verbose_name=_("section (step)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="groups",
    )
    display = models.CharField(_("display"), max_length=10, choices=Display.choices, default=Display.RADIO)
    #: Per language, the option codes shown first ({"it": ["red", "white"]}): the format's `order`.
    order = models.JSONField(_("option order by language"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta(ProductPart.Meta):
        verbose_name = _("option group")
        verbose_name_plural = _("option groups")
        constraints = [
            models.UniqueConstraint(fields=["product", "code"], name="group_code_unique"),
            models.CheckConstraint(
                condition=Q(min_count__isnull=True)
                | Q(max_count__isnull=True)
                | Q(min_count__lte=models.F("max_count")),
                name="group_min_le_max",
                violation_error_message=_("'at least' must not exceed 'at most'."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        if self.kind == self.Kind.CHOICE and (self.min_count is not None or self.max_count is not None):
            raise ValidationError({"min_count": _("'At least' and 'at most' apply to multiple-choice groups only.")})
        if error := _section_of_another_product(self):
            raise error


class Option(Translated):
    group = models.ForeignKey(OptionGroup, on_delete=models.CASCADE, related_name="options")
    code = CodeField()
    price = models.DecimalField(_("price"), **MONEY, default=Decimal("0"))
    part_number = models.CharField(_("part number"), max_length=64, blank=True)
    bom_quantity = models.CharField(
        _("BOM quantity"),
        max_length=200,
        default="1",
        help_text=_("A number or a formula over parameters, e.g. shirt_length * 2 + 40."),
    )
    bom_unit = models.CharField(_("BOM unit"), max_length=16, default="pcs")
    swatch = models.CharField(_("swatch colour"), max_length=7, blank=True, validators=[color_validator])
    is_default = models.BooleanField(_("default"), default=False)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [models.UniqueConstraint(fields=["group", "code"], name="option_code_unique")]

    def __str__(self) -> str:
        return f"{self.group.code} = {self.code}"


class Parameter(Translated, ProductPart):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="parameters")
    code = CodeField(validators=[name_code_validator])
    unit = models.CharField(_("unit"), max_length=16, blank=True)
    min_value = models.DecimalField(_("minimum"), **MEASURE)
    max_value = models.DecimalField(_("maximum"), **MEASURE)
    step = models.DecimalField(_("step"), **MEASURE, default=Decimal("1"))
    default = models.DecimalField(_("default"), **MEASURE, null=True, blank=True)
    section = models.ForeignKey(
        Section,
        verbose_name=_("section (step)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parameters",
    )
    guide_image = models.CharField(
        _("measuring guide picture"),
        max_length=200,
        blank=True,
        help_text=_("A static file without words in it, e.g. guides/shirt/neck.svg (empty: no guide)."),
    )
    guide_text = models.TextField(
        _("measuring guide text"), blank=True, help_text=_("How to take this measurement, in one or two sentences.")
    )
    history = HistoricalRecords()

    class Meta(ProductPart.Meta):
        verbose_name = _("numeric parameter")
        verbose_name_plural = _("numeric parameters")
        constraints = [
            models.UniqueConstraint(fields=["product", "code"], name="parameter_code_unique"),
            models.CheckConstraint(
                condition=Q(min_value__lte=models.F("max_value")),
                name="parameter_min_le_max",
                violation_error_message=_("The minimum must not exceed the maximum."),
            ),
            models.CheckConstraint(
                condition=Q(step__gt=0),
                name="parameter_step_positive",
                violation_error_message=_("The step must be positive."),
            ),
        ]

    def clean(self) -> None:
        if error := _section_of_another_product(self):
            raise error
        if self.default is None or self.min_value is None or self.max_value is None or not self.step:
            return
        if not self.min_value <= self.default <= self.max_value:
            raise ValidationError({"default": _("The default must lie between the minimum and the maximum.")})
        if (self.default - self.min_value) % self.step:
            raise ValidationError({"default": _("The default must be on the step grid (minimum + k × step).")})


class TextField(Translated, ProductPart):
    """Free text the shopper types (a monogram, an engraving)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="texts")
    code = CodeField(validators=[name_code_validator])
    max_length = models.PositiveIntegerField(_("maximum length"), validators=[MinValueValidator(1)])
    charset = models.CharField(
        _("allowed characters"), max_length=200, blank=True, help_text=_("A character set such as A-Z. (empty: any).")
    )
    required = models.BooleanField(_("required"), default=False)
    section = models.ForeignKey(
        Section,
        verbose_name=_("section (step)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="texts",
    )
    preview = models.JSONField(
        _("preview placement"),
        null=True,
        blank=True,
        help_text=_(
            'Where the text is drawn, e.g. {"x": 400, "y": 300, "size": 24, "color": "#1d3557", '
            '"font": "serif", "anchor": "mm"}.'
        ),
    )
    history = HistoricalRecords()

    class Meta(ProductPart.Meta):
        verbose_name = _("text field")
        verbose_name_plural = _("text fields")
        constraints = [models.UniqueConstraint(fields=["product", "code"], name="text_code_unique")]

    def clean(self) -> None:
        if error := _section_of_another_product(self):
            raise error


class Rule(ProductPart):
    class Kind(models.TextChoices):
        CONSTRAINT = "constraint", _("Constraint")
        TABLE = "table", _("Table of allowed combinations")
        DEFAULT = "default", _("Default (soft preference)")
        WARNING = "warning", _("Warning (plausibility advice, never blocks)")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CONSTRAINT)
    expr = models.TextField(
        _("expression"),
        blank=True,
        help_text=_("For constraints and warnings, e.g. roof = contrast -> body != black or sleeve <= arm + 6."),
    )
    groups = models.JSONField(_("table groups"), default=list, blank=True)
    rows = models.JSONField(_("table rows"), default=list, blank=True)
    when = models.TextField(_("when"), blank=True, help_text=_("For defaults: the condition (empty: always)."))
    prefer = models.TextField(
        _("prefer"), blank=True, help_text=_("For defaults: what to prefer, e.g. gearbox = auto.")
    )
    message = models.CharField(_("message to shoppers"), max_length=300, blank=True)
    translations = models.JSONField(_("translations"), default=translations_default, blank=True)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta(ProductPart.Meta):
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        constraints = [models.UniqueConstraint(fields=["product", "code"], name="rule_code_unique")]

    def __str__(self) -> str:
        return self.code


def size_values_default() -> dict[str, str]:
    return {}


class Size(ProductPart):
    """A standard size of the product's size table (S, M, … or collar 39, 40, …).

    `values` gives every measurement (parameter code -> decimal text); a shopper who
    starts from this size gets them as estimates to check.
    """

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="sizes")
    name = models.CharField(_("name"), max_length=200)
    translations = models.JSONField(_("translations"), default=translations_default, blank=True)
    values = models.JSONField(
        _("measurements"),
        default=size_values_default,
        blank=True,
        help_text=_('One value per measurement, e.g. {"neck": "40", "chest": "102"}.'),
    )
    history = HistoricalRecords()

    class Meta(ProductPart.Meta):
        verbose_name = _("standard size")
        verbose_name_plural = _("size table")
        constraints = [models.UniqueConstraint(fields=["product", "code"], name="size_code_unique")]

    def __str__(self) -> str:
        return self.name


class PriceRule(ProductPart):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    when = models.TextField(
        _("when"), blank=True, help_text=_("Condition, e.g. packs has sport and body = red (empty: always).")
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    per = models.CharField(
        _("per parameter unit"),
        max_length=64,
        blank=True,
        help_text=_("A parameter code: the amount is multiplied by its value."),
    )
    label = models.CharField(_("label"), max_length=200)
    translations = models.JSONField(_("translations"), default=translations_default, blank=True)
    history = HistoricalRecords()

    class Meta(ProductPart.Meta):
        verbose_name = _("price rule")
        verbose_name_plural = _("price rules")
        constraints = [models.UniqueConstraint(fields=["product", "code"], name="price_code_unique")]

    def __str__(self) -> str:
        return f"{self.code}: {self.label}"


class LayerImageField(models.ImageField):
    """An ImageField whose form field refuses too large a file or image before decoding it."""

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"form_class": LayerImageFormField, **kwargs})


def layer_upload_to(instance: PreviewLayer, filename: str) -> str:
    """Name a layer image after its content, so a published snapshot's image never changes."""
    return content_name(instance.image, filename)


class PreviewLayer(models.Model):
    """One image of the live preview: the product's base (no option) or an option's."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="layers")
    option = models.ForeignKey(
        Option, verbose_name=_("option"), on_delete=models.CASCADE, null=True, blank=True, related_name="layers"
    )
    image = LayerImageField(_("image"), upload_to=layer_upload_to, storage=ContentAddressedStorage)
    z = models.IntegerField(_("z-order"), default=0, help_text=_("Higher layers are drawn on top."))
    tint = models.CharField(
        _("tint"),
        max_length=7,
        blank=True,
        validators=[color_validator],
        help_text=_("Colour a grey mask is tinted with."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["z", "id"]
        verbose_name = _("preview layer")
        verbose_name_plural = _("preview layers")

    def __str__(self) -> str:
        return f"{self.option or _('base')} @ {self.z}"

    def clean(self) -> None:
        if self.option_id is None or self.product_id is None:
            return
        if self.option is not None and self.option.group.product_id != self.product_id:
            raise ValidationError(
                {
                    "option": _("The option “%(option)s” belongs to %(other)s, not to %(product)s.")
                    % {"option": self.option.name, "other": self.option.group.product, "product": self.product}
                }
            )


class CatalogVersion(models.Model):
    """A published, immutable snapshot of one product: what shoppers and orders use."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("snapshot"))
    checksum = models.CharField(_("checksum"), max_length=64)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    # What the product list shows, copied from the snapshot at publish so that listing the
    # shop reads one row per product and builds no engine model (issue 17).
    name = models.CharField(_("name"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    translations = models.JSONField(_("translations"), default=translations_default, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    base_price = models.DecimalField(_("base price"), **MONEY, default=Decimal("0"))
    lead_time_days = models.PositiveIntegerField(_("lead time (working days)"), default=LEAD_TIME_DAYS)
    #: The preview recipe of the look the product's page opens on (configurator.preview.Recipe.as_data).
    card_recipe = models.JSONField(_("card preview recipe"), null=True, blank=True)

    class Meta:
        ordering = ["product", "-number"]
        get_latest_by = "number"
        verbose_name = _("catalog version")
        verbose_name_plural = _("catalog versions")
        constraints = [models.UniqueConstraint(fields=["product", "number"], name="version_number_unique")]

    def __str__(self) -> str:
        return f"{self.product.code} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("A published catalog version cannot be changed; publish a new one."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValidationError(_("A published catalog version cannot be deleted."))

    def label(self, language: str) -> str:
        """Return the product's name in `language` (English when it has no translation)."""
        return (self.translations.get(language) or {}).get("name") or self.name

    def description_in(self, language: str) -> str:
        """Return the product's description in `language` (English when it has no translation)."""
        return (self.translations.get(language) or {}).get("description") or self.description


def snapshot_checksum(snapshot: dict[str, Any]) -> str:
    """Return a stable hash of a snapshot, to tell whether a draft changed since."""
    canonical = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


class PublishSchedule(models.Model):
    """A publication of a product's draft planned for a time; beat carries it out (catalog.tasks.publish_due).

    What is scheduled is the draft *as it was when scheduled* (`snapshot`, `checksum`): at
    the time, the draft is published only if it still equals that snapshot, otherwise the
    schedule is refused, so nothing a merchandiser did not review reaches shoppers.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        PUBLISHED = "published", _("published")
        UNCHANGED = "unchanged", _("nothing changed")
        REFUSED = "refused", _("refused")
        CANCELLED = "cancelled", _("cancelled")

    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.CASCADE, related_name="publish_schedules"
    )
    publish_at = models.DateTimeField(_("publish at"))
    snapshot = models.JSONField(_("scheduled draft"))
    checksum = models.CharField(_("checksum"), max_length=64)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("scheduled"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    #: Why it was refused: the problems, one per line.
    problems = models.JSONField(_("problems"), default=list, blank=True)
    version = models.ForeignKey(
        CatalogVersion,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("scheduled publication")
        verbose_name_plural = _("scheduled publications")
        constraints = [
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(state="pending"),
                name="one_pending_schedule_per_product",
                violation_error_message=_("This product already has a publication waiting; cancel it first."),
            )
        ]
        indexes = [models.Index(fields=["state", "publish_at"], name="schedule_due")]

    def __str__(self) -> str:
        return f"{self.product.code} @ {self.publish_at:%Y-%m-%d %H:%M}"
