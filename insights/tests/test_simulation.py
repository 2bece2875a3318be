"""`simulate_shoppers`: plausible simulated traffic through the real pages, kept apart from real traffic."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import override_settings
from django.utils import timezone

from catalog.models import Product
from insights.models import DailyGuided, DailyVisits, Event
from insights.simulation import SimulationError, simulate_shoppers, simulated_clear, simulated_exists
from orders.models import Order
from personalisation.models.popular import PinnedPreset
from personalisation.popular import starting_points_refresh


@pytest.fixture
def demo(db: None) -> None:
    call_command("load_demo", stdout=None)


def _trail() -> list[tuple[object, ...]]:
    """Every simulated event without its visit id (random by design), in order."""
    rows = Event.objects.filter(simulated=True).order_by("at", "id")
    return list(rows.values_list("at", "day", "kind", "step", "group", "option", "field", "valid", "rules", "choices"))


def test_shoppers_go_through_the_pages_and_are_recorded_as_simulated(demo: None) -> None:
    # A starting point to offer (no order is placed here, so no popular build): some shoppers start from it.
    car = Product.objects.get(code="city-car")
    PinnedPreset.objects.create(product=car, name="Sporty", choices={"trim": "style", "engine": "turbo100"})
    starting_points_refresh("city-car")
    tally = simulate_shoppers("city-car", visits=40, seed="7", days=10)
    events = Event.objects.filter(product="city-car")
    assert events.exists() and not events.filter(simulated=False).exists()
    # One visit each: starting from a popular build goes on with the visit that offered it.
    assert tally.starts > 0
    assert events.filter(kind="visit").count() == tally.visits == 40
    assert tally.errors == 0
    # Spread over the last 10 days, never in the future; each visit's events on the day it started.
    now = timezone.now()
    assert all(now - timedelta(days=11) < at < now for at in events.values_list("at", flat=True))
    assert events.values("visit").annotate(days=Count("day", distinct=True)).filter(days__gt=1).count() == 0
    kinds = set(events.values_list("kind", flat=True))
    assert {"visit", "step", "chosen", "preview", "checkout"} <= kinds
    assert tally.summaries > tally.checkouts > 0
    # Orders are events only: no Order, no build order for a factory.
    assert events.filter(kind="order").count() == tally.orders
    assert not Order.objects.exists()


def test_orders_carry_the_configuration_and_the_checkout_total(demo: None) -> None:
    tally = simulate_shoppers("city-car", visits=40, seed="3", days=5)
    orders = Event.objects.filter(kind="order")
    assert orders.count() == tally.orders > 0
    for order in orders:
        checkout = Event.objects.filter(visit=order.visit, kind="checkout").get()
        assert order.choices == checkout.choices and order.price == checkout.price
        assert "trim=" in order.choices and order.step == "order"


def test_the_shirt_s_shoppers_type_measurements_and_ask_for_what_they_cannot_have(demo: None) -> None:
    tally = simulate_shoppers("shirt", visits=20, seed="1", days=7)
    filled = Event.objects.filter(product="shirt", kind="filled")
    assert filled.filter(field="neck", valid=True).exists()
    # This seed's shoppers make typos (refused, named on the page) and click unavailable options.
    assert tally.typos > 0 and filled.filter(valid=False).exists()
    assert tally.blocked > 0 and Event.objects.filter(kind="blocked").exists()


def test_the_same_seed_replays_the_same_visits(demo: None) -> None:
    simulate_shoppers("city-car", visits=15, seed="5", days=3)
    first = _trail()
    simulated_clear("city-car")
    simulate_shoppers("city-car", visits=15, seed="5", days=3)
    assert _trail() == first
    simulated_clear("city-car")
    simulate_shoppers("city-car", visits=15, seed="6", days=3)
    assert _trail() != first


def test_clear_deletes_simulated_data_only(demo: None) -> None:
    simulate_shoppers("city-car", visits=5, seed="1", days=2)
    today = timezone.localdate()
    DailyVisits.objects.create(day=today, product="city-car", version=1, simulated=True, visits=5)
    DailyGuided.objects.create(day=today, product="city-car", version=1, simulated=True, question="use", answered=1)
    real = DailyVisits.objects.create(day=today, product="city-car", version=1, simulated=False, visits=2)
    Event.objects.create(at=timezone.now(), day=today, product="city-car", visit="real", kind="visit")
    assert simulated_exists("city-car")
    assert simulated_clear("city-car") > 0
    assert not simulated_exists("city-car")
    assert list(Event.objects.values_list("visit", flat=True)) == ["real"]
    assert list(DailyVisits.objects.all()) == [real]
    assert not DailyGuided.objects.exists()


def test_nothing_is_simulated_while_recording_is_off(demo: None) -> None:
    with override_settings(INSIGHTS_ENABLED=False), pytest.raises(SimulationError, match="INSIGHTS_ENABLED"):
        simulate_shoppers("city-car", visits=1)


def test_the_command_simulates_rolls_up_and_says_what_happened(demo: None) -> None:
    out = io.StringIO()
    call_command("simulate_shoppers", "city-car", "--visits", "12", "--days", "3", stdout=out)
    text = out.getvalue()
    assert "city-car: 12 simulated visits over the last 3 days" in text
    assert "no order was placed" in text and "Rolled up" in text
    assert sum(DailyVisits.objects.filter(simulated=True).values_list("visits", flat=True)) >= 12
    out = io.StringIO()
    call_command("simulate_shoppers", "city-car", "--visits", "12", "--if-empty", stdout=out)
    assert "already has simulated data, skipped" in out.getvalue()
    out = io.StringIO()
    call_command("simulate_shoppers", "city-car", "--visits", "3", "--clear", "--no-rollup", stdout=out)
    assert "deleted" in out.getvalue() and "Rolled up" not in out.getvalue()


def test_the_command_names_what_is_wrong(demo: None) -> None:
    with pytest.raises(CommandError, match="'bike'"):
        call_command("simulate_shoppers", "bike", "--visits", "3", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--visits"):
        call_command("simulate_shoppers", "city-car", "--visits", "0", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--days"):
        call_command("simulate_shoppers", "city-car", "--days", "1000", stdout=io.StringIO())


def test_background_hands_each_product_to_the_worker(demo: None, monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[object, ...]] = []
    monkeypatch.setattr("insights.tasks.simulate_shoppers.delay", lambda *args: sent.append(args))
    out = io.StringIO()
    call_command("simulate_shoppers", "city-car", "shirt", "--visits", "30", "--background", stdout=out)
    assert sent == [("city-car", 30, "1", 28, False), ("shirt", 30, "1", 28, False)]
    assert "handed to the Celery worker" in out.getvalue()
    assert not Event.objects.exists()


def test_the_task_populates_a_product_once(demo: None) -> None:
    from insights.tasks import simulate_shoppers as task

    first = task("city-car", 8)
    assert first["visits"] == 8
    assert DailyVisits.objects.filter(product="city-car", simulated=True).exists()
    assert task("city-car", 8) == {"visits": 0, "orders": 0, "days": 0}


def test_background_without_a_broker_says_so_and_goes_on(demo: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from kombu.exceptions import OperationalError

    def refuse(*args: object) -> None:
        raise OperationalError("Connection refused")

    monkeypatch.setattr("insights.tasks.simulate_shoppers.delay", refuse)
    err = io.StringIO()
    call_command("simulate_shoppers", "city-car", "--background", stdout=io.StringIO(), stderr=err)
    assert "city-car: the Celery broker cannot be reached (Connection refused)" in err.getvalue()
