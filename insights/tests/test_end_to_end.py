"""Shoppers with known paths through the real pages, then `insights_report --json`: the counts, exactly.

Ten visits of the demo city car (steps version, exterior, interior, packs), driven through
the test client as the page drives them (htmx requests carrying the form's fields):

- 3 choose the Premium trim, go on to the second step (exterior) and leave there;
- 2 arrive from a link with the Essential trim, go on to the exterior, click the panoramic
  roof the trim rules out (rule R5) and leave;
- 2 choose the blue body colour, walk every step to the summary and place a real order
  through the checkout form;
- 1 lets "finish for me" complete the first step and leaves on the summary;
- 1 opens the page and leaves at once;
- 1 starts from a pinned preset ("Start from a popular build"), still the same visit, and leaves there.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from catalog.models import Product
from insights.tests.shopping import Shopper
from orders.models import Order
from personalisation.models.popular import PinnedPreset
from personalisation.popular import starting_points_refresh


def _report() -> dict[str, Any]:
    out = io.StringIO()
    call_command("insights_report", "city-car", "--json", stdout=out)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


@pytest.fixture
def demo(db: None) -> None:
    call_command("load_demo", stdout=None)
    car = Product.objects.get(code="city-car")
    PinnedPreset.objects.create(product=car, name="Sporty", choices={"trim": "style", "engine": "turbo100"})
    starting_points_refresh("city-car")


def _shopper(query: str = "") -> Shopper:
    shopper = Shopper(Client(), "city-car")
    shopper.open(query)
    return shopper


def _drive() -> None:
    for _ in range(3):
        shopper = _shopper()
        shopper.choose("trim", "premium")
        shopper.next()
        assert shopper.step == "exterior"
    for _ in range(2):
        shopper = _shopper("?trim=essential")
        shopper.next()
        assert [c.value for c in shopper.form.groups()["roof"] if c.disabled] == ["panoramic"]
        assert shopper.click(("_asked", "roof:panoramic")) == 204
    for _ in range(2):
        shopper = _shopper()
        shopper.next()
        shopper.choose("body_colour", "blue")
        while shopper.step != "summary":
            shopper.next()
        shopper.order()
    shopper = _shopper()
    shopper.click(("_action", "finish"))
    assert shopper.step == "summary"
    _shopper()
    shopper = _shopper()
    shopper.start_from(0)
    assert shopper.form.value("engine") == "turbo100"


def test_known_paths_appear_exactly_in_the_report(demo: None) -> None:
    _drive()
    assert Order.objects.count() == 2
    report = _report()

    assert report["visits"] == 10
    assert report["orders"] == 2
    funnel = {stage["step"]: (stage["reached"], stage["left_here"]) for stage in report["funnel"]}
    assert funnel == {
        "version": (10, 2),
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
