"""The figures against a small hand-computed set of rollup rows (decision 29).

The period is Monday 2 November to Monday 9 November 2026. Real traffic of version 1:
10 visits, 3 orders; simulated: 10 visits, 5 orders; version 2: 7 real visits; and rows
just outside the period on both sides that no figure may count.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import CatalogVersion
from insights.figures import Filters, demand, histogram_median, product_insights
from insights.figures.types import Traffic
from insights.models import (
    DailyBlock,
    DailyConfiguration,
    DailyField,
    DailyGuided,
    DailyHour,
    DailyOption,
    DailyStage,
    DailyVisits,
)
from insights.simulated import SIMULATED_CUSTOMER
from orders import services
from orders.models import Order
from personalisation.models.guided import Question

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2026, 11, 2)
TUESDAY = MONDAY + datetime.timedelta(days=1)
NEXT_MONDAY = MONDAY + datetime.timedelta(days=7)
BEFORE = MONDAY - datetime.timedelta(days=1)
AFTER = NEXT_MONDAY + datetime.timedelta(days=1)


def _key(day: datetime.date, version: int = 1, simulated: bool = False) -> dict[str, Any]:
    return {"day": day, "product": "bike", "version": version, "simulated": simulated}


@pytest.fixture
def rollups(bike: CatalogVersion) -> None:
    visits = [
        (_key(MONDAY), {"visits": 4, "visitors": 3, "finishes": 1, "saved": 1, "checkouts": 2, "orders": 2}),
        (_key(NEXT_MONDAY), {"visits": 6, "visitors": 5, "saved": 2, "shares_opened": 1, "checkouts": 1, "orders": 1}),
        (_key(TUESDAY, simulated=True), {"visits": 10, "visitors": 10, "orders": 5}),
        (_key(TUESDAY, version=2), {"visits": 7, "visitors": 7}),
        (_key(BEFORE), {"visits": 100, "orders": 50}),
        (_key(AFTER), {"visits": 100, "orders": 50}),
    ]
    DailyVisits.objects.bulk_create(DailyVisits(**key, **counts) for key, counts in visits)
    DailyStage.objects.bulk_create(
        [
            DailyStage(
                **_key(MONDAY), stage="look", position=0, reached=4, left_here=1, seconds={"10": 2, "20": 1, "300": 1}
            ),
            DailyStage(
                **_key(NEXT_MONDAY), stage="look", position=0, reached=6, left_here=2, seconds={"5": 3, "30": 3}
            ),
            DailyStage(
                **_key(MONDAY), stage="other", position=1, reached=3, left_here=0, seconds={"7": 1, "9": 1, "100": 1}
            ),
            DailyStage(**_key(MONDAY), stage="summary", position=2, reached=3, left_here=1, seconds={}),
            DailyStage(**_key(BEFORE), stage="look", position=0, reached=100, left_here=100, seconds={"1": 100}),
            DailyStage(**_key(MONDAY), stage="gone", position=9, reached=1, left_here=1, seconds={"4": 1}),
        ]
    )
    DailyOption.objects.bulk_create(
        [
            DailyOption(**_key(MONDAY), group="frame", option="blue", chosen=3, chosen_ordered=2, ordered=2, saved=1),
            DailyOption(**_key(NEXT_MONDAY), group="frame", option="blue", chosen=2, ordered=1, saved=1),
            DailyOption(**_key(MONDAY), group="basket", option="wicker", chosen=1, chosen_ordered=1, ordered=1),
            DailyOption(
                **_key(TUESDAY, simulated=True), group="frame", option="black", chosen=5, chosen_ordered=5, ordered=5
            ),
            DailyOption(**_key(AFTER), group="frame", option="black", chosen=50, ordered=50),
        ]
    )
    DailyField.objects.bulk_create(
        [
            DailyField(**_key(MONDAY), field="height", filled=3, invalid=1),
            DailyField(**_key(NEXT_MONDAY), field="height", filled=2, invalid=0),
            DailyField(**_key(MONDAY), field="tag", filled=2, invalid=0),
        ]
    )
    DailyBlock.objects.bulk_create(
        [
            DailyBlock(**_key(MONDAY), rule="", group="basket", option="wicker", times=1, left=1),
            DailyBlock(
                **_key(MONDAY), rule="R1", group="frame", option="black", times=3, anyway=1, other_option=1, left=1
            ),
            DailyBlock(
                **_key(NEXT_MONDAY), rule="R1", group="frame", option="black", times=2, other_option=1, continued=1
            ),
        ]
    )
    DailyHour.objects.bulk_create(
        [
            DailyHour(**_key(MONDAY), hour=9, visits=4, orders=1),
            DailyHour(**_key(NEXT_MONDAY), hour=9, visits=6, orders=1),
            DailyHour(**_key(MONDAY), hour=22, visits=0, orders=1),
            DailyHour(**_key(BEFORE), hour=9, visits=100, orders=50),
        ]
    )
    DailyConfiguration.objects.bulk_create(
        [
            DailyConfiguration(**_key(MONDAY), kind="ordered", choices="frame=blue;basket=wicker", count=1),
            DailyConfiguration(**_key(MONDAY), kind="ordered", choices="frame=blue", count=1),
            DailyConfiguration(**_key(NEXT_MONDAY), kind="ordered", choices="frame=blue", count=1),
            DailyConfiguration(**_key(NEXT_MONDAY), kind="saved", choices="frame=blue", count=2),
            DailyConfiguration(**_key(MONDAY), kind="saved", choices="frame=blue;basket=wicker", count=1),
        ]
    )


@pytest.fixture
def guided(bike: CatalogVersion) -> None:
    """Two questions of the bike: "ride" asked before "size"; "gone" is no longer one of its questions."""
    ride = Question.objects.create(product=bike.product, code="ride", text="Where do you ride?", position=2)
    Question.objects.create(product=bike.product, code="size", text="How tall are you?", text_it="Quanto sei alto?")
    ride.position = 0
    ride.save(update_fields=["position"])
    DailyGuided.objects.bulk_create(
        [
            DailyGuided(**_key(MONDAY), question="ride", answered=3, skipped=1, overridden=1),
            DailyGuided(**_key(NEXT_MONDAY), question="ride", answered=1, skipped=2, overridden=1),
            DailyGuided(**_key(MONDAY), question="size", answered=0, skipped=4, overridden=0),
            DailyGuided(**_key(TUESDAY), question="gone", answered=2, skipped=0, overridden=0),
            DailyGuided(**_key(TUESDAY, simulated=True), question="ride", answered=10, skipped=0, overridden=5),
            DailyGuided(**_key(TUESDAY, version=2), question="ride", answered=7, skipped=0, overridden=0),
            DailyGuided(**_key(BEFORE), question="ride", answered=50, skipped=50, overridden=50),
            DailyGuided(**_key(AFTER), question="size", answered=50, skipped=50, overridden=50),
        ]
    )


def _insights(traffic: Traffic = "real", version: int | None = 1, **kwargs: Any) -> Any:
    filters = Filters(product="bike", version=version, since=MONDAY, until=NEXT_MONDAY, traffic=traffic)
    return product_insights(filters, **kwargs)


def test_headline_counts_only_the_days_version_and_traffic_asked_for(rollups: None) -> None:
    insights = _insights()
    assert (insights.visits, insights.visitors, insights.orders) == (10, 8, 3)
    assert (insights.saved, insights.checkouts, insights.finishes, insights.shares_opened) == (3, 3, 1, 1)
    assert insights.conversion == pytest.approx(0.3)
    assert (insights.simulated_visits, insights.real_visits) == (10, 10)
    assert insights.versions == [1, 2]
    assert insights.product_label == "City bike"


def test_traffic_filter_separates_simulated_shoppers(rollups: None) -> None:
    assert (_insights("simulated").visits, _insights("simulated").orders) == (10, 5)
    everything = _insights("all")
    assert (everything.visits, everything.orders, everything.simulated_visits) == (20, 8, 10)


def test_version_filter(rollups: None) -> None:
    assert _insights(version=2).visits == 7
    assert _insights(version=2).label_version == 1  # version 2 was never published: named by the latest
    assert _insights(version=None).visits == 17


def test_days_on_both_ends_of_the_period_count_and_the_days_around_do_not(rollups: None) -> None:
    monday_only = product_insights(Filters("bike", 1, MONDAY, MONDAY))
    last_only = product_insights(Filters("bike", 1, NEXT_MONDAY, NEXT_MONDAY))
    assert (monday_only.visits, last_only.visits) == (4, 6)
    assert product_insights(Filters("bike", 1, BEFORE, BEFORE)).visits == 100


def test_funnel_lists_every_stage_in_order_with_merged_medians(rollups: None) -> None:
    funnel = {stage.code: stage for stage in _insights().funnel}
    assert list(funnel) == ["look", "other", "summary", "checkout", "order", "gone"]
    assert (funnel["look"].label, funnel["other"].label, funnel["order"].label) == ("Look", "More", "Order placed")
    assert (funnel["look"].reached, funnel["look"].left_here) == (10, 3)
    assert funnel["look"].median_seconds == 15  # 5 5 5 10 10 | 20 30 30 30 300: an even count
    assert funnel["other"].median_seconds == 9  # 7 9 100: an odd count
    assert funnel["summary"].median_seconds is None  # reached, but no seconds recorded
    assert (funnel["checkout"].reached, funnel["checkout"].median_seconds) == (0, None)
    assert funnel["gone"].label == "gone"  # a stage the catalog no longer has keeps its code


@pytest.mark.parametrize(
    ("histogram", "median"),
    [({}, None), ({3: 1}, 3), ({1: 1, 2: 1}, 1.5), ({0: 2, 7200: 1}, 0), ({10: 1, 20: 1, 300: 2}, 160)],
)
def test_histogram_median_is_the_median_of_the_expanded_values(histogram: dict[int, int], median: float | None) -> None:
    assert histogram_median(histogram) == median


def test_options_take_rate_order_share_lift_and_never_chosen(rollups: None) -> None:
    options = {(o.group, o.option): o for o in _insights().options}
    assert list(options) == [("frame", "blue"), ("frame", "black"), ("basket", "wicker")]
    blue, black, wicker = options.values()
    assert (blue.chosen, blue.ordered, blue.saved, blue.chosen_ordered) == (5, 3, 2, 2)
    assert blue.take_rate == pytest.approx(0.5)
    assert blue.order_share == pytest.approx(1.0)
    assert blue.lift == pytest.approx((2 / 5) / (3 / 10))
    assert wicker.lift == pytest.approx(1 / 0.3)
    assert (blue.never_chosen, wicker.never_chosen) == (False, False)
    assert (black.never_chosen, black.chosen, black.take_rate, black.lift) == (True, 0, 0.0, None)
    assert (blue.group_label, blue.option_label) == ("Frame colour", "Blue")


def test_an_option_ordered_without_a_click_is_not_never_chosen(bike: CatalogVersion) -> None:
    DailyVisits.objects.create(**_key(MONDAY), visits=2, orders=1)
    DailyOption.objects.create(**_key(MONDAY), group="frame", option="blue", ordered=1)  # the default, kept
    DailyOption.objects.create(**_key(MONDAY), group="frame", option="black", saved=1)
    blue, black, wicker = _insights().options
    assert (blue.chosen, blue.never_chosen, black.never_chosen, wicker.never_chosen) == (0, False, False, True)


def test_an_option_chosen_only_by_simulated_shoppers_is_never_chosen_in_real_traffic(rollups: None) -> None:
    black = next(o for o in _insights("simulated").options if o.option == "black")
    assert (black.chosen, black.never_chosen, black.lift) == (5, False, pytest.approx(1 / 0.5))


def test_ratios_are_none_without_visits_or_orders(bike: CatalogVersion) -> None:
    insights = _insights()
    assert (insights.visits, insights.conversion) == (0, None)
    assert all(o.take_rate is None and o.order_share is None and o.lift is None for o in insights.options)
    assert all(o.never_chosen for o in insights.options)
    assert insights.demand == []  # no order to extrapolate from
    assert [s.reached for s in insights.funnel] == [0, 0, 0, 0, 0]


def test_labels_in_the_language_asked_for(rollups: None) -> None:
    insights = _insights(language="it")
    assert insights.product_label == "Bici da città"
    black = insights.options[1]
    assert (black.group_label, black.option_label) == ("Colore del telaio", "Nero")
    assert [s.label for s in insights.funnel[:3]] == ["Aspetto", "Altro", "Riepilogo"]
    assert [d.label for d in insights.demand[:2]] == ["Bici da città", "Colore del telaio: Blue"]


def test_fields_measurements_then_texts(rollups: None) -> None:
    fields = [(f.field, f.label, f.kind, f.filled, f.invalid) for f in _insights().fields]
    assert fields == [("height", "Rider height", "parameter", 5, 1), ("tag", "Name tag", "text", 2, 0)]


def test_blocked_per_rule_and_option_most_times_first(rollups: None) -> None:
    first, second = _insights().blocked
    assert (first.rule, first.option, first.times, first.resolved, first.anyway, first.other_option) == (
        "R1",
        "black",
        5,
        3,
        1,
        2,
    )
    assert (first.continued, first.left) == (1, 1)
    assert first.rule_label == "Baskets come on blue frames."
    assert (second.rule, second.rule_label, second.times, second.left) == (
        "",
        "The shopper's own earlier choices",
        1,
        1,
    )


def test_hours_fill_every_weekday_and_hour(rollups: None) -> None:
    hours = _insights().hours
    assert len(hours) == 7 * 24
    assert [(h.weekday, h.hour) for h in hours[:2]] == [(0, 0), (0, 1)]
    cells = {(h.weekday, h.hour): (h.visits, h.orders) for h in hours if h.visits or h.orders}
    assert cells == {(0, 9): (10, 2), (0, 22): (0, 1)}


def test_top_configurations_most_first_in_words(rollups: None) -> None:
    insights = _insights()
    assert [(c.label, c.count) for c in insights.top_ordered] == [("Blue", 2), ("Blue, Wicker", 1)]
    assert [(c.choices, c.count) for c in insights.top_saved] == [("frame=blue", 2), ("frame=blue;basket=wicker", 1)]


def test_top_configurations_keep_the_ten_most_frequent(bike: CatalogVersion) -> None:
    DailyConfiguration.objects.bulk_create(
        DailyConfiguration(**_key(MONDAY), kind="ordered", choices=f"frame=blue;n={n}", count=n) for n in range(1, 13)
    )
    assert [c.count for c in _insights().top_ordered] == [12, 11, 10, 9, 8, 7, 6, 5, 4, 3]


def test_guided_questions_sum_the_period_in_the_questions_order(guided: None) -> None:
    figures = [(g.question, g.label, g.answered, g.skipped, g.overridden) for g in _insights().guided]
    assert figures == [
        ("ride", "Where do you ride?", 4, 3, 2),
        ("size", "How tall are you?", 0, 4, 0),
        ("gone", "gone", 2, 0, 0),  # a question since deleted: named by its code, after the others
    ]
    assert [g.share_overridden for g in _insights().guided] == [0.5, None, 0.0]
    assert [(g.question, g.answered) for g in _insights(traffic="simulated").guided] == [("ride", 10)]
    assert [(g.question, g.answered) for g in _insights(version=2).guided] == [("ride", 7)]
    assert [g.label for g in _insights(language="it").guided] == ["Where do you ride?", "Quanto sei alto?", "gone"]


def test_demand_from_take_rates_and_the_bill_of_materials(rollups: None) -> None:
    insights = _insights(demand_orders=100)
    demand = {d.part_number: d for d in insights.demand}
    assert list(demand) == ["BK-BASE", "BK-FRAME", "BK-BASKET"]
    assert (demand["BK-BASE"].per_order, demand["BK-BASE"].quantity) == (Decimal(1), Decimal(100))
    assert demand["BK-FRAME"].quantity == Decimal(100)  # every order has a frame
    # No real order was placed: the basket's 2 * height + 10 at the height's midpoint, 175 cm.
    assert (demand["BK-BASKET"].per_order, demand["BK-BASKET"].unit) == (Decimal("120"), "cm")
    assert demand["BK-BASKET"].quantity == Decimal("12000")
    assert insights.demand_measurements == "midpoint"


def test_demand_sums_options_that_share_a_part_number(rollups: None) -> None:
    demand = {d.part_number: d for d in _insights("all", demand_orders=8).demand}
    # 3 blue + 5 black frames in 8 orders: one frame per order, whichever colour.
    assert (demand["BK-FRAME"].per_order, demand["BK-FRAME"].quantity) == (Decimal(1), Decimal(8))
    assert demand["BK-FRAME"].label == "Frame colour: Blue, Frame colour: Black"


def _place(
    bike: CatalogVersion, height: str, placed: datetime.datetime, customer: services.Customer | None = None
) -> None:
    data = {"selections": {"frame": "blue", "basket": "wicker"}, "parameters": {"height": height}, "texts": {}}
    customer = customer or services.Customer(name="Ada", email="ada@example.com", address="1 Road")
    order = services.order_place(version=bike, data=data, customer=customer, language="en").order
    type(order).objects.filter(pk=order.pk).update(placed_at=placed)


def _basket(**kwargs: Any) -> tuple[Decimal, str]:
    insights = _insights(demand_orders=100, **kwargs)
    basket = next(d for d in insights.demand if d.part_number == "BK-BASKET")
    return basket.per_order, insights.demand_measurements


def test_demand_uses_the_measurements_of_five_orders_placed_or_more(rollups: None, bike: CatalogVersion) -> None:
    placed = timezone.make_aware(datetime.datetime.combine(NEXT_MONDAY, datetime.time(23, 30)))
    for height in ("170", "180", "190", "200"):
        _place(bike, height, placed)
    # Four orders: one customer's height could be read back from the mean; the midpoint, 175 cm.
    assert _basket() == (Decimal("120.0000"), "midpoint")
    _place(bike, "160", placed)
    # Five orders at a mean 180 cm; one order in three holds the basket, at 2 * 180 + 10 = 370 cm.
    assert _basket() == (Decimal("123.3333"), "orders")
    Order.objects.update(placed_at=placed + datetime.timedelta(hours=1))  # the next day, out of the period
    assert _basket() == (Decimal("120.0000"), "midpoint")


def test_real_demand_leaves_the_demos_simulated_orders_out(rollups: None, bike: CatalogVersion) -> None:
    placed = timezone.make_aware(datetime.datetime.combine(NEXT_MONDAY, datetime.time(12)))
    for height in ("160", "170", "180", "190", "200"):
        _place(bike, height, placed)
    for _ in range(5):
        _place(bike, "150", placed, SIMULATED_CUSTOMER)  # `simulate_shoppers --orders`, as `make run` does
    # Real traffic: the five real orders' mean 180 cm; one order in three holds the basket, (2 * 180 + 10) / 3.
    assert _basket() == (Decimal("123.3333"), "orders")
    # All traffic: the ten orders' mean 165 cm; one order in eight holds the basket, (2 * 165 + 10) / 8.
    assert _basket(traffic="all") == (Decimal("42.5000"), "orders")


def test_demand_reads_only_the_latest_orders_in_one_query(
    rollups: None, bike: CatalogVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demand, "MAX_ORDERS", 5)
    first = timezone.make_aware(datetime.datetime.combine(MONDAY, datetime.time(9)))
    _place(bike, "150", first)  # the oldest: left out
    for hour, height in enumerate(("170", "180", "190", "200", "160"), start=10):
        _place(bike, height, first.replace(hour=hour))
    with CaptureQueriesContext(connection) as queries:
        assert _basket() == (Decimal("123.3333"), "orders")  # the latest five, at a mean 180 cm
    assert len([q for q in queries.captured_queries if "orders_order" in q["sql"]]) == 1


def test_closing_stages_and_the_shoppers_own_choices_are_translated(rollups: None) -> None:
    insights = _insights(language="it")
    assert [s.label for s in insights.funnel[3:5]] == ["Cassa", "Ordine effettuato"]
    assert insights.blocked[1].rule_label == "Le scelte precedenti del cliente"
