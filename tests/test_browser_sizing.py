"""Made-to-measure help in a browser: start from a usual size, check the estimates, order."""

from __future__ import annotations

import re
from typing import Any

from django.core.management import call_command

from tests.browsing import ARTIFACTS, BROWSER, settled

pytestmark = BROWSER

SIZE_M = {"neck": "40", "chest": "102", "waist": "88", "sleeve": "64", "arm": "62", "shirt_length": "78"}


def _measurements(page: Any) -> None:
    page.goto("/p/shirt/")
    page.get_by_role("link", name=re.compile("Measurements")).click()
    settled(page)


def _pick_size(page: Any, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_url(re.compile(r"_size=M"))
    settled(page)


def test_pick_size_m_check_the_estimates_and_order(page: Any) -> None:
    _measurements(page)
    _pick_size(page, "M (collar 40)")
    for code, value in SIZE_M.items():
        assert page.locator(f"#p-{code}").input_value() == value
        field = page.locator(f".parameter:has(#p-{code})")
        assert "Estimate from size M (collar 40): check it." in field.inner_text()
    assert "From size M (collar 40) — check each one." in page.locator("#estimates").inner_text()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "shirt-size-estimates.png"), full_page=True)
    # Style choices finished for us; the estimates still stand between the shopper and "Order".
    page.get_by_role("button", name="Finish for me").click()
    page.wait_for_url(re.compile(r"_step=summary"))
    settled(page)
    assert page.get_by_role("link", name="Order").count() == 0
    assert "estimate" in page.locator(".summary").inner_text()
    page.get_by_role("button", name="I have checked these").click()
    settled(page)
    page.get_by_role("link", name="Order").click()
    page.wait_for_url(re.compile(r"/orders/checkout/shirt/"))
    assert "_estimated" not in page.url
    page.get_by_label("Full name").fill("Giulia Rossi")
    page.get_by_label("E-mail").fill("giulia@example.com")
    page.get_by_label("Delivery address").fill("Via Roma 1\n00100 Roma")
    page.get_by_role("button", name="Place the order").click()
    page.wait_for_url(re.compile(r"/orders/[0-9A-Z-]+/"))
    assert "102 cm" in page.content()


def test_editing_or_confirming_a_field_settles_only_that_field(page: Any) -> None:
    _measurements(page)
    _pick_size(page, "M (collar 40)")
    chest = page.locator("#p-chest")
    chest.fill("104")
    chest.press("Enter")
    page.wait_for_url(re.compile(r"chest=104"))
    settled(page)
    assert page.locator(".parameter.estimated").count() == len(SIZE_M) - 1
    assert "Estimate" not in page.locator(".parameter:has(#p-chest)").inner_text()
    page.locator(".parameter:has(#p-neck)").get_by_role("button", name="This is right").click()
    settled(page)
    assert page.locator(".parameter.estimated").count() == len(SIZE_M) - 2
    assert re.search(r"_estimated=waist(%2C|,)sleeve(%2C|,)arm(%2C|,)shirt_length", page.url)


def test_an_unusual_sleeve_is_flagged_beside_both_fields_without_blocking(page: Any) -> None:
    _measurements(page)
    _pick_size(page, "M (collar 40)")
    # 66 cm on a 62 cm arm: unusual (the warning), yet a long sleeve the workshop can make.
    page.locator("#p-sleeve").fill("66")
    page.locator("#p-sleeve").press("Enter")
    page.wait_for_url(re.compile(r"sleeve=66"))
    settled(page)
    message = "The sleeve is much longer than the arm: check both measurements."
    assert message in page.locator(".parameter:has(#p-sleeve)").inner_text()
    assert message in page.locator(".parameter:has(#p-arm)").inner_text()
    assert message not in page.locator(".parameter:has(#p-neck)").inner_text()
    # The guide opens beside the field, without leaving the page.
    guide = page.locator(".parameter:has(#p-neck) details.guide")
    guide.locator("summary").click()
    assert guide.locator("img").is_visible()
    assert "base of your neck" in guide.inner_text()
    # Never blocking: with the estimates checked, the warning stands and "Order" is offered all the same.
    page.get_by_role("button", name="I have checked these").click()
    page.wait_for_url(lambda url: "_estimated" not in url)
    settled(page)
    assert message in page.locator(".parameter:has(#p-sleeve)").inner_text()
    page.get_by_role("button", name="Next").click()
    page.wait_for_url(re.compile(r"_step=monogram"))
    settled(page)
    page.get_by_role("button", name="Review").click()
    page.wait_for_url(re.compile(r"_step=summary"))
    settled(page)
    assert "sleeve=66" in page.url
    assert "Your configuration is complete and can be built." in page.locator("#configurator").inner_text()
    page.get_by_role("link", name="Order").click()
    page.wait_for_url(re.compile(r"/orders/checkout/shirt/\?.*sleeve=66"))


def test_sizes_and_guides_work_without_javascript(browser: Any, live_server: Any, transactional_db: None) -> None:
    call_command("load_demo", stdout=None)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    tab = context.new_page()
    tab.goto("/p/shirt/?_step=measurements")
    tab.get_by_role("button", name="L (collar 42)").click()
    tab.wait_for_url(re.compile(r"_size=L"))
    assert tab.locator("#p-neck").input_value() == "42"
    tab.get_by_role("button", name="I have checked these").first.click()
    tab.wait_for_url(lambda url: "_estimated" not in url)
    assert tab.locator(".parameter.estimated").count() == 0
    tab.locator(".parameter:has(#p-arm) details.guide summary").click()
    assert tab.locator(".parameter:has(#p-arm) details.guide img").is_visible()
    context.close()
