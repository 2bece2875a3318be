"""The audit trail: who, when, what, for every write that matters; append-only; no secrets or personal data."""

from __future__ import annotations

import getpass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from catalog.models import CatalogVersion
from orders import services
from orders.models import AuditAction, AuditEntry, FactoryEndpoint
from orders.tests.conftest import CUSTOMER, SECRET

pytestmark = pytest.mark.django_db


def _run(*args: str) -> str:
    out = StringIO()
    call_command("factory_endpoint", *args, stdout=out)
    return out.getvalue()


def test_the_command_line_records_its_os_user(db: None) -> None:
    _run("add", "--name", "plant-1", "--url", "https://factory.example.com/hooks", "--secret", SECRET)
    _run("add", "--name", "plant-1", "--url", "http://127.0.0.1:9/", "--secret", SECRET, "--internal", "--update")
    token = _run("token", "plant-1").strip()
    _run("disable", "plant-1")
    entries = list(AuditEntry.objects.order_by("id").values_list("actor", "action", "details"))
    actor = f"cli:{getpass.getuser()}"
    assert [(a, b) for a, b, _ in entries] == [
        (actor, "endpoint_created"),
        (actor, "endpoint_changed"),
        (actor, "token_created"),
        (actor, "endpoint_disabled"),
    ]
    assert entries[1][2] == {
        "url": {"from": "https://factory.example.com/hooks", "to": "http://127.0.0.1:9/"},
        "internal": {"from": False, "to": True},
    }
    assert entries[3][2] == {"tokens_revoked": 1}
    text = str(entries)
    assert SECRET not in text and token not in text


def test_an_endpoint_change_reads_its_before_state_locked_in_the_same_transaction(
    endpoint: FactoryEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Read outside the write's transaction, a concurrent change would be recorded as the wrong "from".
    locked_at_depth: list[int] = []
    original = FactoryEndpoint.objects.select_for_update

    def spy(*args: Any, **kwargs: Any) -> Any:
        locked_at_depth.append(len(connection.savepoint_ids))
        return original(*args, **kwargs)

    monkeypatch.setattr(FactoryEndpoint.objects, "select_for_update", spy)
    outside = len(connection.savepoint_ids)
    services.endpoint_save(
        endpoint=endpoint, name=endpoint.name, url="http://127.0.0.1:10/", secret=None, internal=True
    )
    assert locked_at_depth and all(depth > outside for depth in locked_at_depth)
    entry = AuditEntry.objects.get(action="endpoint_changed")
    assert entry.details == {"url": {"from": "http://127.0.0.1:9/", "to": "http://127.0.0.1:10/"}}


def test_every_audit_action_is_one_a_service_writes() -> None:
    # An action nothing writes would promise operators a trace they never get.
    services_code = "".join(path.read_text() for path in (Path(services.__file__).parent).glob("*.py"))
    written = {action for action in AuditAction if f"AuditAction.{action.name}" in services_code}
    assert written == set(AuditAction)


def test_entries_are_append_only(endpoint: FactoryEndpoint) -> None:
    entry = AuditEntry.objects.get()
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_a_replay_names_the_order_by_number_only(
    shirt: CatalogVersion, config: dict[str, Any], endpoint: FactoryEndpoint, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orders import tasks
    from orders.models import Delivery

    monkeypatch.setattr(tasks.delivery_send, "delay", lambda pk: None)
    order = services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en").order
    services.outbox_fan_out(message_id=order.build_order.outbox.pk)
    services.delivery_replay(delivery_id=Delivery.objects.get().pk, actor="admin:ops")
    entry = AuditEntry.objects.get(action="delivery_replayed")
    assert entry.details["order"] == order.number and entry.actor == "admin:ops"
    assert CUSTOMER["name"] not in str(entry.details) and CUSTOMER["email"] not in str(entry.details)


def test_the_audit_admin_is_read_only(client: Any, admin_user: Any, endpoint: FactoryEndpoint) -> None:
    client.force_login(admin_user)
    entry = AuditEntry.objects.get()
    assert client.get("/admin/orders/auditentry/?action__exact=endpoint_created").status_code == 200
    assert client.get(f"/admin/orders/auditentry/{entry.pk}/delete/").status_code == 403
    client.post(f"/admin/orders/auditentry/{entry.pk}/change/", {"actor": "someone-else"})
    assert AuditEntry.objects.get().actor == "system"


def test_the_audit_admin_names_entries_as_people_read_them(
    client: Any, admin_user: Any, endpoint: FactoryEndpoint
) -> None:
    import datetime

    from django.utils import timezone

    entry = AuditEntry.objects.get()
    AuditEntry.objects.filter(pk=entry.pk).update(at=datetime.datetime(2026, 12, 4, 21, 20, 57, tzinfo=datetime.UTC))
    entry = AuditEntry.objects.get()
    with timezone.override("Europe/Rome"):
        # The page's title and breadcrumbs: the action's label and the time the "At" field shows (local).
        assert str(entry) == "Factory endpoint created: simulator (system, 2026-12-04 22:20:57)"
    client.force_login(admin_user)
    AuditEntry.objects.create(action="endpoint_changed", actor="system", target_repr="simulator")
    assert "2 audit entries" in client.get("/admin/orders/auditentry/").content.decode()  # not "2 audit trail"
