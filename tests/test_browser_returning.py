"""A returning shopper in a real browser: order with "remember", follow the mailed link, find the measurements again.

Skipped, with the reason, where /usr/bin/chromium or Playwright is missing; see tests/browsing.py.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from orders import tasks as order_tasks
from personalisation import tasks
from tests.browsing import ARTIFACTS, BROWSER, settled
from tests.test_browser_orders import _checkout_path

pytestmark = BROWSER


@pytest.fixture
def mailing(live_server: Any, settings: Any, monkeypatch: Any) -> None:
    """Send sign-in links at commit, as a worker would, with links to the live server."""
    settings.SITE_URL = live_server.url
    monkeypatch.setattr(order_tasks.outbox_fan_out, "delay", lambda pk: None)
    monkeypatch.setattr(order_tasks.order_email_send, "delay", lambda pk: None)
    monkeypatch.setattr(tasks.signin_link_send, "delay", lambda pk: tasks.signin_link_send.apply(args=(pk,)))


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "screenshots" / name), full_page=True)


def test_order_with_remember_follow_the_link_and_come_back_to_the_measurements(
    page: Any, live_server: Any, mailing: None
) -> None:
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)
    page.goto(_checkout_path())
    page.get_by_label("Full name").fill("Giulia Rossi")
    page.get_by_label("E-mail").fill("giulia@example.com")
    page.get_by_label("Delivery address").fill("Via Roma 1\n00100 Roma")
    page.get_by_label("Remember my measurements for next time").check()
    _shot(page, "returning-1-checkout-remember.png")
    page.get_by_role("button", name="Place the order").click()
    page.wait_for_url(re.compile(r"/orders/[0-9A-Z-]+/"))
    assert "We sent you a link by e-mail" in page.content()
    _shot(page, "returning-2-order-placed-link-sent.png")

    [message] = [m for m in mail.outbox if m.subject == "Your sign-in link"]
    found = re.search(re.escape(live_server.url) + r"(/sign-in/[A-Za-z0-9_-]+/)", str(message.body))
    assert found is not None and message.to == ["giulia@example.com"]
    page.goto(found.group(1))
    _shot(page, "returning-3-sign-in-link.png")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/my-data/"))
    assert "We keep the measurements of your order for next time." in page.content()
    assert "102 cm" in page.locator(".kept-measurements").inner_text()
    _shot(page, "returning-4-my-data.png")

    # Next time: the shirt opens with their measurements, marked as theirs and editable.
    page.goto("/p/shirt/")
    page.get_by_role("link", name=re.compile("Measurements")).click()
    settled(page)
    assert page.locator("#p-chest").input_value() == "102"
    assert "Your measurement from" in page.locator("#theirs-chest").inner_text()
    _shot(page, "returning-5-shirt-with-their-measurements.png")
    page.locator("#p-chest").fill("104")
    page.locator("#p-chest").press("Tab")
    page.wait_for_url(re.compile(r"chest=104"))
    settled(page)
    assert page.locator("#theirs-chest").count() == 0 and page.locator("#theirs-neck").count() == 1
    _shot(page, "returning-6-changed-measurement-is-no-longer-marked.png")

    # The header links to "My data"; switching personalisation off stops the prefill.
    page.get_by_role("link", name="My data").first.click()
    page.get_by_role("button", name="Switch personalisation off").click()
    assert "Personalisation is off" in page.content()
    page.goto("/p/shirt/?_step=measurements")
    assert page.locator("#p-chest").input_value() == "" and page.locator("#theirs-chest").count() == 0
    _shot(page, "returning-7-personalisation-off.png")
