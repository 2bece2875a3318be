"""The admin's Insights entry: the products with their recent traffic, and each product's Insights page.

The entry is a proxy of the catalog's product (insights.models.ProductInsight), so it has a
place in the admin's menu and a permission of its own, "Can view insights", without a
table. Staff without it get 403 on the list and on every page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from catalog.models import Product
from insights.figures.filtering import DEFAULT_DAYS, product_known
from insights.models import DailyVisits, ProductInsight
from insights.views import insights_page


def _recent(field: str, **only: Any) -> Coalesce:
    """The sum of a DailyVisits column over the product's last DEFAULT_DAYS days (every kind of traffic)."""
    since = timezone.localdate() - timedelta(days=DEFAULT_DAYS - 1)
    rows = DailyVisits.objects.filter(product=OuterRef("code"), day__gte=since, **only)
    total = rows.order_by().values("product").annotate(total=Sum(field)).values("total")[:1]
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def page_url(code: str) -> str:
    """Return the address of the product's Insights page."""
    return reverse("admin:insights_productinsight_page", args=[code])


@admin.register(ProductInsight)
class ProductInsightAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "name", "visits_recent", "simulated_recent", "orders_recent", "page_link"]
    list_display_links = None
    search_fields = ["code", "name"]
    ordering = ["position", "code"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProductInsight]:
        products: QuerySet[ProductInsight] = super().get_queryset(request)
        return products.annotate(
            visits_recent=_recent("visits"),
            simulated_recent=_recent("visits", simulated=True),
            orders_recent=_recent("orders"),
        )

    @admin.display(description=_("visits, last 30 days"), ordering="visits_recent")
    def visits_recent(self, product: Any) -> int:
        return int(product.visits_recent)

    @admin.display(description=_("of which simulated"), ordering="simulated_recent")
    def simulated_recent(self, product: Any) -> int:
        return int(product.simulated_recent)

    @admin.display(description=_("orders, last 30 days"), ordering="orders_recent")
    def orders_recent(self, product: Any) -> int:
        return int(product.orders_recent)

    @admin.display(description=_("insights"))
    def page_link(self, product: ProductInsight) -> SafeString:
        return format_html('<a href="{}">{}</a>', page_url(product.code), _("Open the Insights page"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        page = path(
            "<str:code>/",
            self.admin_site.admin_view(self.page_view),
            name="insights_productinsight_page",
        )
        return [page, *super().get_urls()]

    def change_view(self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any) -> HttpResponse:
        """A product's entry here is its Insights page, not a form."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        if not object_id.isdigit():
            raise Http404
        product = get_object_or_404(Product, pk=object_id)
        return HttpResponseRedirect(page_url(product.code))

    def page_view(self, request: HttpRequest, code: str) -> HttpResponse:
        """Serve the page of a catalog product, or of one deleted from the catalog that left figures behind."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        product = Product.objects.filter(code=code).first()
        if product is None and not product_known(code):
            raise Http404
        context = {**self.admin_site.each_context(request), "opts": self.opts, "subtitle": code}
        return insights_page(request, code=code, product=product, context=context)
