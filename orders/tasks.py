"""Celery tasks of the orders: the outbox and personal-data retention; thin, idempotent, given ids.

Retries are not Celery's: a failed delivery's next attempt is a time on its row,
and the `outbox_sweep` beat task enqueues it when due (docs/factory-feed.md).
"""

from __future__ import annotations

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
    """Enqueue due retries and lost tasks, and give feed positions (beat, every ORDERS_SWEEP_SECONDS)."""
    return services.outbox_sweep()


@shared_task(name="orders.tasks.personal_data_expire")
def personal_data_expire() -> int:
    """Anonymise orders past ORDERS_PERSONAL_DATA_RETENTION_DAYS (beat, hourly; a batch per run)."""
    return services.personal_data_expire()
