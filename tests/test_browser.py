"""The configurator in a real browser: Playwright driving Debian's chromium (DESIGN §7).

Skipped, with the reason, where /usr/bin/chromium or Playwright is missing; see
tests/browsing.py. Screenshots of each product's page are written to var/test/artifacts/.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.test import override_settings

from config.settings import RATELIMIT_RATES
from configurator import preview_expiry
from tests.browsing import ARTIFACTS, BROWSER, preview_src, settled, total

pytestmark = BROWSER


def test_car_pick_options_see_price_reason_choose_anyway_save_and_reopen(page: Any) -> None:
    page.goto("/p/city-car/")
    page.get_by_role("link", name=re.compile("Exterior")).click()
    settled(page)
    before = total(page)
    look = preview_src(page)
    page.locator("label[for='o-body_colour-black']").click()
    page.wait_for_url(re.compile(r"body_colour=black"))
    settled(page)
    assert preview_src(page) != look  # the preview shows the black car
    # The contrast black roof is now disabled, with its reason tied to it.
    roof = page.locator("#o-roof-contrast_black")
    assert roof.is_disabled()
    reason = page.locator("#why-roof-contrast_black")
    assert "Not with" in reason.inner_text()
    assert roof.get_attribute("aria-describedby") == "why-roof-contrast_black"
    # Wheels change the price at once.
    page.locator("label[for='o-wheels-w18']").click()
    page.wait_for_url(re.compile(r"wheels=w18"))
    settled(page)
    assert total(page) != before
    # Choose anyway: the roof is chosen and the shopper is told what else changed.
    page.get_by_role("button", name=re.compile("Choose Contrast roof, black anyway")).click()
    page.wait_for_url(re.compile(r"roof=contrast_black"))
    settled(page)
    assert "we also changed" in page.locator("#notices").inner_text()
    assert page.locator("#o-roof-contrast_black").is_checked()
    # Back returns to the previous configuration (the URL is the configuration).
    page.go_back()
    page.wait_for_url(re.compile(r"wheels=w18(?!.*roof=contrast_black)"))
    assert page.locator("#o-body_colour-black").is_checked()
    page.go_forward()
    page.wait_for_url(re.compile(r"roof=contrast_black"))
    # Save and reopen the code in a fresh tab.
    shown_total = total(page)
    page.get_by_role("button", name="Save and share").click()
    page.wait_for_url(re.compile(r"/c/[0-9A-Z]{16}/"))
    share = page.locator("#share-url").input_value()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "city-car.png"), full_page=True)
    other = page.context.new_page()
    other.goto(share)
    assert other.locator("#price-total").inner_text() == shown_total
    assert "Contrast roof, black" in other.locator(".summary").inner_text()
    other.close()


def test_car_in_italian(page: Any) -> None:
    page.goto("/p/city-car/")
    page.select_option("#language-select", "it")
    page.get_by_role("button", name="Switch").click()
    page.wait_for_url(re.compile(r"/it/p/city-car/"))
    assert page.locator("html").get_attribute("lang") == "it"
    assert re.search(r"€\s\d{2}\.\d{3},00", total(page))  # the first look: a complete car, priced in Italian


def test_shirt_measurements_range_monogram_and_finish(page: Any) -> None:
    # "Finish for me" never fills measurements in: the shopper gives them all (chest below).
    page.goto("/p/shirt/?neck=40&waist=90&sleeve=64&arm=62&shirt_length=78")
    page.get_by_role("link", name=re.compile("Measurements")).click()
    settled(page)
    chest = page.locator("#p-chest")
    chest.fill("101.3")
    chest.press("Enter")
    settled(page)
    assert "Use steps of 0.5 cm." in page.locator(".parameter.has-error").inner_text()
    assert page.locator("#p-chest").evaluate("el => el === document.activeElement")
    page.locator("#p-chest").fill("101.5")
    page.locator("#p-chest").press("Enter")
    page.wait_for_url(re.compile(r"chest=101\.5"))
    settled(page)
    assert page.locator(".parameter.has-error").count() == 0
    # The monogram is checked as it is typed.
    page.get_by_role("link", name=re.compile("^.?\\s*Monogram")).click()
    settled(page)
    monogram = page.locator("#t-monogram")
    monogram.press_sequentially("a1", delay=120)
    page.wait_for_function("() => document.querySelector('#err-monogram').textContent.includes('cannot be used')")
    monogram.fill("")
    monogram.press_sequentially("JDX", delay=150)  # keys arrive while earlier checks are in flight
    page.wait_for_url(re.compile(r"monogram=JDX"))
    settled(page)
    assert monogram.input_value() == "JDX"  # every key kept: no swap replaced the field while typing
    assert page.locator("#err-monogram").inner_text() == ""
    page.get_by_role("button", name="Finish for me").click()
    page.wait_for_url(re.compile(r"_step=summary"))
    settled(page)
    assert "101.5 cm" in page.locator(".summary").inner_text()
    assert preview_src(page).endswith(".webp")  # the summary shows the shirt, as WebP where the browser takes it
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "shirt.png"), full_page=True)
    # Order it: guest checkout, then the confirmation page with the number and the status.
    page.get_by_role("link", name="Order").click()
    page.wait_for_url(re.compile(r"/orders/checkout/shirt/"))
    page.get_by_label("Full name").fill("Giulia Rossi")
    page.get_by_label("E-mail").fill("giulia@example.com")
    page.get_by_label("Delivery address").fill("Via Roma 1\n00100 Roma")
    page.get_by_role("button", name="Place the order").click()
    page.wait_for_url(re.compile(r"/orders/[0-9A-Z-]+/"))
    assert page.locator("#order-status").inner_text() == "Placed"
    page.screenshot(path=str(ARTIFACTS / "shirt-order.png"), full_page=True)


def test_the_page_works_without_javascript(browser: Any, live_server: Any, transactional_db: None) -> None:
    call_command("load_demo", stdout=None)
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    tab = context.new_page()
    tab.goto("/p/city-car/?_step=exterior")
    tab.locator("label[for='o-body_colour-red']").click()
    tab.get_by_role("button", name="Update").click()
    tab.wait_for_url(re.compile(r"body_colour=red"))
    assert tab.locator("#o-body_colour-red").is_checked()
    context.close()


def test_the_page_fits_a_phone(browser: Any, live_server: Any, transactional_db: None) -> None:
    call_command("load_demo", stdout=None)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True)
    tab = context.new_page()
    tab.goto("/p/shirt/?_step=fabric")
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    tab.locator("label[for='o-fabric-oxford_blue']").click()
    tab.wait_for_url(re.compile(r"fabric=oxford_blue"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / "shirt-phone.png"), full_page=True)
    context.close()


# Collects what the Content-Security-Policy blocked (Playwright's own scripts are exempt).
_CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _violations(page: Any) -> list[str]:
    return list(page.evaluate("() => window.__cspViolations"))


def test_no_csp_violation_on_the_configurator_the_admin_and_the_api_docs(
    page: Any, django_user_model: Any, live_server: Any
) -> None:
    django_user_model.objects.create_superuser(username="merchandiser", password="pw-merchandiser-123")
    page.context.add_init_script(_CSP_WATCH)
    # The configurator: htmx swaps, the preview, save and the share link's copy button (static/js/site.js).
    page.goto("/p/city-car/")
    page.get_by_role("link", name=re.compile("Exterior")).click()
    settled(page)
    page.locator("label[for='o-body_colour-black']").click()
    page.wait_for_url(re.compile(r"body_colour=black"))
    settled(page)
    preview_src(page)
    assert _violations(page) == []
    page.get_by_role("button", name="Save and share").click()
    page.wait_for_url(re.compile(r"/c/[0-9A-Z]{16}/"))
    page.locator("#share-url").focus()
    assert page.evaluate("() => document.getSelection().toString() || document.activeElement.selectionEnd") != 0
    page.get_by_role("button", name="Copy link").click()
    assert page.get_by_role("button", name="Copied").is_visible()
    assert _violations(page) == []
    # The admin: sign in, the index, a change form with its widgets.
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "merchandiser")
    page.fill("#id_password", "pw-merchandiser-123")
    page.get_by_role("button", name=re.compile("Log in")).click()
    page.wait_for_url(re.compile(r"/admin/$"))
    page.goto("/admin/catalog/product/add/")
    page.wait_for_load_state("networkidle")
    assert _violations(page) == []
    # Swagger UI from the pinned package draws the API.
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Configurator API" in page.locator(".swagger-ui .info .title").inner_text()
    assert _violations(page) == []


def test_a_throttled_click_shows_a_notice_and_keeps_the_page(page: Any) -> None:
    page.goto("/p/city-car/?_step=exterior")
    with override_settings(RATELIMIT_ENABLE=True, RATELIMIT_RATES={**RATELIMIT_RATES, "pages": "1/min"}):
        page.locator("label[for='o-body_colour-black']").click()  # the one request allowed
        page.wait_for_url(re.compile(r"body_colour=black"))
        settled(page)
        page.locator("label[for='o-body_colour-red']").click()
        page.wait_for_selector("#notices .notice-warning")
    assert "Please wait" in page.locator("#notices").inner_text()
    assert page.locator("#configurator").is_visible() and page.locator("#price-total").is_visible()


def test_a_preview_expired_while_the_page_was_open_comes_back(page: Any, settings: Any, tmp_path: Path) -> None:
    settings.PREVIEW_ROOT = tmp_path / "previews"
    page.goto("/p/shirt/?monogram=OPEN&monogram_position=chest&monogram_colour=navy")
    preview_src(page)
    preview_expiry.previews_expire(max_age_days=0, max_bytes=0)  # the sweep removes every recipe and picture
    # The browser asks for the picture again (as after a restored tab): the server no longer has it.
    page.evaluate(
        "() => { for (const s of document.querySelectorAll('#preview source'))"
        " s.srcset = s.srcset.replace(/\\.webp/g, '.webp?r=0') }"
    )
    page.wait_for_function(
        "() => { const i = document.querySelector('#preview img');"
        " return /\\?r=[1-9]/.test(i.currentSrc) && i.complete && i.naturalWidth > 0 }"
    )
    assert list(Path(settings.PREVIEW_ROOT).rglob("*.json"))  # the page stored its recipe again
