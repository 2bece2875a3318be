"""Compute one product's figures from the daily rollups: a fixed, small number of aggregate queries.

Every figure sums the `Daily*` rows of the filter's product, days (both ends included),
catalog version (or all) and traffic kind; none reads an event. What the merchandiser
reads is named by `labels`, and the demand for the factory comes from `demand`.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import Min, Q, Sum
from django.db.models.functions import ExtractIsoWeekDay

from configurator.engine.model import Product
from insights.figures import labels
from insights.figures.demand import product_demand
from insights.figures.filtering import period_rows, rollup_rows, traffic_q
from insights.figures.guided import guided_figures
from insights.figures.histograms import histogram_median, stage_histograms
from insights.figures.types import (
    BlockFigure,
    ConfigurationFigure,
    FieldFigure,
    Filters,
    HourFigure,
    OptionFigure,
    ProductInsights,
    Stage,
)
from insights.models import (
    DailyBlock,
    DailyConfiguration,
    DailyField,
    DailyHour,
    DailyOption,
    DailyStage,
    DailyVisits,
)

TOP = 10


def ratio(part: int, whole: int) -> float | None:
    """Return part / whole, or None when there is nothing to divide by (never 0 %: decision 29)."""
    return part / whole if whole else None


def funnel(filters: Filters, model: Product | None, language: str) -> list[Stage]:
    """Return every stage of the model's funnel in order, then stages only the rollups know."""
    rows = rollup_rows(DailyStage, filters)
    sums = {
        row["stage"]: row
        for row in rows.values("stage").annotate(
            reached_sum=Sum("reached"), left_sum=Sum("left_here"), first_position=Min("position")
        )
    }
    seconds = stage_histograms(rows)
    codes = labels.model_stages(model)
    codes += sorted((c for c in sums if c not in codes), key=lambda c: (sums[c]["first_position"], c))
    names = labels.stage_labels(model, language)
    return [
        Stage(
            code=code,
            label=names.get(code, code),
            reached=sums[code]["reached_sum"] if code in sums else 0,
            left_here=sums[code]["left_sum"] if code in sums else 0,
            median_seconds=histogram_median(seconds.get(code, {})),
        )
        for code in codes
    ]


def _option_figure(
    key: tuple[str, str], sums: Mapping[str, int], totals: tuple[int, int], model: Product | None, language: str
) -> OptionFigure:
    visits, orders = totals
    group, option = key
    found = model.group(group) if model else None
    choice = found.option(option) if found else None
    active = bool(choice and choice.active)
    chosen, chosen_ordered = sums.get("chosen", 0), sums.get("chosen_ordered", 0)
    group_label, option_label = labels.option_label(model, group, option, language)
    conversion = ratio(orders, visits)
    return OptionFigure(
        group=group,
        group_label=group_label,
        option=option,
        option_label=option_label,
        chosen=chosen,
        ordered=sums.get("ordered", 0),
        saved=sums.get("saved", 0),
        take_rate=ratio(chosen, visits),
        order_share=ratio(sums.get("ordered", 0), orders),
        lift=None if not conversion or not chosen else (chosen_ordered / chosen) / conversion,
        never_chosen=active and not (chosen or sums.get("ordered", 0) or sums.get("saved", 0)),
        chosen_ordered=chosen_ordered,
        active=active,
    )


def options(filters: Filters, model: Product | None, totals: tuple[int, int], language: str) -> list[OptionFigure]:
    """Return every option of the model in catalog order with its figures, then options only the rollups know."""
    rows = (
        rollup_rows(DailyOption, filters)
        .values("group", "option")
        .annotate(
            chosen_sum=Sum("chosen"),
            chosen_ordered_sum=Sum("chosen_ordered"),
            ordered_sum=Sum("ordered"),
            saved_sum=Sum("saved"),
        )
    )
    sums: dict[tuple[str, str], dict[str, int]] = {
        (row["group"], row["option"]): {
            "chosen": row["chosen_sum"],
            "chosen_ordered": row["chosen_ordered_sum"],
            "ordered": row["ordered_sum"],
            "saved": row["saved_sum"],
        }
        for row in rows
    }
    keys = [(g.code, o.code) for g in model.groups for o in g.options] if model else []
    keys += sorted(key for key in sums if key not in set(keys))
    return [_option_figure(key, sums.get(key, {}), totals, model, language) for key in keys]


def fields(filters: Filters, model: Product | None, language: str) -> list[FieldFigure]:
    """Return every measurement then text of the model, then fields only the rollups know."""
    rows = (
        rollup_rows(DailyField, filters).values("field").annotate(filled_sum=Sum("filled"), invalid_sum=Sum("invalid"))
    )
    sums = {row["field"]: (row["filled_sum"], row["invalid_sum"]) for row in rows}
    codes = [p.code for p in model.parameters] + [t.code for t in model.texts] if model else []
    codes += sorted(code for code in sums if code not in set(codes))
    figures = []
    for code in codes:
        label, kind = labels.field_label(model, code, language)
        filled, invalid = sums.get(code, (0, 0))
        figures.append(FieldFigure(field=code, label=label, filled=filled, invalid=invalid, kind=kind))
    return figures


def blocked(filters: Filters, model: Product | None, language: str) -> list[BlockFigure]:
    """Return each (rule, option) that blocked a shopper, the most times first."""
    rows = (
        rollup_rows(DailyBlock, filters)
        .values("rule", "group", "option")
        .annotate(
            times_sum=Sum("times"),
            anyway_sum=Sum("anyway"),
            other_option_sum=Sum("other_option"),
            continued_sum=Sum("continued"),
            left_sum=Sum("left"),
        )
        .order_by("-times_sum", "rule", "group", "option")
    )
    figures = []
    for row in rows:
        group_label, option_label = labels.option_label(model, row["group"], row["option"], language)
        figures.append(
            BlockFigure(
                rule=row["rule"],
                rule_label=labels.rule_label(model, row["rule"], language),
                group=row["group"],
                group_label=group_label,
                option=row["option"],
                option_label=option_label,
                times=row["times_sum"],
                anyway=row["anyway_sum"],
                other_option=row["other_option_sum"],
                continued=row["continued_sum"],
                left=row["left_sum"],
            )
        )
    return figures


def hours(filters: Filters) -> list[HourFigure]:
    """Return visits and orders for all 7 × 24 (weekday, hour) cells, Monday 0:00 first."""
    rows = (
        rollup_rows(DailyHour, filters)
        .annotate(weekday=ExtractIsoWeekDay("day"))
        .values("weekday", "hour")
        .annotate(visits_sum=Sum("visits"), orders_sum=Sum("orders"))
        .order_by()
    )
    cells = {(row["weekday"] - 1, row["hour"]): (row["visits_sum"], row["orders_sum"]) for row in rows}
    return [
        HourFigure(
            weekday=weekday,
            hour=hour,
            visits=cells.get((weekday, hour), (0, 0))[0],
            orders=cells.get((weekday, hour), (0, 0))[1],
        )
        for weekday in range(7)
        for hour in range(24)
    ]


def top_configurations(filters: Filters, kind: str, model: Product | None, language: str) -> list[ConfigurationFigure]:
    """Return the `TOP` configurations most often ordered (or saved), the most first."""
    rows = (
        rollup_rows(DailyConfiguration, filters)
        .filter(kind=kind)
        .values("choices")
        .annotate(total=Sum("count"))
        .order_by("-total", "choices")[:TOP]
    )
    return [
        ConfigurationFigure(
            kind=kind,
            choices=row["choices"],
            label=labels.choices_label(model, row["choices"], language),
            count=row["total"],
        )
        for row in rows
    ]


def _headline(filters: Filters) -> dict[str, int]:
    traffic = traffic_q(filters)
    names = ("visits", "visitors", "orders", "saved", "checkouts", "finishes", "shares_opened")
    totals = period_rows(DailyVisits, filters).aggregate(
        **{f"{name}_total": Sum(name, filter=traffic) for name in names},
        simulated_visits_total=Sum("visits", filter=Q(simulated=True)),
        real_visits_total=Sum("visits", filter=Q(simulated=False)),
    )
    return {name.removesuffix("_total"): value or 0 for name, value in totals.items()}


def _versions(filters: Filters) -> list[int]:
    rows = DailyVisits.objects.filter(product=filters.product, day__range=(filters.since, filters.until))
    return sorted(v for v in rows.values_list("version", flat=True).distinct() if v is not None)


def product_insights(filters: Filters, *, language: str = "en", demand_orders: int = 100) -> ProductInsights:
    """Return the figures of `filters`, named in `language`, with the demand of the next `demand_orders` orders."""
    model, version = labels.label_model(filters.product, filters.version)
    head = _headline(filters)
    totals = (head["visits"], head["orders"])
    option_figures = options(filters, model, totals, language)
    demand, measured = product_demand(filters, model, option_figures, head["orders"], demand_orders, language)
    return ProductInsights(
        filters=filters,
        product_label=model.label(language) if model else filters.product,
        versions=_versions(filters),
        funnel=funnel(filters, model, language),
        options=option_figures,
        fields=fields(filters, model, language),
        blocked=blocked(filters, model, language),
        hours=hours(filters),
        top_ordered=top_configurations(filters, "ordered", model, language),
        top_saved=top_configurations(filters, "saved", model, language),
        demand_orders=demand_orders,
        demand=demand,
        label_version=version,
        demand_measurements=measured,
        guided=guided_figures(filters, language=language),
        **head,
    )
