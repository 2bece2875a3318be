"""The audit trail: read-only, no delete."""

from __future__ import annotations

from django.contrib import admin

from config.record_admin import ReadOnlyRecordAdmin
from orders.models import (
    AuditEntry,
)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyRecordAdmin):
    list_display = ["at", "actor", "action", "target_type", "target_repr"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor", "target_repr", "target_id"]
    date_hierarchy = "at"
    fields = readonly_fields = ("at", "actor", "action", "target_type", "target_id", "target_repr", "details")
