"""The OpenAPI schema documents every status an operation answers and the bounds the views check."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return dict(response.json())


def _operation(schema: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    return dict(schema["paths"][path][method])


def test_every_operation_documents_its_error_statuses_with_the_error_shape(schema: dict[str, Any]) -> None:
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert {"400", "404", "429", "500"} <= set(responses), (method, path)
            assert "Retry-After" in responses["429"]["headers"]
            for code, answer in responses.items():
                if code >= "400":
                    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
            if "requestBody" in operation:
                assert {"413", "415"} <= set(responses)
                assert list(operation["requestBody"]["content"]) == ["application/json"]
    assert schema["components"]["schemas"]["Error"]["required"] == ["errors"]
    assert "409" in _operation(schema, "/api/v1/factory/orders/{build_order_id}/status", "post")["responses"]
    assert "401" in _operation(schema, "/api/v1/factory/orders", "get")["responses"]
    assert "422" in _operation(schema, "/api/v1/orders", "post")["responses"]


def test_input_objects_are_closed_and_bounded(schema: dict[str, Any]) -> None:
    schemas = schema["components"]["schemas"]
    for name in ("SelectionInput", "ResolveInput", "WantedInput", "OrderInput", "CustomerInput", "StatusInput"):
        assert schemas[name]["additionalProperties"] is False, name
    assert schemas["WantedInput"]["properties"]["group"]["minLength"] == 1
    assert schemas["SelectionInput"]["properties"]["parameters"]["additionalProperties"]["oneOf"][0]["maxLength"] == 40
    feed = {p["name"]: p["schema"] for p in _operation(schema, "/api/v1/factory/orders", "get")["parameters"]}
    assert feed["limit"] == {"type": "integer", "minimum": 1, "maximum": 100}
    assert "OrderRejected" not in schemas
