"""Operators' admin: orders with their history, factory endpoints and tokens, deliveries with replay."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from orders import services
from orders.models import (
    BuildOrder,
    Delivery,
    DeliveryAttempt,
    FactoryEndpoint,
    FactoryToken,
    Order,
    OrderEvent,
    OutboxMessage,
)


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = readonly_fields = ("created_at", "status", "reason", "source")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["number", "product_code", "customer_name", "total", "currency", "status", "placed_at", "due_date"]
    list_filter = ["status", "product_code"]
    search_fields = ["number", "customer_name", "customer_email"]
    date_hierarchy = "placed_at"
    inlines = [OrderEventInline]
    readonly_fields = [f.name for f in Order._meta.fields if f.name != "preview_image"]
    actions = ["anonymise"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # orders are placed by shoppers (order_place), never typed in

    @admin.action(description=_("Anonymise personal data"), permissions=["change"])
    def anonymise(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        actor = f"staff:{request.user.get_username()}"
        done = sum(services.order_anonymise(order=order, actor=actor) for order in queryset)
        self.message_user(
            request,
            ngettext(
                "The personal data of %(count)d order was erased; build records and totals are kept.",
                "The personal data of %(count)d orders was erased; build records and totals are kept.",
                done,
            )
            % {"count": done},
        )


@admin.register(BuildOrder)
class BuildOrderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["public_id", "order", "feed_position", "created_at"]
    search_fields = ["public_id", "order__number"]
    readonly_fields = ["public_id", "order", "payload", "feed_position", "created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class FactoryTokenInline(admin.TabularInline):  # type: ignore[type-arg]
    model = FactoryToken
    extra = 0
    fields = ["prefix", "created_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # created by the "Create a token" action, which shows it once


@admin.register(FactoryEndpoint)
class FactoryEndpointAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["name", "url", "active", "internal", "created_at"]
    list_filter = ["active", "internal"]
    inlines = [FactoryTokenInline]
    actions = ["create_token"]

    @admin.action(description=_("Create a factory API token (shown once)"))
    def create_token(self, request: HttpRequest, queryset: QuerySet[FactoryEndpoint]) -> None:
        for endpoint in queryset:
            token = services.token_create(endpoint=endpoint)
            self.message_user(
                request,
                _("Token for %(name)s (copy it now, it is not shown again): %(token)s")
                % {"name": endpoint.name, "token": token},
                messages.WARNING,
            )


class DeliveryAttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    fields = readonly_fields = ("number", "at", "status_code", "duration_ms", "error")


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "id",
        "order_number",
        "endpoint",
        "state",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
    ]
    list_filter = ["state", "endpoint"]
    search_fields = ["message__webhook_id", "message__build_order__order__number"]
    list_select_related = ["endpoint", "message__build_order__order"]
    inlines = [DeliveryAttemptInline]
    actions = ["replay"]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    @admin.display(description=pgettext_lazy("purchase", "order"))
    def order_number(self, delivery: Delivery) -> str:
        return delivery.message.build_order.order.number

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Replay: send again now"))
    def replay(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        done = sum(services.delivery_replay(delivery_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d delivery will be sent again.", "%(count)d deliveries will be sent again.", done)
            % {"count": done},
        )


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["webhook_id", "event_type", "created_at", "fanned_out_at"]
    search_fields = ["webhook_id"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
