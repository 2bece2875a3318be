"""Writes of the orders domain: placing orders, their status, the outbox and its deliveries.

Every entry point (the checkout page, the orders API, the factory API, the admin, the
Celery tasks and the management commands) calls these functions; none writes orders
or deliveries itself.

Payment: `order_place` is where a real shop plugs its payment provider in. Authorize
the payment before calling it (and pass the provider's reference in `notes` or a field
of your own), or call it with a pending status and capture on the provider's webhook;
nothing downstream (build order, outbox) needs to change.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
import random
import secrets
import uuid
from dataclasses import dataclass
from functools import partial
from typing import Any, TypedDict

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from catalog.models import CatalogVersion
from configurator.engine.model import Product
from configurator.engine.selection import Selection, SelectionError, read_selection
from configurator.loading import version_model, version_session
from configurator.services import price_data
from orders import webhooks
from orders.build_orders import BuildOrderError, build_order_data, order_summary
from orders.models import (
    BuildOrder,
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    FactoryEndpoint,
    FactoryToken,
    FeedCounter,
    Order,
    OrderEvent,
    OrderStatus,
    OutboxMessage,
)

__all__ = ["ConfigurationRejected", "IdempotencyConflict", "SelectionError", "StatusError"]

log = logging.getLogger(__name__)

_NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: no I, L, O, U


class Customer(TypedDict):
    name: str
    email: str
    address: str


class ConfigurationRejected(ValueError):
    """The configuration is not complete and valid; `violations` say why (engine codes, translated)."""

    def __init__(self, violations: list[dict[str, Any]]) -> None:
        super().__init__("; ".join(v["message"] for v in violations))
        self.violations = violations


class IdempotencyConflict(ValueError):
    """The idempotency key was used before for a different request."""


class StatusError(ValueError):
    """A status change that the order's current status does not allow."""


@dataclass(frozen=True)
class Placement:
    order: Order
    created: bool


def request_fingerprint(data: Any) -> str:
    """Return a stable hash of a request body, to tell a retry from a different request."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _order_number() -> str:
    return "MF-" + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))


def _violations(product: Product, selection: Selection, version: CatalogVersion, language: str) -> list[dict[str, Any]]:
    validation = version_session(version).validate(selection)
    out = []
    for violation in validation.violations:
        rule = product.rule(violation.code) if violation.kind == "rule" else None
        out.append(
            {
                "rule": violation.code if violation.kind == "rule" else None,
                "field": violation.code,
                "kind": violation.kind,
                "message": rule.text(language) if rule is not None else violation.message,
            }
        )
    return out


def _enqueue(task_name: str, *ids: int) -> None:
    """Send one task per id once the current transaction commits (never for a rolled-back write)."""
    from orders import tasks

    task = getattr(tasks, task_name)
    for pk in ids:
        # Robust: a broker that is down must not turn a committed order into an error;
        # the sweep enqueues what was not sent.
        transaction.on_commit(partial(task.delay, pk), robust=True)


def order_check(*, version: CatalogVersion, data: dict[str, Any], language: str) -> Selection:
    """Return the selection if it is a complete valid configuration; raise otherwise.

    Raise `SelectionError` for input naming unknown things or values off the grid, and
    `ConfigurationRejected` with the engine's violations for an incomplete or invalid one.
    """
    product = version_model(version)
    selection = read_selection(product, data)
    violations = _violations(product, selection, version, language)
    if violations:
        raise ConfigurationRejected(violations)
    return selection


def order_place(
    *,
    version: CatalogVersion,
    data: dict[str, Any],
    customer: Customer,
    language: str,
    notes: str = "",
    idempotency_key: str | None = None,
    fingerprint: str = "",
) -> Placement:
    """Place an order for a complete valid configuration of `version`; return it.

    The order, its status history, its build order and its outbox message are written
    in one transaction; the delivery task is enqueued when it commits. With an
    `idempotency_key` already used for the same request (`fingerprint`), return that
    order (`created` false); for a different request raise IdempotencyConflict.
    """
    if idempotency_key:
        existing = _order_for_key(idempotency_key, fingerprint)
        if existing is not None:
            return Placement(existing, created=False)
    product = version_model(version)
    selection = order_check(version=version, data=data, language=language)
    price = version_session(version).price(selection, language)
    now = timezone.now()
    due = timezone.localdate(now) + datetime.timedelta(days=settings.ORDERS_LEAD_DAYS)
    try:
        with transaction.atomic():
            order = Order.objects.create(
                number=_order_number(),
                access_key=secrets.token_urlsafe(24),
                idempotency_key=idempotency_key or None,
                request_fingerprint=fingerprint,
                catalog_version=version,
                product_code=product.code,
                language=language,
                configuration=selection.as_data(frozenset(g.code for g in product.groups if g.kind == "multi")),
                summary=order_summary(product, selection, language),
                price_lines=price_data(price)["lines"],
                currency=price.currency,
                total=price.total,
                customer_name=customer["name"],
                customer_email=customer["email"],
                customer_address=customer["address"],
                notes=notes,
                due_date=due,
            )
            OrderEvent.objects.create(order=order, status=OrderStatus.PLACED, source="shop")
            public_id = uuid.uuid4()
            payload = build_order_data(
                product,
                selection,
                build_order_id=str(public_id),
                order_number=order.number,
                catalog_version=version.number,
                placed_at=now,
                due_date=due,
                notes=notes,
                ship_to={"name": customer["name"], "address": customer["address"]},
            )
            build_order = BuildOrder.objects.create(public_id=public_id, order=order, payload=payload)
            message = OutboxMessage.objects.create(
                build_order=build_order,
                webhook_id=f"msg_{public_id.hex}",
                body=json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
                enqueued_at=now,
            )
            _enqueue("outbox_fan_out", message.pk)
    except BuildOrderError as error:
        raise ConfigurationRejected(
            [{"rule": None, "field": "bom", "kind": "bom", "message": f"bill of materials: {error}"}]
        ) from None
    except IntegrityError:
        # Two requests with one idempotency key raced: the other one won.
        if idempotency_key:
            existing = _order_for_key(idempotency_key, fingerprint)
            if existing is not None:
                return Placement(existing, created=False)
        raise
    return Placement(order, created=True)


def _order_for_key(key: str, fingerprint: str) -> Order | None:
    order = Order.objects.filter(idempotency_key=key).first()
    if order is not None and fingerprint and order.request_fingerprint != fingerprint:
        raise IdempotencyConflict(f"the Idempotency-Key '{key}' was used for a different request")
    return order


# -- status --------------------------------------------------------------------------------
_FORWARD = [OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.IN_PRODUCTION, OrderStatus.SHIPPED]


def order_status_set(*, order_id: int, status: str, reason: str = "", source: str) -> bool:
    """Move an order to `status`; return False when it already is there (a repeated callback).

    Statuses only move forward (placed → accepted → in production → shipped; steps may
    be skipped); `rejected` needs a reason and is allowed until the order ships.
    Raise StatusError otherwise.
    """
    if status not in OrderStatus.values:
        raise StatusError(f"unknown status '{status}'")
    if status == OrderStatus.REJECTED and not reason.strip():
        raise StatusError("a rejection needs a reason")
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        if order.status == status:
            return False
        if order.status in {OrderStatus.SHIPPED, OrderStatus.REJECTED}:
            raise StatusError(f"the order is {order.status}: it cannot become {status}")
        if status != OrderStatus.REJECTED and _FORWARD.index(OrderStatus(status)) < _FORWARD.index(
            OrderStatus(order.status)
        ):
            raise StatusError(f"the order is {order.status}: it cannot go back to {status}")
        order.status = status
        order.save(update_fields=["status"])
        OrderEvent.objects.create(order=order, status=status, reason=reason.strip(), source=source)
    return True


# -- the pull feed ---------------------------------------------------------------------------
def feed_positions_assign(limit: int = 1000) -> int:
    """Give feed positions to committed build orders that have none; return how many.

    Serialized by a row lock on the one FeedCounter row: positions become visible
    only in increasing order, and a build order whose transaction committed late gets
    a position after every one already visible, so a poller never skips it.
    """
    FeedCounter.objects.get_or_create(pk=1)  # made by a migration; again after a test flushed the tables
    with transaction.atomic():
        counter = FeedCounter.objects.select_for_update().get(pk=1)
        pending = list(BuildOrder.objects.filter(feed_position__isnull=True).order_by("id").only("id")[:limit])
        if not pending:
            return 0
        for offset, build_order in enumerate(pending, start=1):
            build_order.feed_position = counter.last_position + offset
        BuildOrder.objects.bulk_update(pending, ["feed_position"])
        counter.last_position += len(pending)
        counter.save(update_fields=["last_position"])
    return len(pending)


# -- endpoints and tokens ----------------------------------------------------------------------
def endpoint_save(*, name: str, url: str, secret: str, internal: bool, active: bool = True) -> FactoryEndpoint:
    """Create or update the endpoint `name` (validated as the admin does)."""
    webhooks.secret_bytes(secret)
    endpoint = FactoryEndpoint.objects.filter(name=name).first() or FactoryEndpoint(name=name)
    endpoint.url, endpoint.secret, endpoint.internal, endpoint.active = url, secret, internal, active
    endpoint.full_clean()
    endpoint.save()
    return endpoint


def endpoint_disable(*, name: str) -> bool:
    """Stop pushing to `name` and revoke its tokens; return False when there is no such endpoint."""
    with transaction.atomic():
        changed = FactoryEndpoint.objects.filter(name=name).update(active=False)
        FactoryToken.objects.filter(endpoint__name=name, revoked_at__isnull=True).update(revoked_at=timezone.now())
    return bool(changed)


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(*, endpoint: FactoryEndpoint, replace: bool = False) -> str:
    """Create a factory API token for `endpoint` and return it (shown once: only its hash is kept).

    With `replace`, revoke the endpoint's other tokens in the same transaction.
    """
    raw = "fct_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        if replace:
            FactoryToken.objects.filter(endpoint=endpoint, revoked_at__isnull=True).update(revoked_at=timezone.now())
        FactoryToken.objects.create(endpoint=endpoint, prefix=raw[:10], key_hash=token_hash(raw))
    return raw


# -- the outbox ----------------------------------------------------------------------------------
def outbox_fan_out(*, message_id: int) -> list[int]:
    """Create one delivery per active endpoint for a message (once); return the new deliveries' ids."""
    now = timezone.now()
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.fanned_out_at is not None:
            return []
        endpoints = list(FactoryEndpoint.objects.filter(active=True))
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
        _enqueue("delivery_send", *ids)
    return ids


def retry_delay(attempts: int) -> float:
    """Return the seconds to wait after `attempts` failed attempts: doubling, capped, half jittered."""
    delay = min(settings.ORDERS_RETRY_CAP_SECONDS, settings.ORDERS_RETRY_BASE_SECONDS * 2 ** min(attempts - 1, 30))
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
    delivery = Delivery.objects.select_related("message", "endpoint").get(pk=delivery_id)
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
        delivery.attempts += 1
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
        delivery.first_attempt_at = delivery.first_attempt_at or now
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error
        delivery.lease_until = None
        delivery.enqueued_at = None
        fields = ["attempts", "first_attempt_at", "last_status_code", "last_error", "lease_until", "enqueued_at"]
        if outcome.ok:
            delivery.state = DeliveryState.DELIVERED
            delivery.delivered_at = finished
            fields += ["state", "delivered_at"]
            result = "delivered"
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
    return result


def delivery_replay(*, delivery_id: int) -> bool:
    """Send a delivery again now (a dead-lettered one gets a new retry window); False if it is being sent."""
    now = timezone.now()
    with transaction.atomic():
        changed = (
            Delivery.objects.filter(pk=delivery_id)
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
            _enqueue("delivery_send", delivery_id)
    return bool(changed)


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
        _enqueue("outbox_fan_out", *messages)
        deliveries = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(state=DeliveryState.PENDING, next_attempt_at__lte=now)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=deliveries).update(enqueued_at=now)
        _enqueue("delivery_send", *deliveries)
    positioned = feed_positions_assign()
    return {"messages": len(messages), "deliveries": len(deliveries), "positioned": positioned}
