"""Issue 19's "done when", in a real browser: after `make run`'s simulated shoppers (with their orders),
both demo products offer popular builds and "often chosen with" suggestions, each saying why, and the
shirt offers its guided questions. Screenshots: var/test/artifacts/screenshots/demo-personal-*.png.

(The returning shopper's magic link is walked through in tests/test_browser_returning.py.)
Skipped, with the reason, where /usr/bin/chromium or Playwright is missing; see tests/browsing.py.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from catalog.selectors import version_latest_for
from configurator.loading import version_model
from tests.browsing import ARTIFACTS, BROWSER, settled

pytestmark = BROWSER

SCREENSHOTS = ARTIFACTS / "screenshots"


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"demo-personal-{name}.png"), full_page=True)


def _simulated_shop(code: str) -> None:
    """What `make run` hands the worker for a demo product: simulated shoppers placing orders (fewer visits here)."""
    from insights.tasks import simulate_shoppers

    assert simulate_shoppers(code, 120, orders=True)["orders"] > 0


def _step_with_a_suggestion(page: Any, code: str) -> str:
    """Visit the product's steps from the configuration shown until one offers a suggestion; return its step."""
    version = version_latest_for(code)
    assert version is not None
    product = version_model(version)
    base = page.url
    for section in product.sections:
        page.goto(re.sub(r"([?&])_step=[^&]*", r"\1", base) + ("&" if "?" in base else "?") + f"_step={section.code}")
        settled(page)
        if page.locator(".often-chosen-item").count():
            return section.code
    pytest.fail(f"{code}: no step of the popular build offers a suggestion")


@pytest.mark.parametrize("code", ["city-car", "shirt"])
def test_a_demo_product_offers_popular_builds_and_suggestions_with_their_why(page: Any, code: str) -> None:
    _simulated_shop(code)
    page.goto(f"/p/{code}/")
    offer = page.locator(".starting-points")
    offer.wait_for()
    popular = offer.locator(".starting-popular")
    assert popular.count() >= 1
    assert re.search(r"Ordered by \d+ (person|people)", popular.first.locator(".starting-orders").inner_text())
    assert popular.first.locator(".starting-why").inner_text()
    if code == "shirt":
        assert page.locator("#guided").get_by_role("link", name=re.compile("quick questions")).count() == 1
    _shot(page, f"{code}-1-popular-builds")

    popular.first.locator("a.starting-link").click()
    page.wait_for_load_state()
    step = _step_with_a_suggestion(page, code)
    item = page.locator(".often-chosen-item").first
    assert re.search(r"\d+%", item.locator(".why").inner_text()), "each suggestion says why, with its share"
    _shot(page, f"{code}-2-suggestion-on-{step}")

    button = item.get_by_role("button")
    group, option = button.get_attribute("name"), button.get_attribute("value")
    button.click()
    page.wait_for_url(re.compile(rf"[?&]{re.escape(group)}={re.escape(option)}(&|$)"))
    settled(page)
    assert page.locator(f"#o-{group}-{option}").is_checked()
    _shot(page, f"{code}-3-suggestion-followed")
