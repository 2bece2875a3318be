"""The demo's orders: `simulate_shoppers --orders` places real orders, and the popular builds follow."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from catalog.selectors import version_latest_for
from orders.models import Order
from personalisation.models.popular import StartingPoint


@pytest.fixture
def demo(db: None) -> None:
    call_command("load_demo", stdout=None)


def test_simulated_orders_are_placed_for_a_simulated_shopper_and_learnt_from(demo: None) -> None:
    out = io.StringIO()

    call_command("simulate_shoppers", "city-car", "--visits", "40", "--seed", "3", "--orders", stdout=out)

    orders = Order.objects.filter(product_code="city-car")
    assert orders.exists()
    assert set(orders.values_list("customer_name", flat=True)) == {"Simulated shopper"}
    assert all(email.endswith("@example.invalid") for email in orders.values_list("customer_email", flat=True))
    assert f"placed as orders: {orders.count()}" in out.getvalue()
    points = StartingPoint.objects.filter(version=version_latest_for("city-car"), kind="popular")
    assert 0 < points.count() <= 3
    assert sum(points.values_list("orders", flat=True)) <= orders.count()


def test_without_orders_nothing_is_placed(demo: None) -> None:
    call_command("simulate_shoppers", "city-car", "--visits", "20", "--seed", "3", stdout=io.StringIO())

    assert not Order.objects.exists()


def test_the_demo_task_learns_often_chosen_with_at_once(demo: None) -> None:
    """`make run`'s background simulation leaves suggestions to show, without waiting for the beat."""
    from insights.tasks import simulate_shoppers as task
    from personalisation.models.cooccurrence import OptionPair

    assert not OptionPair.objects.exists()
    task("city-car", 60, orders=True)

    assert OptionPair.objects.filter(product_code="city-car").exists()
