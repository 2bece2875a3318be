"""Reading the configurator page as the simulated shoppers do, and when they come."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from insights.simulation.calendar import HOURS, Clock, visit_start
from insights.simulation.pages import page_read


@pytest.fixture
def demo(db: None) -> None:
    call_command("load_demo", stdout=None)


def test_the_first_page_of_the_shirt_reads_as_its_form(demo: None) -> None:
    page = page_read(Client().get("/p/shirt/").content.decode())
    form = page.configurator
    assert form is not None and form.action == "/p/shirt/"
    assert form.value("_step") == "fabric"
    assert "poplin_white" in [c.value for c in form.groups()["fabric"]]
    # Groups of later steps travel as hidden inputs; the first look's suggestion is sent as it is.
    assert ("collar", "classic") in form.pairs()
    assert form.value("fabric") == "poplin_white"
    assert form.button_values("_step") == ["style"]
    assert form.has_button("_action", "finish")
    assert page.save is not None and page.save.action == "/p/shirt/save"


def test_a_click_changes_what_the_form_sends(demo: None) -> None:
    form = page_read(Client().get("/p/shirt/").content.decode()).configurator
    assert form is not None
    form.choose("fabric", "oxford_blue")
    assert form.value("fabric") == "oxford_blue"
    assert [v for k, v in form.pairs() if k == "fabric"] == ["oxford_blue"]


def test_measurements_come_with_their_range_and_unavailable_options_are_not_sent(demo: None) -> None:
    client = Client()
    form = page_read(client.get("/p/shirt/?_step=measurements&_seen=fabric").content.decode()).configurator
    assert form is not None
    neck = form.control("neck")
    assert neck is not None and neck.attrs["data-min"] == "34" and neck.attrs["data-max"] == "50"
    # Short sleeves leave only the "no cuffs" option: the others are shown disabled and never sent.
    style = client.get("/p/shirt/?_step=style&_seen=fabric&sleeves=short&cuffs=short_none").content.decode()
    form = page_read(style).configurator
    assert form is not None
    disabled = [c.value for c in form.groups()["cuffs"] if c.disabled]
    assert disabled and "short_none" not in disabled
    form.choose("cuffs", disabled[0])
    assert ("cuffs", disabled[0]) not in form.pairs()


def test_the_summary_links_what_is_missing_to_its_step(demo: None) -> None:
    summary = Client().get("/p/shirt/?_step=summary&_seen=fabric").content.decode()
    form = page_read(summary).configurator
    assert form is not None
    assert form.value("_step") == "summary"
    assert "measurements" in form.missing
    assert not form.links  # no "Order" before the measurements are given


def test_visits_start_in_the_window_mostly_by_day_and_never_in_the_future() -> None:
    now = timezone.now()
    rnd = random.Random(7)
    starts = [visit_start(rnd, 28, now) for _ in range(3000)]
    assert all(now - timedelta(days=29) <= s <= now - timedelta(hours=2) for s in starts)
    hours = [timezone.localtime(s).hour for s in starts]
    quiet, busy = HOURS.index(min(HOURS)), HOURS.index(max(HOURS))
    assert hours.count(busy) > 5 * hours.count(quiet)
    assert [visit_start(random.Random(3), 28, now) for _ in range(3)] == [
        visit_start(random.Random(3), 28, now) for _ in range(3)
    ]


def test_a_visit_started_on_the_last_day_late_at_night_stays_in_the_past() -> None:
    now = timezone.now()
    assert all(visit_start(random.Random(n), 1, now) <= now - timedelta(hours=2) for n in range(200))


def test_think_times_move_the_clock_forward() -> None:
    start = timezone.now() - timedelta(days=1)
    clock = Clock(start)
    rnd = random.Random(1)
    for _ in range(20):
        before = clock()
        clock.think(rnd, "option")
        assert clock() > before
    assert clock() - start < timedelta(hours=10)
