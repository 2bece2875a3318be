"""Celery tasks of personalisation: thin, idempotent, given ids or codes; each delegates to a service."""

from __future__ import annotations

import logging
from smtplib import SMTPException

from celery import shared_task

from catalog.models import Product
from personalisation import signin
from personalisation.cooccurrence.refreshing import cooccurrence_refresh as refresh
from personalisation.popular import starting_points_refresh

logger = logging.getLogger(__name__)


# Retried like the order e-mails, but for an hour at most: a sign-in link is wanted now.
@shared_task(
    name="personalisation.tasks.signin_link_send",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=10,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=12,
)
def signin_link_send(link_id: int) -> str:
    """Send one sign-in link unless it was sent or is being sent."""
    return signin.signin_link_send(link_id=link_id)


@shared_task(name="personalisation.tasks.signin_links_expire")
def signin_links_expire() -> int:
    """Delete sign-in links that can no longer be used, with the address they went to (beat, hourly)."""
    return signin.signin_links_expire()


@shared_task(name="personalisation.tasks.starting_points_refresh", soft_time_limit=300, time_limit=330)
def starting_points_refresh_task(code: str) -> int:
    """Recompute product `code`'s popular builds and re-validate its presets (after a publish or a preset edit)."""
    return starting_points_refresh(code)


@shared_task(name="personalisation.tasks.starting_points_refresh_all", soft_time_limit=1200, time_limit=1260)
def starting_points_refresh_all() -> dict[str, int]:
    """Recompute every listed product's starting points from the orders placed so far (beat)."""
    counts = {}
    for code in Product.objects.filter(active=True, versions__isnull=False).distinct().values_list("code", flat=True):
        counts[code] = starting_points_refresh(code)
    logger.info("personalisation: starting points refreshed: %s", counts)
    return counts


@shared_task(name="personalisation.tasks.cooccurrence_refresh")
def cooccurrence_refresh() -> dict[str, int]:
    """Recount "often chosen with" for every product from orders and saved configurations (beat); return pairs kept."""
    return refresh()
