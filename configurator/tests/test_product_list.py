"""The product list: cards from the published versions' own fields, cached, 24 to a page."""

from __future__ import annotations

from collections import OrderedDict
from typing import NoReturn

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from catalog.models import CatalogVersion, Product
from catalog.selectors import version_latest_cached
from catalog.services import catalog_import, catalog_publish
from catalog.tests.factories import listed_products, small_catalog
from configurator import loading, selectors

pytestmark = pytest.mark.django_db


def _no_engine_model(*args: object, **kwargs: object) -> NoReturn:
    raise AssertionError("the product list built an engine model")


def test_two_hundred_products_list_in_three_queries_cold_and_none_warm(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed_products(200)
    # The cards come from fields stored on each version at publish: no engine model is built or compiled.
    for name in ("product_from_dict", "build_session"):
        monkeypatch.setattr(loading, name, _no_engine_model)
    monkeypatch.setattr(selectors, "version_model", _no_engine_model)
    monkeypatch.setattr(loading, "_models", OrderedDict())
    with CaptureQueriesContext(connection) as cold:
        page = client.get("/")
    assert page.status_code == 200
    assert len(cold.captured_queries) <= 3, [q["sql"] for q in cold.captured_queries]
    with CaptureQueriesContext(connection) as warm:
        again = client.get("/")
    assert len(warm.captured_queries) == 0
    assert again.text.count('class="product-card"') == 24


def test_pages_of_twenty_four_with_links_both_ways(client: Client) -> None:
    listed_products(50)
    first = client.get("/").text
    assert first.count('class="product-card"') == 24
    assert 'id="product-p0000"' in first and 'id="product-p0024"' not in first
    assert 'rel="next" href="?page=2"' in first and 'rel="prev"' not in first
    assert "Page 1 of 3" in first
    second = client.get("/?page=2").text
    assert 'id="product-p0024"' in second and 'rel="prev" href="?page=1"' in second
    last = client.get("/?page=3").text
    assert last.count('class="product-card"') == 2 and 'rel="next"' not in last


@pytest.mark.parametrize("page", ["4", "0", "two", "-1"])
def test_a_page_that_does_not_exist_answers_404_naming_it(client: Client, page: str) -> None:
    listed_products(50)
    answer = client.get(f"/?page={page}")
    assert answer.status_code == 404
    assert f"There is no page {page} of products." in answer.text


def test_an_empty_shop_shows_its_empty_first_page(client: Client) -> None:
    assert "No product is published yet" in client.get("/").text


def test_italian_cards_use_the_versions_translated_name(client: Client) -> None:
    listed_products(2)
    assert "Prodotto 1" in client.get("/it/").text


def test_a_publish_shows_at_once_on_the_cached_list_and_click(client: Client) -> None:
    catalog_import(small_catalog(), publish=True)
    assert "City bike" in client.get("/").text
    first = version_latest_cached("bike")
    product = Product.objects.get(code="bike")
    Product.objects.filter(pk=product.pk).update(name="Cargo bike")  # a draft edit: no cache change yet
    assert "City bike" in client.get("/").text
    catalog_publish(product)
    assert "Cargo bike" in client.get("/").text
    latest = version_latest_cached("bike")
    assert first is not None and latest is not None and latest.number == first.number + 1


def test_taking_a_product_off_the_shop_hides_its_card_and_page_at_once(client: Client) -> None:
    catalog_import(small_catalog(), publish=True)
    assert client.get("/p/bike/").status_code == 200
    product = Product.objects.get(code="bike")
    product.active = False
    product.save()
    assert "City bike" not in client.get("/").text
    assert client.get("/p/bike/").status_code == 404


def test_a_click_reads_the_latest_version_from_the_cache(client: Client) -> None:
    catalog_import(small_catalog(), publish=True)
    assert version_latest_cached("bike") is not None
    with CaptureQueriesContext(connection) as queries:
        version = version_latest_cached("bike")
    assert version is not None and version.product.code == "bike" and len(queries.captured_queries) == 0
    assert version_latest_cached("nothing") is None
    with CaptureQueriesContext(connection) as queries:
        assert version_latest_cached("nothing") is None
    assert len(queries.captured_queries) == 0


def test_publishing_stores_the_card_with_the_first_looks_picture() -> None:
    [result] = catalog_import(small_catalog(), publish=True)
    assert result.publish is not None
    version = CatalogVersion.objects.get(pk=result.publish.version.pk)
    assert (version.name, version.currency, str(version.base_price)) == ("City bike", "EUR", "499.00")
    assert version.label("it") == "Bici da città" and version.label("de") == "City bike"
    assert version.card_recipe is not None and version.card_recipe["renderer"] == "configurator-preview/1"


def test_a_version_published_before_cards_gets_its_picture_once(client: Client) -> None:
    [result] = catalog_import(small_catalog(), publish=True)
    assert result.publish is not None
    stored = result.publish.version.card_recipe
    CatalogVersion.objects.filter(pk=result.publish.version.pk).update(card_recipe=None)
    assert "City bike" in client.get("/").text
    assert CatalogVersion.objects.get(pk=result.publish.version.pk).card_recipe == stored


def test_a_publish_goes_through_when_the_shared_cache_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    from redis.exceptions import ConnectionError as RedisDown

    from catalog import listing

    class Down:
        def __getattr__(self, name: str) -> object:
            def fail(*args: object, **kwargs: object) -> None:
                raise RedisDown("connection refused")

            return fail

    monkeypatch.setattr(listing, "cache", Down())
    [result] = catalog_import(small_catalog(), publish=True)
    assert result.publish is not None and result.publish.created
