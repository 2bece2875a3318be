"""The merchandiser's whole round in the admin, in a real browser at 1366×900 (issue 18's "done when").

Raise a group's prices from a spreadsheet, try the result on the draft, publish, compare with the
previous version, roll back: a screenshot of each step in var/test/artifacts/screenshots/round-*.png.
Skipped, with the reason, where /usr/bin/chromium or Playwright is missing; see tests/browsing.py.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

from catalog.models import CatalogVersion, Option, OptionGroup, Product
from tests.browsing import ARTIFACTS, BROWSER, settled

pytestmark = BROWSER

SCREENSHOTS = ARTIFACTS / "screenshots"
ADMIN = {"width": 1366, "height": 900}
# Collects what the Content-Security-Policy blocked (Playwright's own scripts are exempt).
_CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _shot(page: Any, step: str) -> None:
    """Check the step broke no Content-Security-Policy rule and fits the screen's width; keep its picture."""
    assert page.evaluate("() => window.__cspViolations") == []
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), step
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"round-{step}.png"), full_page=True)


def _wheel_prices() -> dict[str, Decimal]:
    wheels = Option.objects.filter(group__product__code="city-car", group__code="wheels")
    return dict(wheels.values_list("code", "price"))


def _raise_prices(exported: Path, by: Decimal) -> Path:
    """Raise every price of an exported sheet by `by`, as a merchandiser would in a spreadsheet program."""
    book = openpyxl.load_workbook(io.BytesIO(exported.read_bytes()))
    sheet = book.active
    price = [cell.value for cell in sheet[1]].index("price") + 1
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row=row, column=price)
        cell.value = Decimal(str(cell.value)) + by
    raised = exported.with_name("raised.xlsx")
    book.save(raised)
    return raised


def _sign_in(page: Any) -> None:
    page.set_viewport_size(ADMIN)
    page.context.add_init_script(_CSP_WATCH)
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "publisher")
    page.fill("#id_password", "pw-publisher-123")
    page.get_by_role("button", name=re.compile("Log in|Accedi")).click()
    page.wait_for_url(re.compile(r"/admin/$"))


def _import_raised_wheels(page: Any, wheels: OptionGroup, tmp_path: Path) -> None:
    page.goto(f"/admin/catalog/option/?group__product__id__exact={wheels.product_id}&group__id__exact={wheels.pk}")
    page.locator("a.export_link").click()
    page.select_option("#id_format", label="xlsx")
    with page.expect_download() as download:
        page.get_by_role("button", name="Submit").click()
    exported = tmp_path / "wheels.xlsx"
    download.value.save_as(exported)
    page.goto("/admin/catalog/option/")
    page.locator("a.import_link").click()
    page.set_input_files("#id_import_file", str(_raise_prices(exported, Decimal("100"))))
    page.select_option("#id_format", label="xlsx")
    page.get_by_role("button", name="Submit").click()
    page.locator("#import-changes").wait_for()
    _shot(page, "1-spreadsheet-dry-run")
    page.get_by_role("button", name="Confirm import").click()
    page.wait_for_url(re.compile(r"/admin/catalog/option/$"))
    _shot(page, "2-spreadsheet-imported")


def _try_the_draft(page: Any, car: Product) -> None:
    page.goto(f"/admin/catalog/product/{car.pk}/change/")
    page.get_by_role("link", name="Try the draft").click()
    page.wait_for_url(re.compile(r"/p/city-car/draft/"))
    page.get_by_role("link", name=re.compile("Exterior")).click()
    settled(page)
    assert "950" in page.locator("label[for='o-wheels-w17'] .option-price").inner_text()
    page.locator("#g-wheels").scroll_into_view_if_needed()
    _shot(page, "3-draft-shows-the-new-prices")
    # Shoppers still see the published prices.
    page.goto("/p/city-car/?_step=exterior")
    assert "850" in page.locator("label[for='o-wheels-w17'] .option-price").inner_text()


def test_raise_a_group_s_prices_try_publish_compare_and_roll_back(page: Any, publisher: Any, tmp_path: Path) -> None:
    car = Product.objects.get(code="city-car")
    wheels = OptionGroup.objects.get(product=car, code="wheels")
    before = _wheel_prices()
    _sign_in(page)
    _import_raised_wheels(page, wheels, tmp_path)
    assert _wheel_prices() == {code: price + 100 for code, price in before.items()}
    _try_the_draft(page, car)

    page.goto(f"/admin/catalog/product/{car.pk}/change/")
    page.locator("input[name=_publish]").click()
    page.wait_for_load_state()
    assert "Published city-car version 2." in page.locator(".messagelist").inner_text()
    _shot(page, "4-published")

    page.goto(f"/admin/catalog/catalogversion/?product__id__exact={car.pk}")
    page.locator("#result_list").get_by_role("link", name="4 options").click()
    page.wait_for_url(re.compile(r"/compare/city-car/"))
    assert page.locator("#compare-summary").inner_text() == "Changes: 4 options"
    change = page.locator("table.version-changes tr", has_text='17" alloy wheels (w17)')
    assert "850.00" in change.inner_text() and "950.00" in change.inner_text()
    _shot(page, "5-compared-with-the-previous-version")

    first = CatalogVersion.objects.get(product=car, number=1)
    page.goto(f"/admin/catalog/catalogversion/{first.pk}/change/")
    page.get_by_role("link", name="Roll back to this version").click()
    page.wait_for_url(re.compile(r"/rollback/$"))
    _shot(page, "6-rollback-confirmation")
    page.get_by_role("button", name="Yes, roll back to version 1").click()
    page.wait_for_url(re.compile(r"/catalogversion/\d+/change/$"))
    assert "version 3 of city-car is a copy of version 1" in page.locator(".messagelist").inner_text()
    _shot(page, "7-rolled-back")
    assert _wheel_prices() == before, "the draft is the rolled-back version again"
    assert CatalogVersion.objects.get(product=car, number=3).checksum == first.checksum
