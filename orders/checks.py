"""System checks of the delivery settings: misconfigurations that lose or duplicate orders."""

from __future__ import annotations

import ipaddress
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.http.request import validate_host


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


def _is_loopback(host: str) -> bool:
    """Return True when `host` names this machine (localhost or a loopback address)."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@register(deploy=True)
def check_email_addresses(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn when e-mails would link to or come from this machine: the development defaults were kept.

    Shoppers follow SITE_URL from their mailbox, so a loopback host (the default) or one the site
    does not answer to leaves every link dead; a sender @localhost is refused or filed as spam.
    """
    if settings.DEBUG:
        return []
    problems: list[CheckMessage] = []
    host = urlsplit(settings.SITE_URL).hostname or ""
    if not host or _is_loopback(host) or not validate_host(host, settings.ALLOWED_HOSTS):
        problems.append(
            Warning(
                f"SITE_URL ({settings.SITE_URL}) is not the shop's public address: links in e-mails and build "
                "orders would not open",
                hint="Set SITE_URL to the address shoppers use (e.g. https://shop.example.com), whose host is in "
                "ALLOWED_HOSTS.",
                id="orders.W004",
            )
        )
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2].lower()
    if not domain or _is_loopback(domain):
        problems.append(
            Warning(
                f"DEFAULT_FROM_EMAIL ({settings.DEFAULT_FROM_EMAIL}) is not a real sender: shoppers' mail servers "
                "refuse or file it as spam",
                hint="Set DEFAULT_FROM_EMAIL to an address of the shop's domain, e.g. Shop <orders@example.com>.",
                id="orders.W005",
            )
        )
    return problems
