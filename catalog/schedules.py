"""Scheduled publishing: plan a publication of a draft, cancel it, carry it out when due.

What is scheduled is the draft as it is when scheduled (decision: the merchandiser
reviewed that one). When the time comes the draft is published only if it still equals
that snapshot; if anyone changed it since, the schedule is refused with what changed, and
nothing unreviewed reaches shoppers. Beat runs `schedules_publish_due` every minute
(catalog.tasks.publish_due); each schedule is carried out at most once: its row is locked
and its state leaves "pending" in the same transaction as the publication.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Product, PublishSchedule, snapshot_checksum
from catalog.services import CatalogError, catalog_lint, catalog_publish
from catalog.snapshots import product_as_dict
from catalog.versions import diff_summary, snapshot_diff

PUBLISH = "catalog.publish_product"
State = PublishSchedule.State


def schedule_create(
    product: Product, *, publish_at: datetime.datetime, user: Any, note: str = "", now: datetime.datetime | None = None
) -> PublishSchedule:
    """Schedule the draft of `product`, as it is now, to be published at `publish_at`.

    Raise ValidationError, by field, when the time is not in the future, the draft could not
    be published (its errors), has nothing new since the latest version, or the product
    already has a publication waiting.
    """
    now = now or timezone.now()
    if publish_at <= now:
        raise ValidationError({"publish_at": _("Choose a time in the future.")})
    with transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        snapshot = product_as_dict(product)
        errors = [f"{f.subject}: {f.message}" for f in catalog_lint(product, snapshot) if f.level == "error"]
        if errors:
            raise ValidationError({"product": [_("The draft cannot be published:"), *errors]})
        checksum = snapshot_checksum(snapshot)
        latest = product.versions.order_by("-number").first()
        if latest is not None and latest.checksum == checksum:
            raise ValidationError(
                {"product": _("The draft has no changes since version %(number)s.") % {"number": latest.number}}
            )
        waiting = product.publish_schedules.filter(state=State.PENDING).first()
        if waiting is not None:
            raise ValidationError(
                {
                    "product": _("A publication of %(code)s is already waiting (%(when)s): cancel it first.")
                    % {"code": product.code, "when": timezone.localtime(waiting.publish_at).strftime("%Y-%m-%d %H:%M")}
                }
            )
        return PublishSchedule.objects.create(
            product=product,
            publish_at=publish_at,
            snapshot=snapshot,
            checksum=checksum,
            note=note,
            created_by=user if getattr(user, "pk", None) else None,
        )


def schedule_cancel(schedule: PublishSchedule, *, user: Any) -> bool:
    """Cancel a waiting schedule; return False when it was already carried out or cancelled."""
    done = PublishSchedule.objects.filter(pk=schedule.pk, state=State.PENDING).update(
        state=State.CANCELLED, done_at=timezone.now(), done_by=user if getattr(user, "pk", None) else None
    )
    return bool(done)


def schedules_publish_due(now: datetime.datetime | None = None) -> dict[str, int]:
    """Carry out every waiting schedule whose time has come; count the outcomes by state."""
    now = now or timezone.now()
    due = PublishSchedule.objects.filter(state=State.PENDING, publish_at__lte=now).order_by("publish_at", "pk")
    counts: dict[str, int] = {}
    for pk in due.values_list("pk", flat=True):
        state = schedule_run(pk, now=now)
        if state is not None:
            counts[state] = counts.get(state, 0) + 1
    return counts


def schedule_run(schedule_id: int, *, now: datetime.datetime | None = None) -> str | None:
    """Carry out one schedule if it is waiting and due; return its new state (None: nothing to do)."""
    now = now or timezone.now()
    with transaction.atomic():
        schedule = (
            PublishSchedule.objects.select_for_update()
            .filter(pk=schedule_id, state=State.PENDING, publish_at__lte=now)
            .first()
        )
        if schedule is None:
            return None  # carried out already, cancelled, or not due yet
        schedule.state, schedule.problems, schedule.version = _carry_out(schedule)
        schedule.done_at = now
        schedule.save(update_fields=["state", "problems", "version", "done_at"])
    return schedule.state


def _carry_out(schedule: PublishSchedule) -> tuple[str, list[str], Any]:
    """Publish the scheduled draft: (state, problems, version)."""
    user = schedule.created_by
    if user is None or not user.is_active or not user.has_perm(PUBLISH):
        return State.REFUSED, [_("Whoever scheduled it may no longer publish catalog versions.")], None
    product = Product.objects.select_for_update().get(pk=schedule.product_id)
    current = product_as_dict(product)
    if snapshot_checksum(current) != schedule.checksum:
        changes = snapshot_diff(schedule.snapshot, current)
        headline = _("The draft changed after it was scheduled (%(summary)s); schedule it again.") % {
            "summary": diff_summary(changes)
        }
        return State.REFUSED, [headline, *(str(change) for change in changes[:20])], None
    note = f"scheduled: {schedule.note}" if schedule.note else "scheduled"
    try:
        result = catalog_publish(product, user=user, note=note)
    except CatalogError as error:
        return State.REFUSED, [str(problem) for problem in error.problems], None
    return (State.PUBLISHED if result.created else State.UNCHANGED), [], result.version
