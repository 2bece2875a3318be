"""Start from a popular build in a browser: the offer on arrival, one click, then adapt it (issue 19)."""

from __future__ import annotations

import re
from typing import Any

from django.core.management import call_command

from catalog.models import Product
from personalisation.models.popular import PinnedPreset
from personalisation.popular import starting_points_refresh
from personalisation.tests.popular_orders import place_shirts
from tests.browsing import ARTIFACTS, BROWSER, settled

pytestmark = BROWSER

SHOTS = ARTIFACTS / "screenshots"
ADMIN = {"width": 1366, "height": 900}


def _ordered() -> None:
    call_command("load_demo", stdout=None)
    shirt = Product.objects.get(code="shirt")
    PinnedPreset.objects.create(product=shirt, name="Office classic", name_it="Classica da ufficio", choices={})
    place_shirts(3, collar="button_down", fabric="linen_natural")
    place_shirts(2, collar="cutaway", fabric="stripe_blue")
    starting_points_refresh("shirt")


def test_start_from_a_popular_build_and_adapt_it(page: Any) -> None:
    _ordered()
    page.goto("/p/shirt/")
    offer = page.locator(".starting-points")
    assert "Start from a popular build" in offer.inner_text()
    assert "Ordered by 3 people" in offer.inner_text()
    assert offer.locator(".starting-point").first.inner_text().startswith("Office classic")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "popular-builds-offered.png"), full_page=True)

    page.get_by_role("link", name="Natural linen · Button-down").click()
    page.wait_for_url(re.compile(r"fabric=linen_natural"))
    assert page.locator("#o-fabric-linen_natural").is_checked()
    assert page.locator(".starting-points").count() == 0
    page.screenshot(path=str(SHOTS / "popular-build-opened.png"), full_page=True)

    # The shopper adapts it: the rest of the build stays theirs.
    page.locator("label[for='o-fabric-oxford_blue']").click()
    settled(page)
    page.wait_for_url(re.compile(r"fabric=oxford_blue"))
    assert "collar=button_down" in page.url
    page.screenshot(path=str(SHOTS / "popular-build-adapted.png"), full_page=True)


def test_italian_shoppers_see_the_offer_in_italian(italian: Any) -> None:
    _ordered()
    italian.goto("/it/p/shirt/")
    offer = italian.locator(".starting-points")
    assert "Parti da una configurazione popolare" in offer.inner_text()
    assert "Classica da ufficio" in offer.inner_text()
    assert "Ordinata da 3 persone" in offer.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    italian.screenshot(path=str(SHOTS / "popular-builds-italian.png"), full_page=True)


def test_a_merchandiser_pins_a_preset_and_shoppers_start_from_it(page: Any, merchandiser: Any) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(ADMIN)
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "merchandiser")
    page.fill("#id_password", "pw-merchandiser-123")
    page.get_by_role("button", name=re.compile("Log in|Accedi")).click()
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto("/admin/personalisation/pinnedpreset/add/")
    page.select_option("#id_product", value=str(Product.objects.get(code="shirt").pk))
    page.fill("#id_name", "Summer linen")
    page.fill("#id_choices", '{"fabric": "linen", "sleeves": "short"}')
    page.get_by_role("button", name="Save", exact=True).click()
    errors = page.locator(".errorlist").inner_text()
    assert "Fabric has no option “linen”." in errors
    page.screenshot(path=str(SHOTS / "preset-refused.png"))

    page.fill("#id_choices", '{"fabric": "linen_natural", "sleeves": "short"}')
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/admin/personalisation/pinnedpreset/$"))
    page.screenshot(path=str(SHOTS / "preset-pinned.png"))
    starting_points_refresh("shirt")  # the worker's part, after the save

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/p/shirt/")
    page.get_by_role("link", name="Summer linen").click()
    page.wait_for_url(re.compile(r"sleeves=short"))
    assert page.locator("#o-fabric-linen_natural").is_checked()
    page.screenshot(path=str(SHOTS / "preset-opened.png"), full_page=True)
