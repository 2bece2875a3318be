"""Demand for the factory: the expected quantity of each part number for the next N orders.

Per part number, the sum over the options that carry it of (orders holding the option /
orders) × the option's bill-of-materials quantity, plus the product's base part, one per
order. A quantity may be a formula over measurements (`2 * shirt_length + 40`): it is
evaluated with the mean measurements of the orders of the filter's traffic placed in the period
that hold the option (quantities are linear, so that is exactly their mean quantity), but only
when at least `MIN_ORDERS` of them give the measurement: with fewer, a Viewer could read one
customer's measurement back from `per_order`, so each measurement takes its range's midpoint
(as it does with none). Real traffic reads real orders only: the demo's simulated orders
(`simulate_shoppers --orders`, for `insights.simulated.SIMULATED_CUSTOMER`) are left out, and
simulated traffic reads only those. Only the latest `MAX_ORDERS` orders of the period are read,
in one query. Decision 29.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from configurator.engine.compiler import vocabulary_for
from configurator.engine.model import Option, Product
from configurator.engine.rules import Linear, RuleError, parse_linear
from insights.figures.types import DemandFigure, Filters, OptionFigure
from insights.simulated import orders_of_traffic
from orders.models import Order

#: Fewer orders holding an option than this and its measurements take their midpoints (k-anonymity).
MIN_ORDERS = 5
#: The most orders whose configurations are read (the latest of the period): the page's cost stays flat.
MAX_ORDERS = 2000
PER_ORDER_PLACES = Decimal("0.0001")
QUANTITY_PLACES = Decimal("0.01")


@dataclass
class _Line:
    part_number: str
    unit: str
    per_order: Decimal = Decimal(0)
    labels: list[str] = field(default_factory=list)


def _placed_orders(filters: Filters) -> list[Mapping[str, Any]]:
    """Return the configurations of the latest `MAX_ORDERS` orders of the filters' product, days, version, traffic."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(filters.since, datetime.time.min, zone)
    end = datetime.datetime.combine(filters.until + datetime.timedelta(days=1), datetime.time.min, zone)
    placed = Order.objects.filter(product_code=filters.product, placed_at__gte=start, placed_at__lt=end)
    orders = orders_of_traffic(placed, filters.traffic)
    if filters.version is not None:
        orders = orders.filter(catalog_version__number=filters.version)
    latest = orders.order_by("-placed_at", "-pk").values_list("configuration", flat=True)[:MAX_ORDERS]
    return [c for c in latest if isinstance(c, Mapping)]


def _holds(configuration: Mapping[str, Any], group: str, option: str) -> bool:
    chosen = (configuration.get("selections") or {}).get(group)
    return chosen == option or (isinstance(chosen, list) and option in chosen)


def _mean(values: Iterable[Any]) -> Decimal | None:
    """Return the mean of the values, None when fewer than `MIN_ORDERS` are numbers (one order must not show)."""
    numbers = []
    for value in values:
        try:
            numbers.append(Decimal(str(value)))
        except InvalidOperation:
            continue
    return sum(numbers, Decimal(0)) / len(numbers) if len(numbers) >= MIN_ORDERS else None


def _params(configuration: Mapping[str, Any]) -> Mapping[str, Any]:
    parameters = configuration.get("parameters")
    return parameters if isinstance(parameters, Mapping) else {}


def _measurements(
    model: Product, formula: Linear, holding: list[Mapping[str, Any]], sources: set[str]
) -> dict[str, Decimal]:
    """Return a value for each measurement the formula names: the orders' mean, else the range's midpoint.

    The mean only from `MIN_ORDERS` orders or more (`_mean`).
    """
    values: dict[str, Decimal] = {}
    for code, _coefficient in formula.terms:
        mean = _mean(_params(c)[code] for c in holding if code in _params(c))
        if mean is not None:
            sources.add("orders")
        else:
            parameter = model.parameter(code)
            mean = (parameter.min + parameter.max) / 2 if parameter else Decimal(0)
            sources.add("midpoint")
        values[code] = mean
    return values


def _quantity(formula: Linear, model: Product, holding: list[Mapping[str, Any]], sources: set[str]) -> Decimal:
    """Return the option's BOM quantity per order holding it, never below 0."""
    if not formula.terms:
        return max(formula.constant, Decimal(0))
    return max(formula.evaluate(_measurements(model, formula, holding, sources)), Decimal(0))


def _formula(option: Option, model: Product) -> Linear | None:
    try:
        return parse_linear(option.bom_quantity or "1", vocabulary_for(model))
    except RuleError:
        return None  # publishing refuses such a formula: only a version from before that check has one


def _lines(
    filters: Filters, model: Product, figures: Iterable[OptionFigure], orders: int, sources: set[str], language: str
) -> dict[tuple[str, str], _Line]:
    """Return the lines by (part number, unit): the base part first, then in catalog order."""
    lines: dict[tuple[str, str], _Line] = {}
    if model.part_number:
        lines[(model.part_number, "pcs")] = _Line(model.part_number, "pcs", Decimal(1), [model.label(language)])
    placed: list[Mapping[str, Any]] | None = None
    for figure in figures:
        group = model.group(figure.group)
        option = group.option(figure.option) if group else None
        if not figure.ordered or option is None or not option.part_number:
            continue
        formula = _formula(option, model)
        if formula is None:
            continue
        if formula.terms and placed is None:
            placed = _placed_orders(filters)  # read only when a quantity depends on measurements
        holding = [c for c in placed or () if _holds(c, figure.group, figure.option)]
        share = Decimal(figure.ordered) / Decimal(orders)
        line = lines.setdefault((option.part_number, option.bom_unit), _Line(option.part_number, option.bom_unit))
        line.per_order += share * _quantity(formula, model, holding, sources)
        line.labels.append(f"{figure.group_label}: {figure.option_label}")
    return lines


def product_demand(
    filters: Filters,
    model: Product | None,
    figures: Iterable[OptionFigure],
    orders: int,
    next_orders: int,
    language: str,
) -> tuple[list[DemandFigure], str]:
    """Return the expected quantity of each part number for the next `next_orders` orders, and the measurements' source.

    Nothing without an order in the period (no take rate to extrapolate) or without a
    catalog model. Options without a part number are made in-house and not listed. The
    source is "orders", "midpoint", "mixed" or "" (no quantity depends on a measurement).
    """
    if model is None or not orders:
        return [], ""
    sources: set[str] = set()
    lines = _lines(filters, model, figures, orders, sources, language)
    demand = [
        DemandFigure(
            part_number=line.part_number,
            label=", ".join(line.labels),
            unit=line.unit,
            per_order=line.per_order.quantize(PER_ORDER_PLACES, ROUND_HALF_UP),
            quantity=(line.per_order * next_orders).quantize(QUANTITY_PLACES, ROUND_HALF_UP),
        )
        for line in lines.values()
    ]
    return demand, "mixed" if len(sources) > 1 else next(iter(sources), "")
