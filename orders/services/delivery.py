"""The outbox: fanning messages out to endpoints, sending deliveries, retrying, sweeping.

The retry schedule lives on each delivery row (`next_attempt_at`); the beat sweep
enqueues what is due and what was lost. Tasks are enqueued only after commit.
"""

from __future__ import annotations

import datetime
import logging
import random
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from orders import webhooks
from orders.models import AuditAction, Delivery, DeliveryAttempt, DeliveryState, FactoryEndpoint, OutboxMessage
from orders.services.audit import audit_record
from orders.services.factories import feed_positions_assign

log = logging.getLogger(__name__)


def enqueue(task_name: str, *ids: int) -> None:
    """Send one task per id once the current transaction commits (never for a rolled-back write)."""
    from orders import tasks

    task = getattr(tasks, task_name)
    for pk in ids:
        # Robust: a broker that is down must not turn a committed order into an error;
        # the sweep enqueues what was not sent.
        transaction.on_commit(partial(task.delay, pk), robust=True)


def outbox_fan_out(*, message_id: int) -> list[int]:
    """Create one delivery per active endpoint for a message (once); return the new deliveries' ids."""
    now = timezone.now()
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.fanned_out_at is not None:
            return []
        # Only the factories the build order was routed to when it was placed (and still active).
        endpoints = list(FactoryEndpoint.objects.filter(active=True, routes__build_order_id=message.build_order_id))
        Delivery.objects.bulk_create(
            [Delivery(message=message, endpoint=e, next_attempt_at=now, enqueued_at=now) for e in endpoints],
            ignore_conflicts=True,
        )
        ids = list(
            Delivery.objects.filter(message=message, state=DeliveryState.PENDING, enqueued_at=now).values_list(
                "pk", flat=True
            )
        )
        message.fanned_out_at = now
        message.save(update_fields=["fanned_out_at"])
        enqueue("delivery_send", *ids)
    return ids


def retry_delay(attempts: int) -> float:
    """Return the seconds to wait after `attempts` failed attempts: doubling, capped, half jittered."""
    delay: float = min(
        settings.ORDERS_RETRY_CAP_SECONDS, settings.ORDERS_RETRY_BASE_SECONDS * 2 ** min(attempts - 1, 30)
    )
    return delay / 2 + random.uniform(0, delay / 2)


def delivery_attempt(*, delivery_id: int) -> str:
    """Send a due delivery once, if no one else holds it; record the attempt; return what happened.

    The claim is a compare-and-set on `lease_until`: a duplicate task, or one for a
    delivery already sent, changes nothing and returns "skipped".
    """
    now = timezone.now()
    lease = now + datetime.timedelta(seconds=settings.ORDERS_DELIVERY_LEASE_SECONDS)
    claimed = (
        Delivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING, next_attempt_at__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=lease, enqueued_at=None)
    )
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related("message__build_order", "endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.active:
        delivery.lease_until = None
        delivery.enqueued_at = None
        delivery.next_attempt_at = now + datetime.timedelta(seconds=settings.ORDERS_RETRY_CAP_SECONDS)
        delivery.last_error = "the endpoint is disabled"
        delivery.save(update_fields=["lease_until", "enqueued_at", "next_attempt_at", "last_error"])
        return "paused"
    outcome = webhooks.send(
        endpoint.url,
        secret=endpoint.secret,
        webhook_id=delivery.message.webhook_id,
        body=delivery.message.body.encode(),
        internal=endpoint.internal,
    )
    finished = timezone.now()
    with transaction.atomic():
        # Read the row again, locked: if the send outlasted our lease, another worker may have
        # claimed the delivery (and even sent it) meanwhile. Its state and schedule are then
        # left alone; this attempt is still recorded.
        delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
        ours = delivery.lease_until == lease
        delivery.attempts += 1
        delivery.first_attempt_at = delivery.first_attempt_at or now
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error
        fields = ["attempts", "first_attempt_at", "last_status_code", "last_error"]
        if ours:
            delivery.lease_until = None
            delivery.enqueued_at = None
            fields += ["lease_until", "enqueued_at"]
        if delivery.state != DeliveryState.PENDING:
            result = "late"  # settled by another worker while this one was still sending
        elif outcome.ok:
            delivery.state = DeliveryState.DELIVERED
            delivery.delivered_at = finished
            fields += ["state", "delivered_at"]
            result = "delivered"
        elif not ours:
            result = "late"  # another worker holds it now and will settle it
        elif finished - delivery.first_attempt_at >= datetime.timedelta(hours=settings.ORDERS_RETRY_HOURS):
            delivery.state = DeliveryState.DEAD
            delivery.dead_at = finished
            fields += ["state", "dead_at"]
            result = "dead"
            log.error("delivery %s to %s dead-lettered after %s attempts", delivery.pk, endpoint, delivery.attempts)
        else:
            delivery.next_attempt_at = finished + datetime.timedelta(seconds=retry_delay(delivery.attempts))
            fields.append("next_attempt_at")
            result = "retry"
        delivery.save(update_fields=fields)
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
    return result


def delivery_replay(*, delivery_id: int, actor: str = "system") -> bool:
    """Send a delivery again now (a dead-lettered one gets a new retry window); False if it is being sent.

    Also False for an order whose personal data was erased: its message now has another
    body, and a webhook id is never sent with two bodies (decision 20). A replay is
    recorded in the audit trail with the state it left.
    """
    now = timezone.now()
    with transaction.atomic():
        previous = Delivery.objects.filter(pk=delivery_id).values_list("state", flat=True).first()
        changed = (
            Delivery.objects.filter(pk=delivery_id, message__build_order__order__anonymised_at__isnull=True)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .update(
                state=DeliveryState.PENDING,
                next_attempt_at=now,
                first_attempt_at=None,
                dead_at=None,
                delivered_at=None,
                enqueued_at=now,
                lease_until=None,
            )
        )
        if changed:
            delivery = Delivery.objects.select_related("endpoint", "message__build_order__order").get(pk=delivery_id)
            audit_record(
                actor=actor,
                action=AuditAction.DELIVERY_REPLAYED,
                target=delivery,
                details={
                    "endpoint": delivery.endpoint.name,
                    "order": delivery.message.build_order.order.number,
                    "previous_state": previous,
                },
            )
            enqueue("delivery_send", delivery_id)
    return bool(changed)


def endpoint_retries_due(*, endpoint_id: int, actor: str) -> int:
    """Send an endpoint's waiting deliveries now ("the factory is back"); return how many.

    After an outage each pending delivery waits for its next attempt, up to
    ORDERS_RETRY_CAP_SECONDS away: the backlog drains at the pace of the backoff. This
    makes every pending, unclaimed delivery to the endpoint due now and enqueues it;
    attempts, first attempt and the dead-letter deadline are left as they are. Nothing
    for a disabled endpoint. Recorded in the audit trail with the count.
    """
    now = timezone.now()
    with transaction.atomic():
        endpoint = FactoryEndpoint.objects.select_for_update().filter(pk=endpoint_id, active=True).first()
        if endpoint is None:
            return 0
        waiting = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(endpoint=endpoint, state=DeliveryState.PENDING, next_attempt_at__gt=now)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .values_list("pk", flat=True)
        )
        Delivery.objects.filter(pk__in=waiting).update(next_attempt_at=now, enqueued_at=now)
        audit_record(actor=actor, action=AuditAction.RETRIES_DUE, target=endpoint, details={"deliveries": len(waiting)})
        enqueue("delivery_send", *waiting)
    return len(waiting)


def outbox_sweep(*, limit: int = 1000) -> dict[str, int]:
    """Enqueue what is due or was lost; assign feed positions. Return the counts.

    - messages never fanned out whose task is older than ORDERS_REQUEUE_SECONDS (lost
      with a broker restart, or never sent because the process died at commit);
    - deliveries whose `next_attempt_at` has come (retries) or whose task was lost, and
      whose lease, if any, has run out (a worker killed mid-delivery).
    Rows are picked with `SELECT … FOR UPDATE SKIP LOCKED`, so two sweeps never take
    the same rows, and marked enqueued in the same transaction.
    """
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.ORDERS_REQUEUE_SECONDS)
    with transaction.atomic():
        messages = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(fanned_out_at__isnull=True)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
            .order_by("id")
            .values_list("pk", flat=True)[:limit]
        )
        OutboxMessage.objects.filter(pk__in=messages).update(enqueued_at=now)
        enqueue("outbox_fan_out", *messages)
        deliveries = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=deliveries).update(enqueued_at=now)
        enqueue("delivery_send", *deliveries)
    positioned = feed_positions_assign()
    return {"messages": len(messages), "deliveries": len(deliveries), "positioned": positioned}
