"""Shoppers with known paths through the real pages, then `insights_report --json`: the counts, exactly.

Nine visits of the demo city car (steps version, exterior, interior, packs), driven through
the test client as the page drives them (htmx requests carrying the form's fields):

- 3 choose the Premium trim, go on to the second step (exterior) and leave there;
- 2 arrive from a link with the Essential trim, go on to the exterior, click the panoramic
  roof the trim rules out (rule R5) and leave;
- 2 choose the blue body colour, walk every step to the summary and place a real order
  through the checkout form;
- 1 lets "finish for me" complete the first step and leaves on the summary;
- 1 opens the page and leaves at once.
"""

from __future__ import annotations

import io
import json
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.test import Client

from insights.simulation.pages import Form, page_read
from orders.models import Order

HTMX = {"HX-Request": "true"}


class Shopper:
    """One visit: a browser on the configurator page, clicking as htmx does."""

    def __init__(self, url: str = "/p/city-car/") -> None:
        self.client = Client()
        response = self.client.get(url)
        assert response.status_code == 200
        self._read(response.content.decode())

    def _read(self, html: str) -> None:
        form = page_read(html).configurator
        assert form is not None
        self.form: Form = form

    def click(self, *extra: tuple[str, str]) -> int:
        response = self.client.get(f"{self.form.action}?{urlencode([*self.form.pairs(), *extra])}", headers=HTMX)
        assert response.status_code in (200, 204)
        if response.status_code == 200:
            self._read(response.content.decode())
        return response.status_code

    def choose(self, group: str, option: str) -> None:
        self.form.choose(group, option)
        self.click()

    def next(self) -> None:
        self.click(("_step", self.form.button_values("_step")[-1]))

    @property
    def step(self) -> str:
        return self.form.value("_step")

    def order(self) -> None:
        """Follow "Order", fill in the checkout form and place the order."""
        assert self.form.links, "the summary offers no Order link"
        page = page_read(self.client.get(self.form.links[0]).content.decode())
        checkout = page.checkout
        assert checkout is not None
        checkout.type("name", "Ada Lovelace")
        checkout.type("email", "ada@example.com")
        checkout.type("address", "12 Analytical Street, 20100 Milan")
        data: dict[str, list[str]] = {}
        for key, value in checkout.pairs():
            data.setdefault(key, []).append(value)
        response = self.client.post(checkout.action, data)
        assert response.status_code == 302, response.content.decode()[:2000]


def _report() -> dict[str, Any]:
    out = io.StringIO()
    call_command("insights_report", "city-car", "--json", stdout=out)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


@pytest.fixture
def demo(db: None) -> None:
    call_command("load_demo", stdout=None)


def _drive() -> None:
    for _ in range(3):
        shopper = Shopper()
        shopper.choose("trim", "premium")
        shopper.next()
        assert shopper.step == "exterior"
    for _ in range(2):
        shopper = Shopper("/p/city-car/?trim=essential")
        shopper.next()
        assert [c.value for c in shopper.form.groups()["roof"] if c.disabled] == ["panoramic"]
        assert shopper.click(("_asked", "roof:panoramic")) == 204
    for _ in range(2):
        shopper = Shopper()
        shopper.next()
        shopper.choose("body_colour", "blue")
        while shopper.step != "summary":
            shopper.next()
        shopper.order()
    shopper = Shopper()
    shopper.click(("_action", "finish"))
    assert shopper.step == "summary"
    Shopper()


def test_known_paths_appear_exactly_in_the_report(demo: None) -> None:
    _drive()
    assert Order.objects.count() == 2
    report = _report()

    assert report["visits"] == 9
    assert report["orders"] == 2
    funnel = {stage["step"]: (stage["reached"], stage["left_here"]) for stage in report["funnel"]}
    assert funnel == {
        "version": (9, 1),
        "exterior": (7, 5),
        "interior": (2, 0),
        "packs": (2, 0),
        "summary": (3, 1),
        "checkout": (2, 0),
        "order": (2, 0),
    }
    assert [stage["step"] for stage in report["funnel"]] == list(funnel)
    blocked = [{k: b[k] for k in ("rule", "group", "option", "times", "resolved", "left")} for b in report["blocked"]]
    assert blocked == [{"rule": "R5", "group": "roof", "option": "panoramic", "times": 2, "resolved": 0, "left": 2}]

    options = {(o["group"], o["option"]): (o["chosen"], o["ordered"]) for o in report["options"]}
    assert options[("trim", "premium")] == (3, 0)
    assert options[("body_colour", "blue")] == (2, 2)
    # The rest of what was ordered is the first look's, taken as suggested: ordered, never chosen.
    assert options[("trim", "style")] == (0, 2)
    assert options[("body_colour", "red")] == (0, 0)
    assert sum(chosen for chosen, _ordered in options.values()) == 3 + 2
