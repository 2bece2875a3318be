"""Orders in a real browser: the checkout and the order page (issue 14 items 10 and 12).

Skipped, with the reason, where /usr/bin/chromium or Playwright is missing; see tests/browsing.py.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from catalog.selectors import version_latest_for
from orders import services
from orders.models import Order
from orders.tests.conftest import CUSTOMER, SHIRT
from tests.browsing import BROWSER

pytestmark = BROWSER


def _order() -> Order:
    version = version_latest_for("shirt")
    assert version is not None
    return services.order_place(version=version, data=copy.deepcopy(SHIRT), customer=CUSTOMER, language="en").order


def test_the_order_page_shows_a_status_change_without_a_reload(page: Any) -> None:
    order = _order()
    page.goto(order.get_absolute_url())
    status = page.locator("#order-status")
    assert status.inner_text() == "Placed"
    page.evaluate("() => { window.stillTheSamePage = true }")
    services.order_status_set(order_id=order.pk, status="accepted", source="factory:test")
    page.wait_for_function("() => document.querySelector('#order-status').textContent.includes('Accepted')")
    assert page.evaluate("() => window.stillTheSamePage") is True  # updated in place, not reloaded
    assert "Accepted by the workshop" in page.locator("#order-history").inner_text()
    assert page.locator(".order-live").get_attribute("aria-live") == "polite"
    services.order_status_set(order_id=order.pk, status="shipped", source="factory:test")
    page.wait_for_function("() => document.querySelector('#order-status').textContent.includes('Shipped')")
    assert page.locator("#order-progress").get_attribute("hx-trigger") is None  # final: no more polling
    assert re.search(r"has left our workshop", page.locator("#order-progress").inner_text())
