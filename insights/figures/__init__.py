"""The Insights figures of one product, read from the daily rollups (docs/insights.md, decision 29).

`product_insights(filters)` computes them; `report_data(insights)` turns them into the
JSON `insights_report --json` prints.
"""

from __future__ import annotations

from insights.figures.compute import product_insights, ratio
from insights.figures.histograms import histogram_median
from insights.figures.report import report_data
from insights.figures.types import (
    TRAFFIC,
    BlockFigure,
    ConfigurationFigure,
    DemandFigure,
    FieldFigure,
    Filters,
    GuidedFigure,
    HourFigure,
    OptionFigure,
    ProductInsights,
    Stage,
    Traffic,
)

__all__ = [
    "TRAFFIC",
    "BlockFigure",
    "ConfigurationFigure",
    "DemandFigure",
    "FieldFigure",
    "Filters",
    "GuidedFigure",
    "HourFigure",
    "OptionFigure",
    "ProductInsights",
    "Stage",
    "Traffic",
    "histogram_median",
    "product_insights",
    "ratio",
    "report_data",
]
