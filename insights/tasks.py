"""Celery tasks of the insights: the rollup of new events and the expiry of old ones (beat), the demo's shoppers."""

from __future__ import annotations

import logging

from celery import shared_task

from insights import rollup as rollups
from insights import simulation
from personalisation.cooccurrence.refreshing import cooccurrence_refresh
from personalisation.popular import starting_points_refresh

logger = logging.getLogger(__name__)


@shared_task(name="insights.tasks.rollup")
def rollup() -> dict[str, int]:
    """Roll up the days with new events, then expire old events and rollups (beat, every INSIGHTS_ROLLUP_SECONDS)."""
    days = rollups.rollup_pending()
    events, rows = rollups.expire()
    logger.info("insights: %d days rolled up, %d events and %d rollup rows expired", days, events, rows)
    return {"days": days, "events_expired": events, "rollups_expired": rows}


@shared_task(name="insights.tasks.simulate_shoppers", soft_time_limit=1200, time_limit=1260)
def simulate_shoppers(code: str, visits: int, seed: str = "1", days: int = 28, orders: bool = False) -> dict[str, int]:
    """Populate product `code` with simulated shoppers unless it already has simulated data (`make run`).

    Idempotent: a product with simulated data (a run done, or cut short) is left as it is.
    `orders` places the visits' orders too; the popular builds and "often chosen with" are
    then learnt from them (and from the configurations the visits saved) at once, not at the
    next beat.
    """
    if simulation.simulated_exists(code):
        return {"visits": 0, "orders": 0, "days": 0}
    try:
        tally = simulation.simulate_shoppers(code, visits=visits, seed=seed, days=days, orders=orders)
    except simulation.SimulationError as error:
        logger.warning("insights: %s: no simulated shoppers: %s", code, error)
        return {"visits": 0, "orders": 0, "days": 0}
    days = rollups.rollup_pending()
    if tally.placed:
        starting_points_refresh(code)
    cooccurrence_refresh()
    logger.info(
        "insights: %s: %d simulated visits, %d orders; %d days rolled up", code, tally.visits, tally.orders, days
    )
    return {"visits": tally.visits, "orders": tally.orders, "days": days}
