"""Seconds-per-stage histograms: merged over days, and their median.

A `DailyStage` row keeps the seconds its visits spent on the stage as JSON, {"bucket lower
bound": visits}. They are merged in Python: SQLite's `json_each` with a GROUP BY was slower
than decoding the rows here (decision 29).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from django.db.models import QuerySet

from insights.models import DailyStage


def histogram_median(histogram: Mapping[int, int]) -> float | None:
    """Return the median of a histogram {value: count}, each value counted `count` times; None when empty.

    The same as `statistics.median` over the expanded values (the mean of the two middle
    ones for an even count), without expanding them.
    """
    total = sum(histogram.values())
    if not total:
        return None
    middle = ((total - 1) // 2, total // 2)  # the same index twice for an odd count
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        count = histogram[value]
        found += [value for index in middle if seen <= index < seen + count]
        seen += count
    return sum(found) / 2


def merged_histogram(histograms: Iterable[Mapping[str, int]]) -> Counter[int]:
    """Add up histograms stored as JSON ({"bucket lower bound": visits})."""
    merged: dict[str, int] = {}
    for histogram in histograms:
        for bucket, count in histogram.items():  # string keys: converted once below, not per day
            merged[bucket] = merged.get(bucket, 0) + count
    return Counter({int(bucket): int(count) for bucket, count in merged.items()})


def stage_histograms(rows: QuerySet[DailyStage]) -> dict[str, Counter[int]]:
    """Return each stage's seconds histogram, summed over `rows`."""
    per_stage: dict[str, list[Mapping[str, int]]] = {}
    for stage, histogram in rows.values_list("stage", "seconds"):
        per_stage.setdefault(stage, []).append(histogram)
    return {stage: merged_histogram(histograms) for stage, histograms in per_stage.items()}
