"""The option order by language in a browser: the Italian shop's colours, and setting the order in the admin."""

from __future__ import annotations

import re
from typing import Any

from catalog.models import OptionGroup
from tests.browsing import ARTIFACTS, BROWSER, settled
from tests.test_browser_studio import SHOTS, studio  # noqa: F401 (a fixture, used by name)

pytestmark = BROWSER


def _colours(page: Any) -> list[str]:
    return [
        str(code)
        for code in page.locator("input[type=radio][name=body_colour]").evaluate_all("l => l.map(i => i.value)")
    ]


def test_the_italian_shop_shows_red_and_yellow_first(italian: Any, page: Any) -> None:
    page.goto("/p/city-car/?_step=exterior")
    settled(page)
    assert _colours(page)[:3] == ["white", "black", "red"]
    italian.goto("/it/p/city-car/?_step=exterior")
    settled(italian)
    assert _colours(italian)[:3] == ["red", "yellow", "white"]
    ARTIFACTS.joinpath("screenshots").mkdir(parents=True, exist_ok=True)
    italian.locator("fieldset:has(input[name=body_colour])").screenshot(
        path=str(ARTIFACTS / "screenshots" / "option-order-italian-body-colours.png")
    )


def test_the_merchandiser_sets_the_italian_order_and_a_typo_is_named(studio: Any) -> None:  # noqa: F811
    group = OptionGroup.objects.get(product__code="city-car", code="body_colour")
    studio.goto(f"/admin/catalog/optiongroup/{group.pk}/change/")
    field = studio.get_by_label("Order in Italian")
    assert field.input_value() == "red\nyellow"
    field.fill("blue, gren")
    studio.get_by_role("button", name="Save", exact=True).click()
    error = studio.locator(".errorlist").filter(has_text="unknown option 'gren'")
    assert "did you mean 'green'?" in error.inner_text()
    studio.screenshot(path=str(SHOTS / "option-order-admin-typo.png"), full_page=True)
    studio.get_by_label("Order in Italian").fill("blue, green")
    studio.get_by_role("button", name="Save", exact=True).click()
    studio.wait_for_url(re.compile(r"/admin/catalog/optiongroup/$"))
    studio.screenshot(path=str(SHOTS / "option-order-admin-saved.png"), full_page=True)
    group.refresh_from_db()
    assert group.order == {"it": ["blue", "green"]}
