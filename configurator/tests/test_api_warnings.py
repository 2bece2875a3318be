"""The configure API lists plausibility warnings under "warnings" (additive; never blocking)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

TYPICAL = {"neck": "40", "chest": "102", "waist": "88", "sleeve": "64", "arm": "62", "shirt_length": "78"}


@pytest.fixture
def api() -> APIClient:
    call_command("load_demo", stdout=None)
    return APIClient()


def _configure(api: APIClient, parameters: dict[str, str], lang: str = "en") -> Any:
    body = {"selections": {"sleeves": "short"}, "parameters": parameters}
    response = api.post(f"/api/v1/products/shirt/configure?lang={lang}", body, format="json")
    assert response.status_code == 200
    return response.json()


def test_an_unusual_sleeve_is_a_warning_in_the_asked_language_and_stays_valid(api: APIClient) -> None:
    plain = _configure(api, TYPICAL)
    assert plain["warnings"] == []
    answer = _configure(api, {**TYPICAL, "sleeve": "70"})
    assert answer["warnings"] == [
        {
            "rule": "W1",
            "parameters": ["sleeve", "arm"],
            "message": "The sleeve is much longer than the arm: check both measurements.",
        }
    ]
    assert answer["valid"] is True and answer["violations"] == plain["violations"]
    italian = _configure(api, {**TYPICAL, "sleeve": "70"}, lang="it")
    assert italian["warnings"][0]["message"].startswith("La manica è molto più lunga del braccio")


def test_the_openapi_schema_documents_warnings(api: APIClient) -> None:
    schema = api.get("/api/schema/?format=json").json()
    answer = schema["components"]["schemas"]["Answer"]
    assert "warnings" in answer["properties"]
    assert set(schema["components"]["schemas"]["WarningOutput"]["properties"]) == {"rule", "parameters", "message"}
