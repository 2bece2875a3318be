"""Factory endpoints, their API tokens, and positions in the pull feed."""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from orders import webhooks
from orders.models import BuildOrder, FactoryEndpoint, FactoryToken, FeedCounter


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
