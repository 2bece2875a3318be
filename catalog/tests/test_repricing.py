"""The "Change prices…" admin action: preview, apply in one go with history, refusals, permissions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from catalog.models import Option, PriceRule, Product
from catalog.repricing import CHANGE_REASON, PriceChange
from catalog.services import catalog_import
from catalog.tests.factories import small_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def bike() -> Product:
    catalog_import(small_catalog())
    return Product.objects.get(code="bike")


def _prices() -> dict[str, str]:
    return {code: str(price) for code, price in Option.objects.values_list("code", "price")}


def _post(client: Client, model: str, pks: list[int], **fields: str) -> Any:
    data = {"action": "change_prices", ACTION_CHECKBOX_NAME: [str(pk) for pk in pks], **fields}
    return client.post(reverse(f"admin:catalog_{model}_changelist"), data)


def _preview_then_apply(client: Client, model: str, pks: list[int], kind: str, value: str) -> tuple[Any, Any]:
    preview = _post(client, model, pks, price_change="1", kind=kind, value=value, preview="Preview")
    previewed = [f"{line.pk}:{line.old}" for line in preview.context["lines"]]
    applied = client.post(
        reverse(f"admin:catalog_{model}_changelist"),
        {
            "action": "change_prices",
            ACTION_CHECKBOX_NAME: [str(pk) for pk in pks],
            "price_change": "1",
            "kind": kind,
            "value": value,
            "apply": "Apply",
            "previewed": previewed,
            "previewed_change": preview.context["previewed_change"],
        },
    )
    return preview, applied


def test_rounding_is_half_up_to_cents() -> None:
    assert PriceChange("percent", Decimal("5")).applied_to(Decimal("19.99")) == Decimal("20.99")
    assert PriceChange("percent", Decimal("2.5")).applied_to(Decimal("0.20")) == Decimal("0.21")
    assert PriceChange("amount", Decimal("-0.50")).applied_to(Decimal("20.00")) == Decimal("19.50")


def test_a_percentage_is_previewed_then_applied_with_history(client: Client, merchandiser: Any, bike: Product) -> None:
    client.force_login(merchandiser)
    frame = list(Option.objects.filter(group__code="frame").order_by("pk").values_list("pk", flat=True))
    asked = _post(client, "option", frame)
    assert asked.status_code == 200 and "Preview" in asked.text and not asked.context["lines"]

    preview, applied = _preview_then_apply(client, "option", frame, "percent", "10")
    assert [(line.label, str(line.old), str(line.new)) for line in preview.context["lines"]] == [
        ("frame = blue", "0.00", "0.00"),
        ("frame = black", "20.00", "22.00"),
    ]
    assert "22.00" in preview.text and "Apply these prices" in preview.text
    assert applied.status_code == 302
    assert _prices() == {"blue": "0.00", "black": "22.00", "wicker": "35.00"}
    record = Option.objects.get(code="black").history.first()
    assert (record.history_change_reason, record.history_user) == (CHANGE_REASON, merchandiser)


def test_a_preview_alone_changes_nothing(client: Client, merchandiser: Any, bike: Product) -> None:
    client.force_login(merchandiser)
    pks = list(Option.objects.values_list("pk", flat=True))
    _post(client, "option", pks, price_change="1", kind="amount", value="5", preview="Preview")
    assert _prices() == {"blue": "0.00", "black": "20.00", "wicker": "35.00"}


def test_a_change_that_makes_a_price_negative_is_refused_by_name(
    client: Client, merchandiser: Any, bike: Product
) -> None:
    client.force_login(merchandiser)
    pks = list(Option.objects.values_list("pk", flat=True))
    preview, applied = _preview_then_apply(client, "option", pks, "amount", "-25")
    negative = "These prices would become negative: bike: frame = blue, bike: frame = black."
    assert preview.context["problems"] == [negative]
    assert "Apply these prices" not in preview.text
    assert applied.status_code == 200
    assert _prices() == {"blue": "0.00", "black": "20.00", "wicker": "35.00"}


def test_prices_moved_since_the_preview_are_not_applied(client: Client, merchandiser: Any, bike: Product) -> None:
    client.force_login(merchandiser)
    pks = list(Option.objects.values_list("pk", flat=True))
    preview = _post(client, "option", pks, price_change="1", kind="amount", value="1", preview="Preview")
    Option.objects.filter(code="wicker").update(price=Decimal("40.00"))
    applied = client.post(
        reverse("admin:catalog_option_changelist"),
        {
            "action": "change_prices",
            ACTION_CHECKBOX_NAME: [str(pk) for pk in pks],
            "price_change": "1",
            "kind": "amount",
            "value": "1",
            "apply": "Apply",
            "previewed": [f"{line.pk}:{line.old}" for line in preview.context["lines"]],
            "previewed_change": preview.context["previewed_change"],
        },
    )
    assert applied.context["problems"] == ["Prices changed since the preview; check the new preview."]
    assert _prices() == {"blue": "0.00", "black": "20.00", "wicker": "40.00"}


def test_price_rule_amounts_change_too(client: Client, merchandiser: Any, bike: Product) -> None:
    client.force_login(merchandiser)
    pk = PriceRule.objects.get(code="P1").pk
    _preview, applied = _preview_then_apply(client, "pricerule", [pk], "percent", "50")
    assert applied.status_code == 302
    assert str(PriceRule.objects.get(pk=pk).amount) == "-15.00"


def test_a_viewer_cannot_change_prices(client: Client, viewer: Any, bike: Product) -> None:
    client.force_login(viewer)
    pks = list(Option.objects.values_list("pk", flat=True))
    page = client.get(reverse("admin:catalog_option_changelist"))
    assert "Change prices" not in page.text
    _post(client, "option", pks, price_change="1", kind="amount", value="5", apply="Apply")
    assert _prices() == {"blue": "0.00", "black": "20.00", "wicker": "35.00"}


def test_the_group_filter_offers_the_chosen_product_s_groups(client: Client, merchandiser: Any, bike: Product) -> None:
    trike = small_catalog()
    trike["products"][0]["code"] = "trike"
    catalog_import(trike)
    client.force_login(merchandiser)
    changelist = reverse("admin:catalog_option_changelist")
    everything = client.get(changelist).text
    assert "bike: Frame colour" in everything and "trike: Frame colour" in everything
    bikes = client.get(f"{changelist}?group__product__id__exact={bike.pk}").text
    assert "bike: Frame colour" in bikes and "trike: Frame colour" not in bikes
