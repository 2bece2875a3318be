"""The figures as data: the JSON `insights_report --json` prints (docs/insights.md documents each key)."""

from __future__ import annotations

from typing import Any

from insights.figures.types import ProductInsights

#: Ratios are rounded so the JSON stays readable; the page shows them as percentages anyway.
RATIO_DIGITS = 4


def _ratio(value: float | None) -> float | None:
    return None if value is None else round(value, RATIO_DIGITS)


def _headline(insights: ProductInsights) -> dict[str, Any]:
    filters = insights.filters
    return {
        "product": filters.product,
        "product_label": insights.product_label,
        "filters": {
            "version": filters.version,
            "since": filters.since.isoformat(),
            "until": filters.until.isoformat(),
            "traffic": filters.traffic,
        },
        "label_version": insights.label_version,
        "versions": insights.versions,
        "visits": insights.visits,
        "visitors": insights.visitors,
        "orders": insights.orders,
        "conversion": _ratio(insights.conversion),
        "checkouts": insights.checkouts,
        "saved": insights.saved,
        "shares_opened": insights.shares_opened,
        "finishes": insights.finishes,
        "real_visits": insights.real_visits,
        "simulated_visits": insights.simulated_visits,
    }


def _sections(insights: ProductInsights) -> dict[str, Any]:
    return {
        "funnel": [
            {
                "step": s.code,
                "label": s.label,
                "reached": s.reached,
                "left_here": s.left_here,
                "median_seconds": s.median_seconds,
            }
            for s in insights.funnel
        ],
        "options": [
            {
                "group": o.group,
                "group_label": o.group_label,
                "option": o.option,
                "option_label": o.option_label,
                "chosen": o.chosen,
                "chosen_ordered": o.chosen_ordered,
                "ordered": o.ordered,
                "saved": o.saved,
                "take_rate": _ratio(o.take_rate),
                "order_share": _ratio(o.order_share),
                "lift": _ratio(o.lift),
                "never_chosen": o.never_chosen,
                "active": o.active,
            }
            for o in insights.options
        ],
        "fields": [
            {"field": f.field, "label": f.label, "kind": f.kind, "filled": f.filled, "invalid": f.invalid}
            for f in insights.fields
        ],
        "guided": [
            {
                "question": g.question,
                "label": g.label,
                "answered": g.answered,
                "skipped": g.skipped,
                "overridden": g.overridden,
                "share_overridden": _ratio(g.share_overridden),
            }
            for g in insights.guided
        ],
        "blocked": [
            {
                "rule": b.rule,
                "rule_label": b.rule_label,
                "group": b.group,
                "group_label": b.group_label,
                "option": b.option,
                "option_label": b.option_label,
                "times": b.times,
                "resolved": b.resolved,
                "anyway": b.anyway,
                "other_option": b.other_option,
                "continued": b.continued,
                "left": b.left,
            }
            for b in insights.blocked
        ],
    }


def _more(insights: ProductInsights) -> dict[str, Any]:
    return {
        "hours": [
            {"weekday": h.weekday, "hour": h.hour, "visits": h.visits, "orders": h.orders} for h in insights.hours
        ],
        "top_ordered": [{"choices": c.choices, "label": c.label, "count": c.count} for c in insights.top_ordered],
        "top_saved": [{"choices": c.choices, "label": c.label, "count": c.count} for c in insights.top_saved],
        "demand": {
            "orders": insights.demand_orders,
            "measurements": insights.demand_measurements,
            "parts": [
                {
                    "part_number": d.part_number,
                    "label": d.label,
                    "unit": d.unit,
                    "per_order": format(d.per_order, "f"),
                    "quantity": format(d.quantity, "f"),
                }
                for d in insights.demand
            ],
        },
    }


def report_data(insights: ProductInsights) -> dict[str, Any]:
    """Return every figure as JSON-ready data: counts and ratios as numbers, decimal quantities as strings."""
    return {**_headline(insights), **_sections(insights), **_more(insights)}
