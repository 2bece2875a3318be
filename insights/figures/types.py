"""The figures of the Insights page and of `insights_report`, as plain frozen dataclasses.

They are read from the daily rollups only (never from the events), labelled from a
catalog version's engine model, and shared by the admin page, its CSV downloads and the
command's JSON (`report_data`). Ratios are None when their denominator is 0: "no data"
must never read as "0 %".
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

Traffic = Literal["real", "simulated", "all"]
TRAFFIC: tuple[Traffic, ...] = ("real", "simulated", "all")


@dataclass(frozen=True)
class Filters:
    """What to count: one product, one catalog version (None: all), a range of days (both included)."""

    product: str
    version: int | None
    since: datetime.date
    until: datetime.date
    traffic: Traffic = "real"


@dataclass(frozen=True)
class Stage:
    """One stage of the funnel: a step of the product, then summary, checkout, order."""

    code: str
    label: str
    reached: int
    left_here: int
    #: The median of the seconds the visits that reached the stage spent on it; None without visits.
    median_seconds: float | None


@dataclass(frozen=True)
class OptionFigure:
    group: str
    group_label: str
    option: str
    option_label: str
    #: Visits in which a shopper chose the option.
    chosen: int
    #: Orders holding the option.
    ordered: int
    #: Saved configurations holding the option.
    saved: int
    #: chosen / visits.
    take_rate: float | None
    #: ordered / orders.
    order_share: float | None
    #: (chosen_ordered / chosen) / (orders / visits): how much likelier a visit that chose it ends in an order.
    lift: float | None
    #: An active option of the catalog version that no shopper chose, ordered or saved in the period
    #: (an option only ever taken as a default is still wanted: it was ordered).
    never_chosen: bool
    #: Of the visits that chose it, those that placed an order.
    chosen_ordered: int = 0
    #: Whether the catalog version offers it to shoppers (False: inactive, or gone from the version).
    active: bool = True


@dataclass(frozen=True)
class FieldFigure:
    """A measurement or a text: how often filled, how often what was typed was refused."""

    field: str
    label: str
    filled: int
    invalid: int
    #: "parameter" (a measurement), "text", or "" when the catalog version no longer has it.
    kind: str = ""


@dataclass(frozen=True)
class BlockFigure:
    """A rule that blocked an option a shopper asked for, and what the shoppers did next."""

    rule: str
    rule_label: str
    group: str
    group_label: str
    option: str
    option_label: str
    times: int
    anyway: int
    other_option: int
    continued: int
    left: int

    @property
    def resolved(self) -> int:
        """Times the shopper got past the block: applied "choose anyway" or chose another option."""
        return self.anyway + self.other_option


@dataclass(frozen=True)
class HourFigure:
    #: 0 = Monday ... 6 = Sunday, the weekday of the day the visit started (local time).
    weekday: int
    hour: int
    visits: int
    orders: int


@dataclass(frozen=True)
class ConfigurationFigure:
    #: "ordered" or "saved".
    kind: str
    #: The configuration's options, `group=option+option;group=option`.
    choices: str
    #: The options in words, in catalog order.
    label: str
    count: int


@dataclass(frozen=True)
class DemandFigure:
    """The expected quantity of one part number for the next `demand_orders` orders."""

    part_number: str
    label: str
    unit: str
    per_order: Decimal
    quantity: Decimal


@dataclass(frozen=True)
class GuidedFigure:
    """One guided question: visits that answered it, skipped it, and then changed a choice its answer set."""

    question: str
    label: str
    answered: int
    skipped: int
    overridden: int

    @property
    def share_overridden(self) -> float | None:
        """overridden / answered; None when no visit answered."""
        return self.overridden / self.answered if self.answered else None


@dataclass(frozen=True)
class ProductInsights:
    filters: Filters
    product_label: str
    #: Catalog versions with visits in the period (any traffic), ascending.
    versions: list[int]
    visits: int
    #: Sum over the days of each day's distinct visitors (a visitor is never followed across days).
    visitors: int
    orders: int
    saved: int
    checkouts: int
    finishes: int
    #: Simulated visits in the period and version(s), whatever the traffic filter.
    simulated_visits: int
    funnel: list[Stage]
    options: list[OptionFigure]
    fields: list[FieldFigure]
    blocked: list[BlockFigure]
    hours: list[HourFigure]
    top_ordered: list[ConfigurationFigure]
    top_saved: list[ConfigurationFigure]
    demand_orders: int
    demand: list[DemandFigure]
    #: The catalog version whose model named everything (None: the product has no published version).
    label_version: int | None = None
    shares_opened: int = 0
    #: Real visits in the period and version(s), whatever the traffic filter.
    real_visits: int = 0
    #: Where the measurements of quantity formulas came from: "orders", "midpoint" or "" (no formula).
    demand_measurements: str = ""
    #: The guided questions with answers or skips in the period, in the questions' order.
    guided: list[GuidedFigure] = field(default_factory=list)

    @property
    def conversion(self) -> float | None:
        """Orders per visit; None without visits."""
        return self.orders / self.visits if self.visits else None
