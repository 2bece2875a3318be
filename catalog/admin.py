"""The merchandisers' admin: edit the draft catalog, check it, publish versions."""

from __future__ import annotations

import functools
import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelChoiceField
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from catalog import forms
from catalog.models import (
    CatalogVersion,
    Option,
    OptionGroup,
    Parameter,
    PreviewLayer,
    PriceRule,
    Product,
    Rule,
    Section,
    Size,
    TextField,
    snapshot_checksum,
)
from catalog.services import CatalogError, catalog_lint, catalog_publish
from catalog.snapshots import product_as_dict
from config.record_admin import ReadOnlyRecordAdmin


class SectionInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Section
    form = forms.SectionForm
    extra = 0


class OptionGroupInline(admin.TabularInline):  # type: ignore[type-arg]
    model = OptionGroup
    form = forms.OptionGroupForm
    fields = ["position", "code", "name", "kind", "required", "min_count", "max_count", "section", "display", "name_it"]
    extra = 0
    show_change_link = True

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        section = formset.form.base_fields["section"]
        if obj is not None and isinstance(section, ModelChoiceField):
            section.queryset = Section.objects.filter(product=obj)
        return formset


class ParameterInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Parameter
    form = forms.ParameterForm
    fields = [
        "position",
        "code",
        "name",
        "unit",
        "min_value",
        "max_value",
        "step",
        "default",
        "section",
        "name_it",
        "guide_image",
        "guide_text",
        "guide_text_it",
    ]
    extra = 0


class SizeInline(admin.StackedInline):  # type: ignore[type-arg]
    """The size table: shoppers start from one of these sizes, then check each measurement."""

    model = Size
    form = forms.SizeForm
    fields = [("position", "code", "name", "name_it"), "values_text"]
    extra = 0
    classes = ["collapse"]


class TextFieldInline(admin.TabularInline):  # type: ignore[type-arg]
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
    classes = ["collapse"]


class PriceRuleInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PriceRule
    form = forms.PriceRuleForm
    fields = ["position", "code", "when", "amount", "per", "label", "label_it"]
    extra = 0


class BaseLayerInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PreviewLayer
    form = forms.PreviewLayerForm
    fields = ["image", "z", "tint", "thumbnail"]
    readonly_fields = ["thumbnail"]
    verbose_name = _("base preview layer")
    verbose_name_plural = _("base preview layers (drawn whatever the options)")
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[PreviewLayer]:
        return super().get_queryset(request).filter(option__isnull=True)

    @admin.display(description=_("preview"))
    def thumbnail(self, layer: PreviewLayer) -> SafeString | str:
        return format_html('<img src="{}" alt="" style="max-height:60px">', layer.image.url) if layer.image else "—"


def _publish(request: HttpRequest, product: Product) -> bool:
    try:
        result = catalog_publish(product, user=request.user)
    except CatalogError as error:
        items = format_html_join("", "<li>{}</li>", ((str(p),) for p in error.problems[:20]))
        messages.error(
            request,
            format_html(
                str(_("Could not publish {}: {} problem(s).<ul>{}</ul>")), product.code, len(error.problems), items
            ),
        )
        return False
    for finding in result.warnings[:20]:
        messages.warning(request, f"{product.code}: {finding.subject}: {finding.message}")
    if result.created:
        messages.success(
            request,
            _("Published %(code)s version %(number)s.") % {"code": product.code, "number": result.version.number},
        )
    else:
        messages.info(
            request,
            _("No changes to %(code)s since version %(number)s: nothing was published.")
            % {"code": product.code, "number": result.version.number},
        )
    return True


def _insights_url(request: HttpRequest, product: Product | None) -> str:
    """Return the product's Insights page for those who may see it ("" without the insights app)."""
    if product is None or not request.user.has_perm("insights.view_productinsight"):
        return ""
    try:
        return reverse("admin:insights_productinsight_page", args=[product.code])
    except NoReverseMatch:
        return ""


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    form = forms.ProductForm
    list_display = ["code", "name", "currency", "base_price", "active", "published_version", "updated_at"]
    list_filter = ["active", "currency", "layout"]
    search_fields = ["code", "name", "description"]
    ordering = ["position", "code"]
    readonly_fields = ["draft_status"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "draft_status",
                    ("code", "active", "position"),
                    ("name", "name_it"),
                    ("description", "description_it"),
                ]
            },
        ),
        (_("Price and manufacturing"), {"fields": [("currency", "base_price", "part_number"), "lead_time_days"]}),
        (_("Presentation"), {"fields": ["layout", ("preview_width", "preview_height", "preview_background")]}),
    ]
    inlines = [
        SectionInline,
        OptionGroupInline,
        ParameterInline,
        SizeInline,
        TextFieldInline,
        RuleInline,
        PriceRuleInline,
        BaseLayerInline,
    ]
    actions = ["publish"]
    change_form_template = "admin/catalog/product/change_form.html"

    def get_formset_kwargs(self, request: HttpRequest, obj: Any, inline: Any, prefix: str) -> dict[str, Any]:
        """Check the sizes against the parameters submitted in the same save, a new one included."""
        kwargs: dict[str, Any] = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, SizeInline) and request.method == "POST":
            submitted = functools.cache(lambda: forms.submitted_parameter_bounds(self._parameters(request, obj)))
            kwargs["form_kwargs"] = {**kwargs.get("form_kwargs", {}), "parameters": submitted}
        return kwargs

    def _parameters(self, request: HttpRequest, obj: Any) -> Any:
        """Return the parameter rows as submitted (a second, identical formset), or None without that inline."""
        for inline in self.get_inline_instances(request, obj):
            if isinstance(inline, ParameterInline):
                formset_class = inline.get_formset(request, obj)
                prefix = formset_class.get_default_prefix()
                return formset_class(**self.get_formset_kwargs(request, obj, inline, prefix))
        return None

    @admin.display(description=_("published"))
    def published_version(self, product: Product) -> str:
        latest = product.versions.order_by("-number").first()
        return f"v{latest.number}" if latest else "—"

    @admin.display(description=_("draft status"))
    def draft_status(self, product: Product) -> SafeString | str:
        if product.pk is None:
            return _("Save the product to check it.")
        snapshot = product_as_dict(product)
        findings = catalog_lint(product, snapshot)
        errors = [f for f in findings if f.level == "error"]
        warnings = [f for f in findings if f.level == "warning"]
        parts = []
        if errors:
            items = format_html_join("", "<li>{}: {}</li>", ((f.subject, f.message) for f in errors[:50]))
            parts.append(
                format_html('<strong style="color:#ba2121">{}</strong><ul>{}</ul>', _("Cannot be published:"), items)
            )
        if warnings:
            items = format_html_join("", "<li>{}: {}</li>", ((f.subject, f.message) for f in warnings[:50]))
            parts.append(format_html('<strong style="color:#9a6700">{}</strong><ul>{}</ul>', _("Warnings:"), items))
        if not errors:
            latest = product.versions.order_by("-number").first()
            if latest is None:
                parts.append(format_html("<p>{}</p>", _("Ready to publish; never published.")))
            elif latest.checksum == snapshot_checksum(snapshot):
                parts.append(
                    format_html(
                        "<p>{}</p>",
                        _("Published as version %(number)s; no unpublished changes.") % {"number": latest.number},
                    )
                )
            else:
                parts.append(
                    format_html(
                        "<p>{}</p>",
                        _("Has changes not yet published (latest version: %(number)s).") % {"number": latest.number},
                    )
                )
        return format_html_join("", "{}", ((part,) for part in parts))

    def has_publish_permission(self, request: HttpRequest) -> bool:
        """Publishing puts the draft in front of shoppers: a permission of its own, beyond editing."""
        return request.user.has_perm("catalog.publish_product")

    @admin.action(description=_("Publish a new catalog version"), permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        for product in queryset:
            _publish(request, product)

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        context["has_publish_permission"] = self.has_publish_permission(request)
        context["insights_url"] = _insights_url(request, kwargs.get("obj"))
        return super().render_change_form(request, context, *args, **kwargs)

    def response_change(self, request: HttpRequest, obj: Product) -> HttpResponse:
        if "_publish" in request.POST:
            if self.has_publish_permission(request):
                _publish(request, obj)
            else:
                self.message_user(
                    request,
                    _("Saved, but not published: you may not publish catalog versions."),
                    messages.ERROR,
                )
            response: HttpResponse = self.response_post_save_change(request, obj)
        else:
            response = super().response_change(request, obj)
        return response


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


class OptionLayerInline(admin.TabularInline):  # type: ignore[type-arg]
    model = PreviewLayer
    form = forms.PreviewLayerForm
    fields = ["image", "z", "tint"]
    extra = 0


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
class OptionAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    form = forms.OptionForm
    list_display = ["code", "name", "group", "price", "part_number", "active"]
    list_filter = ["group__product", "active", "group"]
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
class PriceRuleAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    form = forms.PriceRuleForm
    list_display = ["code", "product", "when", "amount", "per", "label"]
    list_filter = ["product"]
    search_fields = ["code", "when", "label"]
    list_select_related = ["product"]


@admin.register(Parameter)
class ParameterAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    form = forms.ParameterForm
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


@admin.register(CatalogVersion)
class CatalogVersionAdmin(ReadOnlyRecordAdmin):
    """Published versions: read-only, for looking up what a shopper or an order saw."""

    list_display = ["product", "number", "published_at", "published_by", "note"]
    list_filter = ["product"]
    date_hierarchy = "published_at"
    fields = readonly_fields = (
        "product",
        "number",
        "published_at",
        "published_by",
        "note",
        "checksum",
        "pretty_snapshot",
    )

    @admin.display(description=_("snapshot"))
    def pretty_snapshot(self, version: CatalogVersion) -> SafeString:
        text = json.dumps(version.snapshot, indent=2, ensure_ascii=False)
        return format_html('<pre style="max-height:40em;overflow:auto">{}</pre>', text)
