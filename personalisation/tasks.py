"""Celery tasks of personalisation: thin, idempotent, given ids."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from personalisation import signin
from personalisation.cooccurrence.refreshing import cooccurrence_refresh as refresh


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


@shared_task(name="personalisation.tasks.cooccurrence_refresh")
def cooccurrence_refresh() -> dict[str, int]:
    """Recount "often chosen with" for every product from orders and saved configurations (beat); return pairs kept."""
    return refresh()
