"""Project-wide test fixtures: personas and the demo catalogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Start every test with an empty cache: no throttle count or lockout carries over."""
    cache.clear()


SHARED = Path(__file__).resolve().parent.parent / "shared"  # the benchmarks, beside the repository


@pytest.fixture
def merchandiser(db, django_user_model):
    """A staff user who may edit and publish the catalog."""
    return django_user_model.objects.create_superuser(username="merchandiser", password="pw-merch-123")


@pytest.fixture
def shopper(db, django_user_model):
    """A signed-in customer with no staff rights."""
    return django_user_model.objects.create_user(username="shopper", password="pw-shop-123")
