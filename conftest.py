"""Project-wide test fixtures: personas and the demo catalogs.

Personas (STYLE.md: permission tests use personas), each staff persona holding one of
the shop's roles (orders.services.roles):

- `shopper`: a signed-in customer, no staff rights;
- `viewer`: staff with the "Viewers" role, view permissions only;
- `merchandiser`, `publisher`: staff with the "Catalog publisher" role (edit and publish the catalog);
- `editor`: staff with the "Merchandiser" role (edit the draft catalog, never publish it);
- `operator`: staff with the "Factory operators" role (endpoints, tokens, replays);
- `customer_service`: staff with the "Customer service" role (orders with personal data, anonymise);
- `outsider`: an anonymous client;
- `factory_a`, `factory_b`: two factory endpoints, each with its API token.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.core.servers.basehttp import WSGIServer
from django.test import Client
from django.test.testcases import LiveServerThread


class _SerialWSGIServer(WSGIServer):
    """The live server's WSGI server, one request at a time.

    On SQLite the test database lives in memory and the live server's threads share the test's one
    connection: two requests at once (a click and its preview pictures) then misuse it ("bad parameter or
    other API misuse", a 500 in a browser test now and then). Served one at a time, they cannot overlap;
    Django closes each connection after its response, so no browser keeps the server waiting.
    """

    def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override


@pytest.fixture(scope="session", autouse=True)
def _live_server_serial_on_sqlite() -> None:
    """Serve the browser tests' live server one request at a time when the database is SQLite."""
    from django.db import connection

    if connection.vendor == "sqlite":
        # Not a ThreadedWSGIServer on purpose: that is what makes Django close each connection after a response.
        LiveServerThread.server_class = _SerialWSGIServer  # type: ignore[assignment]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Start every test with an empty, working cache: no throttle count, lockout or cache failure carries over."""
    from personalisation import caching

    cache.clear()
    caching.pause.until = 0.0


SHARED = Path(__file__).resolve().parent.parent / "shared"  # the benchmarks, beside the repository


def _staff_with_role(django_user_model, username: str, role: str) -> User:
    from orders.services.roles import roles_sync

    roles_sync()  # again: a transactional test flushes the groups the migration made
    user = django_user_model.objects.create_user(username=username, password=f"pw-{username}-123", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def merchandiser(db, django_user_model):
    """A staff user who may edit and publish the catalog (the "Catalog publisher" role)."""
    return _staff_with_role(django_user_model, "merchandiser", "Catalog publisher")


@pytest.fixture
def publisher(db, django_user_model):
    """A staff user who may edit and publish the catalog, now or scheduled (the "Catalog publisher" role)."""
    return _staff_with_role(django_user_model, "publisher", "Catalog publisher")


@pytest.fixture
def editor(db, django_user_model):
    """A staff user who edits the draft catalog but may not publish it (the "Merchandiser" role)."""
    return _staff_with_role(django_user_model, "editor", "Merchandiser")


@pytest.fixture
def viewer(db, django_user_model):
    """A staff user who may only look: every view permission, nothing else (the "Viewers" role)."""
    return _staff_with_role(django_user_model, "viewer", "Viewers")


@pytest.fixture
def operator(db, django_user_model):
    """A staff user who runs the factory side (the "Factory operators" role)."""
    return _staff_with_role(django_user_model, "operator", "Factory operators")


@pytest.fixture
def customer_service(db, django_user_model):
    """A staff user who answers shoppers: orders with their personal data (the "Customer service" role)."""
    return _staff_with_role(django_user_model, "customer_service", "Customer service")


@pytest.fixture
def shopper(db, django_user_model):
    """A signed-in customer with no staff rights."""
    return django_user_model.objects.create_user(username="shopper", password="pw-shop-123")


@pytest.fixture
def outsider() -> Client:
    """An anonymous visitor."""
    return Client()


@dataclass(frozen=True)
class FactoryPersona:
    endpoint: object  # orders.models.FactoryEndpoint
    token: str


def _factory(name: str, port: int) -> FactoryPersona:
    from orders import services

    secret = services.secret_generate()
    endpoint = services.endpoint_save(name=name, url=f"http://127.0.0.1:{port}/", secret=secret, internal=True)
    return FactoryPersona(endpoint=endpoint, token=services.token_create(endpoint=endpoint))


@pytest.fixture
def factory_a(db) -> FactoryPersona:
    """Factory A: an active endpoint and its API token."""
    return _factory("factory-a", 9)


@pytest.fixture
def factory_b(db) -> FactoryPersona:
    """Factory B: another active endpoint and its API token."""
    return _factory("factory-b", 19)
