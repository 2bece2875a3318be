"""Shoppers' control over their data: export, anonymisation, erasure and retention (decision 20).

An order is never deleted: its personal data is replaced by fixed placeholders, in
every copy the shop holds (the order, its summary and configuration, the build order,
the outbox message, the delivery logs), its picture is deleted, and it is marked
`anonymised_at`. What the books and the factory need stays: number, dates, options,
measurements, bill of materials, price lines and totals, statuses.

Deliveries still pending when an order is anonymised are cancelled (dead-lettered
with the reason), and `delivery_replay` refuses them: a webhook is never sent again
under the same id with a different body.

Other apps keep data about a shopper too (personalisation's returning-shopper profile). This
app must not import them, so each registers a `ShopperDataHolder` from its `AppConfig.ready`:
`shopper_export` and `shopper_erase` then cover it, by e-mail, like the orders.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Prefetch, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.models import (
    AuditAction,
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    Order,
    OrderEvent,
    OrderStatus,
    OutboxMessage,
)
from orders.services.audit import audit_record
from orders.services.pictures import order_picture_release

log = logging.getLogger(__name__)

EXPORT_FORMAT = "shopper-data/1"
#: What replaces a name, an address, a note, a personalisation text or a free-text reason.
ERASED = "[erased]"
#: What replaces the e-mail: a valid address in a reserved domain (RFC 2606) that can never receive mail.
ERASED_EMAIL = "erased@anonymised.invalid"
#: Statuses after which the shop no longer needs the name and address to fulfil the order.
FINISHED = frozenset({OrderStatus.SHIPPED, OrderStatus.REJECTED})


# -- other apps' data about a shopper ------------------------------------------------------
@dataclass(frozen=True)
class ShopperDataHolder:
    """What another app keeps about a shopper, found by e-mail (compared case-insensitively).

    `key` names its part of an export; `export` returns that part as JSON-ready data, None when
    nothing is held; `erase` deletes it all and returns how many rows went (0: nothing held),
    inside the caller's transaction; `label` says in a sentence what `erase` deletes.
    """

    key: str
    label: str
    export: Callable[[str], Any]
    erase: Callable[[str], int]


_holders: dict[str, ShopperDataHolder] = {}


def shopper_data_holder_register(holder: ShopperDataHolder) -> None:
    """Make `shopper_export` and `shopper_erase` cover `holder` (call it from an `AppConfig.ready`; once per key)."""
    _holders[holder.key] = holder


def shopper_data_holders() -> list[ShopperDataHolder]:
    """Return the registered holders, in a fixed order."""
    return [_holders[key] for key in sorted(_holders)]


# -- export (reads) -------------------------------------------------------------------------
def _metadata(scope: str) -> dict[str, Any]:
    if scope == "email":
        saved = _(
            "Saved configurations are listed under the returning-shopper profile when they were saved while "
            "signed in; others (share codes) are not linked to a person or an e-mail address."
        )
    else:
        saved = _(
            "This download holds one order. Measurements and configurations kept for a returning shopper are on "
            "the “My data” page once signed in; other saved configurations are not linked to a person."
        )
    return {
        "format": EXPORT_FORMAT,
        "generated_at": _iso(timezone.now()),
        "scope": scope,
        "not_held": {
            "saved_configurations": saved,
            "network": _("No IP address, cookie identifier or tracking data is stored with an order."),
        },
        "retention_days": settings.ORDERS_PERSONAL_DATA_RETENTION_DAYS,
    }


def _iso(moment: datetime.datetime | None) -> str | None:
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z") if moment else None


def _with_history(orders: QuerySet[Order]) -> QuerySet[Order]:
    """Return `orders` with what an export reads of each fetched alongside, in a fixed number of queries."""
    return orders.select_related("catalog_version", "build_order__outbox").prefetch_related(
        "events",  # in their model order: oldest first
        Prefetch(
            "build_order__outbox__deliveries",
            queryset=Delivery.objects.select_related("endpoint").order_by("id"),
        ),
    )


def order_export(*, order: Order) -> dict[str, Any]:
    """Return everything held about one order, as JSON-ready data (read with `_with_history`)."""
    build_order = getattr(order, "build_order", None)
    outbox = getattr(build_order, "outbox", None)
    deliveries = [
        {
            "factory": delivery.endpoint.name,
            "state": delivery.state,
            "attempts": delivery.attempts,
            "delivered_at": _iso(delivery.delivered_at),
        }
        for delivery in (outbox.deliveries.all() if outbox is not None else [])
    ]
    return {
        "number": order.number,
        "placed_at": _iso(order.placed_at),
        "language": order.language,
        "status": order.status,
        "personal_data_erased_at": _iso(order.anonymised_at),
        "customer": {"name": order.customer_name, "email": order.customer_email, "address": order.customer_address},
        "notes": order.notes,
        "product_code": order.product_code,
        "catalog_version": order.catalog_version.number,
        "configuration": order.configuration,
        "summary": order.summary,
        "price_lines": order.price_lines,
        "currency": order.currency,
        "total": format(order.total, "f"),
        "due_date": order.due_date.isoformat(),
        "status_history": [
            {"status": e.status, "reason": e.reason, "source": e.source, "at": _iso(e.created_at)}
            for e in order.events.all()
        ],
        "preview_picture": {
            "present": bool(order.preview_image),
            "url": reverse("orders:picture", args=[order.number, order.access_key]) if order.preview_image else None,
        },
        "build_order": None
        if build_order is None
        else {"id": str(build_order.public_id), "sent_to_factories": build_order.payload, "deliveries": deliveries},
    }


def orders_of_shopper(email: str) -> QuerySet[Order]:
    """Return the not yet anonymised orders placed with `email`, whatever its letter case, oldest first."""
    return _with_history(
        Order.objects.filter(customer_email__iexact=email.strip(), anonymised_at__isnull=True).order_by(
            "placed_at", "id"
        )
    )


def shopper_export(*, email: str) -> dict[str, Any]:
    """Return everything held about the shopper with this e-mail (matched case-insensitively).

    Each registered holder's part is under its key (None when it holds nothing).
    """
    # The address asked for is not echoed: an export of someone with nothing held holds nothing about them.
    email = email.strip()
    return {
        **_metadata("email"),
        "orders": [order_export(order=order) for order in orders_of_shopper(email)],
        **{holder.key: holder.export(email) for holder in shopper_data_holders()},
    }


def shopper_holds_data(data: dict[str, Any]) -> bool:
    """Return whether an export from `shopper_export` holds anything about the shopper."""
    return bool(data["orders"]) or any(data[holder.key] is not None for holder in shopper_data_holders())


def order_data_export(*, order: Order) -> dict[str, Any]:
    """Return the export of one order only: what its secret link gives access to."""
    return {
        **_metadata("order"),
        "orders": [order_export(order=_with_history(Order.objects.filter(pk=order.pk)).get())],
    }


# -- masking (what staff without the personal-data permission see; anonymisation writes it) ---------------
def _texts_masked(items: Any, placeholder: str) -> Any:
    """Replace each filled personalisation text's `value` ([{"code", "name", "value"}]); keep its code and name."""
    if not isinstance(items, list):
        return items
    return [{**item, "value": placeholder} if isinstance(item, dict) and item.get("value") else item for item in items]


def order_summary_masked(summary: dict[str, Any], placeholder: str) -> dict[str, Any]:
    """Return an order's summary with the value of every filled personalisation text replaced by `placeholder`."""
    if "texts" not in summary:
        return summary
    return {**summary, "texts": _texts_masked(summary["texts"], placeholder)}


def order_configuration_masked(configuration: dict[str, Any], placeholder: str) -> dict[str, Any]:
    """Return an order's configuration with every filled text ({code: value}) replaced by `placeholder`."""
    texts = configuration.get("texts")
    if not isinstance(texts, dict):
        return configuration
    return {**configuration, "texts": {code: placeholder if value else value for code, value in texts.items()}}


def build_order_masked(payload: dict[str, Any], placeholder: str) -> dict[str, Any]:
    """Return a build order document without personal data: `ship_to`, notes and texts replaced by `placeholder`.

    An empty value stays empty; a text keeps its code and name. The admin shows this, with
    "hidden", to staff who may not see personal data; `build_order_anonymised` writes it.
    """
    out = dict(payload)
    if isinstance(out.get("ship_to"), dict):
        out["ship_to"] = {key: placeholder if value else value for key, value in out["ship_to"].items()}
    if out.get("notes"):
        out["notes"] = placeholder
    if "texts" in out:
        out["texts"] = _texts_masked(out["texts"], placeholder)
    return out


# -- anonymisation (writes) -----------------------------------------------------------------
def build_order_anonymised(payload: dict[str, Any]) -> dict[str, Any]:
    """Return a build order document without personal data; what the factory builds from stays as it was."""
    return build_order_masked(payload, ERASED)


def _cancel_pending_deliveries(order: Order, now: datetime.datetime) -> int:
    reason = "cancelled: the shopper's personal data was erased before delivery"
    return Delivery.objects.filter(message__build_order__order=order, state=DeliveryState.PENDING).update(
        state=DeliveryState.DEAD, dead_at=now, enqueued_at=None, last_error=reason
    )


def _order_erase(order: Order, now: datetime.datetime) -> None:
    """Replace the personal data held on the order row itself, and mark it anonymised."""
    order.customer_name = ERASED
    order.customer_email = ERASED_EMAIL
    order.customer_address = ERASED
    order.notes = ERASED if order.notes else ""
    order.summary = order_summary_masked(order.summary, ERASED)
    order.configuration = order_configuration_masked(order.configuration, ERASED)
    # A hash of the request, which held the name, e-mail and address: it could confirm a guess.
    order.request_fingerprint = ""
    order.preview_image = None
    order.anonymised_at = now
    order.save(
        update_fields=[
            "customer_name",
            "customer_email",
            "customer_address",
            "notes",
            "summary",
            "configuration",
            "request_fingerprint",
            "preview_image",
            "anonymised_at",
        ]
    )
    # A factory's free-text reason may quote the shopper; the status and its time stay.
    OrderEvent.objects.filter(order=order).exclude(reason="").update(reason=ERASED)


def _build_order_erase(order: Order, now: datetime.datetime) -> int:
    """Erase the copies sent or to be sent to factories; return how many pending deliveries were cancelled."""
    build_order = getattr(order, "build_order", None)
    if build_order is None:
        return 0
    # The factory's responses may echo what it was sent.
    deliveries = Delivery.objects.filter(message__build_order=build_order)
    deliveries.exclude(last_error="").update(last_error=ERASED)
    DeliveryAttempt.objects.filter(delivery__in=deliveries).exclude(error="").update(error=ERASED)
    # Nothing is sent again under the same webhook id with another body: pending deliveries
    # are cancelled, and a message not yet fanned out gets no deliveries.
    cancelled = _cancel_pending_deliveries(order, now)
    OutboxMessage.objects.filter(build_order=build_order, fanned_out_at__isnull=True).update(fanned_out_at=now)
    build_order.payload = build_order_anonymised(build_order.payload)
    build_order.save(update_fields=["payload"])  # the outbox's body is made from it
    return cancelled


def order_anonymise(*, order: Order, actor: str) -> bool:
    """Replace the order's personal data with placeholders everywhere the shop holds it; False if done before.

    `actor` says who asked (for the log and the audit trail): "shopper", "admin:<username>", "cli:<os user>",
    "retention". Everything, the audit entry included, is one transaction.
    """
    now = timezone.now()
    with transaction.atomic():
        locked = Order.objects.select_for_update().get(pk=order.pk)
        if locked.anonymised_at is not None:
            return False
        picture = locked.preview_image.name if locked.preview_image else ""
        _order_erase(locked, now)
        cancelled = _build_order_erase(locked, now)
        audit_record(
            actor=actor,
            action=AuditAction.ORDER_ANONYMISED,
            target=locked,
            details={"deliveries_cancelled": cancelled},
        )
        if picture:
            # The picture shows the monogram; delete the file only once the erasure is committed,
            # and only if no other order shows the same look (one file per look).
            transaction.on_commit(lambda: order_picture_release(picture))
    log.info("order %s anonymised by %s (%d pending deliveries cancelled)", locked.number, actor, cancelled)
    return True


@dataclass(frozen=True)
class ShopperErasure:
    """What `shopper_erase` did: orders anonymised, and rows deleted per holder key."""

    orders: int
    deleted: dict[str, int]


def shopper_erase(*, email: str, actor: str) -> ShopperErasure:
    """Anonymise every order placed with `email` and delete what the holders keep for it, in one transaction.

    The e-mail is matched case-insensitively.
    """
    email = email.strip()
    with transaction.atomic():
        orders = sum(order_anonymise(order=order, actor=actor) for order in orders_of_shopper(email))
        deleted = {holder.key: holder.erase(email) for holder in shopper_data_holders()}
    for key, count in deleted.items():
        if count:
            log.info("%s of a shopper deleted by %s (%d rows)", key, actor, count)
    return ShopperErasure(orders=orders, deleted=deleted)


def shopper_can_erase(order: Order) -> bool:
    """Return whether the order page offers erasure: once the order is finished and not yet anonymised.

    While an order is being made the shop needs the name and address to deliver it;
    staff (admin, `shopper_data erase`) can anonymise any order.
    """
    return order.anonymised_at is None and order.status in FINISHED


def personal_data_expire(*, now: datetime.datetime | None = None, limit: int = 1000) -> int:
    """Anonymise up to `limit` orders whose last status change is older than the retention period; return how many.

    The period is ORDERS_PERSONAL_DATA_RETENTION_DAYS after the order's last status
    change (its placing when it has no later one). Each order is its own transaction.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.ORDERS_PERSONAL_DATA_RETENTION_DAYS)
    expired = (
        Order.objects.filter(anonymised_at__isnull=True)
        .annotate(last_change=Coalesce(Max("events__created_at"), "placed_at"))
        .filter(last_change__lt=cutoff)
        .order_by("last_change", "id")[:limit]
    )
    return sum(order_anonymise(order=order, actor="retention") for order in expired)
