"""The system checks that guard the delivery guarantees."""

from __future__ import annotations

from django.test import override_settings

from orders.checks import check_delivery_settings, check_email_addresses


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


def _email_ids() -> set[str]:
    return {message.id for message in check_email_addresses()}  # type: ignore[misc]


PRODUCTION = {"DEBUG": False, "ALLOWED_HOSTS": ["shop.example.com"], "DEFAULT_FROM_EMAIL": "Shop <o@example.com>"}


def test_a_production_site_url_on_this_machine_is_reported() -> None:
    for url in ("http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]/"):
        with override_settings(**{**PRODUCTION, "ALLOWED_HOSTS": ["*"]}, SITE_URL=url):
            assert "orders.W004" in _email_ids(), url


def test_a_site_url_the_site_does_not_answer_to_is_reported() -> None:
    with override_settings(**PRODUCTION, SITE_URL="https://other.example.com"):
        assert "orders.W004" in _email_ids()
    with override_settings(**PRODUCTION, SITE_URL="https://shop.example.com"):
        assert _email_ids() == set()


def test_a_sender_at_localhost_is_reported() -> None:
    with override_settings(
        **{**PRODUCTION, "DEFAULT_FROM_EMAIL": "Shop <s@localhost>"}, SITE_URL="https://shop.example.com"
    ):
        assert _email_ids() == {"orders.W005"}


def test_development_keeps_its_defaults_quietly() -> None:
    with override_settings(DEBUG=True, SITE_URL="http://127.0.0.1:8000", DEFAULT_FROM_EMAIL="shop@localhost"):
        assert _email_ids() == set()
