"""Placing orders: the freeze, the outbox in the same transaction, idempotency, status changes."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command

from catalog.models import CatalogVersion
from orders import services
from orders.models import BuildOrder, Order, OrderEvent, OrderStatus, OutboxMessage
from orders.tests.conftest import CUSTOMER


def _place(version: CatalogVersion, config: dict[str, Any], **kwargs: Any) -> services.Placement:
    return services.order_place(version=version, data=config, customer=CUSTOMER, language="en", **kwargs)


def test_order_freezes_version_configuration_price_and_build_order(
    shirt: CatalogVersion, config: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks() as callbacks:
        order = _place(shirt, config, notes="Gift wrap").order
    assert len(callbacks) == 2  # the outbox task and the confirmation e-mail, sent only once the transaction commits
    order.refresh_from_db()
    assert order.catalog_version == shirt and order.product_code == "shirt"
    assert order.configuration["selections"]["cuffs"] == "double"
    assert order.configuration["parameters"]["chest"] == "102"
    assert order.configuration["texts"] == {"monogram": "JS"}
    # 89 base + 9 monogram + 15 cufflinks with double cuffs + fabric price
    assert order.total == sum(Decimal(line["amount"]) for line in order.price_lines)
    assert {line["code"] for line in order.price_lines} >= {"shirt", "P1", "P2"}
    assert order.summary["parameters"][1] == {"code": "chest", "name": "Chest", "value": "102", "unit": "cm"}
    assert order.status == OrderStatus.PLACED
    with order.preview_image.open("rb") as picture:  # the look as ordered: its preview, one WebP per look
        head = picture.read(12)
        assert head[:4] == b"RIFF" and head[8:] == b"WEBP"
    assert list(OrderEvent.objects.filter(order=order).values_list("status", flat=True)) == ["placed"]
    build_order = BuildOrder.objects.get(order=order)
    assert build_order.payload["order_number"] == order.number and build_order.payload["notes"] == "Gift wrap"
    message = OutboxMessage.objects.get(build_order=build_order)
    assert json.loads(message.body) == build_order.payload
    assert message.webhook_id == f"msg_{build_order.public_id.hex}"


def test_a_new_catalog_version_does_not_change_a_placed_order(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    order = _place(shirt, config).order
    before = (order.total, order.price_lines, order.build_order.payload)
    CatalogVersion.objects.filter(pk=shirt.pk)  # the version is immutable; a re-import publishes no change
    call_command("load_demo", stdout=None)
    order = Order.objects.get(pk=order.pk)
    assert (order.total, order.price_lines, order.build_order.payload) == before


def test_incomplete_configuration_is_rejected_with_the_engine_violations(
    shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    del config["selections"]["collar"]
    config["selections"]["collar"] = "wing"  # R7: a wing collar needs double cuffs; R8: no pocket … fine here
    config["selections"]["cuffs"] = "single"
    with pytest.raises(services.ConfigurationRejected) as caught:
        _place(shirt, config)
    assert any(v["rule"] == "R7" for v in caught.value.violations)
    config = {"selections": {"fabric": "oxford_blue"}}
    with pytest.raises(services.ConfigurationRejected) as caught:
        _place(shirt, config)
    assert any(v["kind"] == "missing" and v["field"] == "collar" for v in caught.value.violations)
    assert not Order.objects.exists() and not OutboxMessage.objects.exists()


def test_unknown_codes_raise_selection_errors_naming_the_field(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    config["parameters"]["chest"] = "1000"
    with pytest.raises(services.SelectionError) as caught:
        _place(shirt, config)
    assert "parameters.chest" in caught.value.errors


def test_same_idempotency_key_places_one_order(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    first = _place(shirt, config, idempotency_key="k-1", fingerprint="f")
    again = _place(shirt, config, idempotency_key="k-1", fingerprint="f")
    assert first.created and not again.created and first.order.pk == again.order.pk
    with pytest.raises(services.IdempotencyConflict):
        _place(shirt, config, idempotency_key="k-1", fingerprint="other")
    assert Order.objects.count() == 1


def test_status_moves_forward_and_repeats_are_no_ops(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    order = _place(shirt, config).order
    assert services.order_status_set(order_id=order.pk, status="accepted", source="factory:a")
    assert not services.order_status_set(order_id=order.pk, status="accepted", source="factory:a")
    assert services.order_status_set(order_id=order.pk, status="in_production", source="factory:a")
    with pytest.raises(services.StatusError, match="cannot go back"):
        services.order_status_set(order_id=order.pk, status="accepted", source="factory:a")
    with pytest.raises(services.StatusError, match="reason"):
        services.order_status_set(order_id=order.pk, status="rejected", source="factory:a")
    assert services.order_status_set(order_id=order.pk, status="rejected", reason="Fabric sold out", source="f")
    with pytest.raises(services.StatusError):
        services.order_status_set(order_id=order.pk, status="shipped", source="factory:a")
    history = list(OrderEvent.objects.filter(order=order).values_list("status", "reason"))
    assert history == [("placed", ""), ("accepted", ""), ("in_production", ""), ("rejected", "Fabric sold out")]


def test_feed_positions_follow_commit_order_without_gaps(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    orders = [_place(shirt, config).order for _ in range(3)]
    assert services.feed_positions_assign() == 3
    assert services.feed_positions_assign() == 0
    positions = [BuildOrder.objects.get(order=o).feed_position for o in orders]
    assert positions == [1, 2, 3]
