"""Published catalog versions: who published what, compare any two (or the draft), roll back."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import JSONField, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalog.models import CatalogVersion, Product, snapshot_checksum
from catalog.selectors import DRAFT, snapshot_of, version_number
from catalog.services import CatalogError, catalog_rollback
from catalog.snapshots import product_as_dict
from catalog.versions import changes_by_part, diff_summary, snapshot_diff
from config.record_admin import ReadOnlyRecordAdmin

PUBLISH = "catalog.publish_product"


def compare_url(code: str, old: int | str, new: int | str) -> str:
    """Return the Compare page of product `code` from `old` to `new` (a number or "draft")."""
    return reverse("admin:catalog_catalogversion_compare", args=[code]) + f"?old={old}&new={new}"


@admin.register(CatalogVersion)
class CatalogVersionAdmin(ReadOnlyRecordAdmin):
    """Published versions: read-only, for looking up what a shopper or an order saw, comparing, rolling back."""

    list_display = ["product", "number", "published_at", "published_by", "note", "changes"]
    list_filter = ["product"]
    list_select_related = ["product", "published_by"]
    date_hierarchy = "published_at"
    change_form_template = "admin/catalog/catalogversion/change_form.html"
    fields = readonly_fields = (
        "product",
        "number",
        "published_at",
        "published_by",
        "note",
        "changes",
        "checksum",
        "pretty_snapshot",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[CatalogVersion]:
        """Read each version's predecessor's snapshot in the same query, for the changes column."""
        previous = CatalogVersion.objects.filter(product=OuterRef("product"), number=OuterRef("number") - 1)
        queryset: QuerySet[CatalogVersion] = super().get_queryset(request)
        return queryset.annotate(previous_snapshot=Subquery(previous.values("snapshot")[:1], output_field=JSONField()))

    @admin.display(description=_("changes"))
    def changes(self, version: CatalogVersion) -> SafeString | str:
        previous = getattr(version, "previous_snapshot", None)
        if previous is None:
            return gettext("first version")
        summary = diff_summary(snapshot_diff(previous, version.snapshot))
        url = compare_url(version.product.code, version.number - 1, version.number)
        return format_html('<a href="{}" title="{}">{}</a>', url, gettext("Compare with the previous version"), summary)

    @admin.display(description=_("snapshot"))
    def pretty_snapshot(self, version: CatalogVersion) -> SafeString:
        text = json.dumps(version.snapshot, indent=2, ensure_ascii=False)
        return format_html(
            '<details><summary>{}</summary><pre style="max-height:40em;overflow:auto">{}</pre></details>',
            gettext("Show the snapshot (exchange format)"),
            text,
        )

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("compare/<str:code>/", wrap(self.compare_view), name="catalog_catalogversion_compare"),
            path(
                "compare/<str:code>/draft/",
                wrap(self.compare_view),
                {"draft": True},
                name="catalog_catalogversion_compare_draft",
            ),
            path("<path:object_id>/rollback/", wrap(self.rollback_view), name="catalog_catalogversion_rollback"),
            *super().get_urls(),
        ]

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        version = self.get_object(request, object_id)
        extra = {**(extra_context or {}), "may_publish": request.user.has_perm(PUBLISH)}
        if version is not None:
            extra["compare_previous_url"] = (
                compare_url(version.product.code, version.number - 1, version.number) if version.number > 1 else ""
            )
            extra["compare_draft_url"] = compare_url(version.product.code, version.number, DRAFT)
            extra["rollback_url"] = reverse("admin:catalog_catalogversion_rollback", args=[version.pk])
        return super().change_view(request, object_id, form_url, extra)

    # -- compare ---------------------------------------------------------------------------

    def compare_view(self, request: HttpRequest, code: str, draft: bool = False) -> HttpResponse:
        """Compare two versions of a product, or a version with the draft (?old=3&new=5, new=draft)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        product = get_object_or_404(Product, code=code)
        versions = list(product.versions.order_by("-number").select_related("published_by").defer("snapshot"))
        new = request.GET.get("new") or (DRAFT if draft or not versions else str(versions[0].number))
        old = request.GET.get("old") or _default_old(new, versions)
        if DRAFT in (old.lower(), new.lower()) and not request.user.has_perm("catalog.view_product"):
            raise PermissionDenied
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "product": product,
            "title": gettext("Compare versions of %(name)s") % {"name": product.name},
            "choices": [(str(v.number), _version_label(v)) for v in versions],
            "draft": DRAFT,
            "old": old,
            "new": new,
            "may_schedule": new == DRAFT and _may_schedule(request),
        }
        try:
            changes = snapshot_diff(snapshot_of(product, old), snapshot_of(product, new))
        except LookupError as error:
            context["error"] = str(error)
        else:
            context.update(summary=diff_summary(changes), parts=changes_by_part(changes))
        return TemplateResponse(request, "admin/catalog/catalogversion/compare.html", context)

    # -- roll back -------------------------------------------------------------------------

    def rollback_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Confirm (GET: what shoppers will see change) and roll back (POST) to a version."""
        if not (self.has_view_permission(request) and request.user.has_perm(PUBLISH)):
            raise PermissionDenied
        version = get_object_or_404(CatalogVersion.objects.select_related("product"), pk=object_id)
        product = version.product
        change_url = reverse("admin:catalog_catalogversion_change", args=[version.pk])
        if request.method == "POST":
            note = request.POST.get("note", "").strip()[:280]
            try:
                result = catalog_rollback(product, to=version.number, user=request.user, note=note)
            except CatalogError as error:
                items = format_html_join("", "<li>{}</li>", ((str(p),) for p in error.problems[:20]))
                self.message_user(
                    request,
                    format_html("{}<ul>{}</ul>", gettext("Could not roll back; nothing was changed."), items),
                    messages.ERROR,
                )
                return HttpResponseRedirect(change_url)
            self._rollback_message(request, result.created, result.version, version)
            for finding in result.warnings[:20]:
                self.message_user(request, f"{finding.subject}: {finding.message}", messages.WARNING)
            return HttpResponseRedirect(reverse("admin:catalog_catalogversion_change", args=[result.version.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": version,
            "product": product,
            "change_url": change_url,
            "title": gettext("Roll back %(code)s to version %(number)s?")
            % {"code": product.code, "number": version.number},
            **_rollback_changes(product, version),
        }
        return TemplateResponse(request, "admin/catalog/catalogversion/rollback.html", context)

    def _rollback_message(self, request: HttpRequest, created: bool, new: CatalogVersion, old: CatalogVersion) -> None:
        if created:
            text = gettext("Rolled back: version %(new)s of %(code)s is a copy of version %(old)s, published now.")
        else:
            text = gettext("Version %(old)s of %(code)s is already the latest: the draft was reset to it.")
        self.message_user(request, text % {"new": new.number, "old": old.number, "code": new.product.code})


def _rollback_changes(product: Product, version: CatalogVersion) -> dict[str, Any]:
    """What a rollback changes for shoppers, and what it replaces in the draft ("" when nothing)."""
    latest = product.versions.order_by("-number").first()
    assert latest is not None  # `version` is one
    shop = snapshot_diff(latest.snapshot, version.snapshot)
    draft = product_as_dict(product)
    lost = "" if latest.checksum == snapshot_checksum(draft) else diff_summary(snapshot_diff(latest.snapshot, draft))
    return {
        "latest": latest,
        "summary": diff_summary(shop),
        "parts": changes_by_part(shop),
        "draft_lost": lost,
        "draft_url": compare_url(product.code, latest.number, DRAFT),
    }


def _default_old(new: str, versions: list[CatalogVersion]) -> str:
    """The version before `new` (the latest one before the draft); `new` itself when there is none."""
    numbers = [v.number for v in versions]
    if new.strip().lower() == DRAFT:
        return str(numbers[0]) if numbers else DRAFT
    number = version_number(new)
    earlier = [n for n in numbers if number is not None and n < number]
    return str(earlier[0]) if earlier else new


def _version_label(version: CatalogVersion) -> str:
    parts = [f"v{version.number}", f"{timezone.localtime(version.published_at):%Y-%m-%d %H:%M}"]
    if version.published_by:
        parts.append(version.published_by.get_username())
    return " · ".join(parts) + (f" — {version.note}" if version.note else "")


def _may_schedule(request: HttpRequest) -> bool:
    return bool(request.user.has_perm(PUBLISH) and request.user.has_perm("catalog.add_publishschedule"))
