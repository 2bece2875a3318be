"""Each rollup figure against a small dataset computed by hand (insights/rollup.py, insights/tally.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from catalog.models import Product
from catalog.services import catalog_import, catalog_publish
from catalog.tests.factories import small_catalog
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
from insights.rollup import rollup_days
from insights.tally import bucket
from insights.tests.factories import START, save, shopper

DAY = date(2026, 11, 2)


@pytest.fixture(autouse=True)
def bike(db: None) -> None:
    """The small catalog's bike, published: its funnel is look, other, summary, checkout, order."""
    catalog_import(small_catalog())
    catalog_publish(Product.objects.get(code="bike"))


def visits_row(**key: object) -> DailyVisits:
    return DailyVisits.objects.get(day=DAY, product="bike", **key)


def funnel(product: str = "bike") -> list[tuple[str, int, int, dict[str, int]]]:
    rows = DailyStage.objects.filter(day=DAY, product=product).order_by("position")
    return [(r.stage, r.reached, r.left_here, r.seconds) for r in rows]


def test_visits_count_distinct_visits_visitors_and_what_they_did() -> None:
    save(
        shopper("v1", visitor="h1").step("look").finish().saved("frame=blue").saved("frame=black"),
        shopper("v2", visitor="h1").step("look").checkout("frame=blue").checkout("frame=blue").order("frame=blue"),
        shopper("v3", visitor="h2").step("look").finish().finish(),
        shopper("v4", first="share_opened").step("summary"),
    )
    rollup_days([DAY])
    row = visits_row()
    assert (row.visits, row.visitors, row.finishes, row.saved) == (4, 2, 2, 2)
    assert (row.shares_opened, row.checkouts, row.orders) == (1, 1, 1)


def test_funnel_reached_left_here_and_seconds_per_stage() -> None:
    save(
        # look 40 s, other 20 + 30 s (came back to it), look again 10 s: look 50 s in all.
        shopper("v1")
        .step("look", at=0)
        .step("other", at=40)
        .step("look", at=60)
        .step("other", at=70)
        .chosen("frame", "black", at=100),
        # Left at the summary after 6 s (until its last event); it stayed 299 s on "look" (the last exact bucket).
        shopper("v2").step("look", at=0).step("summary", at=299).chosen("frame", "blue", at=305),
        # Ordered: "look" 300 s (first 10 s bucket), summary 1799 s, checkout counts as reached.
        shopper("v3")
        .step("look", at=0)
        .step("summary", at=300)
        .checkout("frame=blue", at=2099)
        .order("frame=blue", at=2200),
        # Stayed 7200 s and more on "look", then left at checkout.
        shopper("v4").step("look", at=0).checkout("", at=9000),
    )
    rollup_days([DAY])
    assert funnel() == [
        ("look", 4, 0, {"50": 1, "299": 1, "300": 1, "7200": 1}),
        ("other", 1, 1, {"50": 1}),
        ("summary", 2, 1, {"6": 1, "1790": 1}),
        ("checkout", 2, 1, {}),
        ("order", 1, 0, {}),
    ]


def test_a_visit_that_left_on_arriving_at_a_stage_has_no_time_on_it() -> None:
    save(
        # Left "other" as soon as it showed (with its preview): reached and left there, time unknown.
        shopper("v1").step("look", at=0).step("other", at=30).preview(at=30),
        shopper("v2").step("look", at=0).step("other", at=20),
        # Did something on "other" before leaving: 15 s until its last event.
        shopper("v3").step("look", at=0).step("other", at=10).preview(at=10).chosen("frame", "blue", at=25),
        # Came back to "look" and left on arrival: its time there is partly unknown, so not counted.
        shopper("v4").step("look", at=0).step("other", at=40).step("look", at=45),
    )
    rollup_days([DAY])
    assert funnel()[:2] == [
        ("look", 4, 1, {"30": 1, "20": 1, "10": 1}),
        ("other", 4, 3, {"15": 1, "5": 1}),
    ]


def test_seconds_buckets_are_exact_then_ten_then_sixty_seconds_then_two_hours_and_more() -> None:
    edges = [0, 299, 300, 309, 310, 1799, 1800, 1859, 1860, 7199, 7200, 99999]
    assert [bucket(s) for s in edges] == [0, 299, 300, 300, 310, 1790, 1800, 1800, 1860, 7140, 7200, 7200]


def test_options_chosen_by_visits_chosen_in_ordering_visits_ordered_and_saved() -> None:
    save(
        # Chose black twice: one visit. It ordered black with a basket.
        shopper("v1")
        .chosen("frame", "black")
        .chosen("frame", "blue")
        .chosen("frame", "black")
        .order("frame=black;basket=wicker"),
        # Chose black, saved blue (twice) and left.
        shopper("v2").chosen("frame", "black").saved("frame=blue").saved("frame=blue"),
    )
    rollup_days([DAY])
    rows = {(r.group, r.option): (r.chosen, r.chosen_ordered, r.ordered, r.saved) for r in DailyOption.objects.all()}
    assert rows == {
        ("frame", "black"): (2, 1, 1, 0),
        ("frame", "blue"): (1, 1, 0, 2),
        ("basket", "wicker"): (0, 0, 1, 0),
    }


def test_an_option_forced_through_choose_anyway_counts_as_chosen() -> None:
    save(
        # Insisted on the wicker basket and ordered it; "choose anyway" also changed the frame: not a choice.
        shopper("v1")
        .blocked("basket", "wicker", "R1")
        .anyway_applied("basket", "wicker", "group:frame")
        .order("frame=blue;basket=wicker"),
        # Clicked it, then forced it: one visit.
        shopper("v2").chosen("basket", "wicker").blocked("basket", "wicker").anyway_applied("basket", "wicker"),
    )
    rollup_days([DAY])
    rows = {(r.group, r.option): (r.chosen, r.chosen_ordered, r.ordered, r.saved) for r in DailyOption.objects.all()}
    assert rows == {("basket", "wicker"): (2, 1, 1, 0), ("frame", "blue"): (0, 0, 1, 0)}


def test_fields_count_fillings_and_the_refused_ones_never_clearing() -> None:
    save(
        shopper("v1").filled("height").filled("height", valid=False).cleared("height").filled("tag"),
        shopper("v2").filled("height", valid=False),
    )
    rollup_days([DAY])
    assert {r.field: (r.filled, r.invalid) for r in DailyField.objects.all()} == {"height": (3, 2), "tag": (1, 0)}


def test_blocked_options_by_rule_with_what_the_shopper_did_next() -> None:
    save(
        # Clicked, then applied "choose anyway": one block (the offer and a preview in between do not count).
        shopper("v1")
        .blocked("basket", "wicker", "R1")
        .anyway_offered("basket", "wicker")
        .preview()
        .blocked("basket", "wicker", "R1")
        .anyway_applied("basket", "wicker", "option:frame=blue"),
        # Chose another frame: other option, for both rules named.
        shopper("v2").blocked("frame", "black", "R1,T1").chosen("frame", "blue"),
        # Went to the next step, then left: continued.
        shopper("v3").blocked("frame", "black", "T1").step("summary"),
        # Nothing after it: left. Named only the shopper's own choices: rule "".
        shopper("v4").blocked("frame", "black"),
        # Nothing after it, but it had ordered before: continued.
        shopper("v5").order("frame=blue").blocked("frame", "black", "T1"),
    )
    rollup_days([DAY])
    rows = {
        (r.rule, r.group, r.option): (r.times, r.anyway, r.other_option, r.continued, r.left)
        for r in DailyBlock.objects.all()
    }
    assert rows == {
        ("R1", "basket", "wicker"): (1, 1, 0, 0, 0),
        ("R1", "frame", "black"): (1, 0, 1, 0, 0),
        ("T1", "frame", "black"): (3, 0, 1, 2, 0),
        ("", "frame", "black"): (1, 0, 0, 0, 1),
    }


def test_a_block_asked_again_before_any_answer_counts_once() -> None:
    save(
        shopper("v1").blocked("frame", "black", "T1").blocked("frame", "black", "T1").chosen("frame", "blue"),
        # Asked again after doing something else: the rule blocked the shopper twice.
        shopper("v2").blocked("frame", "black", "T1").step("summary").blocked("frame", "black", "T1"),
    )
    rollup_days([DAY])
    row = DailyBlock.objects.get()
    assert (row.times, row.other_option, row.continued, row.left) == (3, 1, 1, 1)


def test_hours_are_local_and_a_late_order_counts_under_the_visit_day() -> None:
    # 22:50 UTC on 1 November is 23:50 in Rome; the order, past midnight, at 00:10 on the 2nd.
    late = datetime(2026, 11, 1, 22, 50, tzinfo=UTC)
    save(
        shopper("v1", start=late).step("look").order("frame=blue", at=1200),
        shopper("v2", start=late).step("look"),
        shopper("v3").step("look"),  # 11:00 in Rome on the 2nd
    )
    rollup_days([date(2026, 11, 1), DAY])
    hours = {(r.day, r.hour): (r.visits, r.orders) for r in DailyHour.objects.all()}
    assert hours == {(date(2026, 11, 1), 23): (2, 0), (date(2026, 11, 1), 0): (0, 1), (DAY, 11): (1, 0)}


def test_configurations_ordered_and_saved_are_counted_whole() -> None:
    save(
        shopper("v1").saved("frame=blue;basket=wicker").order("frame=blue;basket=wicker"),
        shopper("v2").order("frame=blue;basket=wicker"),
        shopper("v3").order("frame=black"),
    )
    rollup_days([DAY])
    rows = {(r.kind, r.choices): r.count for r in DailyConfiguration.objects.all()}
    assert rows == {
        ("saved", "frame=blue;basket=wicker"): 1,
        ("ordered", "frame=blue;basket=wicker"): 2,
        ("ordered", "frame=black"): 1,
    }


def test_version_and_traffic_of_a_visit_are_its_first_events() -> None:
    late_version = shopper("v3", version=2).step("look")
    for event in late_version.events[1:]:
        event.version = 3  # published while it was on the page: still version 2's visit
    save(
        shopper("v1").step("look"),
        shopper("v2", simulated=True).step("look").order("frame=blue"),
        late_version,
    )
    rollup_days([DAY])
    rows = {(r.version, r.simulated): (r.visits, r.orders) for r in DailyVisits.objects.all()}
    assert rows == {(1, False): (1, 0), (1, True): (1, 1), (2, False): (1, 0)}
    assert DailyStage.objects.filter(version=2).count() == 5
    assert not DailyStage.objects.filter(version=3).exists()


def test_a_step_the_catalog_no_longer_has_comes_after_its_steps() -> None:
    save(shopper("v1").step("colours").step("look").step("summary"))
    rollup_days([DAY])
    assert [stage for stage, *_ in funnel()] == ["look", "other", "colours", "summary", "checkout", "order"]


def test_a_product_no_longer_in_the_catalog_keeps_its_steps_in_the_order_first_seen() -> None:
    save(
        shopper("v1", product="gone").step("b").step("summary"),
        shopper("v2", product="gone").step("a").step("b"),
    )
    rollup_days([DAY])
    assert [stage for stage, *_ in funnel("gone")] == ["b", "a", "summary", "checkout", "order"]


def test_stage_start_and_order_rows_are_written_for_a_day_without_events_of_them() -> None:
    save(shopper("v1", start=START))
    rollup_days([DAY])
    assert funnel() == [(s, 0, 0, {}) for s in ("look", "other", "summary", "checkout", "order")]


def test_guided_questions_count_visits_that_answered_skipped_and_then_overrode() -> None:
    save(
        # Answered both, then changed the fit "wear" had set, twice: one override, once per visit.
        shopper("v1").answered("wear", "tucked").answered("occasion", "office").overrode("wear", "tucked", "fit")
        .overrode("wear", "tucked", "fit"),
        shopper("v2").answered("wear", "untucked").skipped("occasion"),
        shopper("v3").skipped("wear").skipped("occasion").skipped("occasion"),  # skipped again: one visit
        shopper("v4", simulated=True).answered("wear", "tucked"),
        shopper("v5").step("look"),  # never asked
    )  # fmt: skip
    rollup_days([DAY])
    rows = {(r.simulated, r.question): (r.answered, r.skipped, r.overridden) for r in DailyGuided.objects.all()}
    assert rows == {
        (False, "wear"): (2, 1, 1),
        (False, "occasion"): (1, 2, 0),
        (True, "wear"): (1, 0, 0),
    }
