"""A build order is stored once: the webhook body is made from its payload, and old bodies are kept."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from catalog.models import CatalogVersion, Product
from orders import services
from orders.build_orders import build_order_body
from orders.models import BuildOrder, FactoryEndpoint, OutboxMessage
from orders.tests.conftest import CUSTOMER


def test_an_order_stores_its_build_order_once_and_sends_it_canonically(
    shirt: CatalogVersion, config: dict[str, Any], endpoint: FactoryEndpoint
) -> None:
    order = services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en").order
    message = OutboxMessage.objects.get(build_order__order=order)
    assert "body" not in {f.name for f in OutboxMessage._meta.fields}
    body = message.body
    assert json.loads(body) == order.build_order.payload
    # The same bytes on every attempt: keys sorted, no spaces, whatever the database's key order.
    assert body == build_order_body(json.loads(body)) and ", " not in body and '": ' not in body


MIGRATED = ("orders", "0012_build_order_stored_once")
BEFORE = ("orders", "0011_order_email_rejected")


def _at(target: tuple[str, str]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return MigrationExecutor(connection).loader.project_state([target]).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_what_was_sent_and_drops_the_second_copy() -> None:
    apps = _at(BEFORE)
    # The catalog stays migrated: its rows are written with today's models.
    product = Product.objects.create(code="old", name="Old")
    version = CatalogVersion.objects.create(product=product, number=1, snapshot={}, checksum="x")
    order_model, build_model = apps.get_model("orders", "Order"), apps.get_model("orders", "BuildOrder")
    sent = {"order_number": "A-1", "options": [{"group": "collar", "option": "kent"}], "notes": "as sent"}
    bodies = {"A-1": json.dumps(sent, separators=(",", ":")), "A-2": json.dumps({**sent, "order_number": "A-2"})}
    for number, body in bodies.items():
        order = order_model.objects.create(
            number=number,
            access_key="k",
            catalog_version_id=version.pk,
            product_code="old",
            configuration={},
            summary={},
            price_lines=[],
            currency="EUR",
            total="1.00",
            customer_name="Ada",
            customer_email="ada@example.com",
            customer_address="1 Loom Lane",
            due_date=datetime.date(2026, 1, 10),
        )
        # A-1's payload says what was sent; A-2's drifted (edited by hand): what was sent wins.
        payload = json.loads(body) if number == "A-1" else {"order_number": "A-2", "notes": "edited"}
        build = build_model.objects.create(order=order, payload=payload)
        apps.get_model("orders", "OutboxMessage").objects.create(
            build_order=build, webhook_id=f"msg_{number}", body=body
        )
    _at(MIGRATED)
    try:
        for number, body in bodies.items():
            build_order = BuildOrder.objects.get(order__number=number)
            assert build_order.payload == json.loads(body)
            assert json.loads(OutboxMessage.objects.get(build_order=build_order).body) == json.loads(body)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
