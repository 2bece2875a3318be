"""Orders in a real browser: the checkout and the order page (issue 14 items 10 and 12).

Skipped, with the reason, where /usr/bin/chromium or Playwright is missing; see tests/browsing.py.
"""

from __future__ import annotations

import re
from typing import Any

from catalog.selectors import version_latest_for
from orders import services
from orders.models import Order
from orders.samples import shirt_configuration
from orders.tests.conftest import CUSTOMER
from tests.browsing import BROWSER

pytestmark = BROWSER


def _order() -> Order:
    version = version_latest_for("shirt")
    assert version is not None
    return services.order_place(version=version, data=shirt_configuration(), customer=CUSTOMER, language="en").order


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
    assert page.locator("#order-progress").get_attribute("hx-trigger") == "every 60s"  # in the workshop: rarely
    services.order_status_set(order_id=order.pk, status="shipped", source="factory:test")
    # The next poll is a minute away: send it now, as the trigger would.
    page.evaluate(
        "() => { const el = document.querySelector('#order-progress');"
        " htmx.ajax('GET', el.getAttribute('hx-get'), {target: el, swap: 'outerHTML'}) }"
    )
    page.wait_for_function("() => document.querySelector('#order-status').textContent.includes('Shipped')")
    assert page.locator("#order-progress").get_attribute("hx-trigger") is None  # final: no more polling
    assert re.search(r"has left our workshop", page.locator("#order-progress").inner_text())


def _checkout_path() -> str:
    from configurator.engine.selection import read_selection, selection_pairs
    from configurator.loading import version_model

    version = version_latest_for("shirt")
    assert version is not None
    product = version_model(version)
    pairs = selection_pairs(product, read_selection(product, shirt_configuration()))
    return "/orders/checkout/shirt/?" + "&".join(f"{k}={v}" for k, v in pairs)


def test_checkout_shows_the_picture_and_ties_each_error_to_its_field(page: Any) -> None:
    page.goto(_checkout_path())
    page.wait_for_function(
        "() => { const i = document.querySelector('.order-preview img'); return i && i.complete && i.naturalWidth > 0 }"
    )
    assert "working days" in page.locator(".dispatch-estimate").inner_text()
    assert page.locator("#id_name").get_attribute("autocomplete") == "name"
    page.get_by_role("button", name="Place the order").click()
    page.wait_for_selector("#id_name_error")
    for field in ("name", "email", "address"):
        refs = (page.locator(f"#id_{field}").get_attribute("aria-describedby") or "").split()
        assert refs and all(page.locator(f"#{ref}").count() == 1 for ref in refs)
    assert Order.objects.count() == 0


def test_a_damaged_checkout_link_says_so_and_leads_back(page: Any) -> None:
    page.goto(_checkout_path().replace("fabric=oxford_blue", "fabric=tampered"))
    assert "Fabric: this choice is not one we offer" in page.locator("ul.errors").inner_text()
    page.get_by_role("link", name="Back to the configurator").first.click()
    page.wait_for_url(re.compile(r"/p/shirt/\?"))
    assert "tampered" not in page.url and "collar=classic" in page.url
