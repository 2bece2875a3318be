"""Admin pages for records the shop writes itself: staff look, never add or delete.

Versions, build orders, outbox messages, deliveries and the audit trail are written by
services, in transactions, and other records point at them; the admin shows them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class RecordAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A record staff may look at (and, where a subclass allows, act on), never add or delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyRecordAdmin(RecordAdmin):
    """A record no one changes once written (a published version, an audit entry)."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
