"""A merchandiser tries the draft from the product's admin page, in a real browser (issue 18).

Skipped, with the reason, where /usr/bin/chromium or Playwright is missing; see tests/browsing.py.
Screenshots of each step are written to var/test/artifacts/screenshots/.
"""

from __future__ import annotations

import re
from typing import Any

from catalog.models import Product, Rule
from tests.browsing import ARTIFACTS, BROWSER, settled

pytestmark = BROWSER

SCREENSHOTS = ARTIFACTS / "screenshots"
ADMIN = {"width": 1366, "height": 900}


def _sign_in(page: Any) -> None:
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "pw-editor-123")
    page.get_by_role("button", name=re.compile("Log in|Accedi")).click()
    page.wait_for_url(re.compile(r"/admin/$"))


def test_try_the_draft_from_the_admin_and_see_a_new_rule_s_effect(page: Any, editor: Any) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(ADMIN)
    car = Product.objects.get(code="city-car")
    Rule.objects.create(
        product=car,
        code="R20",
        expr="body_colour = yellow -> roof != panoramic",
        message="The glass roof does not come with Sunflower Yellow.",
    )
    _sign_in(page)
    page.goto(f"/admin/catalog/product/{car.pk}/change/")
    page.screenshot(path=str(SCREENSHOTS / "draft-1-product-admin.png"))
    page.get_by_role("link", name="Try the draft").click()
    page.wait_for_url(re.compile(r"/p/city-car/draft/"))
    banner = page.locator(".draft-banner")
    assert "Draft — not published; shoppers do not see this." in banner.inner_text()
    assert page.get_by_role("button", name="Save and share").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "draft-2-banner.png"))

    page.get_by_role("link", name=re.compile("Exterior")).click()
    settled(page)
    page.locator("label[for='o-body_colour-yellow']").click()
    page.wait_for_url(re.compile(r"/p/city-car/draft/\?.*body_colour=yellow"))
    settled(page)
    assert page.locator("#o-roof-panoramic").is_disabled()
    assert "The glass roof does not come with Sunflower Yellow." in page.locator("#why-roof-panoramic").inner_text()
    page.locator("#g-roof").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "draft-3-rule-effect.png"))

    # The shop still serves the published version: the new rule is not there.
    page.goto("/p/city-car/?body_colour=yellow&_step=exterior")
    assert not page.locator("#o-roof-panoramic").is_disabled()

    # Back in the admin through the banner's link.
    page.goto("/p/city-car/draft/")
    page.locator(".draft-banner a").click()
    page.wait_for_url(re.compile(rf"/admin/catalog/product/{car.pk}/change/"))


def test_why_an_option_can_never_be_chosen_names_the_rules(page: Any, editor: Any) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(ADMIN)
    car = Product.objects.get(code="city-car")
    Rule.objects.create(product=car, code="R21", expr="roof != contrast_white", message="Not this season.")
    _sign_in(page)
    page.goto("/p/city-car/draft/why/roof/contrast_white/")
    answer = page.locator(".why-rules")
    assert answer.get_by_role("link", name="R21").count() == 1
    assert "roof != contrast_white" in answer.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "draft-4-why-never.png"))
    answer.get_by_role("link", name="R21").click()
    page.wait_for_url(re.compile(r"/admin/catalog/rule/\d+/change/"))
