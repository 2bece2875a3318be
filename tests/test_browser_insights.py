"""Insights recorded from a real browser: the page's script carries the visit, clicks on what is unavailable tell.

Fixtures in tests/conftest.py, helpers in tests/browsing.py.
"""

from __future__ import annotations

import re
import time
from typing import Any

from django.db.utils import OperationalError

from insights.models import Event
from tests.browsing import BROWSER, settled

pytestmark = BROWSER


def _events(count: int, **filters: object) -> list[Event]:
    """Return the events matching `filters` once `count` are written (they are written after each response)."""
    found: list[Event] = []
    for _ in range(100):
        try:
            found = list(Event.objects.filter(**filters).order_by("id"))
        except OperationalError:  # SQLite: the live server's thread is writing this table right now
            found = []
        if len(found) >= count:
            return found
        time.sleep(0.05)
    return found


def test_a_visit_in_the_browser_records_steps_choices_and_what_was_blocked(page: Any) -> None:
    addresses: list[str] = []
    page.on("request", lambda request: addresses.append(request.url))
    page.goto("/p/city-car/")
    (visit,) = _events(1, kind="visit")
    # The stepper's link lies outside the form: the page's script adds the visit to it.
    page.get_by_role("link", name=re.compile("Exterior")).click()
    page.wait_for_url(re.compile(r"_step=exterior"))
    settled(page)
    page.locator("label[for='o-body_colour-black']").click()
    page.wait_for_url(re.compile(r"body_colour=black"))
    settled(page)
    # Playwright waits for the control a label names to be enabled; a shopper's click needs no such thing.
    page.locator("label[for='o-roof-contrast_black']").click(force=True)
    blocked = _events(1, kind="blocked")
    assert [(b.group, b.option, b.rules) for b in blocked] == [("roof", "contrast_black", "R1")]
    assert "body_colour=black" in page.url  # the click on the unavailable option drew nothing
    page.get_by_role("button", name=re.compile("Choose Onyx Black roof anyway|anyway")).first.click()
    settled(page)
    applied = _events(1, kind="anyway_applied")
    assert applied and applied[0].changes == "group:body_colour"
    assert len(_events(2, kind="blocked")) == 2  # the click, then "choose anyway" itself
    events = _events(1, visit=visit.visit)
    assert {e.visit for e in Event.objects.all()} == {visit.visit}
    assert [e.step for e in events if e.kind == "step"] == ["version", "exterior"]
    assert [(e.group, e.option) for e in events if e.kind == "chosen"] == [("body_colour", "black")]
    assert "_visit" not in page.url and "_prev" not in page.url
    assert [a for a in addresses if "_asked=roof" in a], "the click was sent"


def test_the_address_after_saving_drops_the_visit_and_the_saved_page_continues_it(page: Any) -> None:
    page.goto("/p/city-car/")
    (visit,) = _events(1, kind="visit")
    page.get_by_role("button", name="Save and share").click()
    page.wait_for_url(re.compile(r"/c/[0-9A-Z]{16}/"))
    # The redirect carried `_visit` and `saved`; the page's script took them out of the address bar.
    page.wait_for_url(re.compile(r"/c/[0-9A-Z]{16}/$"))
    assert "_visit" not in page.url and "saved=" not in page.url
    assert "Saved as" in page.locator("#notices").inner_text()
    (saved,) = _events(1, kind="saved")
    assert saved.visit == visit.visit
    # The browser said it came from this site: the saved page continues the visit, no share link was opened.
    assert len(_events(2, visit=visit.visit, kind="step")) >= 2
    assert not Event.objects.filter(kind="share_opened").exists()
    assert Event.objects.filter(kind="visit").count() == 1
