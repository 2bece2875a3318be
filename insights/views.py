"""The Insights page of one product (served inside the admin, see insights/admin.py): parse, compute, render.

The figures come from `insights.figures` (rollups only); this module reads the filters,
falls back to all traffic when the period has no real visit and the merchandiser did not
choose, and renders the page or one of its tables as CSV.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from catalog.models import CatalogVersion, OptionGroup, Product, Rule
from insights import charts
from insights.exports import TABLES, csv_response
from insights.figures import Filters, ProductInsights, product_insights, ratio
from insights.forms import Query, filters_form, read_query
from insights.models import DailyVisits

TEMPLATE = "admin/insights/productinsight/page.html"


@dataclass(frozen=True)
class Shown:
    """The figures the page shows, and whether it widened real traffic to all of it."""

    insights: ProductInsights
    all_traffic_fallback: bool


def figures_shown(query: Query, *, language: str) -> Shown:
    """Compute the figures; show all traffic when the merchandiser did not choose and no visit was real."""
    filters = query.filters
    fallback = not query.traffic_chosen and filters.traffic == "real" and _only_simulated(filters)
    if fallback:
        filters = replace(filters, traffic="all")
    return Shown(product_insights(filters, language=language, demand_orders=query.orders), fallback)


def _only_simulated(filters: Filters) -> bool:
    """Whether the period had simulated visits and no real one (one small query, before the figures' dozen)."""
    rows = DailyVisits.objects.filter(product=filters.product, day__range=(filters.since, filters.until), visits__gt=0)
    if filters.version is not None:
        rows = rows.filter(version=filters.version)
    kinds = set(rows.values_list("simulated", flat=True).distinct())
    return kinds == {True}


def insights_page(request: HttpRequest, *, code: str, product: Product | None, context: dict[str, Any]) -> HttpResponse:
    """Render the Insights page of product `code`, or one of its tables as CSV (`?format=csv&table=...`).

    `product` is None for a product deleted from the catalog: its figures survive, named by codes.
    """
    catalog = _catalog_versions(product)
    query = read_query(request.GET, product=code, versions=sorted(set(catalog) | _figure_versions(code)))
    language = get_language() or "en"
    if request.GET.get("format") == "csv":
        return _csv(request, query, language)
    shown = figures_shown(query, language=language)
    insights = shown.insights
    query = replace(query, filters=insights.filters)
    name = product.name if product is not None else insights.product_label
    # The drop-down: the catalog's versions and those with figures in the period (a version since deleted too).
    listed = set(catalog) | set(insights.versions) | ({query.filters.version} - {None})
    context = {
        **context,
        "title": _("Insights: %(product)s") % {"product": name},
        "product": product,
        "product_name": name,
        "insights": insights,
        "fallback": shown.all_traffic_fallback,
        "form": filters_form(query, versions=sorted((v for v in listed if v is not None), reverse=True)),
        "filter_errors": query.errors,
        **_sections(insights),
        "guided": insights.guided,
        "csv": {table: _csv_url(request, query, table) for table in TABLES},
        "demand_filters": _hidden_filters(query),
        **_catalog_links(request, product),
    }
    return TemplateResponse(request, TEMPLATE, context)


def _catalog_versions(product: Product | None) -> list[int]:
    if product is None:
        return []
    return list(CatalogVersion.objects.filter(product=product).order_by("-number").values_list("number", flat=True))


def _figure_versions(code: str) -> set[int]:
    """Return the versions the product has figures under, whatever the period (a filter may name any of them)."""
    rows = DailyVisits.objects.filter(product=code, version__isnull=False).order_by().values_list("version", flat=True)
    return {v for v in rows.distinct() if v is not None}


def _csv(request: HttpRequest, query: Query, language: str) -> HttpResponse:
    """Answer one table as CSV, or 400 naming what is wrong with the address (never a page of another shape)."""
    table = request.GET.get("table", "")
    problems = list(query.errors)
    if table not in TABLES:
        problems.append(
            _("Table: %(table)s is not one of %(tables)s.") % {"table": repr(table), "tables": ", ".join(TABLES)}
        )
    if problems:
        return HttpResponseBadRequest("\n".join(problems) + "\n", content_type="text/plain; charset=utf-8")
    return csv_response(figures_shown(query, language=language).insights, table)


def _sections(insights: ProductInsights) -> dict[str, Any]:
    """Return what the page's sections show beyond the figures themselves: shares, charts, heat maps."""
    return {
        "conversion": ratio(insights.orders, insights.visits),
        "funnel": [_funnel_row(insights, stage) for stage in insights.funnel],
        "never_chosen": [o for o in insights.options if o.never_chosen],
        "top_tables": [
            ("ordered", insights.top_ordered, _("Most ordered configurations")),
            ("saved", insights.top_saved, _("Most saved configurations")),
        ],
        "fields_rows": [{"figure": f, "refused": ratio(f.invalid, f.filled)} for f in insights.fields],
        "charts": charts.charts(insights),
        "heat_visits": charts.heat_map(insights, "visits"),
        "heat_orders": charts.heat_map(insights, "orders"),
        "TIME_ZONE": settings.TIME_ZONE,
    }


def _funnel_row(insights: ProductInsights, stage: Any) -> dict[str, Any]:
    return {
        "stage": stage,
        "share_of_visits": ratio(stage.reached, insights.visits),
        "share_leaving": ratio(stage.left_here, stage.reached),
    }


def _query_items(query: Query) -> dict[str, str]:
    f = query.filters
    items = {"since": f.since.isoformat(), "until": f.until.isoformat(), "traffic": f.traffic}
    if f.version is not None:
        items["version"] = str(f.version)
    items["orders"] = str(query.orders)
    return items


def _csv_url(request: HttpRequest, query: Query, table: str) -> str:
    return f"{request.path}?{urlencode({**_query_items(query), 'format': 'csv', 'table': table})}"


def _hidden_filters(query: Query) -> dict[str, str]:
    """The filters the demand's small form carries along with its own field."""
    return {k: v for k, v in _query_items(query).items() if k != "orders"}


def _catalog_links(request: HttpRequest, product: Product | None) -> dict[str, dict[str, str]]:
    """Return the admin pages of the product's option groups and rules, by code, for those who may see them."""
    user = request.user
    links: dict[str, dict[str, str]] = {"group_links": {}, "rule_links": {}}
    if product is None:
        return links
    if user.has_perm("catalog.view_optiongroup") or user.has_perm("catalog.change_optiongroup"):
        for code, pk in OptionGroup.objects.filter(product=product).values_list("code", "pk"):
            links["group_links"][code] = reverse("admin:catalog_optiongroup_change", args=[pk])
    if user.has_perm("catalog.view_rule") or user.has_perm("catalog.change_rule"):
        for code, pk in Rule.objects.filter(product=product).values_list("code", "pk"):
            links["rule_links"][code] = reverse("admin:catalog_rule_change", args=[pk])
    return links
