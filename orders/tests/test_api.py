"""The orders API (idempotent placing) and the factory API (feed, status) with its token scopes."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from catalog.models import CatalogVersion
from orders import services
from orders.models import FactoryEndpoint, FactoryToken, Order, OrderEvent
from orders.tests.conftest import CUSTOMER


def _order_body(config: dict[str, Any]) -> dict[str, Any]:
    return {"product": "shirt", **config, "customer": dict(CUSTOMER)}


def _post_order(api: APIClient, body: dict[str, Any], key: str | None = None) -> Any:
    headers = {"Idempotency-Key": key} if key else {}
    return api.post("/api/v1/orders", body, format="json", headers=headers)


def test_place_order_answers_201_with_number_status_total(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    response = _post_order(APIClient(), _order_body(config), key="a1")
    assert response.status_code == 201, response.content
    data = response.json()
    order = Order.objects.get(number=data["number"])
    assert data["status"] == "placed" and data["total"] == format(order.total, "f") and data["currency"] == "EUR"
    assert data["url"].endswith(order.get_absolute_url())


def test_same_idempotency_key_answers_the_same_order(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    api = APIClient()
    first = _post_order(api, _order_body(config), key="same-key")
    again = _post_order(api, _order_body(config), key="same-key")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again.headers["Idempotent-Replayed"] == "true"
    other = _order_body(config) | {"notes": "different"}
    conflict = _post_order(api, other, key="same-key")
    assert conflict.status_code == 422 and "Idempotency-Key" in conflict.json()["errors"]
    assert Order.objects.count() == 1


def test_invalid_configuration_answers_400_with_violations(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    config["selections"]["collar"] = "wing"
    config["selections"]["cuffs"] = "single"
    response = _post_order(APIClient(), _order_body(config))
    assert response.status_code == 400
    assert any(v["rule"] == "R7" for v in response.json()["violations"])
    incomplete = _post_order(APIClient(), {"product": "shirt", "customer": dict(CUSTOMER)})
    assert incomplete.status_code == 400 and incomplete.json()["violations"]
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"customer": {"name": "A", "email": "not-an-email", "address": "x"}}, "customer.email"),
        ({"parameters": {"chest": "abc"}}, "parameters.chest"),
        ({"selections": {"collar": "bowtie"}}, "selections.collar"),
        ({"product": ""}, "product"),
    ],
)
def test_malformed_input_answers_400_naming_the_field(
    shirt: CatalogVersion, config: dict[str, Any], change: dict[str, Any], field: str
) -> None:
    body = _order_body(config)
    for key, value in change.items():
        body[key] = {**body[key], **value} if isinstance(body.get(key), dict) else value
    response = _post_order(APIClient(), body)
    assert response.status_code == 400 and field in response.json()["errors"]


def test_unknown_product_answers_404(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    response = _post_order(APIClient(), _order_body(config) | {"product": "yacht"})
    assert response.status_code == 404


# -- the factory API and its personas -----------------------------------------------------------
def _factory(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def _place(shirt: CatalogVersion, config: dict[str, Any], n: int) -> list[Order]:
    return [services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en").order for _ in range(n)]


def test_feed_pages_with_a_stable_cursor(shirt: CatalogVersion, config: dict[str, Any], factory_token: str) -> None:
    api = _factory(factory_token)
    placed = _place(shirt, config, 5)
    first = api.get("/api/v1/factory/orders?limit=2").json()
    assert [r["order_number"] for r in first["results"]] == [o.number for o in placed[:2]]
    assert first["has_more"] is True
    second = api.get(f"/api/v1/factory/orders?after={first['next_cursor']}&limit=2").json()
    third = api.get(f"/api/v1/factory/orders?after={second['next_cursor']}&limit=2").json()
    seen = [r["order_number"] for page in (first, second, third) for r in page["results"]]
    assert seen == [o.number for o in placed] and third["has_more"] is False
    later = _place(shirt, config, 1)
    fourth = api.get(f"/api/v1/factory/orders?after={third['next_cursor']}").json()
    assert [r["order_number"] for r in fourth["results"]] == [later[0].number]
    empty = api.get(f"/api/v1/factory/orders?after={fourth['next_cursor']}").json()
    assert empty == {"results": [], "next_cursor": fourth["next_cursor"], "has_more": False}
    assert first["results"][0]["status"] == "placed" and first["results"][0]["bom_lines"]


@pytest.mark.parametrize(
    "query", ["after=abc", "after=-1", "limit=0", "limit=1000", "after=%C2%B2", "limit=%C2%B2", "after=" + "9" * 30]
)
def test_feed_rejects_bad_cursors(factory_token: str, query: str) -> None:
    response = _factory(factory_token).get(f"/api/v1/factory/orders?{query}")
    assert response.status_code == 400 and set(response.json()["errors"]) <= {"after", "limit"}


def test_status_callback_updates_the_order_and_its_history(
    shirt: CatalogVersion, config: dict[str, Any], factory_token: str
) -> None:
    order = _place(shirt, config, 1)[0]
    url = f"/api/v1/factory/orders/{order.build_order.public_id}/status"
    api = _factory(factory_token)
    response = api.post(url, {"status": "accepted"}, format="json")
    assert response.status_code == 200 and response.json()["changed"] is True
    assert api.post(url, {"status": "accepted"}, format="json").json()["changed"] is False
    assert api.post(url, {"status": "in_production"}, format="json").json()["status"] == "in_production"
    assert api.post(url, {"status": "placed"}, format="json").status_code == 400
    assert api.post(url, {"status": "rejected"}, format="json").json()["errors"]["reason"]
    assert api.post(url, {"status": "accepted"}, format="json").status_code == 409
    missing = api.post("/api/v1/factory/orders/6f1c1bd4-2f0e-4b8e-9d3c-0d6f3f0e2a11/status", {"status": "accepted"})
    assert missing.status_code == 404
    events = list(OrderEvent.objects.filter(order=order).values_list("status", "source"))
    assert events == [("placed", "shop"), ("accepted", "factory:simulator"), ("in_production", "factory:simulator")]


def test_outsider_without_a_token_is_refused(db: None) -> None:
    assert APIClient().get("/api/v1/factory/orders").status_code in {401, 403}
    bad = _factory("fct_not-a-real-token").get("/api/v1/factory/orders")
    assert bad.status_code == 401


def test_shopper_and_merchandiser_sessions_are_not_factories(
    shopper: User, merchandiser: User, factory_token: str
) -> None:
    for user in (shopper, merchandiser):
        api = APIClient()
        api.force_login(user)
        assert api.get("/api/v1/factory/orders").status_code in {401, 403}


def test_factory_token_opens_only_the_factory_api(db: None, factory_token: str) -> None:
    api = _factory(factory_token)
    assert api.get("/api/v1/factory/orders").status_code == 200
    # Not a user: the admin stays closed.
    assert api.get("/admin/").status_code == 302


def test_revoked_token_and_disabled_endpoint_are_refused(endpoint: FactoryEndpoint, factory_token: str) -> None:
    FactoryToken.objects.update(revoked_at=timezone.now())
    assert _factory(factory_token).get("/api/v1/factory/orders").status_code == 401
    fresh = services.token_create(endpoint=endpoint)
    assert _factory(fresh).get("/api/v1/factory/orders").status_code == 200
    services.endpoint_disable(name=endpoint.name)
    assert _factory(fresh).get("/api/v1/factory/orders").status_code == 401


def test_an_unknown_language_falls_back_and_a_control_character_key_is_refused(
    shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    api = APIClient()
    response = api.post("/api/v1/orders?lang=abcdefghijk", _order_body(config), format="json")
    assert response.status_code == 201
    assert Order.objects.get().language == "en"
    response = api.post("/api/v1/orders", _order_body(config), format="json", headers={"Idempotency-Key": "a\x00b"})
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["errors"]
    assert Order.objects.count() == 1
