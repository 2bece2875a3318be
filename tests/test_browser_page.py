"""The configurator page's own behaviour in a real browser (issue 14): numbers, steps, first look, words.

Fixtures in tests/conftest.py (page, phone, italian), helpers in tests/browsing.py.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.browsing import BROWSER, settled

pytestmark = BROWSER


def test_an_italian_shopper_types_a_decimal_comma(italian: Any) -> None:
    page = italian
    page.goto("/it/p/shirt/?_step=measurements")
    neck = page.get_by_label(re.compile("^Collo"))
    neck.fill("40,5")
    neck.press("Tab")
    page.wait_for_url(re.compile(r"neck=40\.5"))
    settled(page)
    assert page.locator("#p-neck").input_value() == "40,5"
    assert page.locator("#err-neck").count() == 0
    assert page.locator(".parameter.has-error").count() == 0


def test_the_stepper_counts_what_the_shopper_did(page: Any) -> None:
    page.goto("/p/shirt/")
    progress = page.locator("#progress-label")
    assert progress.inner_text() == "0 of 4 steps done"
    assert page.locator("#stepper li.done").count() == 0
    page.locator("label[for='o-fabric-linen_natural']").click()
    page.wait_for_url(re.compile(r"fabric=linen_natural"))
    settled(page)
    page.get_by_role("button", name="Next").click()
    page.wait_for_url(re.compile(r"_step=style"))
    settled(page)
    assert progress.inner_text() == "1 of 4 steps done"
    assert page.locator("#stepper li.done").count() == 1
    assert "Fabric" in page.locator("#stepper li.done").inner_text()
    # A measurement typed wrong: the measurements step is not ticked.
    page.goto("/p/shirt/?neck=405&chest=102&waist=88&sleeve=64&arm=62&shirt_length=78&_step=measurements")
    assert "Measurements" not in " ".join(page.locator("#stepper li.done").all_inner_texts())


def test_the_first_look_is_complete_suggested_and_described(page: Any) -> None:
    page.goto("/p/city-car/")
    assert "Suggested" in page.locator("#notices").inner_text()
    assert page.locator(".badge-suggested").count() >= 3
    alt = page.locator("#preview img").get_attribute("alt") or ""
    assert alt.startswith("City Car with ") and " and " in alt
    assert page.locator("#price-announcement").get_attribute("aria-live") == "polite"  # says a new total
    page.get_by_role("link", name=re.compile("Exterior")).click()
    settled(page)
    page.locator("label[for='o-body_colour-black']").click()
    page.wait_for_url(re.compile(r"body_colour=black"))
    settled(page)
    assert page.locator("#g-body_colour .badge-suggested").count() == 0
    assert "Onyx Black" in (page.locator("#preview img").get_attribute("alt") or "")


def test_finish_for_me_on_an_empty_shirt_leaves_measurements_to_the_shopper(page: Any) -> None:
    page.goto("/p/shirt/")
    page.get_by_role("button", name="Finish for me").click()
    page.wait_for_url(re.compile(r"_step=summary"))
    settled(page)
    assert "Still to fill in: Neck" in page.locator("#notices").inner_text()
    assert page.get_by_role("link", name="Order").count() == 0
    page.get_by_role("link", name=re.compile("Measurements")).first.click()
    settled(page)
    assert all(page.locator(f"#p-{code}").input_value() == "" for code in ("neck", "chest", "waist"))


def test_typing_measurements_quickly_logs_no_error_and_draws_the_newest_answer(page: Any) -> None:
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto("/p/shirt/?_step=measurements")
    typed = {"neck": "41", "chest": "102", "waist": "90", "sleeve": "64", "arm": "62", "shirt_length": "78"}
    # Faster than any answer: each change replaces the request the change before it sent.
    page.evaluate(
        """(typed) => {
            for (const [code, value] of Object.entries(typed)) {
                const field = document.getElementById(`p-${code}`);
                field.value = value;
                field.dispatchEvent(new Event("change", {bubbles: true}));
            }
        }""",
        typed,
    )
    page.wait_for_url(re.compile(r"shirt_length=78"))
    settled(page)
    assert errors == []
    query = parse_qs(urlsplit(page.url).query)
    assert {c: page.locator(f"#p-{c}").input_value() for c in typed} == {c: query[c][0] for c in typed} == typed
