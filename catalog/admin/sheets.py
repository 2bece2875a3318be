"""Bulk editing in the admin: spreadsheet import and export, and the "Change prices…" action.

The import is django-import-export's two steps (a dry run, then a confirmation), shown with
our report: every change, old -> new per column, and every problem by row and column; with
any problem the confirmation is not offered, and nothing is written. See catalog/spreadsheets.py.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ExportForm
from import_export.results import RowResult

from catalog.models import OptionGroup
from catalog.repricing import PriceChange, PriceLine, price_lines, price_problems, prices_change
from catalog.spreadsheets import import_report


class GroupOfProductFilter(admin.RelatedFieldListFilter):
    """Option groups: those of the product chosen in the product filter, else all, named with their product.

    Groups of different products share names ("Wheels"); bulk edits pick one product's group.
    """

    def field_choices(self, field: Any, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        groups = OptionGroup.objects.select_related("product").order_by("product__position", "product", "position")
        product = request.GET.get("group__product__id__exact", "")
        if product.isdigit():
            groups = groups.filter(product_id=int(product))
        return [(str(group.pk), f"{group.product.code}: {group.name}") for group in groups]


IMPORT_TEMPLATE = "admin/catalog/option/import.html"
PRICES_TEMPLATE = "admin/catalog/option/change_prices.html"


class SpreadsheetAdmin(ImportExportMixin):  # type: ignore[misc]
    """Import and export a model's parts as CSV or XLSX, by its resource (catalog.spreadsheets)."""

    formats = [CSV, XLSX]
    # Every column, always: a sheet exported is a sheet that imports back unchanged.
    export_form_class = ExportForm
    import_template_name = IMPORT_TEMPLATE

    def has_import_permission(self, request: HttpRequest) -> bool:
        # Adding rows needs the add permission too: checked per row (SheetResource.after_init_instance).
        return bool(self.has_change_permission(request))

    def has_export_permission(self, request: HttpRequest) -> bool:
        return bool(self.has_view_permission(request))

    def get_import_data_kwargs(self, **kwargs: Any) -> dict[str, Any]:
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs.pop("request", None)
        # A row that fails when confirming undoes the whole import, not just itself.
        return {**kwargs, "rollback_on_validation_errors": True}

    def import_action(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        response = super().import_action(request, **kwargs)
        return self._with_report(response)

    def _with_report(self, response: HttpResponse) -> HttpResponse:
        context = getattr(response, "context_data", None)
        if context is not None and context.get("result") is not None:
            context["report"] = import_report(context["result"])
        return response

    def process_result(self, result: Any, request: HttpRequest) -> HttpResponse:
        """Report the confirmed import; if it failed after all (the draft changed meanwhile), say so."""
        if result.has_errors() or result.has_validation_errors():
            context = {
                **self.admin_site.each_context(request),
                "title": gettext("Import"),
                "opts": self.model._meta,
                "result": result,
                "report": import_report(result),
                "nothing_written": True,
            }
            return TemplateResponse(request, [self.import_template_name], context)
        return super().process_result(result, request)  # type: ignore[no-any-return]

    def add_success_message(self, result: Any, request: HttpRequest) -> None:
        totals = result.totals
        messages.success(
            request,
            gettext(
                "Imported: %(new)d new, %(updated)d changed, %(unchanged)d unchanged. "
                "The draft changed; publish the product to show it in the shop."
            )
            % {
                "new": totals[RowResult.IMPORT_TYPE_NEW],
                "updated": totals[RowResult.IMPORT_TYPE_UPDATE],
                "unchanged": totals[RowResult.IMPORT_TYPE_SKIP],
            },
        )


class PriceChangeForm(forms.Form):
    kind = forms.ChoiceField(
        label=pgettext_lazy("price change", "Change"),
        choices=[("percent", _("by a percentage (%)")), ("amount", _("by a fixed amount (+/-)"))],
        widget=forms.RadioSelect,
        initial="percent",
    )
    value = forms.DecimalField(
        label=pgettext_lazy("price change", "By"),
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("-100"),
        help_text=_("Positive raises, negative lowers; e.g. 5 for +5 %, or -20 for 20 less. Rounded to cents."),
    )

    def change(self) -> PriceChange:
        return PriceChange(kind=self.cleaned_data["kind"], value=self.cleaned_data["value"])


def _expected(request: HttpRequest) -> dict[int, Decimal] | None:
    """The old prices the confirmed preview showed, from its hidden fields."""
    expected = {}
    for item in request.POST.getlist("previewed"):
        pk, _separator, price = item.partition(":")
        try:
            expected[int(pk)] = Decimal(price)
        except (ValueError, ArithmeticError):
            return None
    return expected or None


@admin.action(description=_("Change prices…"), permissions=["change"])
def change_prices(modeladmin: Any, request: HttpRequest, queryset: models.QuerySet[Any]) -> HttpResponse | None:
    """Ask for the change, preview every price before and after, then apply it in one transaction."""
    field: str = modeladmin.price_field
    form = PriceChangeForm(request.POST if "price_change" in request.POST else None)
    lines: list[PriceLine] = []
    problems: list[str] = []
    previewed_change = ""
    if form.is_valid():
        change = form.change()
        previewed_change = f"{change.kind}:{change.value}"
        # Apply only what was previewed: a value edited after the preview is previewed again first.
        if "apply" in request.POST and request.POST.get("previewed_change") == previewed_change:
            try:
                applied = prices_change(
                    queryset, field=field, change=change, user=request.user, expected=_expected(request)
                )
            except ValidationError as error:
                problems = error.messages
            else:
                count = sum(1 for line in applied if line.new != line.old)
                modeladmin.message_user(
                    request,
                    ngettext(
                        "Changed %(count)d price. Publish the product to show it in the shop.",
                        "Changed %(count)d prices. Publish the product to show them in the shop.",
                        count,
                    )
                    % {"count": count},
                    messages.SUCCESS,
                )
                return None
        rows = queryset.order_by("pk")
        lines = price_lines(rows, field, change)
        problems = problems or price_problems(lines, queryset.model, field)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": gettext("Change prices"),
        "opts": queryset.model._meta,
        "form": form,
        "lines": lines,
        "previewed_change": previewed_change,
        "problems": problems,
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "count": queryset.count(),
    }
    return TemplateResponse(request, PRICES_TEMPLATE, context)
