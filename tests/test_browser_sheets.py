"""Bulk price edits in the admin, in a real browser at 1366×900: a spreadsheet round trip and "Change prices…".

A merchandiser exports the city car's wheels as XLSX, raises every price in the sheet, imports
it (the dry run lists each change), confirms; then lowers the same prices with the admin
action, previewed first. Skipped, with the reason, where /usr/bin/chromium or Playwright is missing.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal
from typing import Any

import openpyxl

from catalog.models import Option, OptionGroup
from tests.browsing import ARTIFACTS, BROWSER

pytestmark = BROWSER

SCREENSHOTS = ARTIFACTS / "screenshots"
ADMIN = {"width": 1366, "height": 900}
PASSWORD = "pw-merchandiser-123"
# Collects what the Content-Security-Policy blocked (Playwright's own scripts are exempt).
_CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


def _sign_in(page: Any) -> None:
    page.set_viewport_size(ADMIN)
    page.context.add_init_script(_CSP_WATCH)
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "merchandiser")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name=re.compile("Log in|Accedi")).click()
    page.wait_for_url(re.compile(r"/admin/$"))


def _shot(page: Any, name: str) -> None:
    assert page.evaluate("() => window.__cspViolations") == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"sheets-{name}.png"), full_page=True)


def _wheel_prices() -> dict[str, Decimal]:
    wheels = Option.objects.filter(group__product__code="city-car", group__code="wheels")
    return dict(wheels.values_list("code", "price"))


def _raised_sheet(content: bytes, by: Decimal, typo: str = "") -> bytes:
    """Return the exported workbook with every price raised by `by`, as a merchandiser would in a spreadsheet.

    With `typo`, the third row's price is that text instead.
    """
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.active
    price = [cell.value for cell in sheet[1]].index("price") + 1
    for row in range(2, sheet.max_row + 1):
        cell = sheet.cell(row=row, column=price)
        cell.value = Decimal(str(cell.value)) + by
    if typo:
        sheet.cell(row=3, column=price).value = typo
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_group_s_prices_raised_by_spreadsheet_then_changed_by_the_action(
    page: Any, merchandiser: Any, tmp_path: Any
) -> None:
    before = _wheel_prices()
    wheels = OptionGroup.objects.get(product__code="city-car", code="wheels")
    _sign_in(page)
    page.goto(f"/admin/catalog/option/?group__product__id__exact={wheels.product_id}&group__id__exact={wheels.pk}")
    _shot(page, "1-wheels")

    page.locator("a.export_link").click()
    page.select_option("#id_format", label="xlsx")
    _shot(page, "2-export")
    with page.expect_download() as download:
        page.get_by_role("button", name="Submit").click()
    exported = tmp_path / "wheels.xlsx"
    download.value.save_as(exported)
    raised = tmp_path / "wheels-raised.xlsx"
    raised.write_bytes(_raised_sheet(exported.read_bytes(), Decimal("100")))
    typo = tmp_path / "wheels-typo.xlsx"
    typo.write_bytes(_raised_sheet(exported.read_bytes(), Decimal("100"), typo="55O.00"))

    page.goto("/admin/catalog/option/")
    page.locator("a.import_link").click()
    page.set_input_files("#id_import_file", str(typo))
    page.select_option("#id_format", label="xlsx")
    page.get_by_role("button", name="Submit").click()
    problems = page.locator("#import-problems")
    problems.wait_for()
    assert problems.inner_text() == "row 3, column price: '55O.00' is not an amount"
    assert page.get_by_role("button", name="Confirm import").count() == 0
    assert _wheel_prices() == before
    _shot(page, "3-bad-row")

    page.set_input_files("#id_import_file", str(raised))
    page.select_option("#id_format", label="xlsx")
    page.get_by_role("button", name="Submit").click()
    report = page.locator("#import-changes")
    report.wait_for()
    assert report.locator("tr.update").count() == len(before)
    assert "0 new rows, 4 changed rows" in page.locator("#import-summary").inner_text()
    assert _wheel_prices() == before, "the dry run writes nothing"
    _shot(page, "4-dry-run")

    page.get_by_role("button", name="Confirm import").click()
    page.wait_for_url(re.compile(r"/admin/catalog/option/$"))
    assert "publish the product" in page.locator(".messagelist").inner_text()
    assert _wheel_prices() == {code: price + 100 for code, price in before.items()}
    _shot(page, "5-imported")

    page.goto(f"/admin/catalog/option/?group__product__id__exact={wheels.product_id}&group__id__exact={wheels.pk}")
    page.locator("#action-toggle").check()
    page.select_option("select[name=action]", "change_prices")
    page.locator("button[name=index]").first.click()
    page.locator("#price-change").wait_for()
    page.get_by_label("by a percentage (%)").check()
    page.fill("#id_value", "-10")
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#price-preview")
    preview.wait_for()
    assert preview.locator("tbody tr").count() == len(before)
    assert _wheel_prices() == {code: price + 100 for code, price in before.items()}
    _shot(page, "6-price-preview")

    page.get_by_role("button", name="Apply these prices").click()
    page.wait_for_url(re.compile(r"/admin/catalog/option/\?"))
    assert "Changed 4 prices" in page.locator(".messagelist").inner_text()
    expected = {code: ((price + 100) * Decimal("0.9")).quantize(Decimal("0.01")) for code, price in before.items()}
    assert _wheel_prices() == expected
    _shot(page, "7-prices-changed")
