"""The Insights page's tables as CSV: one header row of stable column names, then the figures.

Numbers are written unlocalised (a dot for decimals, no thousands separator, shares as
fractions) so that a spreadsheet or a script reads them the same in every language; the
labels are in the merchandiser's language.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _

from insights.figures import ProductInsights, ratio

Cell = str | int | float | Decimal | bool | None
Rows = tuple[list[str], Iterable[Sequence[Cell]]]


def _funnel(insights: ProductInsights) -> Rows:
    """The page's funnel: all visits first (stage "visits"), then each stage."""
    header = ["stage", "label", "reached", "share_of_visits", "left_here", "share_leaving", "median_seconds"]
    visits = insights.visits
    rows: list[Sequence[Cell]] = [["visits", _("Visits"), visits, ratio(visits, visits), None, None, None]]
    rows += (
        [
            s.code,
            s.label,
            s.reached,
            ratio(s.reached, visits),
            s.left_here,
            ratio(s.left_here, s.reached),
            s.median_seconds,
        ]
        for s in insights.funnel
    )
    return header, rows


def _options(insights: ProductInsights) -> Rows:
    header = [
        "group",
        "group_label",
        "option",
        "option_label",
        "chosen",
        "ordered",
        "saved",
        "take_rate",
        "order_share",
        "lift",
        "never_chosen",
    ]
    rows: Iterable[Sequence[Cell]] = (
        [
            o.group,
            o.group_label,
            o.option,
            o.option_label,
            o.chosen,
            o.ordered,
            o.saved,
            o.take_rate,
            o.order_share,
            o.lift,
            o.never_chosen,
        ]
        for o in insights.options
    )
    return header, rows


def _blocked(insights: ProductInsights) -> Rows:
    header = ["rule", "rule_label", "group", "group_label", "option", "option_label", "times"]
    header += ["anyway", "other_option", "continued", "left", "resolved"]
    rows: Iterable[Sequence[Cell]] = (
        [
            *(b.rule, b.rule_label, b.group, b.group_label, b.option, b.option_label, b.times),
            *(b.anyway, b.other_option, b.continued, b.left, b.resolved),
        ]
        for b in insights.blocked
    )
    return header, rows


def _hours(insights: ProductInsights) -> Rows:
    header = ["weekday", "hour", "visits", "orders"]
    return header, ([h.weekday, h.hour, h.visits, h.orders] for h in insights.hours)


def _top(insights: ProductInsights) -> Rows:
    header = ["kind", "rank", "count", "choices", "label"]
    rows: Iterable[Sequence[Cell]] = (
        [c.kind, rank, c.count, c.choices, c.label]
        for configurations in (insights.top_ordered, insights.top_saved)
        for rank, c in enumerate(configurations, start=1)
    )
    return header, rows


def _demand(insights: ProductInsights) -> Rows:
    header = ["part_number", "label", "unit", "per_order", "orders", "quantity"]
    orders = insights.demand_orders
    rows: Iterable[Sequence[Cell]] = (
        [d.part_number, d.label, d.unit, d.per_order, orders, d.quantity] for d in insights.demand
    )
    return header, rows


def _fields(insights: ProductInsights) -> Rows:
    header = ["field", "label", "filled", "invalid"]
    return header, ([f.field, f.label, f.filled, f.invalid] for f in insights.fields)


def _guided(insights: ProductInsights) -> Rows:
    header = ["question", "label", "answered", "skipped", "overridden", "share_overridden"]
    rows: Iterable[Sequence[Cell]] = (
        [g.question, g.label, g.answered, g.skipped, g.overridden, g.share_overridden] for g in insights.guided
    )
    return header, rows


#: table name (the `table` parameter) -> its header and rows
TABLES: dict[str, Callable[[ProductInsights], Rows]] = {
    "funnel": _funnel,
    "options": _options,
    "blocked": _blocked,
    "hours": _hours,
    "top": _top,
    "demand": _demand,
    "fields": _fields,
    "guided": _guided,
}


def cell(value: Cell) -> str | int:
    """Return a value as the CSV writes it: unlocalised, fractions to 6 places, nothing for no value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return value


def table_rows(insights: ProductInsights, table: str) -> tuple[list[str], list[list[str | int]]]:
    """Return the header and the written rows of one table (`table` must be a key of TABLES)."""
    header, rows = TABLES[table](insights)
    return header, [[cell(value) for value in row] for row in rows]


def csv_response(insights: ProductInsights, table: str) -> HttpResponse:
    """Return one table as a UTF-8 CSV download (with a byte-order mark) named after product, table and period."""
    f = insights.filters
    name = f"{f.product}-{table}-{f.since.isoformat()}-{f.until.isoformat()}.csv"
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    header, rows = table_rows(insights, table)
    response.write("\ufeff")  # the byte-order mark: spreadsheets then read the file as UTF-8
    writer: Any = csv.writer(response)
    writer.writerow(header)
    writer.writerows(rows)
    return response
