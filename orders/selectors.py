"""Reads of the orders domain with their permission checks."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import QuerySet
from django.utils.crypto import constant_time_compare

from catalog.models import CatalogVersion
from configurator.engine.selection import Selection
from configurator.loading import version_model, version_session
from configurator.services import price_data
from orders.build_orders import order_summary
from orders.models import BuildOrder, FactoryEndpoint, Order, OrderStatus


def order_for_shopper(number: str, access_key: str) -> Order | None:
    """Return the order `number` if `access_key` is its secret link's key, else None."""
    order = Order.objects.filter(number=number).first()
    if order is None or not constant_time_compare(order.access_key, access_key):
        return None
    return order


def order_is_moving(order: Order) -> bool:
    """Tell whether the order's status may still change: not shipped, rejected or erased."""
    return order.anonymised_at is None and order.status not in {OrderStatus.SHIPPED, OrderStatus.REJECTED}


#: Seconds between the order page's polls: often while the workshop has still to answer a new order
#: (minutes), rarely while it makes it (days), so an open tab costs little.
POLL_SECONDS_PLACED = 3
POLL_SECONDS_MOVING = 60


def order_poll_seconds(order: Order) -> int | None:
    """Return how often the order page asks for a new status, or None once the order is final."""
    if not order_is_moving(order):
        return None
    return POLL_SECONDS_PLACED if order.status == OrderStatus.PLACED else POLL_SECONDS_MOVING


def order_events(order: Order) -> QuerySet:  # type: ignore[type-arg]
    """Return the order's status history, oldest first."""
    return order.events.order_by("created_at", "id")


def feed_page(*, endpoint: FactoryEndpoint, after: int, limit: int) -> list[BuildOrder]:
    """Return up to `limit` build orders routed to `endpoint` with a feed position after `after`, in feed order.

    Positions are global and given after commit; a build order's routes are written in
    its own transaction, before it has a position. So filtering by route never makes a
    build order appear behind a cursor already handed out: per factory, the feed still
    never skips or repeats one.
    """
    return list(
        BuildOrder.objects.filter(feed_position__gt=after, routes__endpoint=endpoint)
        .select_related("order")
        .order_by("feed_position")[:limit]
    )


def build_order_for_factory(public_id: str, *, endpoint: FactoryEndpoint) -> BuildOrder | None:
    """Return the build order with this public id if it was routed to `endpoint`, else None.

    Another factory's build order and an unknown id are alike None: no existence oracle.
    """
    return BuildOrder.objects.select_related("order").filter(public_id=public_id, routes__endpoint=endpoint).first()


def checkout_quote(version: CatalogVersion, selection: Selection, language: str) -> dict[str, Any]:
    """Return what the checkout page shows: the summary and the itemised price, in `language`."""
    product = version_model(version)
    price = version_session(version).price(selection, language)
    return {"summary": order_summary(product, selection, language), "price": price_data(price)}


#: Mail hosts on the shop's own machine: no third party sees the e-mails.
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", ""})


def privacy_processors() -> dict[str, str]:
    """Return the third parties the shop's settings hand personal data to, for the privacy page.

    "mail_host": the SMTP server shoppers' e-mails go through, unless it runs on this machine
    (the console backend sends nothing). "storage_host": the S3-compatible store holding the
    order pictures ("Amazon S3" when no endpoint is named). Absent keys: none configured.
    """
    found: dict[str, str] = {}
    mailer = settings.MAILERS.get("default", {})
    if mailer.get("BACKEND", "").endswith("smtp.EmailBackend"):
        host = str(mailer.get("OPTIONS", {}).get("host") or "")
        if host not in _LOCAL_HOSTS:
            found["mail_host"] = host
    storage = settings.STORAGES.get("default", {})
    if storage.get("BACKEND", "").startswith("storages.backends.s3"):
        endpoint = storage.get("OPTIONS", {}).get("endpoint_url")
        found["storage_host"] = urlsplit(endpoint).hostname or endpoint if endpoint else "Amazon S3"
    return found
