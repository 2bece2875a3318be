"""The system checks that guard the delivery guarantees."""

from __future__ import annotations

from django.test import override_settings

from orders.checks import check_delivery_settings


def _ids() -> set[str]:
    return {message.id for message in check_delivery_settings()}  # type: ignore[misc]


def test_time_limit_must_be_below_visibility_timeout() -> None:
    with override_settings(CELERY_BROKER_TRANSPORT_OPTIONS={"visibility_timeout": 60}, CELERY_TASK_TIME_LIMIT=300):
        assert "orders.E001" in _ids()
    with override_settings(CELERY_BROKER_TRANSPORT_OPTIONS={"visibility_timeout": 3600}, CELERY_TASK_TIME_LIMIT=300):
        assert "orders.E001" not in _ids()


def test_acks_late_needs_reject_on_worker_lost() -> None:
    with override_settings(CELERY_TASK_REJECT_ON_WORKER_LOST=False):
        assert "orders.E002" in _ids()


def test_lease_must_exceed_request_timeouts() -> None:
    with override_settings(
        ORDERS_DELIVERY_LEASE_SECONDS=10, ORDERS_HTTP_CONNECT_TIMEOUT=5, ORDERS_HTTP_READ_TIMEOUT=15
    ):
        assert "orders.E003" in _ids()


def test_the_shipped_settings_pass() -> None:
    assert not {i for i in _ids() if i.startswith("orders.E")}
