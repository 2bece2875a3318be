"""The product page: the draft, its status, publishing."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from catalog import forms
from catalog.admin.history import product_history
from catalog.admin.inlines import (
    BaseLayerInline,
    OptionGroupInline,
    ParameterInline,
    PriceRuleInline,
    RuleInline,
    SectionInline,
    SizeInline,
    TextFieldInline,
)
from catalog.findings import findings_list, plain_findings
from catalog.models import (
    Product,
    snapshot_checksum,
)
from catalog.services import CatalogError, catalog_lint, catalog_publish
from catalog.snapshots import product_as_dict


def _publish(request: HttpRequest, product: Product) -> bool:
    """Publish the draft of `product`, telling in plain words what stops it or what to look at."""
    try:
        result = catalog_publish(product, user=request.user)
    except CatalogError as error:
        snapshot = product_as_dict(product)
        problems = plain_findings(product, snapshot, (("error", p.path, p.message) for p in error.problems))
        messages.error(
            request,
            format_html(
                "{} {}{}",
                ngettext(
                    "Not published: %(code)s has %(count)d problem to fix first.",
                    "Not published: %(code)s has %(count)d problems to fix first.",
                    len(problems),
                )
                % {"code": product.code, "count": len(problems)},
                _("Your changes are saved in the draft; shoppers still see the published version."),
                findings_list(problems, limit=20),
            ),
        )
        return False
    if result.warnings:
        snapshot = result.version.snapshot
        warnings = plain_findings(product, snapshot, ((w.level, w.subject, w.message) for w in result.warnings))
        messages.warning(
            request, format_html("{} {}", _("Published with warnings:"), findings_list(warnings, limit=20))
        )
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


def _publication_state(product: Product, snapshot: dict[str, Any]) -> str:
    """Say whether the draft of a product that can be published differs from its latest version."""
    latest = product.versions.order_by("-number").first()
    if latest is None:
        return str(_("Ready to publish; never published."))
    if latest.checksum == snapshot_checksum(snapshot):
        return str(_("Published as version %(number)s; no unpublished changes.") % {"number": latest.number})
    return str(_("Has changes not yet published (latest version: %(number)s).") % {"number": latest.number})


@dataclass(frozen=True)
class Tab:
    """A tab of the product page: the page's fieldsets (by their index) and inlines it shows."""

    slug: str
    label: str | Promise
    fieldsets: tuple[int, ...] = ()
    inlines: tuple[type[InlineModelAdmin[Any, Any]], ...] = ()


TABS = (
    Tab("general", _("General"), fieldsets=(0,)),
    Tab("steps", _("Steps"), inlines=(SectionInline,)),
    Tab("options", _("Options"), inlines=(OptionGroupInline,)),
    Tab("measurements", _("Measurements & sizes"), inlines=(ParameterInline, SizeInline, TextFieldInline)),
    Tab("rules", _("Rules"), inlines=(RuleInline,)),
    Tab("prices", _("Prices"), fieldsets=(1,), inlines=(PriceRuleInline,)),
    Tab("preview", _("Preview"), fieldsets=(2,), inlines=(BaseLayerInline,)),
)


def tabs_context(adminform: Any, inline_admin_formsets: list[Any]) -> list[dict[str, Any]]:
    """Return the tabs with the fieldsets and inline formsets each shows; any not placed goes to the first."""
    fieldsets = list(adminform)
    placed = {i for tab in TABS for i in tab.fieldsets}
    placed_inlines = {inline for tab in TABS for inline in tab.inlines}
    tabs = []
    for number, tab in enumerate(TABS):
        shown = [fieldsets[i] for i in tab.fieldsets if i < len(fieldsets)]
        inlines = [f for f in inline_admin_formsets if type(f.opts) in tab.inlines]
        if number == 0:
            shown += [fieldset for i, fieldset in enumerate(fieldsets) if i not in placed]
            inlines += [f for f in inline_admin_formsets if type(f.opts) not in placed_inlines]
        tabs.append({"slug": tab.slug, "label": tab.label, "fieldsets": shown, "inlines": inlines})
    return tabs


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

    class Media:
        css = {"all": ["admin-studio/studio.css"]}
        js = ["admin-studio/tabs.js"]

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
        findings = plain_findings(
            product, snapshot, ((f.level, f.subject, f.message) for f in catalog_lint(product, snapshot))
        )
        errors = [f for f in findings if f.level == "error"]
        warnings = [f for f in findings if f.level == "warning"]
        parts = []
        if errors:
            parts.append(
                format_html(
                    '<strong class="findings-error">{}</strong>{}', _("Cannot be published:"), findings_list(errors)
                )
            )
        if warnings:
            parts.append(
                format_html('<strong class="findings-warning">{}</strong>{}', _("Warnings:"), findings_list(warnings))
            )
        if not errors:
            parts.append(format_html("<p>{}</p>", _publication_state(product, snapshot)))
        return format_html_join("", "{}", ((part,) for part in parts))

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> HttpResponse:
        """The history of the product and of its parts, each save with its field changes."""
        product = self.get_object(request, unquote(object_id))
        if product is None:
            raise Http404
        if not self.has_view_history_or_change_history_permission(request, product):
            raise PermissionDenied
        entries, page = product_history(product, request.GET.get("p"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("History of %(product)s and its parts") % {"product": product},
            "subtitle": None,
            "object": product,
            "opts": self.opts,
            "module_name": self.opts.verbose_name_plural,
            "entries": entries,
            "page_obj": page,
            "page_range": page.paginator.get_elided_page_range(page.number),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/catalog/product/object_history.html", context)

    def has_publish_permission(self, request: HttpRequest) -> bool:
        """Publishing puts the draft in front of shoppers: a permission of its own, beyond editing."""
        return request.user.has_perm("catalog.publish_product")

    @admin.action(description=_("Publish a new catalog version"), permissions=["publish"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Product]) -> HttpResponse | None:
        """Publish each chosen product; one product refused opens its page, where its problems are listed."""
        products = list(queryset)
        refused = [product for product in products if not _publish(request, product)]
        if len(products) == 1 and refused:
            return HttpResponseRedirect(reverse("admin:catalog_product_change", args=[refused[0].pk]))
        return None

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        context["has_publish_permission"] = self.has_publish_permission(request)
        context["insights_url"] = _insights_url(request, kwargs.get("obj"))
        if "adminform" in context:
            context["studio_tabs"] = tabs_context(context["adminform"], context.get("inline_admin_formsets", []))
        return super().render_change_form(request, context, *args, **kwargs)

    def response_change(self, request: HttpRequest, obj: Product) -> HttpResponse:
        if "_publish" not in request.POST:
            unchanged: HttpResponse = super().response_change(request, obj)
            return unchanged
        if not self.has_publish_permission(request):
            self.message_user(
                request, _("Saved, but not published: you may not publish catalog versions."), messages.ERROR
            )
        elif not _publish(request, obj):
            # Refused: back to the same page, where the draft status lists what to fix.
            return HttpResponseRedirect(request.get_full_path())
        response: HttpResponse = self.response_post_save_change(request, obj)
        return response
