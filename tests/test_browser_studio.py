"""The product page as a merchandiser works in it (issue 18, item 4), in a real browser at 1366×900.

Tabs with no sideways scrolling, a rule's fields following its kind, and a refused publish
that stays on the page with its problems listed. Screenshots go to ARTIFACTS/screenshots.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

from catalog.models import CatalogVersion, Option, OptionGroup, Product
from tests.browsing import ARTIFACTS, BROWSER

pytestmark = BROWSER

ADMIN = {"width": 1366, "height": 900}
SHOTS = ARTIFACTS / "screenshots"


@pytest.fixture
def studio(browser: Any, live_server: Any, transactional_db: None, django_user_model: Any) -> Iterator[Any]:
    """A signed-in merchandiser's tab (1366×900) on the demo catalog's admin."""
    call_command("load_demo", stdout=None)
    django_user_model.objects.create_superuser(username="studio", password="pw-studio-123")
    context = browser.new_context(base_url=live_server.url, viewport=ADMIN)
    context.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI))"
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    tab.goto("/admin/login/?next=/admin/")
    tab.fill("#id_username", "studio")
    tab.fill("#id_password", "pw-studio-123")
    tab.get_by_role("button", name=re.compile("Log in")).click()
    tab.wait_for_url(re.compile(r"/admin/$"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield tab
    context.close()


def _no_sideways_scroll(page: Any) -> None:
    """Assert that the page does not scroll sideways and that no table is cut off at the right."""
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    cut = page.evaluate(
        """() => {
        const edge = document.querySelector('#content-main').getBoundingClientRect().right + 1;
        return Array.from(document.querySelectorAll('#content-main table, #content-main textarea'))
          .filter(e => e.offsetParent !== null && e.getBoundingClientRect().right > edge)
          .map(e => e.closest('[id]').id);
      }"""
    )
    assert cut == []


def _open(page: Any, code: str = "city-car") -> None:
    product = Product.objects.get(code=code)
    page.goto(f"/admin/catalog/product/{product.pk}/change/")


def test_the_product_page_is_in_tabs_without_sideways_scrolling(studio: Any) -> None:
    page = studio
    _open(page)
    tabs = page.get_by_role("tab")
    assert tabs.all_inner_texts() == [
        "General",
        "Steps",
        "Options",
        "Measurements & sizes",
        "Rules",
        "Prices",
        "Preview",
    ]
    assert page.get_by_role("tab", name="General").get_attribute("aria-selected") == "true"
    assert page.locator("#tab-general").is_visible() and not page.locator("#tab-options").is_visible()
    _no_sideways_scroll(page)
    page.screenshot(path=SHOTS / "studio-01-general-tab.png", full_page=True)
    for name, slug in [("Options", "options"), ("Measurements & sizes", "measurements"), ("Preview", "preview")]:
        page.get_by_role("tab", name=name).click()
        assert page.locator(f"#tab-{slug}").is_visible() and not page.locator("#tab-general").is_visible()
        _no_sideways_scroll(page)
        page.screenshot(path=SHOTS / f"studio-02-{slug}-tab.png", full_page=True)
    # The shirt has the widest tables: measurements with guides, a size table, text fields.
    _open(page, "shirt")
    for name in ["Options", "Measurements & sizes", "Rules", "Prices", "Preview"]:
        page.get_by_role("tab", name=name).click()
        page.locator("details:not([open]) > summary").evaluate_all("all => all.forEach(s => s.click())")
        _no_sideways_scroll(page)
    page.screenshot(path=SHOTS / "studio-02-shirt-preview-tab.png", full_page=True)
    page.get_by_role("tab", name="Measurements & sizes").click()
    page.screenshot(path=SHOTS / "studio-02-shirt-measurements-tab.png", full_page=True)
    page.get_by_role("tab", name="Options").click()
    assert page.evaluate("() => window.__csp") == []  # the tabs, pickers and rule fields run from static files
    assert page.locator("#groups-group").is_visible()  # Django's own inline, in the Options tab
    rows = page.locator("#groups-group tr.form-row:not(.empty-form)")
    before = rows.count()
    page.locator("#groups-group .add-row a").click()  # Django's "Add another" still works in a tab
    assert rows.count() == before + 1
    _no_sideways_scroll(page)


def test_a_rule_shows_the_fields_of_its_kind_and_a_bad_save_opens_its_tab(studio: Any) -> None:
    page = studio
    _open(page)
    page.get_by_role("tab", name="Rules").click()
    rule = page.locator("#rules-2")  # R1, a constraint
    assert rule.locator(".form-row.field-expr").is_visible()
    assert not rule.locator(".form-row.field-table_rows").is_visible()
    assert not rule.locator(".field-prefer").first.is_visible()
    page.screenshot(path=SHOTS / "studio-03-rule-constraint.png", full_page=True)
    rule.locator("select[name='rules-2-kind']").select_option("default")
    assert rule.locator(".field-prefer").first.is_visible()
    assert not rule.locator(".form-row.field-expr").is_visible()
    page.screenshot(path=SHOTS / "studio-04-rule-switched-to-default.png", full_page=True)
    # Saved as a default with its expression still filled: refused, naming the field, which shows again.
    rule.locator("[name='rules-2-prefer']").fill("wheels = w17")
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_load_state("domcontentloaded")
    assert page.get_by_role("tab", name="Rules").get_attribute("aria-selected") == "true"
    assert "has-error" in (page.get_by_role("tab", name="Rules").get_attribute("class") or "")
    expr = page.locator("#rules-2 .form-row.field-expr")
    assert expr.is_visible()
    assert "'expr' belongs to constraint and warning rules, not default rules" in expr.inner_text()
    page.screenshot(path=SHOTS / "studio-05-rule-kind-refused.png", full_page=True)


def test_a_refused_publish_stays_on_the_page_with_its_problems(studio: Any) -> None:
    page = studio
    _open(page)
    page.get_by_role("tab", name="Rules").click()
    page.locator("textarea[name='rules-2-expr']").fill("body_colour = black and body_colour != black")
    page.get_by_role("button", name="Save and publish a new version").click()
    page.wait_for_url(re.compile(r"/admin/catalog/product/\d+/change/"))
    message = page.locator(".messagelist .error")
    assert "Not published: city-car has 1 problem to fix first." in message.inner_text()
    assert "Your changes are saved in the draft" in message.inner_text()
    assert "rule R1 can never hold" in message.inner_text()
    assert message.get_by_role("link", name="R1").get_attribute("href", timeout=1000)
    # Back on the tab the merchandiser was on; the draft keeps the change, the General tab's status lists it too.
    assert page.get_by_role("tab", name="Rules").get_attribute("aria-selected") == "true"
    assert page.locator("textarea[name='rules-2-expr']").input_value() == "body_colour = black and body_colour != black"
    page.get_by_role("tab", name="General").click()
    assert "Cannot be published" in page.locator("#tab-general").inner_text()
    assert not CatalogVersion.objects.filter(product__code="city-car", number__gt=1).exists()
    _no_sideways_scroll(page)
    page.screenshot(path=SHOTS / "studio-06-publish-refused.png", full_page=True)


def test_layers_show_thumbnails_and_colours_have_a_picker(studio: Any) -> None:
    page = studio
    mandarin = Option.objects.get(group__product__code="shirt", group__code="collar", code="mandarin")
    page.goto(f"/admin/catalog/option/{mandarin.pk}/change/")
    thumbnail = page.locator("#layers-group img.studio-thumbnail").first
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { const i = document.querySelector('#layers-group img.studio-thumbnail');"
        " return i && i.complete && i.naturalWidth > 0 }"
    )
    _no_sideways_scroll(page)
    page.screenshot(path=SHOTS / "studio-07-option-layer-thumbnails.png", full_page=True)
    # A swatch: the picker fills the text; the text may be emptied (the swatch is optional).
    group = OptionGroup.objects.get(product__code="city-car", code="body_colour")
    page.goto(f"/admin/catalog/optiongroup/{group.pk}/change/")
    _no_sideways_scroll(page)
    swatch = page.locator("input[name='options-0-swatch']")
    picker = swatch.locator("xpath=following-sibling::input[@type='color']")
    picker.fill("#12ab34")
    assert swatch.input_value() == "#12ab34"
    swatch.fill("#c0392b")
    assert picker.input_value() == "#c0392b"
    swatch.fill("")
    assert "is-empty" in (picker.get_attribute("class") or "")
    page.screenshot(path=SHOTS / "studio-08-swatch-colour-picker.png", full_page=True)


def test_the_history_shows_who_changed_which_field_of_which_part(studio: Any) -> None:
    page = studio
    _open(page)
    page.get_by_role("tab", name="Prices").click()
    page.locator("input[name='base_price']").fill("19900.00")
    page.get_by_role("tab", name="Rules").click()
    page.locator("textarea[name='rules-2-expr']").fill("roof = contrast_black -> body_colour != red")
    page.get_by_role("button", name="Save and continue editing").click()
    page.wait_for_load_state("domcontentloaded")
    page.get_by_role("link", name="History").click()
    history = page.locator("#change-history")
    rows = history.locator("tbody tr")
    assert "studio" in rows.first.inner_text()
    changes = history.locator("td.changes").all_inner_texts()
    assert any("expression:" in c and "body_colour != black → roof" in c for c in changes), changes
    assert any("base price:" in c and "→ 19900.00" in c for c in changes), changes
    _no_sideways_scroll(page)
    page.screenshot(path=SHOTS / "studio-09-history-changes.png", full_page=True)
