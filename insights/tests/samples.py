"""Plausible rollup rows for a published product, for the page's tests and its screenshots.

The rows are made from the product's own model (its stages, options, measurements and
constraint rules), the same every time for the same product, so that every section of
the Insights page has something to show.
"""

from __future__ import annotations

import datetime
import random

from catalog.selectors import version_latest_for
from configurator.engine.model import Product
from configurator.loading import version_model
from insights.models import (
    DailyBlock,
    DailyConfiguration,
    DailyField,
    DailyHour,
    DailyOption,
    DailyStage,
    DailyVisits,
)
from insights.stages import stage_codes


def demo_rollups(code: str, *, until: datetime.date, days: int = 14, simulated: bool = True) -> None:
    """Write `days` days of rollup rows for the latest version of product `code`, ending on `until`."""
    version = version_latest_for(code)
    assert version is not None, code
    model = version_model(version)
    rng = random.Random(f"{code}-{simulated}")
    for back in range(days):
        day = until - datetime.timedelta(days=back)
        key = {"day": day, "product": code, "version": version.number, "simulated": simulated}
        visits = rng.randint(20, 60)
        orders = max(1, visits // rng.randint(6, 12))
        DailyVisits.objects.create(
            **key, visits=visits, visitors=visits - 3, saved=3, finishes=2, checkouts=orders + 2, orders=orders
        )
        stages = stage_codes(model)
        reached = visits
        for position, stage in enumerate(stages):
            reached = orders if stage == "order" else max(orders, reached - rng.randint(0, visits // 5))
            seconds = {str(rng.randint(5, 200)): reached // 2, str(rng.randint(5, 400)): reached - reached // 2}
            left = 0 if stage == "order" else rng.randint(0, max(0, reached - orders) // 3)
            DailyStage.objects.create(
                **key, stage=stage, position=position, reached=reached, left_here=left, seconds=seconds
            )
        for group in model.groups:
            for rank, option in enumerate(group.options[:-1]):  # each group's last option: never chosen
                chosen = max(0, visits // (rank + 2) - rng.randint(0, 3))
                ordered = min(orders, chosen // 5)
                DailyOption.objects.create(
                    **key,
                    group=group.code,
                    option=option.code,
                    chosen=chosen,
                    chosen_ordered=ordered,
                    ordered=ordered,
                    saved=chosen // 10,
                )
        for field in [*(p.code for p in model.parameters), *(t.code for t in model.texts)]:
            DailyField.objects.create(**key, field=field, filled=visits // 2, invalid=rng.randint(0, 3))
        _blocks(model, key, rng)
        for hour in range(8, 23):
            DailyHour.objects.create(**key, hour=hour, visits=rng.randint(0, 6), orders=rng.randint(0, 1))
        first = ";".join(f"{g.code}={g.options[0].code}" for g in model.groups if g.kind == "choice")
        second = ";".join(f"{g.code}={g.options[1 % len(g.options)].code}" for g in model.groups if g.kind == "choice")
        DailyConfiguration.objects.create(**key, kind="ordered", choices=first, count=orders)
        DailyConfiguration.objects.create(**key, kind="ordered", choices=second, count=1)
        DailyConfiguration.objects.create(**key, kind="saved", choices=second, count=2)


def _blocks(model: Product, key: dict[str, object], rng: random.Random) -> None:
    """One blocked option per constraint rule (the first three), in the groups after the first."""
    rules = [r for r in model.rules if r.kind in ("constraint", "table")][:3]
    for rule, group in zip(rules, model.groups[1:], strict=False):
        option = group.options[-1].code
        anyway, other, continued, left = (rng.randint(0, 3) for _ in range(4))
        DailyBlock.objects.create(
            **key,
            rule=rule.code,
            group=group.code,
            option=option,
            times=anyway + other + continued + left,
            anyway=anyway,
            other_option=other,
            continued=continued,
            left=left,
        )
