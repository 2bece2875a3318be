"""Placing orders and moving them through their statuses.

Payment: `order_place` is where a real shop plugs its payment provider in. Authorize
the payment before calling it (and pass the provider's reference in `notes` or a field
of your own), or call it with a pending status and capture on the provider's webhook;
nothing downstream (build order, outbox) needs to change.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import uuid
from dataclasses import dataclass
from typing import Any, TypedDict

from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.models import CatalogVersion
from config.errors import DETAIL, ApplicationError
from configurator.engine.model import Product
from configurator.engine.selection import Selection, read_selection
from configurator.loading import version_model, version_session
from configurator.services import price_data
from orders.build_orders import BuildOrderError, build_order_data, order_summary
from orders.dates import dispatch_estimate
from orders.models import BuildOrder, Order, OrderEmail, OrderEvent, OrderStatus, OutboxMessage
from orders.services.delivery import enqueue
from orders.services.emails import EMAILED_STATUSES, order_email_queue
from orders.services.factories import routes_assign
from orders.services.pictures import order_picture_keep, order_picture_release

_NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: no I, L, O, U


class Customer(TypedDict):
    name: str
    email: str
    address: str


class ConfigurationRejected(ApplicationError):
    """The configuration is not complete and valid; `violations` say why (engine codes, translated)."""

    def __init__(self, violations: list[dict[str, Any]]) -> None:
        super().__init__({DETAIL: [v["message"] for v in violations]}, extra={"violations": violations})
        self.violations = violations


class IdempotencyConflict(ApplicationError):
    """The idempotency key was used before for a different request."""

    status = 422
    field = "Idempotency-Key"


class StatusError(ApplicationError):
    """A status change that the order's current status does not allow."""

    status = 409
    field = "status"


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


logger = logging.getLogger(__name__)


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
    picture = order_picture_keep(product, selection)  # stored before the transaction: a file is no part of it
    now = timezone.now()
    due = dispatch_estimate(product.lead_time_days, now)
    order: Order | None = None
    try:
        with transaction.atomic():
            order = Order(
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
                preview_image=picture or None,
            )
            order.save(force_insert=True)
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
            routes_assign(build_order=build_order)
            message = OutboxMessage.objects.create(
                build_order=build_order,
                webhook_id=f"msg_{public_id.hex}",
                enqueued_at=now,
            )
            enqueue("outbox_fan_out", message.pk)
            order_email_queue(order=order, kind=OrderEmail.Kind.PLACED)
    except Exception as error:
        # The order was rolled back, but its picture file was already written: remove it (F14).
        order_picture_release(picture)
        if isinstance(error, BuildOrderError):
            raise ConfigurationRejected(
                [{"rule": None, "field": "bom", "kind": "bom", "message": f"bill of materials: {error}"}]
            ) from None
        if isinstance(error, IntegrityError) and idempotency_key:
            # Two requests with one idempotency key raced: the other one won.
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
        if status in EMAILED_STATUSES:
            order_email_queue(order=order, kind=status)
    return True
