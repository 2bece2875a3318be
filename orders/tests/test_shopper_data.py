"""`manage.py shopper_data export|erase`: the issue's done-when, confirmation, and clear errors."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.models import CatalogVersion
from orders import services
from orders.models import BuildOrder, Order

PERSONAL = ["Lovelace", "ada@example.com", "St James", "Gift", "QZX"]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _place(version: CatalogVersion, config: dict[str, Any], email: str) -> Order:
    config["texts"] = {"monogram": "QZX"}
    customer = services.Customer(name="Ada Lovelace", email=email, address="12 St James's Square\nLondon")
    return services.order_place(version=version, data=config, customer=customer, language="en", notes="Gift").order


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("shopper_data", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_then_erase_leaves_anonymised_orders_and_intact_build_orders(
    shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    orders = [_place(shirt, config, "ada@example.com"), _place(shirt, config, "Ada@Example.com")]
    other = _place(shirt, config, "grace@example.com")
    build_orders = {b.public_id: (b.payload["options"], b.payload["bom_lines"]) for b in BuildOrder.objects.all()}

    exported, _ = _run("export", "--email", "ada@example.com")
    data = json.loads(exported)
    assert exported.startswith('{\n  "format": "shopper-data/1"')  # indent 2
    assert [o["number"] for o in data["orders"]] == [o.number for o in orders]
    assert all(word in exported for word in PERSONAL) and other.number not in exported

    out, _ = _run("erase", "--email", "ADA@example.com", "--yes")
    assert out.startswith("2 order(s) of ADA@example.com anonymised")

    after, err = _run("export", "--email", "ada@example.com")
    assert json.loads(after)["orders"] == [] and "No order is held for ada@example.com" in err
    assert [word for word in PERSONAL if word in after] == []
    assert Order.objects.count() == 3
    assert Order.objects.filter(pk__in=[o.pk for o in orders], anonymised_at__isnull=False).count() == 2
    assert {b.public_id: (b.payload["options"], b.payload["bom_lines"]) for b in BuildOrder.objects.all()} == (
        build_orders
    )
    assert Order.objects.get(pk=other.pk).customer_email == "grace@example.com"


def test_export_is_utf8_json_not_escaped(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    config["texts"] = {"monogram": "QZX"}
    customer = services.Customer(name="Zoë Ñúñez", email="zoe@example.com", address="Via Città 1, Milano")
    services.order_place(version=shirt, data=config, customer=customer, language="it")
    out, _ = _run("export", "--email", "zoe@example.com")
    assert "Zoë Ñúñez" in out and "Città" in out


def test_a_malformed_email_is_a_clear_error(db: None) -> None:
    with pytest.raises(CommandError, match="--email: 'not-an-address' is not an e-mail address"):
        _run("export", "--email", "not-an-address")
    with pytest.raises(CommandError, match="is not an e-mail address"):
        _run("erase", "--email", "a@", "--yes")


def test_no_orders_is_said_not_an_error(db: None) -> None:
    out, _ = _run("erase", "--email", "nobody@example.com", "--yes")
    assert out.strip() == "No order is held for nobody@example.com: nothing to erase."
    out, err = _run("export", "--email", "nobody@example.com")
    assert json.loads(out)["orders"] == [] and "No order is held" in err


def test_erase_asks_on_a_terminal_and_refuses_without_one(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    order = _place(shirt, config, "ada@example.com")
    with mock.patch("sys.stdin.isatty", return_value=False), pytest.raises(CommandError, match="pass --yes"):
        _run("erase", "--email", "ada@example.com")
    with (
        mock.patch("sys.stdin.isatty", return_value=True),
        mock.patch("builtins.input", return_value="n") as asked,
        pytest.raises(CommandError, match="nothing was erased"),
    ):
        _run("erase", "--email", "ada@example.com")
    assert "1 order(s) of ada@example.com" in asked.call_args.args[0]
    assert Order.objects.get(pk=order.pk).anonymised_at is None
    with mock.patch("sys.stdin.isatty", return_value=True), mock.patch("builtins.input", return_value="y"):
        out, _ = _run("erase", "--email", "ada@example.com")
    assert out.startswith("1 order(s)") and Order.objects.get(pk=order.pk).anonymised_at is not None


def test_erase_names_who_ran_it_in_the_audit_trail(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    """Like every command (decision 18), the trail says which OS user erased, not just "a command"."""
    from orders.models import AuditAction, AuditEntry

    order = _place(shirt, config, "ada@example.com")
    with mock.patch("orders.services.audit.getpass.getuser", return_value="maria"):
        _run("erase", "--email", "ada@example.com", "--yes")
    entry = AuditEntry.objects.get(action=AuditAction.ORDER_ANONYMISED)
    assert (entry.actor, entry.target_repr) == ("cli:maria", order.number)
