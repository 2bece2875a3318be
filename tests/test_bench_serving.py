"""bench/serving.py's report: each target said met or MISSED from the figures, and a load's percentiles."""

from __future__ import annotations

import copy
import subprocess
from typing import Any

from bench.sections import Provenance, commit
from bench.serving import Load, markdown

FIGURES: dict[str, Any] = {
    "clients": 8,
    "seconds": 15,
    "big_import_s": 8.4,
    "start_s": 8.0,
    "start": {"process_first_ms": 300.0, "first_ms": 90.0, "early_max_ms": 100.0, "warm_ms": 60.0},
    "loads": {"city-car click": {"per_s": 81.0, "p50_ms": 97.4, "p95_ms": 160.7, "p99_ms": 184.6, "errors": 0}},
    "publish": {
        "publishes": 20,
        "publish_median_s": 4.2,
        "first_median_ms": 80.0,
        "first_max_ms": 110.0,
        "warm_ms": 60.0,
        "errors": 0,
        "first_errors": [],
    },
    "rss": {"first_mb": [400, 500], "last_mb": [440, 590]},
    "orders": {
        "per_s": 27.5,
        "p50_ms": 142.4,
        "p95_ms": 1076.8,
        "errors": 0,
        "placed": 58,
        "backlog": 200,
        "deliveries_per_s": 34.2,
        "worker_processes": 2,
    },
    "product_list": {"products": 200, "cold_queries": 2, "warm_cpu_ms": 2.5},
    "measured": "Measured 2026-12-06 04:20 UTC at commit 8e023bb; load average (1/5/15 min) 0.10, 0.20, 0.30 at"
    " the start, 0.40, 0.50, 0.60 at the end.",
}


def _targets(text: str) -> list[str]:
    return [line.rsplit("|", 2)[1].strip() for line in text.splitlines() if "met" in line or "MISSED" in line]


def test_targets_within_bounds_are_met() -> None:
    targets = _targets(markdown(FIGURES))
    assert len(targets) == 4
    assert all("MISSED" not in target for target in targets), targets


def test_a_slow_first_answer_a_failed_answer_and_a_growing_worker_are_missed() -> None:
    slow = copy.deepcopy(FIGURES)
    slow["start"]["first_ms"] = 130.0  # 2.2x the warm 60 ms
    slow["rss"]["last_mb"] = [440, 620]  # the second worker +24 %
    text = markdown(slow)
    assert "(2.2x) | ≤ 2x: MISSED" in text
    assert "+24%) | ≤ +20%: MISSED" in text
    failed = copy.deepcopy(FIGURES)
    failed["publish"]["errors"] = 1  # fast, but one shopper got an error
    assert "no error: MISSED" in markdown(failed)


def test_a_load_reports_rate_and_percentiles_of_what_the_clients_saw() -> None:
    figures = Load(requests=101, seconds=4.04, errors=1, latencies_ms=[float(n) for n in range(101)]).figures()
    assert figures == {"per_s": 25.0, "p50_ms": 50.0, "p95_ms": 95.0, "p99_ms": 99.0, "errors": 1}


def test_the_block_says_when_at_which_commit_and_on_how_busy_a_machine_it_was_measured() -> None:
    started = Provenance(date="2026-12-06 04:20 UTC", commit="8e023bb", load_at_start="3.01, 3.96, 3.40")
    text = markdown({**FIGURES, "measured": started.line()})
    heading, blank, measured = text.splitlines()[:3]
    assert heading.startswith("## Serving") and not blank
    assert measured.startswith("Measured 2026-12-06 04:20 UTC at commit 8e023bb; load average (1/5/15 min)")
    assert "3.01, 3.96, 3.40 at the start, " in measured and measured.endswith(" at the end.")


def test_the_commit_is_the_checked_out_one() -> None:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
    assert commit().split()[0] == head.stdout.strip()
