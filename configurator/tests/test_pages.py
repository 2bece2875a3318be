"""The configurator page as the presenter builds it: layouts, hidden options, words, finish, numbers, steps."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client

from catalog.models import Product
from catalog.services import catalog_publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    call_command("load_demo", stdout=None)


def _layout(code: str, layout: str) -> None:
    Product.objects.filter(code=code).update(layout=layout)
    catalog_publish(Product.objects.get(code=code))


def test_the_steps_layout_shows_one_step_at_a_time(client: Client, demo: None) -> None:
    _layout("city-car", "steps")
    page = client.get("/p/city-car/").text
    assert 'class="step-block"' not in page
    assert 'id="o-engine-' in page and 'id="o-body_colour-red"' not in page  # the exterior is the next step
    assert ">Next</button>" in page
    assert 'href="/p/city-car/?_step=exterior" hx-get="/p/city-car/?_step=exterior"' in page


def test_the_single_layout_shows_every_step_on_one_page(client: Client, demo: None) -> None:
    _layout("city-car", "single")
    page = client.get("/p/city-car/?body_colour=red").text
    blocks = re.findall(r'<section class="step-block" aria-labelledby="h-([a-z_]+)">', page)
    assert blocks == ["version", "exterior", "interior", "packs"]
    assert 'id="o-body_colour-red"' in page and 'id="o-wheels-w16"' in page
    assert ">Next</button>" not in page and ">Review</button>" in page
    # The stepper's links lead to each block of this same page, not to another step.
    assert '<a href="/p/city-car/?body_colour=red#h-exterior">' in page
    response = client.get("/p/city-car/?body_colour=red&wheels=w16", headers={"HX-Request": "true"})
    assert response["HX-Push-Url"] == "/p/city-car/?body_colour=red&wheels=w16"


def test_an_option_no_choice_can_make_possible_is_hidden(client: Client, demo: None) -> None:
    product = Product.objects.get(code="city-car")
    product.rules.create(code="NOYELLOW", kind="constraint", expr="body_colour != yellow", message="Out of stock.")
    catalog_publish(product)
    page = client.get("/p/city-car/?_step=exterior").text
    assert 'id="o-body_colour-red"' in page
    assert 'id="o-body_colour-yellow"' not in page and "Never available" not in page and "Out of stock" not in page
    # An option only the shopper's own choices exclude stays, with its reason and "choose anyway".
    page = client.get("/p/city-car/?body_colour=black&_step=exterior").text
    assert 'id="o-roof-contrast_black"' in page and 'name="_want" value="roof:contrast_black"' in page
