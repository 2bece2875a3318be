"""The configure API answers one step's fields when `?step=` names it (big models send less)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api() -> APIClient:
    call_command("load_demo", stdout=None)
    return APIClient()


def _post(api: APIClient, path: str, body: object) -> Any:
    return api.post(path, body, format="json")


def test_a_step_answers_its_own_groups_and_the_whole_products_price(api: APIClient) -> None:
    body = {"selections": {"body_colour": "black"}}
    whole = _post(api, "/api/v1/products/city-car/configure", body)
    step = _post(api, "/api/v1/products/city-car/configure?step=exterior", body)
    assert whole.status_code == step.status_code == 200
    answer = step.json()
    assert [g["code"] for g in answer["groups"]] == ["body_colour", "roof", "wheels"]
    everything = whole.json()
    assert answer["price"] == everything["price"] and answer["valid"] == everything["valid"]
    assert len(json.dumps(answer)) < len(json.dumps(everything)) / 2


def test_finish_for_me_answers_one_step_too(api: APIClient) -> None:
    step = _post(api, "/api/v1/products/city-car/complete?step=packs", {"selections": {}})
    answer = step.json()
    assert [g["code"] for g in answer["groups"]] == ["packs"] and answer["configuration"] is not None


def test_a_measurements_step_answers_its_parameters_and_no_group(api: APIClient) -> None:
    answer = _post(api, "/api/v1/products/shirt/configure?step=measurements", {}).json()
    assert answer["groups"] == [] and answer["texts"] == []
    assert [p["code"] for p in answer["parameters"]] == ["neck", "chest", "waist", "sleeve", "arm", "shirt_length"]


def test_other_is_a_step_only_when_some_field_is_in_no_section(api: APIClient) -> None:
    # Every field of the shirt is in a section: no "other" step to ask for.
    assert _post(api, "/api/v1/products/shirt/configure?step=other", {}).status_code == 400


def test_an_unknown_step_is_a_400_naming_the_field_and_the_steps(api: APIClient) -> None:
    answer = _post(api, "/api/v1/products/city-car/configure?step=roof", {})
    assert answer.status_code == 400
    assert "step" in json.dumps(answer.json()) and "exterior" in json.dumps(answer.json())
