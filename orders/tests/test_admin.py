"""The operators' admin: every orders page opens, and a dead delivery can be replayed."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from catalog.models import CatalogVersion
from orders import services
from orders.models import Delivery, DeliveryState, FactoryEndpoint, FactoryToken
from orders.tests.conftest import CUSTOMER


@pytest.fixture
def dead_delivery(shirt: CatalogVersion, config: dict[str, Any], endpoint: FactoryEndpoint) -> Delivery:
    order = services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en").order
    services.outbox_fan_out(message_id=order.build_order.outbox.pk)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.DEAD, dead_at=timezone.now(), attempts=9)
    return delivery


@pytest.mark.parametrize(
    "model", ["order", "buildorder", "factoryendpoint", "delivery", "outboxmessage"], ids=lambda m: m
)
def test_pages_open(client: Client, merchandiser: User, dead_delivery: Delivery, model: str) -> None:
    client.force_login(merchandiser)
    assert client.get(f"/admin/orders/{model}/").status_code == 200
    from django.apps import apps

    obj = apps.get_model("orders", model).objects.first()
    assert client.get(f"/admin/orders/{model}/{obj.pk}/change/").status_code == 200


def test_replay_action_sends_a_dead_delivery_again(
    client: Client, merchandiser: User, dead_delivery: Delivery, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orders import tasks

    sent: list[int] = []
    monkeypatch.setattr(tasks.delivery_send, "delay", sent.append)
    client.force_login(merchandiser)
    with_capture = client.post(
        "/admin/orders/delivery/", {"action": "replay", "_selected_action": [dead_delivery.pk]}, follow=True
    )
    assert with_capture.status_code == 200
    delivery = Delivery.objects.get(pk=dead_delivery.pk)
    assert delivery.state == DeliveryState.PENDING and delivery.dead_at is None and delivery.attempts == 9


def test_token_action_shows_the_token_once(client: Client, merchandiser: User, endpoint: FactoryEndpoint) -> None:
    client.force_login(merchandiser)
    response = client.post(
        "/admin/orders/factoryendpoint/", {"action": "create_token", "_selected_action": [endpoint.pk]}, follow=True
    )
    token = FactoryToken.objects.get()
    assert token.prefix in response.content.decode() and "fct_" in response.content.decode()


def test_shopper_cannot_open_the_orders_admin(client: Client, shopper: User) -> None:
    client.force_login(shopper)
    assert client.get("/admin/orders/order/").status_code == 302
