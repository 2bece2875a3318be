"""What the orders admin pages share: the permissions they check, the actor of their writes."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

PERSONAL_DATA = "orders.view_personal_data"
MANAGE_FACTORIES = "orders.manage_factories"
REPLAY_DELIVERY = "orders.replay_delivery"
RETRY_NOW = "orders.retry_now"
#: the order fields that identify or reach the shopper
PERSONAL_FIELDS = ["customer_name", "customer_email", "customer_address", "notes", "access_key"]
HIDDEN = _("hidden (needs the permission to see shoppers' personal data)")


def request_actor(request: HttpRequest) -> str:
    """Return the actor of an admin write for the audit trail: `admin:<username>`."""
    return f"admin:{request.user.get_username()}"


def no_store(response: HttpResponse) -> HttpResponse:
    """Keep a page that shows a secret once out of every cache."""
    response["Cache-Control"] = "no-store"
    return response


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
