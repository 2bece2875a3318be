"""Orders, build orders and outbox messages: read-only, with shoppers' personal data behind its permission."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from config.record_admin import RecordAdmin
from orders import services
from orders.admin.common import HIDDEN, PERSONAL_DATA, PERSONAL_FIELDS, ReadOnlyInline, request_actor
from orders.models import (
    BuildOrder,
    Order,
    OrderEmail,
    OrderEvent,
    OutboxMessage,
)
from orders.services.privacy import build_order_masked, order_configuration_masked, order_summary_masked


def view_on_site(request: HttpRequest, content_type_id: int, object_id: str) -> HttpResponseBase:
    """The admin's "View on site" redirect, for those who may see the object (an order's link is secret)."""
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    if content_type is None or not (
        request.user.has_perm(f"{content_type.app_label}.view_{content_type.model}")
        or request.user.has_perm(f"{content_type.app_label}.change_{content_type.model}")
    ):
        raise Http404
    if content_type.model_class() is Order and not request.user.has_perm(PERSONAL_DATA):
        raise Http404
    return shortcut(request, content_type_id, object_id)


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = readonly_fields = ("created_at", "status", "reason", "source")


class OrderEmailInline(ReadOnlyInline):
    """The e-mails to the shopper: when each was sent, or why not yet (decision 24)."""

    model = OrderEmail
    fields = readonly_fields = ("kind", "created_at", "sent_at", "skipped_at", "attempts", "last_error")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["number", "product_code", "customer_name", "total", "currency", "status", "placed_at", "due_date"]
    list_filter = ["status", "product_code"]
    search_fields = ["number", "customer_name", "customer_email"]
    date_hierarchy = "placed_at"
    inlines = [OrderEventInline, OrderEmailInline]
    # Everything is read-only, the frozen preview picture too: an order is what was placed.
    readonly_fields = [f.name for f in Order._meta.fields]
    actions = ["anonymise"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fields = [f.name for f in Order._meta.fields if f.name != "id"]
        if request.user.has_perm(PERSONAL_DATA):
            return fields
        # The configuration and summary hold the personalisation texts (a monogram): shown masked.
        masked = {"configuration": "configuration_masked", "summary": "summary_masked"}
        return [masked.get(f, f) for f in fields if f not in PERSONAL_FIELDS] + ["personal_data"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self.get_fields(request, obj)

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        if request.user.has_perm(PERSONAL_DATA):
            return list(self.list_display)
        return [f for f in self.list_display if f not in PERSONAL_FIELDS]

    def get_search_fields(self, request: HttpRequest) -> list[Any]:
        if request.user.has_perm(PERSONAL_DATA):
            return list(self.search_fields)
        return ["number"]

    @admin.display(description=_("personal data"))
    def personal_data(self, order: Order) -> str:
        return str(HIDDEN)

    @admin.display(description=_("configuration"))
    def configuration_masked(self, order: Order) -> str:
        return json.dumps(order_configuration_masked(order.configuration, str(HIDDEN)), ensure_ascii=False)

    @admin.display(description=_("summary"))
    def summary_masked(self, order: Order) -> str:
        return json.dumps(order_summary_masked(order.summary, str(HIDDEN)), ensure_ascii=False)

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        response = super().render_change_form(request, context, *args, **kwargs)
        if not request.user.has_perm(PERSONAL_DATA):
            # The order page's link carries the access key, and its redirect answers 404 (view_on_site).
            # Set after Django's own render_change_form, which sets has_absolute_url itself.
            if isinstance(response, TemplateResponse) and response.context_data is not None:
                response.context_data["has_absolute_url"] = False
        return response

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # orders are placed by shoppers (order_place), never typed in

    @admin.action(description=_("Anonymise personal data"), permissions=["change"])
    def anonymise(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        done = 0
        for order in queryset:
            if services.order_anonymise(order=order, actor=request_actor(request)):
                self.log_change(request, order, gettext("Anonymised: personal data erased"))
                done += 1
        self.message_user(
            request,
            ngettext(
                "The personal data of %(count)d order was erased; build records and totals are kept.",
                "The personal data of %(count)d orders was erased; build records and totals are kept.",
                done,
            )
            % {"count": done},
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a placed order is kept for the books; personal data is anonymised instead


@admin.register(BuildOrder)
class BuildOrderAdmin(RecordAdmin):
    list_display = ["public_id", "order", "feed_position", "created_at"]
    search_fields = ["public_id", "order__number"]
    fields = ["public_id", "order", "build_order", "factories", "feed_position", "created_at"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        if request.user.has_perm(PERSONAL_DATA):
            return list(self.fields)
        return [("build_order_masked" if f == "build_order" else f) for f in self.fields]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self.get_fields(request, obj)

    @admin.display(description=_("build order"))
    def build_order(self, build_order: BuildOrder) -> str:
        return format_html("<pre>{}</pre>", json.dumps(build_order.payload, ensure_ascii=False, indent=2))

    @admin.display(description=_("build order"))
    def build_order_masked(self, build_order: BuildOrder) -> str:
        masked = build_order_masked(build_order.payload, str(HIDDEN))
        return format_html("<pre>{}</pre>", json.dumps(masked, ensure_ascii=False, indent=2))

    @admin.display(description=_("routed to"))
    def factories(self, build_order: BuildOrder) -> str:
        return ", ".join(r.endpoint.name for r in build_order.routes.select_related("endpoint"))


@admin.register(OutboxMessage)
class OutboxMessageAdmin(RecordAdmin):
    list_display = ["webhook_id", "event_type", "created_at", "fanned_out_at"]
    search_fields = ["webhook_id"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fields = [f.name for f in OutboxMessage._meta.fields if f.name != "id"]
        # The body is the build order as sent, with the shopper's name and address.
        return [*fields, "body"] if request.user.has_perm(PERSONAL_DATA) else fields

    @admin.display(description=_("body"))
    def body(self, message: OutboxMessage) -> str:
        return message.body

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self.get_fields(request, obj)
