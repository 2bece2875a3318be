"""Every /api/ error is JSON naming the field: bounded decimals, bounded JSON, unknown keys, 404/413/415/500."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.core.exceptions import RequestDataTooBig
from django.core.management import call_command
from django.test import Client, RequestFactory
from rest_framework.exceptions import Throttled
from rest_framework.test import APIClient

from config import errors
from configurator import services
from configurator.models import SavedConfiguration

pytestmark = pytest.mark.django_db

HUGE = "40." + "0" * 1_000_000 + "1"  # audit F1: 1 MB, 30 s of Fraction arithmetic before the bound
OPERATIONS = ["configure", "complete", "resolve", "explain"]
WANTED = {"wanted": {"group": "collar", "option": "button_down"}}


@pytest.fixture
def api() -> APIClient:
    call_command("load_demo", stdout=None)
    return APIClient()


def _post(api: APIClient, operation: str, body: dict[str, Any]) -> Any:
    extra = WANTED if operation in ("resolve", "explain") else {}
    return api.post(f"/api/v1/products/shirt/{operation}", {**extra, **body}, format="json")


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_million_digit_measurement_answers_400_naming_the_field(api: APIClient, operation: str) -> None:
    response = _post(api, operation, {"parameters": {"neck": HUGE}})
    assert response.status_code == 400
    assert response.json() == {"errors": {"parameters.neck": [f"at most 40 characters, not {len(HUGE)}"]}}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_too_many_significant_digits_and_foreign_digits_are_named(api: APIClient, operation: str) -> None:
    response = _post(api, operation, {"parameters": {"neck": "40.000000000000000000001", "chest": "١٠٢"}})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "parameters.neck": ["at most 20 significant digits, not 23"],
        "parameters.chest": ["'١٠٢' is not a number: use the digits 0-9"],
    }


def test_a_measurement_is_answered_normalised(api: APIClient) -> None:
    answer = _post(api, "configure", {"parameters": {"neck": "40." + "0" * 30, "chest": "101.50"}}).json()
    values = {p["code"]: p["value"] for p in answer["parameters"]}
    assert values["neck"] == "40" and values["chest"] == "101.5"
    completed = _post(api, "complete", {"parameters": {"neck": "40." + "0" * 30}}).json()
    assert completed["configuration"]["parameters"]["neck"] == "40"


def test_the_page_names_a_million_digit_measurement(api: APIClient) -> None:
    page = Client().get("/p/shirt/", {"neck": HUGE, "_step": "measurements"})
    assert page.status_code == 200 and "At most 40 characters." in page.text
    page = Client().get("/p/shirt/", {"neck": "٤٠", "_step": "measurements"})
    assert page.status_code == 200 and "Use the digits 0-9, like 34." in page.text
    page = Client().get("/p/shirt/", {"neck": "40.000", "_step": "measurements"})
    assert 'value="40"' in page.text


def test_the_save_form_refuses_a_million_digit_measurement_and_keeps_the_normalised_one(api: APIClient) -> None:
    client = Client()
    response = client.post("/p/shirt/save", {"neck": HUGE, "fabric": "oxford_blue"})
    assert response.status_code == 302 and "neck" not in response["Location"]  # not a 1 MB address
    assert not SavedConfiguration.objects.exists()
    page = client.get(response["Location"])
    assert "Not saved: fix these values first. Neck: At most 40 characters." in page.text
    client.post("/p/shirt/save", {"neck": "40.50000", "fabric": "oxford_blue"})
    assert SavedConfiguration.objects.get().data["parameters"] == {"neck": "40.5"}


def test_the_save_form_names_the_field_and_the_problem_and_keeps_what_was_typed(api: APIClient) -> None:
    client = Client()
    response = client.post("/p/shirt/save", {"neck": "99", "fabric": "oxford_blue", "_step": "measurements"})
    assert response.status_code == 302 and not SavedConfiguration.objects.exists()
    assert "neck=99" in response["Location"]  # the field shows what was typed, with its message
    page = client.get(response["Location"])
    assert "Not saved: fix these values first. Neck: Enter a value from 34 to 50 cm." in page.text
    assert 'value="99"' in page.text
    response = client.post("/it/p/shirt/save", {"neck": "abc", "fabric": "oxford_blue"})
    page = client.get(response["Location"])
    assert "Non salvato: correggi prima questi valori. Collo:" in page.text


def test_checkout_names_a_million_digit_measurement(api: APIClient) -> None:
    response = Client().get("/orders/checkout/shirt/", {"neck": HUGE})
    assert response.status_code == 400 and "Neck: this value cannot be read (at most 40 characters" in response.text


def test_json_nested_ten_thousand_deep_answers_400_json_without_a_traceback(
    api: APIClient, caplog: pytest.LogCaptureFixture
) -> None:
    body = '{"parameters": ' + "[" * 10_000 + "]" * 10_000 + "}"
    with caplog.at_level(logging.WARNING):
        response = api.post("/api/v1/products/shirt/configure", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"errors": {"detail": ["JSON nested deeper than 20 levels"]}}
    assert [r.exc_info for r in caplog.records] == [None]  # one "Bad Request" warning, no traceback


def test_json_just_past_the_depth_limit_answers_400(api: APIClient) -> None:
    body = json.dumps({"texts": {"monogram": [[[[[[[[[[[[[[[[[[[[["AB"]]]]]]]]]]]]]]]]]]]]]}})  # 23 levels
    response = api.post("/api/v1/products/shirt/configure", body, content_type="application/json")
    assert response.json() == {"errors": {"detail": ["JSON nested deeper than 20 levels"]}}


def test_a_body_over_the_api_limit_answers_413_json(api: APIClient, settings: Any) -> None:
    settings.API_MAX_BODY_BYTES = 1000
    body = json.dumps({"texts": {"monogram": "A" * 1000}})
    response = api.post("/api/v1/products/shirt/configure", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"errors": {"detail": ["the request body is larger than 1000 bytes"]}}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_form_and_multipart_bodies_answer_415(api: APIClient, operation: str) -> None:
    url = f"/api/v1/products/shirt/{operation}"
    form = api.post(url, "parameters=abc&texts=1", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415
    assert form.json() == {
        "errors": {"detail": ['Unsupported media type "application/x-www-form-urlencoded" in request.']}
    }
    assert api.post(url, {"parameters": "abc"}, format="multipart").status_code == 415


@pytest.mark.parametrize("operation", OPERATIONS)
def test_an_unknown_top_level_key_answers_400_naming_it(api: APIClient, operation: str) -> None:
    response = _post(api, operation, {"selection": {"collar": "classic"}})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["selection"]
    assert "unknown field 'selection'" in response.json()["errors"]["selection"][0]


def test_an_unknown_key_in_wanted_is_named(api: APIClient) -> None:
    response = _post(api, "resolve", {"wanted": {"group": "collar", "option": "classic", "colour": "x"}})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["wanted.colour"]


def test_a_body_that_is_not_an_object_is_a_detail_error(api: APIClient) -> None:
    response = api.post("/api/v1/products/shirt/configure", "[1, 2]", content_type="application/json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["detail"]


def test_api_404s_are_json_and_shop_404s_stay_html(api: APIClient) -> None:
    product = api.post("/api/v1/products/spaceship/configure", {}, format="json")
    assert product.status_code == 404 and product.json() == {"errors": {"code": ["no published product 'spaceship'"]}}
    nowhere = Client().get("/api/v1/nowhere")
    assert nowhere.status_code == 404 and nowhere.json() == {"errors": {"detail": ["no such address: /api/v1/nowhere"]}}
    page = Client().get("/p/spaceship/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_method_not_allowed_is_json(api: APIClient) -> None:
    response = api.get("/api/v1/products/shirt/configure")
    assert response.status_code == 405 and response.json() == {"errors": {"detail": ['Method "GET" not allowed.']}}


def test_a_server_error_in_the_api_is_json_and_logged_once(
    api: APIClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "configuration_propagate", broken)
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR):
        response = client.post("/api/v1/products/shirt/configure", "{}", content_type="application/json")
    assert response.status_code == 500
    assert response.json() == {"errors": {"detail": ["a server error occurred; it has been logged"]}}
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 1 and tracebacks[0].exc_info and "boom" in str(tracebacks[0].exc_info[1])


def test_a_body_over_djangos_limit_answers_413_json_under_api_and_400_html_elsewhere() -> None:
    api = errors.bad_request(RequestFactory().post("/api/v1/orders"), RequestDataTooBig("too big"))
    assert api.status_code == 413
    assert json.loads(api.content) == {"errors": {"detail": ["the request body is too large"]}}
    page = errors.bad_request(RequestFactory().post("/p/shirt/save"), RequestDataTooBig("too big"))
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


def test_the_page_names_bad_digits_in_italian(api: APIClient) -> None:
    page = Client().get("/it/p/shirt/", {"neck": "40.000000000000000000001", "chest": "١٠٢", "_step": "measurements"})
    assert "Al massimo 20 cifre significative." in page.text and "Usa le cifre 0-9, ad esempio 80." in page.text


def test_a_throttled_request_keeps_its_retry_after_header() -> None:
    response = errors.api_exception_handler(Throttled(wait=7), {})
    assert response is not None and response.status_code == 429 and response["Retry-After"] == "7"
    assert list(response.data["errors"]) == ["detail"]
