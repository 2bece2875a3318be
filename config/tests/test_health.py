"""`GET /healthz`: 200 when the database and the broker answer, 503 when one does not."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthy_when_database_and_broker_answer(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_unhealthy_when_the_database_is_down_naming_only_the_component(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    # The probe is unauthenticated: the error's type and message (hosts, users, paths) go to the log only.
    failure = OperationalError('connection to server at "db.internal" (10.0.0.5) failed')
    with mock.patch("config.health.connection.cursor", side_effect=failure), caplog.at_level("ERROR"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable", "broker": "ok"}
    assert "OperationalError" in caplog.text and "db.internal" in caplog.text


def test_unhealthy_when_the_broker_is_down(client: Client) -> None:
    from types import SimpleNamespace

    from kombu import Connection

    class DeadBroker:
        """A broker address where nothing listens: a real failed connection, not a mock."""

        conf = SimpleNamespace(broker_url="redis://127.0.0.1:9/0", broker_transport_options={})

        def connection_for_write(self) -> Connection:
            return Connection(self.conf.broker_url)

    with mock.patch("config.health.celery_app", DeadBroker()):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "unavailable"}
