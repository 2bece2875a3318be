"""The orders and factory APIs answer every error in the one JSON shape, naming the field."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from catalog.models import CatalogVersion
from orders import services
from orders.models import Order
from orders.tests.conftest import CUSTOMER

HUGE = "40." + "0" * 1_000_000 + "1"


def _order_body(config: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {"product": "shirt", **config, "customer": dict(CUSTOMER), **changes}


def _factory(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def test_a_million_digit_measurement_in_an_order_answers_400(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    body = _order_body(config, parameters={**config["parameters"], "neck": HUGE})
    response = APIClient().post("/api/v1/orders", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"errors": {"parameters.neck": [f"at most 40 characters, not {len(HUGE)}"]}}
    assert not Order.objects.exists()


def test_an_order_stores_and_sends_its_measurements_normalised(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    body = _order_body(config, parameters={**config["parameters"], "neck": "40." + "0" * 30, "chest": "102.50"})
    response = APIClient().post("/api/v1/orders", body, format="json")
    assert response.status_code == 201, response.content
    order = Order.objects.get()
    assert order.configuration["parameters"]["neck"] == "40"
    assert order.configuration["parameters"]["chest"] == "102.5"
    sent = {p["code"]: p["value"] for p in order.build_order.payload["parameters"]}
    assert sent["neck"] == "40" and sent["chest"] == "102.5"


def test_unknown_keys_in_an_order_are_named(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    body = _order_body(config, selection={}, customer={**CUSTOMER, "phone": "1"})
    response = APIClient().post("/api/v1/orders", body, format="json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"selection", "customer.phone"}


def test_a_rejected_configuration_has_errors_and_violations(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    body = _order_body(config, selections={**config["selections"], "collar": None})
    answer = APIClient().post("/api/v1/orders", body, format="json").json()
    assert answer["violations"] and answer["errors"]["detail"] == [v["message"] for v in answer["violations"]]


def test_a_form_body_to_the_orders_api_answers_415(shirt: CatalogVersion) -> None:
    response = APIClient().post("/api/v1/orders", {"product": "shirt"}, format="multipart")
    assert response.status_code == 415 and list(response.json()["errors"]) == ["detail"]


def test_factory_errors_are_json_naming_the_field(
    shirt: CatalogVersion, config: dict[str, Any], factory_token: str
) -> None:
    order = services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en").order
    url = f"/api/v1/factory/orders/{order.build_order.public_id}/status"
    outsider = APIClient().post(url, {"status": "accepted"}, format="json")
    assert outsider.status_code == 401 and list(outsider.json()["errors"]) == ["detail"]
    assert "WWW-Authenticate" in outsider.headers
    api = _factory(factory_token)
    api.post(url, {"status": "shipped"}, format="json")
    late = api.post(url, {"status": "accepted"}, format="json")
    assert late.status_code == 409 and list(late.json()["errors"]) == ["status"]
    missing = api.post("/api/v1/factory/orders/6f1c1bd4-2f0e-4b8e-9d3c-0d6f3f0e2a11/status", {}, format="json")
    assert missing.status_code == 404 and list(missing.json()["errors"]) == ["build_order_id"]
    extra = api.post(url, {"status": "accepted", "reasons": "x"}, format="json")
    assert extra.status_code == 400 and list(extra.json()["errors"]) == ["reasons"]
    form = api.post(url, {"status": "accepted"}, format="multipart")
    assert form.status_code == 415
