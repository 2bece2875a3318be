""" "Often chosen with" in a browser: pick a fabric, see what others chose with it, follow a suggestion."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from catalog.selectors import version_latest_for
from personalisation import tasks
from personalisation.tests.history import orders
from tests.browsing import ARTIFACTS, BROWSER, DESKTOP, settled

pytestmark = BROWSER


def _history() -> None:
    """20 shirts ordered: Oxford blue mostly with a button-down collar, poplin with a classic one."""
    shirt = version_latest_for("shirt")
    assert shirt is not None
    orders(shirt, 8, fabric="oxford_blue", collar="button_down")
    orders(shirt, 2, fabric="oxford_blue", collar="classic")
    orders(shirt, 10, fabric="poplin_white", collar="classic")
    tasks.cooccurrence_refresh()


def test_follow_a_suggestion(page: Any) -> None:
    _history()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.goto("/p/shirt/")
    page.get_by_text("Blue Oxford", exact=True).click()
    settled(page)
    page.get_by_role("button", name="Next").click()
    page.wait_for_url(re.compile(r"_step=style"))
    settled(page)
    box = page.locator(".often-chosen")
    assert "Chosen by 80% of people who picked Blue Oxford." in box.inner_text()
    page.screenshot(path=str(ARTIFACTS / "cooccur-1-suggestion-with-why.png"), full_page=True)
    box.get_by_role("button", name="Choose Collar: Button-down").click()
    page.wait_for_url(re.compile(r"collar=button_down"))
    settled(page)
    assert page.locator("#o-collar-button_down").is_checked()
    assert page.locator(".often-chosen").count() == 0  # chosen: nothing left to offer
    assert page.locator("#o-fabric-oxford_blue").count() == 0  # still on the style step
    page.screenshot(path=str(ARTIFACTS / "cooccur-2-suggestion-followed.png"), full_page=True)


@pytest.fixture
def gpc_tab(browser: Any, live_server: Any, transactional_db: None) -> Iterator[Any]:
    """A desktop tab whose browser sends Global Privacy Control (Sec-GPC: 1) with every request."""
    call_command("load_demo", stdout=None)
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, extra_http_headers={"Sec-GPC": "1"})
    yield context.new_page()
    context.close()


def test_no_suggestions_for_a_shopper_sending_gpc(gpc_tab: Any) -> None:
    _history()
    gpc_tab.goto("/p/shirt/?fabric=oxford_blue&_step=style&_seen=fabric")
    assert gpc_tab.locator("#g-collar").count() == 1
    assert gpc_tab.locator(".often-chosen").count() == 0
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    gpc_tab.screenshot(path=str(ARTIFACTS / "cooccur-3-gpc-no-suggestions.png"), full_page=True)
