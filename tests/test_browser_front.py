"""The shopper's page in a browser: language switch, the phone's preview, focus, the monogram.

Each test does what a shopper does and checks what the shopper would notice (issue 14, items
2, 4, 6 and 11). Fixtures (`page`, `phone`, `italian`) are in tests/conftest.py.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from tests.browsing import ARTIFACTS, BROWSER, PHONE, preview_src, settled, total

pytestmark = BROWSER

#: The car with a version chosen, on its colours: where the audit tapped Sage green on a phone.
CAR_EXTERIOR = "/p/city-car/?trim=style&engine=turbo100&gearbox=dct&_step=exterior"


def choose(page: Any, group: str, option: str) -> None:
    """Click an option's label, as a shopper does, and wait for the page to show the new choice."""
    page.locator(f"label[for='o-{group}-{option}']").click()
    page.wait_for_url(re.compile(rf"{group}={option}"))
    settled(page)


def focused(page: Any) -> dict[str, Any]:
    """Describe the element that has focus: its tag, id, text, whether it is on screen and a notice."""
    return dict(
        page.evaluate(
            """() => {
                const e = document.activeElement;
                const box = e.getBoundingClientRect();
                return {tag: e.tagName.toLowerCase(), id: e.id, text: e.textContent.trim(),
                        onScreen: box.bottom > 0 && box.top < window.innerHeight,
                        notice: e.matches('#notices .notice')};
            }"""
        )
    )


def test_switching_language_keeps_the_configuration(page: Any) -> None:
    page.goto("/p/city-car/")
    choose(page, "trim", "premium")
    choose(page, "engine", "hybrid130")
    choose(page, "gearbox", "dct")
    page.get_by_role("button", name="Next").click()
    page.wait_for_url(re.compile(r"_step=exterior"))
    settled(page)
    choose(page, "body_colour", "green")
    english = total(page)  # e.g. €24,650.00
    page.select_option("#language-select", "it")
    page.get_by_role("button", name="Switch").click()
    page.wait_for_url(re.compile(r"/it/p/city-car/\?.*body_colour=green"))
    assert page.locator("html").get_attribute("lang") == "it"
    for choice in ("trim=premium", "engine=hybrid130", "gearbox=dct"):  # decided on the first step
        assert choice in page.url
    assert page.locator("#o-body_colour-green").is_checked()
    digits = re.sub(r"[^0-9]", "", english)
    italian = f"{int(digits[:-2]):,}".replace(",", ".") + "," + digits[-2:]  # 24.650,00
    assert italian in total(page)
    assert page.get_by_role("heading", name="Esterni").is_visible()


def test_switching_from_italian_back_to_english_opens_the_english_page(page: Any, browser: Any) -> None:
    shirt = "/p/shirt/?collar=cutaway&neck=41"
    page.goto("/it" + shirt)
    page.select_option("#language-select", "en")
    page.get_by_role("button", name="Cambia").click()
    page.wait_for_url(re.compile(r"/p/shirt/\?"))
    assert page.url.endswith(shirt) and "/it/" not in page.url
    assert page.locator("html").get_attribute("lang") == "en"
    # Without JavaScript the header's form posts the same address and lands the same way.
    context = browser.new_context(base_url=page.url.split("/p/")[0], java_script_enabled=False)
    plain = context.new_page()
    plain.goto("/it" + shirt)
    plain.select_option("#language-select", "en")
    plain.get_by_role("button", name="Cambia").click()
    plain.wait_for_url(re.compile(r"/p/shirt/\?"))
    assert plain.url.endswith(shirt) and plain.locator("html").get_attribute("lang") == "en"
    context.close()


def test_on_a_phone_the_preview_stays_in_view_while_choosing(phone: Any) -> None:
    phone.goto(CAR_EXTERIOR)
    look = preview_src(phone)
    green = phone.locator("label[for='o-body_colour-green']")
    green.scroll_into_view_if_needed()
    where = green.bounding_box()["y"]
    green.tap()
    phone.wait_for_url(re.compile(r"body_colour=green"))
    settled(phone)
    assert preview_src(phone) != look  # the picture shows the green car
    bar = phone.locator("#preview").bounding_box()
    assert bar["y"] < PHONE["height"] and bar["y"] + bar["height"] > 0  # on screen after the tap
    assert bar["height"] < PHONE["height"] / 5  # a compact bar, not the full picture
    assert phone.locator("#preview .preview-total").inner_text() == total(phone)  # with the total beside it
    tapped = green.bounding_box()
    assert abs(tapped["y"] - where) < 2  # the option tapped stays under the finger
    assert tapped["y"] >= bar["y"] + bar["height"]  # and the bar does not cover it
    assert phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll


def test_a_new_step_takes_focus_to_its_heading_in_view(page: Any) -> None:
    page.goto("/p/city-car/?trim=style&engine=turbo100&gearbox=dct")
    next_button = page.get_by_role("button", name="Next")
    next_button.scroll_into_view_if_needed()
    next_button.click()
    page.wait_for_url(re.compile(r"_step=exterior"))
    settled(page)
    now = focused(page)
    assert (now["tag"], now["text"], now["onScreen"]) == ("h2", "Exterior", True)
    page.get_by_role("link", name=re.compile("Interior")).click()
    page.wait_for_url(re.compile(r"_step=interior"))
    settled(page)
    assert (focused(page)["text"], focused(page)["onScreen"]) == ("Interior", True)
    page.get_by_role("button", name="Back").click()
    page.wait_for_url(re.compile(r"_step=exterior"))
    settled(page)
    assert (focused(page)["text"], focused(page)["onScreen"]) == ("Exterior", True)
    page.goto("/p/city-car/?trim=style&engine=turbo100&gearbox=dct&_step=packs")
    page.get_by_role("button", name="Review").click()
    page.wait_for_url(re.compile(r"_step=summary"))
    settled(page)
    assert (focused(page)["text"], focused(page)["onScreen"]) == ("Your configuration", True)


def test_on_a_phone_the_new_steps_heading_shows_below_the_preview_bar(phone: Any) -> None:
    phone.goto("/p/city-car/?trim=style&engine=turbo100&gearbox=dct")
    next_button = phone.get_by_role("button", name="Next")
    next_button.scroll_into_view_if_needed()
    next_button.tap()
    phone.wait_for_url(re.compile(r"_step=exterior"))
    settled(phone)
    assert focused(phone)["text"] == "Exterior"
    heading = phone.locator("#configurator h2").bounding_box()
    bar = phone.locator("#preview").bounding_box()
    assert bar["y"] + bar["height"] <= heading["y"] < PHONE["height"]  # in view, not under the bar


def test_finish_for_me_takes_focus_to_the_notice_saying_what_changed(page: Any) -> None:
    page.goto("/p/city-car/?trim=style&_step=packs")
    page.get_by_role("button", name="Finish for me").click()
    page.wait_for_url(re.compile(r"_step=summary"))
    settled(page)
    now = focused(page)
    assert now["notice"] and "We completed your configuration" in now["text"] and now["onScreen"]


def test_choose_anyway_takes_focus_to_the_notice_in_view(page: Any) -> None:
    page.goto(CAR_EXTERIOR + "&body_colour=black")
    anyway = page.get_by_role("button", name=re.compile("Choose Contrast roof, black anyway"))
    anyway.scroll_into_view_if_needed()
    anyway.click()
    page.wait_for_url(re.compile(r"roof=contrast_black"))
    settled(page)
    now = focused(page)
    assert now["notice"] and "we also changed" in now["text"] and now["onScreen"]


def test_choose_anyway_makes_the_cheapest_smallest_change_every_time(page: Any) -> None:
    # Essential with the 1.0 petrol: the mild hybrid needs a higher trim, and Style (+€1,400, the
    # catalog's default) is enough where Premium (+€3,200) was once picked.
    for _ in range(3):  # each time a fresh page, as a shopper reloading and clicking again
        page.goto("/p/city-car/?trim=essential&engine=petrol70&_seen=version&_step=version")
        anyway = page.get_by_role("button", name="Choose 1.2 mild hybrid, 130 hp anyway")
        anyway.scroll_into_view_if_needed()
        anyway.click()
        page.wait_for_url(re.compile(r"engine=hybrid130"))
        settled(page)
        assert "trim=style" in page.url
        assert "Trim level: Essential → Style." in page.locator("#notices").inner_text()
        assert page.locator("#o-trim-style").is_checked()


def test_a_size_and_checking_its_estimates_take_focus_to_the_notice_in_view(phone: Any) -> None:
    phone.goto("/p/shirt/?_step=measurements")
    size = phone.locator("#sizes button").nth(1)
    size.scroll_into_view_if_needed()
    size.tap()
    phone.wait_for_url(re.compile(r"_estimated="))
    settled(phone)
    assert focused(phone)["notice"] and focused(phone)["onScreen"]
    assert "We filled in" in focused(phone)["text"]
    right = phone.get_by_role("button", name=re.compile("This is right")).first
    right.scroll_into_view_if_needed()
    right.tap()
    settled(phone)
    assert focused(phone)["notice"] and focused(phone)["onScreen"]
    assert "is checked" in focused(phone)["text"]
    checked = phone.get_by_role("button", name="I have checked these")
    checked.scroll_into_view_if_needed()
    checked.tap()
    phone.wait_for_url(lambda url: "_estimated=" not in url)
    settled(phone)
    assert focused(phone)["notice"] and focused(phone)["onScreen"]
    assert "Checked: these measurements" in focused(phone)["text"]


def test_choosing_an_option_by_keyboard_keeps_focus_on_it(page: Any) -> None:
    page.set_viewport_size({"width": 1280, "height": 500})  # the wheels are below the fold
    page.goto(CAR_EXTERIOR + "&wheels=w16")
    page.locator("#o-wheels-w16").focus()
    where = page.locator("#o-wheels-w17").bounding_box()["y"]
    page.keyboard.press("ArrowDown")
    page.wait_for_url(re.compile(r"wheels=w17"))
    settled(page)
    assert focused(page)["id"] == "o-wheels-w17"
    assert abs(page.locator("#o-wheels-w17").bounding_box()["y"] - where) < 2  # the page did not jump


def test_a_new_total_is_announced_by_a_live_region_that_stays(page: Any) -> None:
    page.goto(CAR_EXTERIOR)
    region = page.locator("#price-announcement")
    assert region.get_attribute("aria-live") == "polite" and region.text_content() == ""
    region.evaluate("e => { e.dataset.kept = 'yes' }")
    choose(page, "wheels", "w17")
    assert region.get_attribute("data-kept") == "yes"  # the same element, changed rather than replaced
    assert region.text_content() == f"Total: {total(page)}"
    region.evaluate("e => { e.textContent = '' }")
    page.get_by_role("link", name=re.compile("Interior")).click()  # the total stays: nothing to say
    page.wait_for_url(re.compile(r"_step=interior"))
    settled(page)
    assert region.text_content() == ""


def test_the_monogram_takes_initials_with_dots_in_capitals_and_marks_a_bad_character(page: Any) -> None:
    page.goto("/p/shirt/?_step=monogram")
    field = page.locator("#t-monogram")
    assert field.get_attribute("maxlength") == "4"
    assert page.locator("#rule-monogram").inner_text() == "Up to 4 characters: letters A–Z and dots."
    field.press_sequentially("j.s.", delay=80)
    page.wait_for_url(re.compile(r"monogram=J\.S\.(&|$)"))  # kept in capitals
    settled(page)
    assert field.input_value() == "j.s." and field.evaluate("e => getComputedStyle(e).textTransform") == "uppercase"
    assert page.locator("#err-monogram").inner_text() == ""
    assert field.get_attribute("aria-invalid") is None
    field.fill("")
    field.press_sequentially("j1", delay=80)
    page.wait_for_function("() => document.querySelector('#err-monogram').textContent.includes('1')")
    settled(page)
    assert page.locator("#err-monogram").inner_text() == (
        "These characters cannot be used: “1”. Use only letters A–Z and dots."
    )
    assert field.get_attribute("aria-invalid") == "true"
    field.press("Backspace")
    page.wait_for_function("() => document.querySelector('#err-monogram').textContent.trim() === ''")
    settled(page)
    assert field.get_attribute("aria-invalid") is None


#: Where CI keeps the pictures of the finished pages (`.ci/run` says where and copies them).
SCREENSHOTS = ARTIFACTS / "screenshots"
#: Each product part-way through, on the step where its look changes most, with the steps before it visited.
MIDWAY = {
    "city-car": "trim=style&engine=turbo100&gearbox=dct&body_colour=green&roof=contrast_white&wheels=w17"
    "&interior=eco_black&packs=city&_seen=version&_step=exterior",
    "shirt": "fabric=oxford_blue&collar=button_down&sleeves=long&cuffs=single&buttons=mop_white&fit=regular"
    "&pocket=left&neck=40&chest=100&waist=88&sleeve=64&arm=62&shirt_length=78&monogram=J.S.&monogram_position=chest"
    "&monogram_colour=navy&_seen=fabric,style,measurements&_step=monogram",
}
#: Every step of each product: its summary is reached having visited them all, so the stepper reads "4 of 4".
STEPS = {"city-car": "version,exterior,interior,packs", "shirt": "fabric,style,measurements,monogram"}


def _summary_query(product: str) -> str:
    """The MIDWAY configuration on its summary, every step visited."""
    return f"{MIDWAY[product].split('&_seen=', 1)[0]}&_seen={STEPS[product]}&_step=summary"


def _screenshots(tab: Any, name: str) -> None:
    """Take both products midway and at their summary, in English and Italian, on the device `name`."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for (product, query), language in itertools.product(MIDWAY.items(), ("en", "it")):
        prefix = "" if language == "en" else f"/{language}"
        tab.goto(f"{prefix}/p/{product}/?{query}")
        assert tab.locator("html").get_attribute("lang") == language
        preview_src(tab)
        assert tab.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scroll
        shot = SCREENSHOTS / f"{product}-{name}-{language}-configure.png"
        if name == "phone":  # midway down the options, where the compact preview earns its place
            tab.locator("#configurator fieldset").nth(1).scroll_into_view_if_needed()
            assert tab.locator("#preview").bounding_box()["y"] >= 0
        tab.screenshot(path=str(shot), full_page=name == "desktop")
        tab.goto(f"{prefix}/p/{product}/?{_summary_query(product)}")
        preview_src(tab)
        assert tab.locator("#progress-label").text_content().startswith("4 ")  # "4 of 4 steps done" beside "complete"
        summary = SCREENSHOTS / f"{product}-{name}-{language}-summary.png"
        tab.screenshot(path=str(summary), full_page=True)
        for picture in (shot, summary):
            assert picture.stat().st_size > 10_000, picture  # a drawn page, not a blank one


def test_screenshots_on_a_desktop_in_english_and_italian(page: Any) -> None:
    _screenshots(page, "desktop")


def test_screenshots_on_a_phone_in_english_and_italian(phone: Any) -> None:
    _screenshots(phone, "phone")
