"""The audit trail: who did what to which object, when (append-only, no personal data)."""

from __future__ import annotations

import getpass
import os
from typing import Any

from django.db import models

from orders.models import AuditEntry


def audit_record(*, actor: str, action: str, target: models.Model | None, details: dict[str, Any]) -> AuditEntry:
    """Append one entry to the audit trail and return it.

    Call it inside the transaction of the write it records, so the trace and the write
    commit or roll back together. `actor` is `admin:<username>`, `cli:<os user>`,
    `factory:<name>` or `system`; `details` names what changed and must not hold a
    secret's value or a shopper's personal data (the target is kept as its `__str__`:
    an order's number, an endpoint's name, a token's prefix).
    """
    return AuditEntry.objects.create(
        actor=actor[:200],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        details=details,
    )


def cli_actor() -> str:
    """Return the actor of a management command: `cli:<os user>`."""
    try:
        user = getpass.getuser()
    except OSError:  # no user name in a bare container: the uid still says who
        user = str(os.getuid())
    return f"cli:{user}"
