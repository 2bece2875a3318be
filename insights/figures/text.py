"""The figures as a text report for a terminal (`insights_report` without --json)."""

from __future__ import annotations

from collections.abc import Iterable

from insights.figures.types import ProductInsights

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: The busiest (weekday, hour) cells listed.
BUSIEST = 5


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def _number(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _table(headers: tuple[str, ...], rows: Iterable[tuple[object, ...]]) -> list[str]:
    """Return aligned lines: text left, numbers right."""
    body = [tuple(str(cell) for cell in row) for row in rows]
    if not body:
        return ["  (none)"]
    widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(headers)]
    numeric = [
        all(r[i].replace(".", "").replace("%", "").replace("—", "").isdigit() or r[i] == "—" for r in body)
        for i in range(len(headers))
    ]

    def line(cells: tuple[str, ...]) -> str:
        return (
            "  "
            + "  ".join(
                c.rjust(w) if n else c.ljust(w) for c, w, n in zip(cells, widths, numeric, strict=True)
            ).rstrip()
        )

    return [line(headers), *(line(r) for r in body)]


def _head(insights: ProductInsights) -> list[str]:
    f = insights.filters
    version = "all versions" if f.version is None else f"version {f.version}"
    return [
        f"{insights.product_label} ({f.product}), {version}, {f.since} to {f.until}, {f.traffic} traffic",
        f"  visits {insights.visits}, visitors {insights.visitors}, orders {insights.orders} "
        f"(conversion {_percent(insights.conversion)}), checkouts {insights.checkouts}, saved {insights.saved}, "
        f"finish-for-me {insights.finishes}, share links opened {insights.shares_opened}",
        f"  simulated visits in the period: {insights.simulated_visits}",
    ]


def _sections(insights: ProductInsights) -> list[str]:
    lines = ["", "Funnel"]
    lines += _table(
        ("stage", "reached", "left here", "median s"),
        ((s.label, s.reached, s.left_here, _number(s.median_seconds, 1)) for s in insights.funnel),
    )
    lines += ["", "Options"]
    lines += _table(
        ("group", "option", "chosen", "ordered", "take rate", "lift", ""),
        (
            (
                o.group_label,
                o.option_label,
                o.chosen,
                o.ordered,
                _percent(o.take_rate),
                _number(o.lift),
                "never chosen" if o.never_chosen else "",
            )
            for o in insights.options
        ),
    )
    lines += ["", "Blocked choices"]
    lines += _table(
        ("rule", "option", "times", "anyway", "other option", "continued", "left"),
        (
            (
                b.rule or "—",
                f"{b.group_label}: {b.option_label}",
                b.times,
                b.anyway,
                b.other_option,
                b.continued,
                b.left,
            )
            for b in insights.blocked
        ),
    )
    lines += ["", "Measurements and texts"]
    lines += _table(("field", "filled", "refused"), ((f.label, f.filled, f.invalid) for f in insights.fields))
    return lines


def _more(insights: ProductInsights) -> list[str]:
    busiest = sorted((h for h in insights.hours if h.visits), key=lambda h: (-h.visits, h.weekday, h.hour))[:BUSIEST]
    lines = ["", "Busiest hours"]
    lines += _table(
        ("when", "visits", "orders"), ((f"{WEEKDAYS[h.weekday]} {h.hour:02d}:00", h.visits, h.orders) for h in busiest)
    )
    for title, top in (
        ("Most ordered configurations", insights.top_ordered),
        ("Most saved configurations", insights.top_saved),
    ):
        lines += ["", title]
        lines += _table(("times", "configuration"), ((c.count, c.label) for c in top))
    lines += ["", f"Demand for the next {insights.demand_orders} orders"]
    lines += _table(
        ("part number", "per order", "quantity", "unit", "for"),
        ((d.part_number, d.per_order, d.quantity, d.unit, d.label) for d in insights.demand),
    )
    return lines


def report_text(insights: ProductInsights) -> str:
    """Return every figure as aligned plain-text tables."""
    return "\n".join([*_head(insights), *_sections(insights), *_more(insights)]) + "\n"
