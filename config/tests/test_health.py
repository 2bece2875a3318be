"""`GET /healthz`: the process answers. `GET /readyz`: 200 when the database, cache and broker answer."""

from __future__ import annotations

from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from kombu import Connection

pytestmark = pytest.mark.django_db


def test_healthz_answers_while_the_process_serves(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_stays_up_when_the_database_is_down(client: Client) -> None:
    # Liveness: a database outage must not make the platform restart every web process.
    with mock.patch("config.health.connection.cursor", side_effect=OperationalError("down")):
        assert client.get("/healthz").status_code == 200


def test_ready_when_database_cache_and_broker_answer(client: Client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok", "broker": "ok"}


def test_not_ready_when_the_database_is_down_naming_only_the_component(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    # The probe is unauthenticated: the error's type and message (hosts, users, paths) go to the log only.
    failure = OperationalError('connection to server at "db.internal" (10.0.0.5) failed')
    with mock.patch("config.health.connection.cursor", side_effect=failure), caplog.at_level("ERROR"):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable", "cache": "ok", "broker": "ok"}
    assert "OperationalError" in caplog.text and "db.internal" in caplog.text
    assert "db.internal" not in response.text


def test_not_ready_when_the_cache_is_down(client: Client) -> None:
    from django.core.cache.backends.redis import RedisCache

    # A Redis address where nothing listens: a real failed connection, not a mock.
    dead = RedisCache("redis://127.0.0.1:9/0", {"OPTIONS": {"socket_connect_timeout": 0.5}})
    with mock.patch("config.health.cache", dead):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "unavailable", "broker": "ok"}


def test_not_ready_when_the_broker_is_down(client: Client) -> None:
    class DeadBroker:
        """A broker address where nothing listens: a real failed connection, not a mock."""

        conf = SimpleNamespace(broker_url="redis://127.0.0.1:9/0", broker_transport_options={})

        def connection_for_write(self) -> Connection:
            return Connection(self.conf.broker_url)

    with mock.patch("config.health.celery_app", DeadBroker()):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "ok", "broker": "unavailable"}
