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
from django.utils import timezone

from catalog.models import CatalogVersion
from configurator.models import SavedConfiguration
from orders import services
from orders.models import BuildOrder, Order
from personalisation.models.returning import ShopperConfiguration, ShopperMeasurements, ShopperProfile, SignInLink

PERSONAL = ["Lovelace", "ada@example.com", "St James", "Gift", "QZX", "41.5", "NECK41"]


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


def _returning_shopper(version: CatalogVersion, order: Order) -> SavedConfiguration:
    """Ada's profile (personalisation): measurements, a saved configuration, a pending sign-in link."""
    profile = ShopperProfile.objects.create(email="ada@example.com")
    ShopperMeasurements.objects.create(
        profile=profile, product_code="shirt", values={"neck": "41.5"}, taken_at=timezone.now()
    )
    saved = SavedConfiguration.objects.create(
        product=version.product,
        version=version,
        data={"selections": {}, "parameters": {"neck": "41.5"}, "texts": {"monogram": "NECK41"}},
        total="10.00",
        currency="EUR",
    )
    ShopperConfiguration.objects.create(profile=profile, configuration=saved)
    SignInLink.objects.create(email="ada@example.com", order=order)
    return saved


def test_export_then_erase_leaves_anonymised_orders_and_intact_build_orders(
    shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    orders = [_place(shirt, config, "ada@example.com"), _place(shirt, config, "Ada@Example.com")]
    other = _place(shirt, config, "grace@example.com")
    saved = _returning_shopper(shirt, orders[0])
    build_orders = {b.public_id: (b.payload["options"], b.payload["bom_lines"]) for b in BuildOrder.objects.all()}

    exported, _ = _run("export", "--email", "Ada@Example.com")
    data = json.loads(exported)
    assert exported.startswith('{\n  "format": "shopper-data/1"')  # indent 2
    assert [o["number"] for o in data["orders"]] == [o.number for o in orders]
    assert all(word in exported for word in PERSONAL) and other.number not in exported
    held = data["returning_shopper"]
    assert held["profile"]["email"] == "ada@example.com"
    assert held["measurements"][0]["values"] == {"neck": "41.5"}
    assert held["saved_configurations"][0]["code"] == saved.display_code
    assert held["sign_in_links"][0]["order"] == orders[0].number

    out, _ = _run("erase", "--email", "ADA@example.com", "--yes")
    assert out.startswith("2 order(s) of ADA@example.com anonymised")
    assert "returning-shopper profile" in out

    after, err = _run("export", "--email", "ada@example.com")
    assert json.loads(after)["orders"] == [] and json.loads(after)["returning_shopper"] is None
    assert "Nothing is held for ada@example.com" in err
    assert [word for word in PERSONAL if word in after] == []
    assert not ShopperProfile.objects.exists() and not ShopperMeasurements.objects.exists()
    assert not SignInLink.objects.exists() and not SavedConfiguration.objects.filter(pk=saved.pk).exists()
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
    assert out.strip() == "Nothing is held for nobody@example.com: nothing to erase."
    out, err = _run("export", "--email", "nobody@example.com")
    assert json.loads(out)["orders"] == [] and "Nothing is held" in err


def test_a_profile_without_orders_is_exported_and_erased(db: None) -> None:
    """A shopper whose orders were anonymised long ago may still have a profile: erase does not stop at "no order"."""
    ShopperProfile.objects.create(email="ada@example.com")
    SignInLink.objects.create(email="ada@example.com")
    out, err = _run("export", "--email", "ADA@example.com")
    assert json.loads(out)["returning_shopper"]["profile"]["email"] == "ada@example.com"
    assert "No order is held for ADA@example.com" in err
    out, _ = _run("erase", "--email", "ada@example.com", "--yes")
    assert out.strip().startswith("The returning-shopper profile (e-mail, measurements, saved configurations")
    assert out.strip().endswith("of ada@example.com deleted (2 rows).")
    assert not ShopperProfile.objects.exists() and not SignInLink.objects.exists()


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
