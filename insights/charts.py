"""What the Insights page draws: chart descriptions for static/js/insights.js and the weekday × hour heat map.

A chart description is plain data (labels, datasets, a few switches), put in the page with
`json_script`; the script turns it into a Chart.js chart. Each chart has a table beside it
with the same figures, for screen readers and for copying.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from insights.figures import ProductInsights, ratio

#: Labels longer than this are cut on the chart's axis (the table beside it has them whole).
LABEL_CHARS = 48


class Dataset(TypedDict):
    label: str
    data: list[float | int | None]


class Chart(TypedDict):
    labels: list[str]
    datasets: list[Dataset]
    #: Bars along the horizontal axis, one row per label (long labels read better so).
    horizontal: bool
    stacked: bool
    #: Values are fractions, shown as percentages.
    percent: bool
    #: The chart's height in CSS pixels, from its number of bars.
    height: int


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def _chart(labels: list[str], datasets: list[Dataset], *, stacked: bool = False, percent: bool = False) -> Chart:
    bars = len(labels) * (1 if stacked else len(datasets))
    return {
        "height": 80 + 22 * bars,
        "labels": [_short(label) for label in labels],
        "datasets": datasets,
        "horizontal": True,
        "stacked": stacked,
        "percent": percent,
    }


def funnel_chart(insights: ProductInsights) -> Chart:
    labels = [_("Visits"), *(s.label for s in insights.funnel)]
    reached: list[float | int | None] = [insights.visits, *(s.reached for s in insights.funnel)]
    left: list[float | int | None] = [0, *(s.left_here for s in insights.funnel)]
    return _chart(labels, [{"label": _("Reached"), "data": reached}, {"label": _("Left here"), "data": left}])


def options_chart(insights: ProductInsights) -> Chart:
    options = [o for o in insights.options if not o.never_chosen]
    labels = [f"{o.group_label}: {o.option_label}" for o in options]
    take: list[float | int | None] = [o.take_rate for o in options]
    ordered: list[float | int | None] = [o.order_share for o in options]
    datasets: list[Dataset] = [
        {"label": _("Take rate"), "data": take},
        {"label": _("Share of orders"), "data": ordered},
    ]
    return _chart(labels, datasets, percent=True)


def blocked_chart(insights: ProductInsights) -> Chart:
    labels = [f"{b.rule or '—'} · {b.group_label}: {b.option_label}" for b in insights.blocked]
    outcomes = [
        (_("Chose anyway"), [b.anyway for b in insights.blocked]),
        (_("Chose another option"), [b.other_option for b in insights.blocked]),
        (_("Continued"), [b.continued for b in insights.blocked]),
        (_("Left"), [b.left for b in insights.blocked]),
    ]
    datasets: list[Dataset] = [{"label": label, "data": list(data)} for label, data in outcomes]
    return _chart(labels, datasets, stacked=True)


def top_chart(insights: ProductInsights) -> Chart:
    labels = [_("Ordered #%(rank)d") % {"rank": n} for n in range(1, len(insights.top_ordered) + 1)]
    labels += [_("Saved #%(rank)d") % {"rank": n} for n in range(1, len(insights.top_saved) + 1)]
    ordered = [c.count for c in insights.top_ordered]
    saved = [c.count for c in insights.top_saved]
    pad: list[float | int | None] = [None]
    datasets: list[Dataset] = [
        {"label": _("Ordered"), "data": [*ordered, *pad * len(saved)]},
        {"label": _("Saved"), "data": [*pad * len(ordered), *saved]},
    ]
    return _chart(labels, datasets, stacked=True)


def demand_chart(insights: ProductInsights) -> Chart:
    labels = [f"{d.part_number} · {d.label}" for d in insights.demand]
    quantities: list[float | int | None] = [float(d.quantity) for d in insights.demand]
    return _chart(labels, [{"label": _("Expected quantity"), "data": quantities}])


def fields_chart(insights: ProductInsights) -> Chart:
    labels = [f.label for f in insights.fields]
    filled: list[float | int | None] = [f.filled - f.invalid for f in insights.fields]
    refused: list[float | int | None] = [f.invalid for f in insights.fields]
    datasets: list[Dataset] = [{"label": _("Accepted"), "data": filled}, {"label": _("Refused"), "data": refused}]
    return _chart(labels, datasets, stacked=True)


def charts(insights: ProductInsights) -> dict[str, Chart]:
    """Return every chart of the page, by section."""
    return {
        "funnel": funnel_chart(insights),
        "options": options_chart(insights),
        "blocked": blocked_chart(insights),
        "top": top_chart(insights),
        "demand": demand_chart(insights),
        "fields": fields_chart(insights),
    }


@dataclass(frozen=True)
class HeatCell:
    hour: int
    value: int
    #: 0 (none) to 100 (the busiest hour of the week), for the cell's shading.
    shade: int


@dataclass(frozen=True)
class HeatRow:
    weekday: str
    cells: list[HeatCell]
    total: int


def heat_map(insights: ProductInsights, measure: str) -> list[HeatRow]:
    """Return the week as 7 rows (Monday first) of 24 hours of `measure` ("visits" or "orders")."""
    grid = {(h.weekday, h.hour): int(getattr(h, measure)) for h in insights.hours}
    most = max(grid.values(), default=0)
    rows = []
    for weekday in range(7):
        values = [grid.get((weekday, hour), 0) for hour in range(24)]
        cells = [HeatCell(hour, v, round(100 * (ratio(v, most) or 0))) for hour, v in enumerate(values)]
        rows.append(HeatRow(str(WEEKDAYS[weekday]), cells, sum(values)))
    return rows
