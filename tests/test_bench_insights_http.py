"""The HTTP recording bench's report says whether recording stayed within its budget (bench/insights_http.py)."""

from __future__ import annotations

from bench.insights_http import report
from bench.walks import Stats, stats


def test_the_report_compares_each_click_on_and_off_and_gives_a_verdict() -> None:
    found: dict[str, Stats | float] = {
        "on": stats([0.0105, 0.0110]),
        "off": stats([0.0100, 0.0102]),
        "paired": stats([0.0005, 0.0008]),
        "chained_on_ms": 12.5,
        "chained_off_ms": 11.0,
    }
    text = "\n".join(report(found, 1.0))
    assert "| each click's own difference (on − off) | 2 | 0.65 | 0.80 | ≤ 1 ms ok |" in text
    assert "11.00 ms a click off, 12.50 ms on (+1.50 ms)" in text
    found["paired"] = stats([0.0005, 0.0030])
    assert "≤ 1 ms MISSED" in "\n".join(report(found, 1.0))
