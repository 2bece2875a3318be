"""Popular builds: counted from orders by style choices, re-validated on the current catalog version."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from catalog.selectors import version_latest_for
from personalisation.models.popular import StartingPoint
from personalisation.popular import popular_counts, starting_points_refresh
from personalisation.tests.popular_orders import place_shirts, withdraw_option


@pytest.fixture
def demo(db: None) -> None:
    call_command("load_demo", stdout=None)


def _points() -> list[StartingPoint]:
    version = version_latest_for("shirt")
    return list(StartingPoint.objects.filter(version=version).order_by("position"))


def test_orders_count_by_style_choices_whatever_the_measurements_and_monogram(demo: None) -> None:
    place_shirts(3, collar="button_down")
    place_shirts(2, collar="cutaway", chest=104)
    place_shirts(1, collar="mandarin")

    counts = popular_counts("shirt")

    assert [c.orders for c in counts] == [3, 2, 1]
    assert dict(counts[0].key)["collar"] == ("button_down",)
    # Only option groups: no measurement or monogram text is part of a build.
    assert {"chest", "monogram"}.isdisjoint(dict(counts[0].key))


def test_refresh_offers_the_three_most_ordered_builds_most_ordered_first(demo: None) -> None:
    place_shirts(2, collar="cutaway")
    place_shirts(3, collar="button_down")
    place_shirts(1, collar="mandarin", fabric="linen_natural")
    place_shirts(2, collar="classic", fabric="twill_grey")

    assert starting_points_refresh("shirt") == 3

    points = _points()
    assert [(p.kind, p.orders) for p in points] == [("popular", 3), ("popular", 2), ("popular", 2)]
    assert "linen_natural" not in [p.choices["fabric"] for p in points]
    assert points[0].choices["collar"] == "button_down"
    assert ["collar", "button_down"] in points[0].highlights
    assert points[0].adapted == {"en": [], "it": []}
    # Every order had a chest monogram: without its letters, its position and colour are no style to offer.
    assert points[0].choices["monogram_position"] is None
    assert points[0].choices["monogram_colour"] is None


def test_a_build_whose_option_was_withdrawn_is_repaired_and_says_so(demo: None) -> None:
    place_shirts(2, fabric="stripe_blue", collar="button_down")
    withdraw_option("fabric", "stripe_blue")

    starting_points_refresh("shirt")

    (point,) = _points()
    assert point.choices["fabric"] == "poplin_white"  # the catalog's default instead
    assert point.choices["collar"] == "button_down"  # the rest of the build is kept
    assert point.adapted["en"] == ["Blue Bengal stripe is no longer offered"]
    assert point.adapted["it"] and point.adapted["it"] != point.adapted["en"]


def test_builds_that_repair_to_the_same_one_are_counted_together(demo: None) -> None:
    place_shirts(2, fabric="stripe_blue")
    place_shirts(2, fabric="poplin_white")
    withdraw_option("fabric", "stripe_blue")

    starting_points_refresh("shirt")

    (point,) = _points()
    assert point.orders == 4


def test_a_build_that_no_longer_goes_together_is_repaired_around_the_clash(demo: None) -> None:
    place_shirts(2, sleeves="short", cuffs="short_none", monogram_position="chest")
    withdraw_option("cuffs", "short_none")  # short sleeves need it: they cannot stay

    starting_points_refresh("shirt")

    (point,) = _points()
    assert point.choices["sleeves"] == "long"
    assert point.choices["cuffs"] != "short_none"
    assert any("no longer" in sentence for sentence in point.adapted["en"])


def test_a_new_version_offers_nothing_until_its_points_are_computed(demo: None) -> None:
    place_shirts(2, collar="button_down")
    starting_points_refresh("shirt")
    withdraw_option("fabric", "twill_grey")

    # The old version's rows are never offered on the new one: it waits for the worker.
    assert _points() == []
