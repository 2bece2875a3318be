"""Operators' admin: orders with their history, factory endpoints and tokens, deliveries with replay.

Permissions (Meta.permissions in orders.models): `view_personal_data` shows shoppers'
name, e-mail, address, notes and secret link; `manage_factories` is needed, on top of
the model's add/change permission, for any write to an endpoint (URL, internal flag,
signing secret) and to create or revoke tokens; `replay_delivery` for the replay
action. Orders are never deleted here. Every action leaves an audit entry
(orders.services.audit) and a LogEntry ("Recent actions").
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from orders import services, webhooks
from orders.models import (
    AuditEntry,
    BuildOrder,
    Delivery,
    DeliveryAttempt,
    FactoryEndpoint,
    FactoryToken,
    Order,
    OrderEvent,
    OutboxMessage,
)

PERSONAL_DATA = "orders.view_personal_data"
MANAGE_FACTORIES = "orders.manage_factories"
REPLAY_DELIVERY = "orders.replay_delivery"
#: the order fields that identify or reach the shopper
PERSONAL_FIELDS = ["customer_name", "customer_email", "customer_address", "notes", "access_key"]
HIDDEN = _("hidden (needs the permission to see shoppers' personal data)")


def _actor(request: HttpRequest) -> str:
    return f"admin:{request.user.get_username()}"


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


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
    # Everything is read-only, the frozen preview picture too: an order is what was placed.
    readonly_fields = [f.name for f in Order._meta.fields]
    actions = ["anonymise"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fields = [f.name for f in Order._meta.fields if f.name != "id"]
        if request.user.has_perm(PERSONAL_DATA):
            return fields
        return [f for f in fields if f not in PERSONAL_FIELDS] + ["personal_data"]

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

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        response = super().render_change_form(request, context, *args, **kwargs)
        if not request.user.has_perm(PERSONAL_DATA) and isinstance(response, TemplateResponse):
            # The order page's link carries the access key, so view_on_site answers them 404: no button.
            # Set on the response because ModelAdmin.render_change_form overwrites the caller's value.
            response.context_data = {**(response.context_data or {}), "has_absolute_url": False}
        return response

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # orders are placed by shoppers (order_place), never typed in

    @admin.action(description=_("Anonymise personal data"), permissions=["change"])
    def anonymise(self, request: HttpRequest, queryset: QuerySet[Order]) -> None:
        done = 0
        for order in queryset:
            if services.order_anonymise(order=order, actor=_actor(request)):
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


def _masked_payload(payload: dict[str, Any]) -> dict[str, Any]:
    masked = dict(payload)
    if "ship_to" in masked:
        masked["ship_to"] = {key: str(HIDDEN) for key in masked["ship_to"]}
    if masked.get("notes"):
        masked["notes"] = str(HIDDEN)
    return masked


@admin.register(BuildOrder)
class BuildOrderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
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
        masked = _masked_payload(build_order.payload)
        return format_html("<pre>{}</pre>", json.dumps(masked, ensure_ascii=False, indent=2))

    @admin.display(description=_("routed to"))
    def factories(self, build_order: BuildOrder) -> str:
        return ", ".join(r.endpoint.name for r in build_order.routes.select_related("endpoint"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FactoryTokenInline(admin.TabularInline):  # type: ignore[type-arg]
    model = FactoryToken
    extra = 0
    can_delete = False
    fields = readonly_fields = ("prefix", "created_at", "revoked_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # created by the "Create a token" action, which shows it once

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoked by the "Revoke" action


class FactoryEndpointForm(forms.ModelForm):  # type: ignore[type-arg]
    """The endpoint without its secret, which is write-only: typed, or generated and shown once."""

    new_secret = forms.CharField(
        label=_("signing secret"),
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Write-only: never shown again. Type a secret (whsec_ followed by base64), or leave it empty: "
            "a new endpoint then gets a generated secret, shown once; a saved endpoint keeps its secret."
        ),
    )
    generate_secret = forms.BooleanField(
        label=_("generate a new signing secret"),
        required=False,
        help_text=_("Replace the secret with a generated one, shown once after saving."),
    )

    class Meta:
        model = FactoryEndpoint
        fields = ["name", "url", "active", "internal"]

    def clean_new_secret(self) -> str:
        secret: str = self.cleaned_data["new_secret"]
        if secret:
            try:
                webhooks.secret_bytes(secret)
            except ValueError:
                raise forms.ValidationError(
                    _("A signing secret is whsec_ followed by at least 16 bytes in base64."), code="invalid"
                ) from None
        return secret

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("new_secret") and data.get("generate_secret"):
            self.add_error("generate_secret", _("Type a secret or generate one, not both."))
        return data


@admin.register(FactoryEndpoint)
class FactoryEndpointAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = FactoryEndpointForm
    list_display = ["name", "url", "active", "internal", "created_at"]
    list_filter = ["active", "internal"]
    inlines = [FactoryTokenInline]
    actions = ["create_token", "revoke_tokens"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fields = ["name", "url", "active", "internal"]
        if obj is None:
            return [*fields, "new_secret"]
        if not self.has_change_permission(request, obj):
            return [*fields, "secret_state", "created_at"]  # view only: nothing to type
        return [*fields, "new_secret", "generate_secret", "created_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return ["secret_state", "created_at"]

    @admin.display(description=_("signing secret"))
    def secret_state(self, endpoint: FactoryEndpoint) -> str:
        return gettext("set, stored encrypted (write-only: never shown)") if endpoint.secret else "-"

    def has_manage_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(MANAGE_FACTORIES)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and self.has_manage_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The URL, the internal flag (SSRF checks off) and the secret are the factory's keys.
        return super().has_change_permission(request, obj) and self.has_manage_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # disable it instead: deliveries and the audit trail refer to it

    def save_model(self, request: HttpRequest, obj: FactoryEndpoint, form: Any, change: bool) -> None:
        data = form.cleaned_data
        secret: str | None = data.get("new_secret") or None
        if secret is None and (not change or data.get("generate_secret")):
            # Shown once by response_add/response_change; kept on this request only.
            secret = request._generated_secret = services.secret_generate()  # type: ignore[attr-defined]
        services.endpoint_save(
            endpoint=obj,
            name=data["name"],
            url=data["url"],
            secret=secret,
            internal=data["internal"],
            active=data["active"],
            actor=_actor(request),
        )

    def _secret_page(self, request: HttpRequest, obj: FactoryEndpoint, secret: str) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Signing secret of %(name)s") % {"name": obj.name},
            "endpoint": obj,
            "secret": secret,
        }
        page = TemplateResponse(request, "admin/orders/factoryendpoint/secret_created.html", context)
        return _no_store(page)

    def response_add(self, request: HttpRequest, obj: FactoryEndpoint, post_url_continue: Any = None) -> HttpResponse:
        generated = getattr(request, "_generated_secret", None)
        if generated:
            return self._secret_page(request, obj, generated)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: FactoryEndpoint) -> HttpResponse:
        generated = getattr(request, "_generated_secret", None)
        if generated:
            return self._secret_page(request, obj, generated)
        return super().response_change(request, obj)

    @admin.action(description=_("Create a factory API token (shown once)"), permissions=["manage"])
    def create_token(self, request: HttpRequest, queryset: QuerySet[FactoryEndpoint]) -> HttpResponse:
        tokens = []
        for endpoint in queryset:
            raw = services.token_create(endpoint=endpoint, actor=_actor(request))
            self.log_change(request, endpoint, gettext("Created the factory token %(prefix)s…") % {"prefix": raw[:10]})
            tokens.append({"endpoint": endpoint, "token": raw})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("New factory API tokens"),
            "tokens": tokens,
        }
        return _no_store(TemplateResponse(request, "admin/orders/factoryendpoint/token_created.html", context))

    @admin.action(description=_("Revoke every token of the selected endpoints"), permissions=["manage"])
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[FactoryEndpoint]) -> None:
        done = 0
        for token in FactoryToken.objects.filter(endpoint__in=queryset, revoked_at__isnull=True):
            if services.token_revoke(token_id=token.pk, actor=_actor(request)):
                message = gettext("Revoked the factory token %(prefix)s…") % {"prefix": token.prefix}
                self.log_change(request, token.endpoint, message)
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", done) % {"count": done},
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

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(REPLAY_DELIVERY)

    @admin.action(description=_("Replay: send again now"), permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        done = 0
        for delivery in queryset.select_related("endpoint"):
            if services.delivery_replay(delivery_id=delivery.pk, actor=_actor(request)):
                self.log_change(request, delivery, gettext("Replayed: sent again now"))
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d delivery will be sent again.", "%(count)d deliveries will be sent again.", done)
            % {"count": done},
        )


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["webhook_id", "event_type", "created_at", "fanned_out_at"]
    search_fields = ["webhook_id"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        fields = [f.name for f in OutboxMessage._meta.fields if f.name != "id"]
        # The body is the build order as sent, with the shopper's name and address.
        return fields if request.user.has_perm(PERSONAL_DATA) else [f for f in fields if f != "body"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self.get_fields(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["at", "actor", "action", "target_type", "target_repr"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor", "target_repr", "target_id"]
    date_hierarchy = "at"
    fields = readonly_fields = ("at", "actor", "action", "target_type", "target_id", "target_repr", "details")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
