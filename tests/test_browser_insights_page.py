"""The admin's Insights page in a real browser: charts drawn, CSV downloaded, screenshots (decision 30).

Skipped, with the reason, where /usr/bin/chromium or Playwright is missing; see tests/browsing.py.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from django.core.management import call_command
from django.utils import timezone

from insights.tests.samples import demo_rollups
from tests.browsing import ARTIFACTS, BROWSER, PHONE

pytestmark = BROWSER

#: Where CI keeps the pictures of the finished pages (`.ci/run` copies them).
SCREENSHOTS = ARTIFACTS / "screenshots"
PRODUCTS = ("city-car", "shirt")
PASSWORD = "pw-merchandiser-123"

# Collects what the Content-Security-Policy blocked (Playwright's own scripts are exempt).
_CSP_WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""

#: For each chart on the page: whether Chart.js drew it, and how many of its pixels are not blank.
_DRAWN = """
() => [...document.querySelectorAll("canvas[data-chart]")].map((canvas) => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) { inked += 1; } }
  return {id: canvas.dataset.chart, chart: Boolean(Chart.getChart(canvas)), inked: inked};
})
"""


def _sign_in(page: Any) -> None:
    page.goto("/admin/login/?next=/admin/")
    page.fill("#id_username", "merchandiser")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name=re.compile("Log in|Accedi")).click()
    page.wait_for_url(re.compile(r"/admin/$"))


def _charts_drawn(page: Any) -> list[dict[str, Any]]:
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-chart]')].every((c) => window.Chart && Chart.getChart(c))"
    )
    return list(page.evaluate(_DRAWN))


def test_each_demo_product_s_page_draws_its_charts(page: Any, merchandiser: Any) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # As after `make run`: simulated shoppers through the real pages, then the rollup. Seed 3's shoppers order
    # both products (seed 7's 9 city-car checkouts all ended without an order: top and demand were empty).
    call_command("simulate_shoppers", *PRODUCTS, "--visits", "60", "--seed", "3", stdout=io.StringIO())
    page.context.add_init_script(_CSP_WATCH)
    _sign_in(page)
    page.goto("/admin/insights/productinsight/")
    for code in PRODUCTS:
        page.goto("/admin/insights/productinsight/")
        page.locator(f"a[href='/admin/insights/productinsight/{code}/']").click()
        page.wait_for_url(re.compile(rf"/admin/insights/productinsight/{code}/$"))
        charts = _charts_drawn(page)
        assert {c["id"] for c in charts} >= {
            "insights-chart-funnel",
            "insights-chart-options",
            "insights-chart-blocked",
        }
        assert all(c["chart"] and c["inked"] > 500 for c in charts), charts
        assert page.locator(".insights-heat").count() == 2
        # The simulated shoppers' orders fill the top configurations and the demand for the factory.
        assert {"insights-chart-top", "insights-chart-demand"} <= {c["id"] for c in charts}
        for section in ("#top", "#demand"):
            assert page.locator(f"{section} .insights-empty").count() == 0, section
        assert page.locator("#top table").first.locator("tbody th[scope=row]").count() > 0
        assert page.locator("#demand tbody th[scope=row]").count() > 0
        assert page.evaluate("() => window.__cspViolations") == []
        shot = SCREENSHOTS / f"insights-{code}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 50_000, shot  # a drawn page, not a blank one


def test_a_table_downloads_as_csv(page: Any, merchandiser: Any) -> None:
    demo_rollups("shirt", until=timezone.localdate())
    _sign_in(page)
    page.goto("/admin/insights/productinsight/shirt/")
    link = page.locator("#funnel").get_by_role("link", name="Download as CSV")
    with page.expect_download() as download_info:
        link.click()
    download = download_info.value
    assert re.fullmatch(r"shirt-funnel-\d{4}-\d\d-\d\d-\d{4}-\d\d-\d\d\.csv", download.suggested_filename)
    with open(download.path(), encoding="utf-8-sig") as file:
        rows = list(csv.reader(io.StringIO(file.read())))
    assert rows[0] == ["stage", "label", "reached", "share_of_visits", "left_here", "share_leaving", "median_seconds"]
    assert rows[1][0] == "visits"
    assert [row[0] for row in rows[-3:]] == ["summary", "checkout", "order"]


def test_charts_keep_still_for_those_who_ask_for_less_motion(page: Any, merchandiser: Any) -> None:
    demo_rollups("city-car", until=timezone.localdate())
    page.emulate_media(reduced_motion="reduce")
    _sign_in(page)
    page.goto("/admin/insights/productinsight/city-car/")
    _charts_drawn(page)
    animated = page.evaluate(
        "() => [...document.querySelectorAll('canvas[data-chart]')].map((c) => Chart.getChart(c).options.animation)"
    )
    assert animated and all(a is False for a in animated)


#: How wide the page is laid out, and what sticks out past the screen's right edge (`width`) without sitting
#: in a box that scrolls it. A mobile browser widens its layout to fit wide content (innerWidth grows with
#: it), so the screen's width is given, not read.
_SIDEWAYS = """
(width) => {
  const scrolls = (el) => el.closest(".insights-scroll") !== null;
  const out = [...document.querySelectorAll("#content-main *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !scrolls(el))
    .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className ? "." + el.className : ""));
  return {page: document.documentElement.scrollWidth, inner: window.innerWidth, out: out.slice(0, 10)};
}
"""


def test_at_phone_width_the_page_never_scrolls_sideways(phone: Any, merchandiser: Any) -> None:
    demo_rollups("city-car", until=timezone.localdate())
    _sign_in(phone)
    phone.goto("/admin/insights/productinsight/city-car/")
    _charts_drawn(phone)
    sideways = phone.evaluate(_SIDEWAYS, PHONE["width"])
    assert sideways["page"] <= sideways["inner"] == PHONE["width"], sideways
    assert sideways["out"] == [], sideways
    # The wide tables scroll in their own box instead, each reachable from the keyboard.
    boxes = phone.locator(".insights-scroll")
    assert boxes.count() >= 8
    assert phone.evaluate(
        "() => [...document.querySelectorAll('.insights-scroll')].some((b) => b.scrollWidth > b.clientWidth)"
    )
