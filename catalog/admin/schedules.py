"""Scheduled publications: plan one (publishers), see what became of each, cancel a waiting one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from catalog.admin.versions import PUBLISH, compare_url
from catalog.models import Product, PublishSchedule
from catalog.schedules import schedule_cancel, schedule_create
from catalog.versions import diff_summary, snapshot_diff

State = PublishSchedule.State


class ScheduleForm(forms.Form):
    product = forms.ModelChoiceField(label=_("product"), queryset=Product.objects.order_by("position", "code"))
    publish_at = forms.DateTimeField(
        label=_("publish at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("Published within a minute of this time."),
    )
    note = forms.CharField(label=_("note"), max_length=280, required=False)


@admin.register(PublishSchedule)
class PublishScheduleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Publications planned for a time; each is carried out once, and its outcome kept."""

    list_display = ["product", "publish_at", "state", "created_by", "note", "outcome"]
    list_filter = ["state", "product"]
    list_select_related = ["product", "created_by", "version", "done_by"]
    actions = ["cancel"]
    fields = readonly_fields = (
        "product",
        "publish_at",
        "state",
        "outcome",
        "note",
        "created_by",
        "created_at",
        "done_at",
        "done_by",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("catalog.add_publishschedule") and request.user.has_perm(PUBLISH))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a schedule is cancelled and made anew, never edited

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # what was published when, and what was refused, stays on record

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm("catalog.change_publishschedule") and request.user.has_perm(PUBLISH))

    @admin.display(description=_("outcome"))
    def outcome(self, schedule: PublishSchedule) -> SafeString | str:
        if schedule.state == State.PENDING:
            latest = schedule.product.versions.order_by("-number").first()
            before = latest.snapshot if latest else {}
            summary = diff_summary(snapshot_diff(before, schedule.snapshot))
            return gettext("will publish the draft as it was when scheduled: %(summary)s") % {"summary": summary}
        if schedule.state in (State.PUBLISHED, State.UNCHANGED) and schedule.version is not None:
            url = reverse("admin:catalog_catalogversion_change", args=[schedule.version_id])
            return format_html('<a href="{}">v{}</a>', url, schedule.version.number)
        if schedule.state == State.CANCELLED:
            who = schedule.done_by.get_username() if schedule.done_by else "—"
            return gettext("cancelled by %(user)s") % {"user": who}
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((p,) for p in schedule.problems)))

    @admin.action(description=_("Cancel the selected waiting publications"), permissions=["cancel"])
    def cancel(self, request: HttpRequest, queryset: QuerySet[PublishSchedule]) -> None:
        done = sum(schedule_cancel(schedule, user=request.user) for schedule in queryset)
        self.message_user(
            request,
            ngettext("%(count)d publication cancelled.", "%(count)d publications cancelled.", done) % {"count": done},
        )

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        """Schedule the draft of a product as it is now (?product=<id> preselects one)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ScheduleForm(request.POST or None, initial={"product": request.GET.get("product")})
        if request.method == "POST" and form.is_valid():
            try:
                schedule = schedule_create(
                    form.cleaned_data["product"],
                    publish_at=form.cleaned_data["publish_at"],
                    user=request.user,
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                when = timezone.localtime(schedule.publish_at).strftime("%Y-%m-%d %H:%M")
                self.message_user(
                    request,
                    gettext("%(code)s will be published at %(when)s, as its draft is now.")
                    % {"code": schedule.product.code, "when": when},
                )
                return HttpResponseRedirect(reverse("admin:catalog_publishschedule_changelist"))
        product = _product(request.GET.get("product") or request.POST.get("product"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Schedule publishing"),
            "form": form,
            "time_zone": settings.TIME_ZONE,
            "draft_url": _draft_url(product),
        }
        return TemplateResponse(request, "admin/catalog/catalogversion/schedule.html", context)


def _product(pk: str | None) -> Product | None:
    return Product.objects.filter(pk=int(pk)).first() if pk and pk.isdecimal() else None


def _draft_url(product: Product | None) -> str:
    if product is None:
        return ""
    latest = product.versions.order_by("-number").values_list("number", flat=True).first()
    return compare_url(product.code, latest, "draft") if latest else ""
