"""Factory endpoints with their write-only secrets and tokens, and deliveries with replay."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from config.record_admin import RecordAdmin
from orders import services, webhooks
from orders.admin.common import MANAGE_FACTORIES, REPLAY_DELIVERY, RETRY_NOW, ReadOnlyInline, no_store, request_actor
from orders.models import (
    Delivery,
    DeliveryAttempt,
    FactoryEndpoint,
    FactoryToken,
)


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
    actions = ["create_token", "revoke_tokens", "factory_back"]

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
            actor=request_actor(request),
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
        return no_store(page)

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
            raw = services.token_create(endpoint=endpoint, actor=request_actor(request))
            self.log_change(request, endpoint, gettext("Created the factory token %(prefix)s…") % {"prefix": raw[:10]})
            tokens.append({"endpoint": endpoint, "token": raw})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("New factory API tokens"),
            "tokens": tokens,
        }
        return no_store(TemplateResponse(request, "admin/orders/factoryendpoint/token_created.html", context))

    @admin.action(description=_("Revoke every token of the selected endpoints"), permissions=["manage"])
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[FactoryEndpoint]) -> None:
        done = 0
        for token in FactoryToken.objects.filter(endpoint__in=queryset, revoked_at__isnull=True):
            if services.token_revoke(token_id=token.pk, actor=request_actor(request)):
                message = gettext("Revoked the factory token %(prefix)s…") % {"prefix": token.prefix}
                self.log_change(request, token.endpoint, message)
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", done) % {"count": done},
        )

    def has_retry_now_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(RETRY_NOW)

    @admin.action(description=_("The factory is back: send its waiting deliveries now"), permissions=["retry_now"])
    def factory_back(self, request: HttpRequest, queryset: QuerySet[FactoryEndpoint]) -> None:
        for endpoint in queryset:
            if not endpoint.active:
                message = gettext("%(name)s is disabled: enable it first, then say it is back.") % {
                    "name": endpoint.name
                }
                self.message_user(request, message, level=messages.WARNING)
                continue
            count = services.endpoint_retries_due(endpoint_id=endpoint.pk, actor=request_actor(request))
            self.log_change(
                request, endpoint, gettext("Factory back: %(count)d deliveries sent now") % {"count": count}
            )
            self.message_user(
                request,
                ngettext(
                    "%(name)s: %(count)d waiting delivery is being sent now.",
                    "%(name)s: %(count)d waiting deliveries are being sent now.",
                    count,
                )
                % {"name": endpoint.name, "count": count},
            )


class DeliveryAttemptInline(ReadOnlyInline):
    model = DeliveryAttempt
    fields = readonly_fields = ("number", "at", "status_code", "duration_ms", "error")


@admin.register(Delivery)
class DeliveryAdmin(RecordAdmin):
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

    def has_replay_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(REPLAY_DELIVERY)

    @admin.action(description=_("Replay: send again now"), permissions=["replay"])
    def replay(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        done = 0
        for delivery in queryset.select_related("endpoint"):
            if services.delivery_replay(delivery_id=delivery.pk, actor=request_actor(request)):
                self.log_change(request, delivery, gettext("Replayed: sent again now"))
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d delivery will be sent again.", "%(count)d deliveries will be sent again.", done)
            % {"count": done},
        )
