"""Build orders are routed at placement to the factories active then; the outbox and the feed follow the routes."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.models import CatalogVersion
from orders import services
from orders.models import Delivery, FactoryRoute
from orders.tests.conftest import CUSTOMER

pytestmark = pytest.mark.django_db


def _place(shirt: CatalogVersion, config: dict[str, Any]) -> Any:
    return services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en").order


def test_an_order_is_routed_in_its_transaction_to_the_active_factories(
    shirt: CatalogVersion, config: dict[str, Any], factory_a: Any, factory_b: Any
) -> None:
    services.endpoint_disable(name="factory-b")
    order = _place(shirt, config)
    assert list(FactoryRoute.objects.values_list("build_order__order__number", "endpoint__name")) == [
        (order.number, "factory-a")
    ]


def test_the_outbox_pushes_only_to_the_routed_factories(
    shirt: CatalogVersion, config: dict[str, Any], factory_a: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orders import tasks

    monkeypatch.setattr(tasks.delivery_send, "delay", lambda pk: None)
    order = _place(shirt, config)
    services.endpoint_save(  # a factory added after the order was placed, before its fan-out
        name="late", url="https://late.example.com/", secret=services.secret_generate(), internal=False
    )
    services.outbox_fan_out(message_id=order.build_order.outbox.pk)
    assert list(Delivery.objects.values_list("endpoint__name", flat=True)) == ["factory-a"]


def test_a_factory_added_later_sees_nothing_placed_before_it(
    shirt: CatalogVersion, config: dict[str, Any], factory_a: Any
) -> None:
    from rest_framework.test import APIClient

    before = _place(shirt, config)
    endpoint = services.endpoint_save(
        name="late", url="https://late.example.com/", secret=services.secret_generate(), internal=False
    )
    token = services.token_create(endpoint=endpoint)
    after = _place(shirt, config)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    page = api.get("/api/v1/factory/orders").json()
    assert [r["order_number"] for r in page["results"]] == [after.number]
    status = api.post(f"/api/v1/factory/orders/{before.build_order.public_id}/status", {"status": "accepted"})
    assert status.status_code == 404


def test_per_factory_cursor_never_skips_nor_repeats(
    shirt: CatalogVersion, config: dict[str, Any], factory_a: Any, factory_b: Any
) -> None:
    from rest_framework.test import APIClient

    placed = []
    for turn in range(6):
        # B is active on odd turns only, so its feed has holes in the global positions.
        (services.endpoint_disable if turn % 2 == 0 else _enable)(name="factory-b")
        placed.append((turn, _place(shirt, config).number))
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {factory_b.token}")
    _enable(name="factory-b")
    seen, cursor = [], "0"
    while True:
        page = api.get(f"/api/v1/factory/orders?after={cursor}&limit=1").json()
        seen += [r["order_number"] for r in page["results"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert seen == [number for turn, number in placed if turn % 2 == 1]


def _enable(*, name: str) -> None:
    from orders.models import FactoryEndpoint, FactoryToken

    FactoryEndpoint.objects.filter(name=name).update(active=True)
    FactoryToken.objects.filter(endpoint__name=name).update(revoked_at=None)
