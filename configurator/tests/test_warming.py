"""Warming: every listed product's latest version is compiled before the first shopper asks."""

from __future__ import annotations

from collections import OrderedDict
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from catalog.models import Product
from catalog.selectors import listed_versions
from configurator import loading, warming

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> None:
    call_command("load_demo", stdout=StringIO())
    monkeypatch.setattr(loading, "_sessions", OrderedDict())
    monkeypatch.setattr(loading, "_sizes", {})
    monkeypatch.setattr(loading, "_ready", {})


def _cached_products() -> set[str]:
    cached = loading._sessions
    return {version.product.code for version in listed_versions() if (version.pk, version.checksum) in cached}


def test_warm_published_compiles_each_listed_product_once(demo: None) -> None:
    assert _cached_products() == set()
    warmed = warming.warm_published()
    assert sorted(warmed) == ["city-car v1", "shirt v1"]
    assert _cached_products() == {"city-car", "shirt"}
    # A shopper's first click now finds the session: nothing is compiled again.
    session = loading.version_session(listed_versions()[0])
    assert session is next(iter(loading._sessions.values()))


def test_the_look_a_page_opens_on_is_answered_without_solving_again(
    demo: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from configurator import services

    warming.warm_published()
    version = next(v for v in listed_versions() if v.product.code == "city-car")
    engine = services.version_engine(version)

    def solve(*args: object, **kwargs: object) -> None:
        raise AssertionError("the first shopper's page solved again")

    monkeypatch.setattr(engine.session.availability, "propagate", solve)
    first = services.configuration_first_look(version)
    assert first is not None
    answer = services.configuration_check(engine, first, "en")
    assert answer.propagation.valid


def test_inactive_products_are_not_warmed(demo: None) -> None:
    Product.objects.filter(code="shirt").update(active=False)
    assert warming.warm_published() == ["city-car v1"]


def test_one_failing_product_does_not_stop_the_others(
    demo: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real = loading.version_session

    def failing(version, prepare=None):
        if version.product.code == "city-car":
            raise RuntimeError("broken snapshot")
        return real(version, prepare)

    monkeypatch.setattr(loading, "version_session", failing)
    with caplog.at_level("ERROR"):
        assert warming.warm_published() == ["shirt v1"]
    assert "warming city-car v1 failed" in caplog.text


def test_no_more_versions_than_the_cache_keeps(demo: None, settings: Any) -> None:
    settings.ENGINE_SESSIONS_MB = 0  # full after the first
    assert len(warming.warm_published()) == 1


def test_the_command_prints_what_it_warmed(demo: None) -> None:
    out = StringIO()
    call_command("warm_catalogs", stdout=out)
    assert "warmed city-car v1" in out.getvalue()
    assert "2 catalog versions warmed in" in out.getvalue()
