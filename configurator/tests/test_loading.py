"""Sessions are built once per version, and one product's build never holds up another's."""

from __future__ import annotations

import gc
import threading
import weakref
from collections import OrderedDict
from types import SimpleNamespace
from typing import Any, cast

import pytest

from catalog.models import CatalogVersion
from catalog.services import catalog_import
from catalog.tests.factories import small_catalog
from configurator import loading
from configurator.engine.model import Product
from configurator.engine.session import Session


class _Builds:
    """A stand-in for compiling: counts builds, and holds the ones of `held` products until released."""

    def __init__(self, held: set[str]) -> None:
        self.held = held
        self.started = threading.Event()
        self.release = threading.Event()
        self.built: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, product: Product, checksum: str | None = None) -> Session:
        name = cast(str, product)
        with self._lock:
            self.built.append(name)
        if name in self.held:
            self.started.set()
            self.release.wait(timeout=30)
        return cast(Session, SimpleNamespace(product=name))


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> _Builds:
    monkeypatch.setattr(loading, "_sessions", OrderedDict())
    monkeypatch.setattr(loading, "_building", {})
    monkeypatch.setattr(loading, "_sizes", {})
    monkeypatch.setattr(loading, "_ready", {})
    monkeypatch.setattr(loading, "version_model", lambda version: version.product)
    fake = _Builds({"A"})
    monkeypatch.setattr(loading, "build_session", fake)
    return fake


def _version(pk: int, product: str) -> CatalogVersion:
    return cast(CatalogVersion, SimpleNamespace(pk=pk, checksum=f"sum{pk}", product=product, product_id=pk, number=1))


def test_many_requests_for_one_new_version_build_its_session_once(builds: _Builds) -> None:
    version = _version(1, "A")
    start = threading.Barrier(8)
    answers: list[Session] = []

    def ask() -> None:
        start.wait()
        answers.append(loading.version_session(version))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for thread in threads:
        thread.start()
    assert builds.started.wait(timeout=30)
    builds.release.set()
    for thread in threads:
        thread.join(timeout=30)
    assert builds.built == ["A"]
    assert len(answers) == 8 and all(answer is answers[0] for answer in answers)


def test_a_product_still_building_does_not_hold_up_another_products_first_load(builds: _Builds) -> None:
    slow = threading.Thread(target=loading.version_session, args=(_version(1, "A"),))
    slow.start()
    assert builds.started.wait(timeout=30)
    other: list[Session] = []
    quick = threading.Thread(target=lambda: other.append(loading.version_session(_version(2, "B"))))
    quick.start()
    quick.join(timeout=30)
    finished_while_a_was_building = not quick.is_alive()
    builds.release.set()
    slow.join(timeout=30)
    quick.join(timeout=30)
    assert finished_while_a_was_building
    assert [cast(SimpleNamespace, session).product for session in other] == ["B"]
    assert loading.version_session(_version(1, "A")) is not other[0]
    assert builds.built == ["A", "B"]


def test_a_built_session_is_served_again_without_building(builds: _Builds) -> None:
    version = _version(3, "B")
    first = loading.version_session(version)
    assert loading.version_session(version) is first
    assert builds.built == ["B"]


# -- publishing without a pause ------------------------------------------------------------------
@pytest.fixture
def fresh_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("_sessions", "_models"):
        monkeypatch.setattr(loading, name, OrderedDict())
    for name in ("_building", "_sizes", "_ready"):
        monkeypatch.setattr(loading, name, {})
    monkeypatch.setattr(loading, "_background", set())


def _publish_bike(price: str) -> CatalogVersion:
    catalog = small_catalog()
    catalog["products"][0]["base_price"] = price
    (result,) = catalog_import(catalog, publish=True)
    assert result.publish is not None
    return CatalogVersion.objects.get(pk=result.publish.version.pk)


@pytest.mark.django_db
def test_a_new_version_compiles_in_the_background_while_shoppers_keep_the_ready_one(
    fresh_caches: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.ENGINE_BUILD_IN_BACKGROUND = True
    first = _publish_bike("499.00")
    assert loading.version_serving(first) == first  # nothing ready yet: its own request compiles it
    loading.version_session(first)
    second = _publish_bike("549.00")
    release = threading.Event()
    real = loading.build_session

    def held(product: Product, checksum: str | None = None) -> Session:
        assert release.wait(30)
        return real(product, checksum)

    monkeypatch.setattr(loading, "build_session", held)
    assert loading.version_serving(second) == first, "shoppers keep the ready version while the new one compiles"
    assert loading.version_serving(second) == first  # asked again: one build, still the ready one
    release.set()
    for _ in range(600):
        if (second.pk, second.checksum) in loading._sessions:
            break
        threading.Event().wait(0.05)
    assert loading.version_serving(second) == second
    assert (first.pk, first.checksum) not in loading._sessions, "the superseded version is dropped"


@pytest.mark.django_db
def test_kept_sessions_are_bounded_by_size(fresh_caches: None, settings: Any) -> None:
    settings.ENGINE_SESSIONS_MB = 0  # room for the latest one only
    first = _publish_bike("499.00")
    loading.version_session(first)
    (result,) = catalog_import(
        {**small_catalog(), "products": [{**small_catalog()["products"][0], "code": "trike", "name": "Trike"}]},
        publish=True,
    )
    assert result.publish is not None
    other = result.publish.version
    loading.version_session(other)
    assert list(loading._sessions) == [(other.pk, other.checksum)]
    assert loading.full()


def test_a_shared_cache_that_is_down_only_costs_a_compile(caplog: pytest.LogCaptureFixture) -> None:
    """The diagram's cache is a head start: when CACHE_URL fails, a version still loads (compiled here)."""
    import socket

    from django.test import override_settings

    from configurator import diagrams

    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))  # a port nothing listens on
        location = f"redis://127.0.0.1:{unused.getsockname()[1]}/0"
        down = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": location}}
        with override_settings(CACHES=down), caplog.at_level("WARNING", logger="configurator.diagrams"):
            assert isinstance(diagrams.kept("any-checksum"), diagrams.Missing)
            diagrams.keep("any-checksum", None)  # says so, never raises
    assert "CACHE_URL failed" in caplog.text


class _Answers:
    """Stands for what clicks add to a session after its build: kept answers in a reference cycle."""

    def __init__(self) -> None:
        self.me = self


@pytest.mark.django_db
def test_a_superseded_versions_session_and_what_clicks_added_to_it_are_freed(fresh_caches: None) -> None:
    first = _publish_bike("499.00")
    session = loading.version_session(first)
    answers = _Answers()
    vars(session)["_clicked"] = answers  # added after the build: not frozen yet
    gone_session, gone_answers = weakref.ref(session), weakref.ref(answers)
    del session, answers
    second = _publish_bike("549.00")
    loading.version_session(second)  # supersedes the first: dropped
    gc.collect()
    assert gone_session() is None, "the superseded version's session is freed"
    assert gone_answers() is None, "frozen while its version was still kept, a cycle would never be collected"
    assert "snapshot" not in vars(loading._ready[second.product_id]), "the model is kept; the parsed snapshot is not"
