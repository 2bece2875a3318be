"""How the Insights page writes its figures (insights/templatetags/insights_format.py)."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation

from insights.templatetags.insights_format import amount, duration, factor, percent


def test_shares_read_as_percentages_and_no_figure_as_a_dash() -> None:
    assert percent(0.4251) == "42.5%"
    assert percent(None) == "—"
    with translation.override("it"):
        assert percent(0.4251) == "42,5%"


def test_times_read_as_people_say_them() -> None:
    assert [duration(s) for s in (None, 12.4, 125, 4830)] == ["—", "12 s", "2 min 5 s", "1 h 20 min"]


def test_quantities_keep_their_decimals_only() -> None:
    assert [amount(q) for q in (Decimal("7.4000"), Decimal("120.00"), Decimal("12345.50"))] == [
        "7.4",
        "120",
        "12,345.5",
    ]
    with translation.override("it"):
        assert amount(Decimal("12345.50")) == "12.345,5"


def test_lifts_read_as_factors() -> None:
    assert factor(1.25) == "×1.25"
    assert factor(None) == "—"


def test_percentages_and_lifts_round_half_up_rather_than_drop_digits() -> None:
    # number_format alone cuts the float's digits: these read 16.6%, 0.9%, 54.9% and ×2.99.
    assert [percent(v) for v in (50 / 300, 0.0099, 72 / 131, 0.00049, 0.00051)] == [
        "16.7%",
        "1.0%",
        "55.0%",
        "0.0%",
        "0.1%",
    ]
    assert [factor(v) for v in (2.9999999, 1.005, 1.0049, 0.125)] == ["×3.00", "×1.01", "×1.00", "×0.13"]
    with translation.override("it"):
        assert percent(50 / 300) == "16,7%"
        assert factor(2.9999999) == "×3,00"
