"""Each kind of event, recorded from real requests of the shopper's pages (docs/insights.md)."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from insights.models import DailyBlock, Event
from insights.rollup import rollup_days
from insights.tests.shopping import FROM_SHOP, Shopper, hidden, kinds
from personalisation.popular import starting_points_refresh
from personalisation.tests.popular_orders import place_shirts

pytestmark = pytest.mark.django_db

SHIRT_LOOK = (
    "?fabric=oxford_blue&collar=classic&sleeves=long&cuffs=single&buttons=white&fit=regular&pocket="
    "&monogram_position=&monogram_colour=&neck=41.5&chest=103.5&waist=91.5&sleeve=64.5&arm=62.5&shirt_length=79.5"
)
CAR_LOOK = "?trim=style&engine=turbo100&gearbox=manual6&body_colour=red&roof=body&wheels=w16&interior=fabric_grey"


@pytest.fixture(autouse=True)
def demo() -> None:
    call_command("load_demo", stdout=None)


def _events(**filters: object) -> list[Event]:
    return list(Event.objects.filter(**filters).order_by("id"))


def test_arriving_starts_a_visit_with_its_first_step_and_preview(client: Client) -> None:
    shopper = Shopper(client, "city-car")
    page = shopper.open()
    visit, step, preview = _events()
    assert [visit.kind, step.kind, preview.kind] == ["visit", "step", "preview"]
    assert {e.visit for e in (visit, step, preview)} == {shopper.visit}
    assert re.fullmatch(r"[0-9a-f]{16}", visit.visitor) and step.visitor == preview.visitor == ""
    assert visit.step == step.step == "version" and visit.product == "city-car" and visit.version == 1
    assert visit.day == timezone.localdate() and not visit.simulated
    total = re.search(r'id="price-total">€([\d,.]+)<', page.text)
    assert total and visit.price == Decimal(total.group(1).replace(",", ""))


def test_the_first_looks_suggestions_are_not_chosen_but_the_shoppers_clicks_are(client: Client) -> None:
    shopper = Shopper(client, "city-car")
    shopper.open()
    shopper.send(("body_colour", "black"), step="exterior")
    shopper.send(("body_colour", "blue"), step="exterior")
    chosen = [(e.kind, e.group, e.option, e.step) for e in _events(kind__in=["chosen", "unchosen"])]
    # Red was the first look's suggestion: giving it up is no "unchosen".
    assert chosen == [
        ("chosen", "body_colour", "black", "version"),
        ("chosen", "body_colour", "blue", "exterior"),
        ("unchosen", "body_colour", "black", "exterior"),
    ]


def test_a_step_is_recorded_when_the_page_shows_another_one(client: Client) -> None:
    shopper = Shopper(client, "city-car")
    shopper.open()
    shopper.send(step="exterior")
    shopper.send(("wheels", "w15"), step="exterior")
    shopper.send(step="summary")
    assert [e.step for e in _events(kind="step")] == ["version", "exterior", "summary"]


def _total(page: Any) -> Decimal:
    """Return the total the page shows."""
    total = re.search(r'id="price-total">€([\d,.]+)<', page.text)
    assert total is not None
    return Decimal(total.group(1).replace(",", ""))


def test_a_later_step_carries_the_total_the_page_shows_with_it(client: Client) -> None:
    shopper = Shopper(client, "city-car")
    first = shopper.open()
    page = shopper.send(("trim", "premium"), step="exterior")
    arrived, later = _events(kind="step")
    assert arrived.price == _total(first)
    assert later.step == "exterior" and later.price == _total(page) != arrived.price


def test_measurements_and_texts_are_filled_and_cleared_without_their_values(client: Client) -> None:
    shopper = Shopper(client, "shirt")
    shopper.open()
    shopper.send(("neck", "41.5"), step="measurements")
    shopper.send(("neck", "forty"), step="measurements")
    shopper.send(("neck", None), step="measurements")
    shopper.send(("monogram", "QXZ"), step="monogram")
    fields = [(e.kind, e.field, e.valid) for e in _events(kind__in=["filled", "cleared"])]
    assert fields == [
        ("filled", "neck", True),
        ("filled", "neck", False),
        ("cleared", "neck", None),
        ("filled", "monogram", True),
    ]


def test_a_text_field_sent_empty_is_not_filled(client: Client) -> None:
    shopper = Shopper(client, "shirt")
    shopper.open()
    # The form sends every text field, empty or not: an empty one was never typed in.
    shopper.send(("monogram", ""), step="monogram")
    assert _events(kind__in=["filled", "cleared"]) == []


def test_checking_a_text_as_it_is_typed_records_nothing(client: Client) -> None:
    shopper = Shopper(client, "shirt")
    shopper.open()
    before = Event.objects.count()
    response = shopper.send(("monogram", "QX"), step="monogram", extra=(("_live", "monogram"),))
    assert response.status_code == 200 and "HX-Replace-Url" in response
    assert Event.objects.count() == before


def test_a_click_on_an_unavailable_option_records_the_rules_that_blocked_it(client: Client) -> None:
    shopper = Shopper(client, "city-car")
    shopper.open(CAR_LOOK.replace("red", "black") + "&_seen=version")
    page = shopper.send(step="exterior")
    assert 'data-asked hx-get="/p/city-car/"' in page.text and "roof:contrast_black" in page.text
    response = shopper.send(extra=(("_asked", "roof:contrast_black"),))
    assert response.status_code == 204 and response.content == b""
    blocked, offered = _events(kind__in=["blocked", "anyway_offered"])
    assert (blocked.kind, blocked.group, blocked.option, blocked.rules, blocked.step) == (
        "blocked",
        "roof",
        "contrast_black",
        "R1",
        "exterior",
    )
    assert (offered.kind, offered.group, offered.option) == ("anyway_offered", "roof", "contrast_black")


def test_a_block_answered_by_picking_another_option_of_the_group_is_other_option(client: Client) -> None:
    """Blocked B, then the shopper swaps A for C in the same group: the rollup scores it other_option."""
    shopper = Shopper(client, "city-car")
    shopper.open(CAR_LOOK.replace("red", "black") + "&_seen=version")
    shopper.send(step="exterior")
    assert shopper.send(extra=(("_asked", "roof:contrast_black"),)).status_code == 204
    shopper.send(("roof", "panoramic"))
    rollup_days([timezone.localdate()])
    row = DailyBlock.objects.get(option="contrast_black")
    assert (row.times, row.other_option, row.continued, row.left) == (1, 1, 0, 0)
    assert kinds(kind__in=["chosen", "unchosen"]) == ["chosen", "unchosen"]


def test_asking_about_an_available_or_unknown_option_records_nothing(client: Client) -> None:
    shopper = Shopper(client, "city-car")
    shopper.open()
    before = Event.objects.count()
    assert shopper.send(extra=(("_asked", "roof:panoramic"),)).status_code == 204
    assert shopper.send(extra=(("_asked", "roof:sunroof"),)).status_code == 204
    assert Event.objects.count() == before
    # Without a visit going on (the page was left open for days), the click starts none.
    response = client.get(
        "/p/city-car/", {"_asked": "roof:contrast_black", "body_colour": "black"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 204 and Event.objects.count() == before


def test_choose_anyway_records_the_block_then_what_it_changed(client: Client) -> None:
    shopper = Shopper(client, "city-car")
    shopper.open(CAR_LOOK.replace("red", "black") + "&_seen=version")
    shopper.send(step="exterior")
    shopper.send(extra=(("_want", "roof:contrast_black"),))
    events = _events(kind__in=["blocked", "anyway_offered", "anyway_applied", "chosen", "unchosen"])
    assert [(e.kind, e.group, e.option) for e in events] == [
        ("blocked", "roof", "contrast_black"),
        ("anyway_offered", "roof", "contrast_black"),
        ("anyway_applied", "roof", "contrast_black"),
    ]
    assert events[0].rules == "R1" and events[2].changes == "group:body_colour"
    # The next click compares with the page "choose anyway" drew: what it set is no click of the shopper's.
    shopper.send(("wheels", "w15"))
    assert [(e.group, e.option) for e in _events(kind="chosen")] == [("wheels", "w15")]


def test_finish_for_me_is_recorded_and_what_it_chose_is_not(client: Client) -> None:
    shopper = Shopper(client, "city-car")
    shopper.open("?trim=premium&_seen=version")
    shopper.send(extra=(("_action", "finish"),))
    assert kinds(kind__in=["finish", "chosen", "step"]) == ["step", "finish", "step"]
    assert _events(kind="step")[-1].step == "summary"
    shopper.send(step="summary")
    assert not _events(kind="chosen")


def test_an_action_without_javascript_redirects_within_the_same_visit(client: Client) -> None:
    page = client.get("/p/city-car/" + CAR_LOOK + "&_seen=version")
    visit = hidden(page, "_visit")
    response = client.get(
        "/p/city-car/" + CAR_LOOK + f"&_seen=version&_action=finish&_visit={visit}", headers=FROM_SHOP
    )
    assert response.status_code == 302 and f"_visit={visit}" in response["Location"]
    client.get(response["Location"], headers=FROM_SHOP)
    assert set(Event.objects.values_list("visit", flat=True)) == {visit}
    assert kinds() == ["visit", "step", "preview", "finish", "step", "preview"]


def test_addresses_never_carry_the_visit_but_the_order_link_does(client: Client) -> None:
    shopper = Shopper(client, "city-car")
    shopper.open(CAR_LOOK + "&_seen=version,exterior,interior,packs&packs=")
    page = shopper.send(step="summary")
    assert "_visit" not in page["HX-Push-Url"] and "_prev" not in page["HX-Push-Url"]
    links = re.findall(r'href="([^"]*)"', page.text)
    assert not [link for link in links if "_prev" in link]
    order = [link for link in links if "/checkout/" in link]
    assert order and f"_visit={shopper.visit}" in order[0]
    assert [link for link in links if "_visit" in link] == order


def test_saving_then_opening_the_saved_page_continue_the_visit(client: Client) -> None:
    shopper = Shopper(client, "city-car")
    shopper.open(CAR_LOOK + "&_seen=version")
    form = dict(shopper.pairs) | dict(shopper.page_state())
    response = client.post("/p/city-car/save", form)
    assert response.status_code == 302 and f"_visit={shopper.visit}" in response["Location"]
    (saved,) = _events(kind="saved")
    assert saved.visit == shopper.visit and saved.step == "version"
    assert saved.choices.startswith("trim=style;engine=turbo100;gearbox=manual6;body_colour=red;")
    client.get(response["Location"], headers=FROM_SHOP)
    assert kinds(kind__in=["visit", "share_opened"]) == ["visit"]


@pytest.mark.parametrize(
    "headers",
    [{}, {"Referer": "https://elsewhere.example/p/city-car/"}],
    ids=["pasted", "linked-from-another-site"],
)
def test_an_address_copied_with_the_visit_in_it_starts_its_own_visit(client: Client, headers: dict[str, str]) -> None:
    """The saved page's address (`?saved=1&_visit=…`) and the Order link, opened by someone else."""
    shopper = Shopper(client, "city-car")
    shopper.open(CAR_LOOK + "&_seen=version,exterior,interior,packs&packs=")
    saved = client.post("/p/city-car/save", dict(shopper.pairs) | dict(shopper.page_state()))["Location"]
    page = shopper.send(step="summary")
    order_link = re.search(r'href="(/orders/checkout/city-car/[^"]*)"', page.text)
    assert order_link and f"_visit={shopper.visit}" in saved
    friend = Client()
    opened = friend.get(saved, headers=headers)
    assert hidden(opened, "_visit") not in (None, shopper.visit)
    checkout = friend.get(html.unescape(order_link.group(1)), headers=headers)
    assert checkout.status_code == 200 and f'name="_visit" value="{shopper.visit}"' not in checkout.text
    (share,) = _events(kind="share_opened")
    assert share.visit == hidden(opened, "_visit") and share.visit != shopper.visit
    (opened_checkout,) = _events(kind="checkout")
    assert opened_checkout.visit not in (shopper.visit, share.visit)
    assert kinds(kind="visit") == ["visit"] * 3


def test_a_popular_build_continues_the_visit(client: Client) -> None:
    place_shirts(2, collar="cutaway")
    starting_points_refresh("shirt")
    shopper = Shopper(client, "shirt")
    page = shopper.open()
    link = re.search(r'<a href="([^"]+)" class="starting-link"', page.text)
    assert link is not None
    url = html.unescape(link.group(1))
    assert f"_visit={shopper.visit}" in url
    opened = client.get(url, headers={"Referer": "http://testserver/p/shirt/?fabric=oxford_blue"})
    assert opened.status_code == 200 and hidden(opened, "_visit") == shopper.visit
    assert kinds(kind="visit") == ["visit"]
    assert set(Event.objects.values_list("visit", flat=True)) == {shopper.visit}
    # The same link followed from another product's page is no continuation of this one.
    other = client.get(url, headers={"Referer": "http://testserver/p/city-car/"})
    assert hidden(other, "_visit") not in (None, shopper.visit)
    assert kinds(kind="visit") == ["visit", "visit"]


def test_opening_a_share_link_starts_a_visit(client: Client) -> None:
    saved = Client().post("/p/city-car/save", {"trim": "premium"})
    response = client.get(saved["Location"].split("?")[0])
    assert response.status_code == 200
    assert kinds(visit=hidden(response, "_visit")) == ["visit", "share_opened", "step", "preview"]
    share = _events(kind="share_opened")[0]
    assert share.choices == "trim=premium" and share.visit == hidden(response, "_visit")
    assert _events(kind="step")[0].step == "summary"


def test_checkout_and_order_join_the_visit(client: Client) -> None:
    shopper = Shopper(client, "shirt")
    shopper.open(SHIRT_LOOK + "&_seen=fabric,style,measurements,monogram")
    page = shopper.send(step="summary")
    order_link = re.search(r'href="(/orders/checkout/shirt/[^"]*)"', page.text)
    assert order_link
    url = order_link.group(1).replace("&amp;", "&")
    checkout = client.get(url, headers=FROM_SHOP)
    assert checkout.status_code == 200 and f'name="_visit" value="{shopper.visit}"' in checkout.text
    form = checkout.context["form"]
    data = {
        "name": "Ada",
        "email": "ada@example.com",
        "address": "12 Via Roma, 00100 Roma, Italia",
        "_visit": shopper.visit,
    }
    data |= {key: str(form.initial[key]) for key in ("idempotency", "quoted_version", "quoted_total")}
    placed = client.post(url, data)
    assert placed.status_code == 302, re.findall(r'(?:error|errors)"[^>]*>(.*?)<', placed.text)
    opened, ordered = _events(kind__in=["checkout", "order"])
    assert {opened.visit, ordered.visit} == {shopper.visit}
    assert (opened.step, ordered.step) == ("checkout", "order")
    assert opened.choices == ordered.choices and "fabric=oxford_blue" in ordered.choices
    from orders.models import Order

    assert ordered.price == Order.objects.get().total == opened.price
