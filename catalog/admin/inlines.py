"""The product page's inlines: the parts of one product, edited on its page."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.db.models import QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from catalog import forms
from catalog.models import (
    OptionGroup,
    Parameter,
    PreviewLayer,
    PriceRule,
    Rule,
    Section,
    Size,
    TextField,
)


class SectionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Section
    form = forms.SectionForm
    extra = 0


class SectionScopedInline(InlineModelAdmin):  # type: ignore[type-arg]
    """Parts placed in a section: the dropdown offers the sections of the product being edited only."""

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        section = formset.form.base_fields.get("section")
        if isinstance(section, ModelChoiceField):
            # A new product has no saved section yet: none to offer.
            section.queryset = Section.objects.filter(product=obj) if obj is not None else Section.objects.none()
        return formset


class OptionGroupInline(SectionScopedInline, admin.TabularInline):  # type: ignore[type-arg]
    model = OptionGroup
    form = forms.OptionGroupForm
    fields = ["position", "code", "name", "kind", "required", "min_count", "max_count", "section", "display", "name_it"]
    extra = 0
    show_change_link = True


class ParameterInline(SectionScopedInline, admin.StackedInline):  # type: ignore[type-arg]
    """Measurements, stacked: with their measuring guides they are too wide for one table row."""

    model = Parameter
    form = forms.ParameterForm
    fields = [
        ("position", "code", "name", "name_it"),
        ("unit", "min_value", "max_value", "step", "default", "section"),
        "guide_image",
        ("guide_text", "guide_text_it"),
    ]
    extra = 0


class SizeInline(admin.StackedInline):  # type: ignore[type-arg]
    """The size table: shoppers start from one of these sizes, then check each measurement."""

    model = Size
    form = forms.SizeForm
    fields = [("position", "code", "name", "name_it"), "values_text"]
    extra = 0


class TextFieldInline(SectionScopedInline, admin.TabularInline):  # type: ignore[type-arg]
    model = TextField
    form = forms.TextFieldForm
    fields = ["position", "code", "name", "max_length", "charset", "required", "section", "name_it"]
    extra = 0


RULE_FIELDS: tuple[str | tuple[str, ...], ...] = (
    ("code", "kind", "active", "position"),
    "expr",
    ("when", "prefer"),
    "table_groups",
    "table_rows",
    ("message", "message_it"),
)


class RuleInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Rule
    form = forms.RuleForm
    fields = RULE_FIELDS
    extra = 0


class PriceRuleInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PriceRule
    form = forms.PriceRuleForm
    fields = ["position", "code", "when", "amount", "per", "label", "label_it"]
    extra = 0


class LayerInline(admin.TabularInline):  # type: ignore[type-arg]
    """Preview layers, each with a thumbnail of its image (on its tint's colour, as a shopper sees it)."""

    model = PreviewLayer
    form = forms.PreviewLayerForm
    fields = ["thumbnail", "image", "z", "tint"]
    readonly_fields = ["thumbnail"]
    extra = 0

    @admin.display(description=_("preview"))
    def thumbnail(self, layer: PreviewLayer) -> SafeString | str:
        if not layer.image:
            return "—"
        return format_html(
            '<a href="{}" target="_blank" rel="noopener"><img class="studio-thumbnail" src="{}" alt="{}"></a>',
            layer.image.url,
            layer.image.url,
            _("Layer image %(name)s") % {"name": layer.image.name},
        )


class BaseLayerInline(LayerInline):
    verbose_name = _("base preview layer")
    verbose_name_plural = _("base preview layers (drawn whatever the options)")

    def get_queryset(self, request: HttpRequest) -> QuerySet[PreviewLayer]:
        return super().get_queryset(request).filter(option__isnull=True)
