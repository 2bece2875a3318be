"""The shopper sees a group's options in the language's order: on the page and in the configure API."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

CATALOG_ORDER = ["white", "black", "red", "yellow", "silver", "graphite", "blue", "green"]
ITALIAN_ORDER = ["red", "yellow", "white", "black", "silver", "graphite", "blue", "green"]


@pytest.fixture
def demo() -> None:
    call_command("load_demo", stdout=None)


def _page_colours(client: Client, prefix: str) -> list[str]:
    page = client.get(f"{prefix}/p/city-car/?_step=exterior")
    assert page.status_code == 200
    return re.findall(r'<input type="radio" id="o-body_colour-([a-z_]+)"', page.text)


def test_the_page_lists_the_body_colours_in_each_languages_order(client: Client, demo: None) -> None:
    assert _page_colours(client, "") == CATALOG_ORDER
    assert _page_colours(client, "/it") == ITALIAN_ORDER


def test_the_other_groups_keep_the_catalog_order_in_italian(client: Client, demo: None) -> None:
    page = client.get("/it/p/city-car/?_step=exterior")
    assert re.findall(r'id="o-roof-([a-z_]+)"', page.text) == ["body", "contrast_white", "contrast_black", "panoramic"]


def test_the_api_lists_the_body_colours_in_each_languages_order(demo: None) -> None:
    api = APIClient()
    for lang, expected in (("en", CATALOG_ORDER), ("it", ITALIAN_ORDER)):
        answer = api.post(f"/api/v1/products/city-car/configure?lang={lang}", {"selections": {}}, format="json")
        assert answer.status_code == 200
        body = next(g for g in answer.json()["groups"] if g["code"] == "body_colour")
        assert [o["code"] for o in body["options"]] == expected


def test_availability_and_reasons_stay_with_their_option_in_italian(demo: None) -> None:
    api = APIClient()
    body = {"selections": {"roof": "contrast_black"}}
    english, italian = (
        api.post(f"/api/v1/products/city-car/configure?lang={lang}", body, format="json").json()
        for lang in ("en", "it")
    )
    body_en, body_it = (next(g for g in a["groups"] if g["code"] == "body_colour") for a in (english, italian))
    available_en = {o["code"]: (o["available"], o["price"]) for o in body_en["options"]}
    available_it = {o["code"]: (o["available"], o["price"]) for o in body_it["options"]}
    assert available_en == available_it
    assert available_it["black"][0] is False
