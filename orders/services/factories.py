"""Factory endpoints, their API tokens, and positions in the pull feed."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from orders import webhooks
from orders.models import AuditAction, BuildOrder, FactoryEndpoint, FactoryRoute, FactoryToken, FeedCounter
from orders.services.audit import audit_record


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


# -- routing -------------------------------------------------------------------------------------
def routes_assign(*, build_order: BuildOrder) -> list[FactoryRoute]:
    """Route a new build order to every endpoint active now; call it in the order's transaction.

    The routes are the durable answer to "which factory may see this build order": the
    factory API shows a token only its endpoint's build orders, and the outbox pushes
    only to them. An endpoint added later sees nothing placed before it.
    """
    return FactoryRoute.objects.bulk_create(
        [FactoryRoute(build_order=build_order, endpoint=e) for e in FactoryEndpoint.objects.filter(active=True)]
    )


# -- endpoints and tokens ----------------------------------------------------------------------
def secret_generate() -> str:
    """Return a new signing secret: `whsec_` and 32 random bytes in base64 (Standard Webhooks)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _endpoint_changes(before: FactoryEndpoint, after: FactoryEndpoint, secret: str | None) -> dict[str, Any]:
    """Return what an audit entry says changed: each field's "from" and "to", and whether the secret was rotated."""
    changes: dict[str, Any] = {}
    for field in ("name", "url", "internal", "active"):
        if getattr(before, field) != getattr(after, field):
            changes[field] = {"from": getattr(before, field), "to": getattr(after, field)}
    if secret is not None and secret != before.secret:
        changes["secret"] = "rotated"
    return changes


def endpoint_save(
    *,
    name: str,
    url: str,
    secret: str | None,
    internal: bool,
    active: bool = True,
    endpoint: FactoryEndpoint | None = None,
    actor: str = "system",
) -> FactoryEndpoint:
    """Create or update an endpoint (validated as the admin does) and record it in the audit trail.

    `endpoint` is the one to change (the admin may rename it); without it the endpoint
    named `name`, or a new one. A `secret` of None keeps the current secret (a new
    endpoint needs one). The trail names what changed and that the secret was rotated,
    never the secret itself.
    """
    if secret is not None:
        webhooks.secret_bytes(secret)
    if endpoint is None:
        endpoint = FactoryEndpoint.objects.filter(name=name).first() or FactoryEndpoint(name=name)
    with transaction.atomic():
        # The "before" of the audit entry is read locked, in the write's transaction: a change
        # committed in between would otherwise be recorded with the wrong "from".
        before = FactoryEndpoint.objects.select_for_update().filter(pk=endpoint.pk).first() if endpoint.pk else None
        if before is None and secret is None:
            raise ValueError("a new endpoint needs a signing secret")
        endpoint.name, endpoint.url, endpoint.internal, endpoint.active = name, url, internal, active
        if secret is not None:
            endpoint.secret = secret
        endpoint.full_clean()
        endpoint.save()
        if before is None:
            details = {"url": endpoint.url, "internal": endpoint.internal, "active": endpoint.active}
            audit_record(actor=actor, action=AuditAction.ENDPOINT_CREATED, target=endpoint, details=details)
        elif changes := _endpoint_changes(before, endpoint, secret):
            audit_record(actor=actor, action=AuditAction.ENDPOINT_CHANGED, target=endpoint, details=changes)
    return endpoint


def endpoint_disable(*, name: str, actor: str = "system") -> bool:
    """Stop pushing to `name` and revoke its tokens; return False when there is no such endpoint."""
    with transaction.atomic():
        endpoint = FactoryEndpoint.objects.select_for_update().filter(name=name).first()
        if endpoint is None:
            return False
        FactoryEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
        revoked = FactoryToken.objects.filter(endpoint=endpoint, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        audit_record(
            actor=actor, action=AuditAction.ENDPOINT_DISABLED, target=endpoint, details={"tokens_revoked": revoked}
        )
    return True


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(*, endpoint: FactoryEndpoint, replace: bool = False, actor: str = "system") -> str:
    """Create a factory API token for `endpoint` and return it (shown once: only its hash is kept).

    With `replace`, revoke the endpoint's other tokens in the same transaction.
    """
    raw = "fct_" + secrets.token_urlsafe(32)
    with transaction.atomic():
        revoked = 0
        if replace:
            revoked = FactoryToken.objects.filter(endpoint=endpoint, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
        token = FactoryToken.objects.create(endpoint=endpoint, prefix=raw[:10], key_hash=token_hash(raw))
        audit_record(
            actor=actor,
            action=AuditAction.TOKEN_CREATED,
            target=token,
            details={"endpoint": endpoint.name, "tokens_revoked": revoked},
        )
    return raw


def token_revoke(*, token_id: int, actor: str = "system") -> bool:
    """Revoke a factory token now; return False when it was already revoked."""
    with transaction.atomic():
        token = FactoryToken.objects.select_for_update().select_related("endpoint").filter(pk=token_id).first()
        if token is None or token.revoked_at is not None:
            return False
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor, action=AuditAction.TOKEN_REVOKED, target=token, details={"endpoint": token.endpoint.name}
        )
    return True


def secrets_reencrypt() -> int:
    """Encrypt every stored signing secret again with the first key (FIELD_ENCRYPTION_KEY rotation)."""
    with transaction.atomic():
        rows = list(FactoryEndpoint.objects.select_for_update().values_list("pk", "secret"))
        for pk, secret in rows:
            # The field decrypts on read and encrypts with the first key on write.
            FactoryEndpoint.objects.filter(pk=pk).update(secret=secret)
    return len(rows)
