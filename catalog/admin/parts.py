"""Pages for one kind of part across products: groups and their options, rules, prices, parameters, sizes."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from catalog import forms
from catalog.admin.inlines import RULE_FIELDS, LayerInline
from catalog.admin.sheets import GroupOfProductFilter, SpreadsheetAdmin, change_prices
from catalog.models import (
    Option,
    OptionGroup,
    Parameter,
    PriceRule,
    Rule,
    Size,
)
from catalog.spreadsheets import OptionResource, ParameterResource, PriceRuleResource


class OptionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Option
    form = forms.OptionForm
    fields = [
        "position",
        "code",
        "name",
        "name_it",
        "price",
        "part_number",
        "bom_quantity",
        "bom_unit",
        "swatch",
        "is_default",
        "active",
    ]
    extra = 0


class OptionLayerInline(LayerInline):
    """The option's own layers, drawn when it is chosen."""


@admin.register(OptionGroup)
class OptionGroupAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    form = forms.OptionGroupForm
    list_display = ["code", "name", "product", "kind", "required", "section", "position"]
    list_filter = ["product", "kind", "required"]
    search_fields = ["code", "name", "options__code", "options__name"]
    list_select_related = ["product", "section"]
    ordering = ["product", "position"]
    inlines = [OptionInline]


@admin.register(Option)
class OptionAdmin(SpreadsheetAdmin, SimpleHistoryAdmin):  # type: ignore[misc]
    form = forms.OptionForm
    resource_classes = [OptionResource]
    actions = [change_prices]
    price_field = "price"
    list_display = ["code", "name", "group", "price", "part_number", "active"]
    list_filter = ["group__product", ("group", GroupOfProductFilter), "active"]
    search_fields = ["code", "name", "part_number"]
    list_select_related = ["group", "group__product"]
    inlines = [OptionLayerInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for layer in formset.save(commit=False):
            layer.product = form.instance.group.product
            layer.save()
        for layer in formset.deleted_objects:
            layer.delete()


@admin.register(Rule)
class RuleAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    form = forms.RuleForm
    list_display = ["code", "product", "kind", "summary", "message", "active"]
    list_filter = ["product", "kind", "active"]
    search_fields = ["code", "expr", "when", "prefer", "message"]
    list_select_related = ["product"]
    fields = ["product", *RULE_FIELDS]

    @admin.display(description=_("rule"))
    def summary(self, rule: Rule) -> str:
        if rule.kind == Rule.Kind.TABLE:
            return ngettext(
                "table over %(groups)s, %(count)d row", "table over %(groups)s, %(count)d rows", len(rule.rows)
            ) % {
                "groups": ", ".join(rule.groups),
                "count": len(rule.rows),
            }
        if rule.kind == Rule.Kind.DEFAULT:
            return f"{rule.when or 'always'} ⇒ prefer {rule.prefer}"
        if rule.kind == Rule.Kind.WARNING:
            return f"warn unless {rule.expr}"
        return rule.expr


@admin.register(PriceRule)
class PriceRuleAdmin(SpreadsheetAdmin, SimpleHistoryAdmin):  # type: ignore[misc]
    form = forms.PriceRuleForm
    resource_classes = [PriceRuleResource]
    actions = [change_prices]
    price_field = "amount"
    list_display = ["code", "product", "when", "amount", "per", "label"]
    list_filter = ["product"]
    search_fields = ["code", "when", "label"]
    list_select_related = ["product"]


@admin.register(Parameter)
class ParameterAdmin(SpreadsheetAdmin, SimpleHistoryAdmin):  # type: ignore[misc]
    form = forms.ParameterForm
    resource_classes = [ParameterResource]
    list_display = ["code", "name", "product", "unit", "min_value", "max_value", "step", "default"]
    list_filter = ["product", "unit"]
    search_fields = ["code", "name"]


@admin.register(Size)
class SizeAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    form = forms.SizeForm
    list_display = ["code", "name", "product", "position"]
    list_filter = ["product"]
    search_fields = ["code", "name"]
    list_select_related = ["product"]
    fields = ["product", ("position", "code", "name", "name_it"), "values_text"]
