"""Fixtures of the orders tests: the demo shirt, a complete configuration, a factory and its token."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from catalog.models import CatalogVersion
from catalog.selectors import version_latest_for
from orders import services
from orders.models import FactoryEndpoint
from orders.samples import shirt_configuration

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

CUSTOMER = services.Customer(name="Ada Lovelace", email="ada@example.com", address="12 St James's Square\nLondon")


@pytest.fixture
def shirt(db: None) -> CatalogVersion:
    call_command("load_demo", stdout=None)
    version = version_latest_for("shirt")
    assert version is not None
    return version


@pytest.fixture
def config() -> dict[str, Any]:
    return shirt_configuration()


@pytest.fixture
def endpoint(db: None) -> FactoryEndpoint:
    return services.endpoint_save(name="simulator", url="http://127.0.0.1:9/", secret=SECRET, internal=True)


@pytest.fixture
def factory_token(endpoint: FactoryEndpoint) -> str:
    return services.token_create(endpoint=endpoint)
