"""Celery tasks of the orders: the outbox and personal-data retention; thin, idempotent, given ids.

Retries are not Celery's: a failed delivery's next attempt is a time on its row,
and the `outbox_sweep` beat task enqueues it when due (docs/factory-feed.md).
"""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

from orders import services


@shared_task(name="orders.tasks.outbox_fan_out")
def outbox_fan_out(message_id: int) -> int:
    """Create the deliveries of one outbox message (a no-op when done) and enqueue them."""
    return len(services.outbox_fan_out(message_id=message_id))


@shared_task(name="orders.tasks.delivery_send")
def delivery_send(delivery_id: int) -> str:
    """Attempt one delivery if it is due and unclaimed; otherwise return at once."""
    return services.delivery_attempt(delivery_id=delivery_id)


@shared_task(name="orders.tasks.outbox_sweep")
def outbox_sweep() -> dict[str, int]:
    """Enqueue due retries and lost tasks (e-mails too), and give feed positions (beat, every ORDERS_SWEEP_SECONDS)."""
    return {**services.outbox_sweep(), "emails": services.order_emails_sweep()}


# Unlike deliveries, e-mails are retried by Celery: on a mail server's error or an
# unreachable one, after up to 30 s, doubling to at most an hour (full jitter), 80 times:
# one to three days. Then the row keeps its last error for an operator (the admin).
@shared_task(
    name="orders.tasks.order_email_send",
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=80,
)
def order_email_send(email_id: int) -> str:
    """Send one order e-mail unless it was sent, is being sent, or its order's personal data was erased."""
    return services.order_email_send(email_id=email_id)


@shared_task(name="orders.tasks.personal_data_expire")
def personal_data_expire() -> int:
    """Anonymise orders past ORDERS_PERSONAL_DATA_RETENTION_DAYS (beat, hourly; a batch per run)."""
    return services.personal_data_expire()
