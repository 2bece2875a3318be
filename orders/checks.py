"""System checks of the delivery settings: misconfigurations that lose or duplicate orders."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register


@register()
def check_delivery_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Check the Celery and delivery settings the outbox's guarantees rest on."""
    problems: list[CheckMessage] = []
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}) or {}
    visibility = options.get("visibility_timeout")
    limit = settings.CELERY_TASK_TIME_LIMIT
    if visibility is not None and limit is not None and limit >= visibility:
        problems.append(
            Error(
                f"CELERY_TASK_TIME_LIMIT ({limit} s) must be below the broker's visibility_timeout ({visibility} s)",
                hint="Otherwise a task still running is handed to a second worker. "
                "Lower CELERY_TASK_TIME_LIMIT or raise CELERY_VISIBILITY_TIMEOUT.",
                id="orders.E001",
            )
        )
    if not settings.CELERY_TASK_ACKS_LATE or not settings.CELERY_TASK_REJECT_ON_WORKER_LOST:
        problems.append(
            Error(
                "CELERY_TASK_ACKS_LATE and CELERY_TASK_REJECT_ON_WORKER_LOST must both be on",
                hint="With acks_late alone, a task whose process is killed is acknowledged and lost.",
                id="orders.E002",
            )
        )
    request_time = settings.ORDERS_HTTP_CONNECT_TIMEOUT + settings.ORDERS_HTTP_READ_TIMEOUT
    if settings.ORDERS_DELIVERY_LEASE_SECONDS <= request_time:
        problems.append(
            Error(
                f"ORDERS_DELIVERY_LEASE_SECONDS ({settings.ORDERS_DELIVERY_LEASE_SECONDS}) must exceed the request "
                f"timeouts ({request_time} s)",
                hint="Otherwise a slow factory gets a second copy while the first request still waits.",
                id="orders.E003",
            )
        )
    if settings.CELERY_TASK_SOFT_TIME_LIMIT is not None and settings.CELERY_TASK_SOFT_TIME_LIMIT <= request_time:
        problems.append(
            Warning(
                "CELERY_TASK_SOFT_TIME_LIMIT is shorter than one delivery's request timeouts",
                id="orders.W001",
            )
        )
    if settings.ORDERS_RETRY_HOURS < 72:
        problems.append(
            Warning(
                f"ORDERS_RETRY_HOURS is {settings.ORDERS_RETRY_HOURS}: deliveries are dead-lettered before 3 days",
                id="orders.W002",
            )
        )
    return problems


@register(deploy=True)
def check_email_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn when shoppers' e-mails would only be printed: no mail server is configured."""
    if settings.DEBUG or "console" not in settings.MAILERS["default"].get("BACKEND", ""):
        return []
    return [
        Warning(
            "No mail server is configured: order e-mails are printed in the worker's log, not sent",
            hint="Set EMAIL_URL (e.g. smtp+tls://user:password@mail.example.com:587) or EMAIL_HOST and its "
            "companions, and DEFAULT_FROM_EMAIL.",
            id="orders.W003",
        )
    ]
