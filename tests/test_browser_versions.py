"""Versions in the admin, in a real browser at 1366×900: compare, roll back with confirmation, schedule.

Skipped, with the reason, where /usr/bin/chromium or Playwright is missing; see tests/browsing.py.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.utils import timezone

from catalog.models import CatalogVersion, Option, Product, PublishSchedule
from catalog.services import catalog_publish
from tests.browsing import ARTIFACTS, BROWSER

pytestmark = BROWSER

SCREENSHOTS = ARTIFACTS / "screenshots"
ADMIN = {"width": 1366, "height": 900}


def _sign_in(page: Any, username: str) -> None:
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}-123")
    page.get_by_role("button", name=re.compile("Log in|Accedi")).click()
    page.wait_for_url(re.compile(r"/admin/$"))


def _no_sideways_scroll(page: Any) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"))


def test_compare_two_versions_then_roll_back_with_confirmation(page: Any, publisher: Any) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(ADMIN)
    car = Product.objects.get(code="city-car")
    Option.objects.filter(group__product=car, group__code="wheels", code="w17").update(price="990.00")
    catalog_publish(car, user=publisher, note="dearer 17-inch wheels")
    first, second = CatalogVersion.objects.filter(product=car).order_by("number")[:2]
    _sign_in(page, "publisher")

    page.goto(f"/admin/catalog/catalogversion/?product__id__exact={car.pk}")
    row = page.locator("#result_list tr", has_text="dearer 17-inch wheels")
    assert "publisher" in row.inner_text()
    page.screenshot(path=SCREENSHOTS / "versions-1-list-who-and-changes.png", full_page=True)

    row.get_by_role("link", name="1 option").click()
    page.wait_for_url(re.compile(r"/compare/city-car/"))
    assert page.locator("#compare-summary").inner_text() == "Changes: 1 option"
    change = page.locator("table.version-changes tr", has_text='17" alloy wheels (w17)')
    assert "price" in change.inner_text() and "850.00" in change.inner_text() and "990.00" in change.inner_text()
    assert _no_sideways_scroll(page)
    page.screenshot(path=SCREENSHOTS / "versions-2-compare-v1-v2.png", full_page=True)

    page.goto(f"/admin/catalog/catalogversion/{first.pk}/change/")
    page.get_by_role("link", name="Roll back to this version").click()
    page.wait_for_url(re.compile(r"/rollback/$"))
    assert "What shoppers will see change: 1 option" in page.locator("#content-main").inner_text()
    assert _no_sideways_scroll(page)
    page.fill("#id_note", "the wheel price was a mistake")
    page.screenshot(path=SCREENSHOTS / "versions-3-rollback-confirmation.png", full_page=True)

    page.get_by_role("button", name="Yes, roll back to version 1").click()
    page.wait_for_url(re.compile(r"/catalogversion/\d+/change/$"))
    message = page.locator(".messagelist").inner_text()
    assert "version 3 of city-car is a copy of version 1" in message
    page.screenshot(path=SCREENSHOTS / "versions-4-rolled-back.png", full_page=True)
    third = CatalogVersion.objects.get(product=car, number=3)
    assert third.checksum == first.checksum != second.checksum
    assert third.note == "rollback to v1: the wheel price was a mistake"


def test_schedule_the_draft_from_its_comparison_then_cancel(page: Any, publisher: Any) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(ADMIN)
    car = Product.objects.get(code="city-car")
    Option.objects.filter(group__product=car, group__code="wheels", code="w17").update(price="990.00")
    _sign_in(page, "publisher")

    page.goto(f"/admin/catalog/catalogversion/compare/{car.code}/draft/")
    assert page.locator("#compare-summary").inner_text() == "Changes: 1 option"
    page.screenshot(path=SCREENSHOTS / "schedule-1-compare-draft.png", full_page=True)
    page.get_by_role("link", name="Schedule publishing this draft").click()
    assert page.locator("#id_product option:checked").inner_text() == str(car)
    tomorrow = timezone.localtime(timezone.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#id_publish_at", tomorrow)
    page.fill("#id_note", "summer wheel prices")
    assert _no_sideways_scroll(page)
    page.screenshot(path=SCREENSHOTS / "schedule-2-form.png", full_page=True)

    page.get_by_role("button", name="Schedule").click()
    page.wait_for_url(re.compile(r"/publishschedule/$"))
    row = page.locator("#result_list tbody tr").first
    assert (
        "waiting" in row.inner_text()
        and "will publish the draft as it was when scheduled: 1 option" in row.inner_text()
    )
    page.screenshot(path=SCREENSHOTS / "schedule-3-list-waiting.png", full_page=True)

    row.locator("input.action-select").check()
    page.select_option("select[name=action]", "cancel")
    page.locator(".actions button[type=submit]").click()
    assert "1 publication cancelled." in page.locator(".messagelist").inner_text()
    assert "cancelled by publisher" in page.locator("#result_list tbody tr").first.inner_text()
    page.screenshot(path=SCREENSHOTS / "schedule-4-cancelled.png", full_page=True)
    assert PublishSchedule.objects.get().state == PublishSchedule.State.CANCELLED
