"""The configurator page offers the starting points to a shopper who arrives, and says why."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client

from catalog.models import Product
from catalog.services import catalog_publish
from personalisation.popular import starting_points_refresh
from personalisation.tests.popular_orders import place_shirts


@pytest.fixture
def ordered(db: None) -> None:
    call_command("load_demo", stdout=None)
    place_shirts(3, collar="button_down", fabric="linen_natural")
    place_shirts(2, collar="cutaway")
    starting_points_refresh("shirt")


def test_a_shopper_arriving_sees_popular_builds_with_counts_price_and_why(ordered: None, client: Client) -> None:
    html = client.get("/p/shirt/").content.decode()

    assert "Start from a popular build" in html
    assert "Ordered by 3 people" in html
    assert "Ordered by 2 people" in html
    assert "Natural linen · Button-down" in html
    assert html.count("Why you see this: it is among the builds shoppers order most") == 2
    assert 'class="starting-price">€' in html


def test_a_popular_build_opens_the_configurator_with_its_choices(ordered: None, client: Client) -> None:
    html = client.get("/p/shirt/").content.decode()
    first = re.search(r'<a href="([^"]+)" class="starting-link"', html)
    assert first is not None
    url = first.group(1).replace("&amp;", "&")
    assert "collar=button_down" in url and "fabric=linen_natural" in url

    opened = client.get(url).content.decode()

    # The build's choices are the shopper's now (no "Suggested" mark), and the offer is not repeated.
    assert re.search(r'id="o-fabric-linen_natural"[^>]*\s+checked', opened)
    assert "badge-suggested" not in opened
    assert "Start from a popular build" not in opened


def test_the_offer_is_made_on_arrival_only(ordered: None, client: Client) -> None:
    swap = client.get("/p/shirt/?_seen=style&collar=classic", headers={"HX-Request": "true"})
    linked = client.get("/p/shirt/?collar=wing")

    assert "Start from a popular build" not in swap.content.decode()
    assert "Start from a popular build" not in linked.content.decode()


def test_the_italian_page_offers_them_in_italian(ordered: None, client: Client) -> None:
    html = client.get("/it/p/shirt/").content.decode()

    assert "Parti da una configurazione popolare" in html
    assert "Ordinata da 3 persone" in html


def test_the_one_page_layout_offers_them_too(ordered: None, client: Client) -> None:
    Product.objects.filter(code="shirt").update(layout="single")
    catalog_publish(Product.objects.get(code="shirt"))
    starting_points_refresh("shirt")

    html = client.get("/p/shirt/").content.decode()

    assert 'class="step-block"' in html  # every step on one page
    assert "Ordered by 3 people" in html


def test_without_javascript_the_offer_is_plain_links(ordered: None, client: Client) -> None:
    html = client.get("/p/shirt/").content.decode()
    offer = html[html.index('<details class="starting-points"') : html.index("</details>")]

    assert "hx-" not in offer and "<script" not in offer
    assert offer.count('class="starting-link"') == 2
