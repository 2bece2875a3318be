"""Published catalog versions."""

from __future__ import annotations

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from catalog.models import (
    CatalogVersion,
)
from config.record_admin import ReadOnlyRecordAdmin


@admin.register(CatalogVersion)
class CatalogVersionAdmin(ReadOnlyRecordAdmin):
    """Published versions: read-only, for looking up what a shopper or an order saw."""

    list_display = ["product", "number", "published_at", "published_by", "note"]
    list_filter = ["product"]
    date_hierarchy = "published_at"
    fields = readonly_fields = (
        "product",
        "number",
        "published_at",
        "published_by",
        "note",
        "checksum",
        "pretty_snapshot",
    )

    @admin.display(description=_("snapshot"))
    def pretty_snapshot(self, version: CatalogVersion) -> SafeString:
        text = json.dumps(version.snapshot, indent=2, ensure_ascii=False)
        return format_html('<pre style="max-height:40em;overflow:auto">{}</pre>', text)
