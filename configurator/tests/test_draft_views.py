"""Staff try a product's draft in the configurator and ask why an option can never be chosen (issue 18)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from catalog.models import Option, Product, Rule
from catalog.services import catalog_import
from catalog.tests.factories import small_catalog
from insights.models import Event

pytestmark = pytest.mark.django_db

DRAFT = "/p/bike/draft/"
WHY_BLACK = "/p/bike/draft/why/frame/black/"


@pytest.fixture
def bike() -> Product:
    """The small catalog's bike, published: its draft starts equal to version 1."""
    catalog_import(small_catalog(), publish=True)
    return Product.objects.get(code="bike")


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _option_tag(html: str, group: str, option: str) -> str:
    found = re.search(rf'<input type="radio" id="o-{group}-{option}"[^>]*>', html)
    assert found, f"no radio for {group}={option}"
    return found.group(0)


@pytest.mark.parametrize("url", [DRAFT, WHY_BLACK])
def test_a_visitor_not_signed_in_is_sent_to_the_admin_sign_in(bike: Product, outsider: Client, url: str) -> None:
    response = outsider.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=") and "draft" in response["Location"]


@pytest.mark.parametrize("url", [DRAFT, WHY_BLACK])
def test_shoppers_and_view_only_staff_are_refused(bike: Product, shopper: Any, viewer: Any, url: str) -> None:
    assert _signed_in(shopper).get(url).status_code == 403
    assert _signed_in(viewer).get(url).status_code == 403


def test_the_draft_shows_a_new_rule_that_the_published_page_does_not(
    bike: Product, editor: Any, client: Client
) -> None:
    tall = "?height=195&_step=look"
    staff = _signed_in(editor)
    before = staff.get(DRAFT + tall)
    assert before.status_code == 200 and "disabled" not in _option_tag(before.text, "frame", "black")
    Rule.objects.create(product=bike, code="R9", expr="height > 190 -> frame = blue", message="Tall frames: blue only.")

    draft = staff.get(DRAFT + tall)  # the changed draft, on the next request
    assert "disabled" in _option_tag(draft.text, "frame", "black")
    assert re.search(r'id="why-frame-black">[^<]*Tall frames: blue only\.<', draft.text)
    shop = client.get("/p/bike/" + tall)
    assert "disabled" not in _option_tag(shop.text, "frame", "black")
    assert "Tall frames" not in shop.text


def test_the_draft_page_says_so_links_back_and_offers_no_save_or_order(bike: Product, editor: Any) -> None:
    page = _signed_in(editor).get(DRAFT + "?frame=blue&basket=&height=180&tag=Ann&_step=summary")
    assert "Draft — not published; shoppers do not see this." in page.text
    assert f'href="/admin/catalog/product/{bike.pk}/change/"' in page.text
    assert "Your configuration is complete and can be built." in page.text
    assert "Save and share" not in page.text and "/save" not in page.text
    assert "/orders/" not in page.text and ">Order<" not in page.text


def test_every_request_of_the_draft_page_stays_on_the_draft(bike: Product, editor: Any) -> None:
    staff = _signed_in(editor)
    page = staff.get(DRAFT)
    assert f'action="{DRAFT}"' in page.text and f'hx-get="{DRAFT}"' in page.text
    assert 'action="/p/bike/"' not in page.text and 'href="/p/bike/?' not in page.text
    clicked = staff.get(DRAFT, {"frame": "black", "_seen": "look", "_step": "look"}, HTTP_HX_REQUEST="true")
    assert clicked.status_code == 200 and clicked["HX-Push-Url"].startswith(DRAFT + "?")
    finished = staff.get(DRAFT, {"_seen": "look", "_action": "finish"})
    assert finished.status_code == 302 and finished["Location"].startswith(DRAFT + "?")


def test_trying_the_draft_records_no_insight_events(bike: Product, editor: Any, client: Client) -> None:
    client.get("/p/bike/")
    client.get("/p/bike/", {"frame": "black", "_seen": "look"})
    recorded = Event.objects.count()
    assert recorded > 0  # the shop's visit is recorded: the draft's below would be too, were it not excluded
    staff = _signed_in(editor)
    staff.get(DRAFT)
    staff.get(DRAFT, {"frame": "black", "_seen": "look"})
    staff.get(DRAFT, {"_seen": "look", "_action": "finish"})
    assert Event.objects.count() == recorded


def test_a_draft_with_errors_shows_them_instead_of_the_configurator(bike: Product, editor: Any) -> None:
    Rule.objects.create(product=bike, code="RX", expr="frame = = blue")
    staff = _signed_in(editor)
    page = staff.get(DRAFT)
    assert page.status_code == 200
    problem = "expected an option code after &#x27;frame =&#x27;"
    assert "cannot be tried" in page.text and problem in page.text
    assert 'id="configurator"' not in page.text
    why = staff.get(WHY_BLACK)
    assert why.status_code == 200 and problem in why.text
    # An htmx click on a draft that broke meanwhile reloads the page, which then shows the errors.
    assert staff.get(DRAFT, {"frame": "blue"}, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"


def _why_rules(html: str) -> list[str]:
    listed = re.search(r'<ul class="why-rules">(.*?)</ul>', html, re.S)
    assert listed, "no list of rules"
    return re.findall(r'<a href="/admin/catalog/rule/\d+/change/">([^<]+)</a>', listed.group(1))


def test_why_lists_exactly_the_minimal_rules_that_forbid_the_option(bike: Product, editor: Any) -> None:
    # R1 (a basket needs a blue frame) and R8 (a basket needs a black frame) together forbid the basket;
    # R9 is about something else and T1 allows every frame: neither belongs in the answer.
    Rule.objects.create(product=bike, code="R8", expr="basket -> frame = black", message="Baskets need black.")
    Rule.objects.create(product=bike, code="R9", expr="height >= 160 or frame = blue", message="Tall riders.")
    page = _signed_in(editor).get("/p/bike/draft/why/basket/wicker/")
    assert page.status_code == 200
    assert sorted(_why_rules(page.text)) == ["R1", "R8"]
    assert "basket -&gt; frame = black" in page.text and "Baskets need black." in page.text
    wicker = Option.objects.get(group__product=bike, group__code="basket", code="wicker")
    assert f'href="/admin/catalog/option/{wicker.pk}/change/"' in page.text


def test_why_says_when_the_option_can_be_chosen_or_is_inactive(bike: Product, editor: Any) -> None:
    staff = _signed_in(editor)
    page = staff.get(WHY_BLACK)
    assert "It can be chosen: no rule forbids it on the draft." in page.text
    assert 'class="why-rules"' not in page.text
    Option.objects.filter(group__product=bike, code="black").update(active=False)
    assert "It is not active" in staff.get(WHY_BLACK).text
    assert staff.get("/p/bike/draft/why/frame/purple/").status_code == 404


def test_the_product_admin_page_links_to_its_draft(bike: Product, editor: Any, viewer: Any) -> None:
    change = f"/admin/catalog/product/{bike.pk}/change/"
    assert f'href="{DRAFT}"' in _signed_in(editor).get(change).text
    assert f'href="{DRAFT}"' not in _signed_in(viewer).get(change).text


def test_the_draft_and_why_pages_speak_italian(bike: Product, editor: Any) -> None:
    staff = _signed_in(editor)
    assert "Bozza — non pubblicata; i clienti non la vedono." in staff.get("/it" + DRAFT).text
    Rule.objects.create(product=bike, code="R8", expr="basket -> frame = black", message="Baskets need black.")
    why = staff.get("/it/p/bike/draft/why/basket/wicker/").text
    assert "Non si può mai scegliere: queste 2 regole insieme lo vietano" in why
    assert "Opzione <a href=" in why
