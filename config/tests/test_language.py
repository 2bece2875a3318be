"""The language switch comes back to the same page and query in the other language (issue 14 QA)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

QUERY = "?collar=cutaway&neck=41&_step=measurements"


@pytest.fixture
def shop() -> None:
    call_command("load_demo", stdout=None)


def test_italian_to_english_lands_on_the_english_page_with_the_same_query(client: Client, shop: None) -> None:
    client.cookies["django_language"] = "it"  # as after switching to Italian before
    switched = client.post("/i18n/setlang/", {"language": "en", "next": f"/it/p/shirt/{QUERY}"})
    assert switched.status_code == 302
    assert switched["Location"] == f"/p/shirt/{QUERY}"
    page = client.get(switched["Location"])
    assert 'lang="en"' in page.text


def test_english_to_italian_lands_on_the_italian_page_even_with_an_italian_cookie(client: Client, shop: None) -> None:
    client.cookies["django_language"] = "it"
    switched = client.post("/i18n/setlang/", {"language": "it", "next": f"/p/shirt/{QUERY}"})
    assert switched["Location"] == f"/it/p/shirt/{QUERY}"


def test_italian_home_to_english_home(client: Client) -> None:
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "/it/"})
    assert switched["Location"] == "/"


def test_a_next_on_another_host_is_not_followed(client: Client) -> None:
    switched = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/it/p/shirt/"})
    assert switched.status_code == 302
    assert "evil.example" not in switched["Location"]
