"""Sessions are built once per version, and one product's build never holds up another's."""

from __future__ import annotations

import threading
from collections import OrderedDict
from types import SimpleNamespace
from typing import cast

import pytest

from catalog.models import CatalogVersion
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
    monkeypatch.setattr(loading, "version_model", lambda version: version.product)
    fake = _Builds({"A"})
    monkeypatch.setattr(loading, "build_session", fake)
    return fake


def _version(pk: int, product: str) -> CatalogVersion:
    return cast(CatalogVersion, SimpleNamespace(pk=pk, checksum=f"sum{pk}", product=product))


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
