"""The home page lists published products, in the shopper's language."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from catalog.models import Product
from catalog.services import catalog_import, catalog_publish
from catalog.tests.factories import small_catalog

pytestmark = pytest.mark.django_db


def test_home_lists_both_demo_products_with_prices(client: Client) -> None:
    call_command("load_demo", stdout=None)
    page = client.get("/")
    assert page.status_code == 200
    assert 'id="product-city-car"' in page.text and 'id="product-shirt"' in page.text
    assert "from €15,900.00" in page.text


def test_home_in_italian_uses_italian_names_and_money(client: Client) -> None:
    catalog_import(small_catalog(), publish=True)
    page = client.get("/it/")
    assert page.status_code == 200
    assert "Bici da città" in page.text
    assert "€\u00a0499,00" in page.text
    assert 'lang="it"' in page.text


def test_unpublished_drafts_are_not_shown(client: Client) -> None:
    catalog_import(small_catalog())
    assert "City bike" not in client.get("/").text


def test_shoppers_see_the_published_version_not_the_draft(client: Client) -> None:
    catalog_import(small_catalog(), publish=True)
    Product.objects.filter(code="bike").update(name="Renamed in draft")
    assert "City bike" in client.get("/").text
    catalog_publish(Product.objects.get(code="bike"))
    assert "Renamed in draft" in client.get("/").text


def test_language_switch_keeps_the_page(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "it", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/it/"


def test_without_javascript_switching_language_opens_the_same_configuration(client: Client) -> None:
    call_command("load_demo", stdout=None)
    address = "/p/city-car/?trim=premium&engine=hybrid130&body_colour=green&_step=exterior"
    page = client.get(address)
    assert f'name="next" value="{address.replace("&", "&amp;")}"' in page.text  # the header's form carries it
    switched = client.post("/i18n/setlang/", {"language": "it", "next": address})
    assert switched.status_code == 302
    assert switched["Location"] == "/it" + address
