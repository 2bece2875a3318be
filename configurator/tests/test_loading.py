"""Sessions are built once per version, and one product's build never holds up another's."""

from __future__ import annotations

import contextlib
import gc
import threading
import uuid
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any, cast
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.core.signals import request_finished
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from catalog.models import CatalogVersion
from catalog.models import Product as CatalogProduct
from catalog.selectors import version_latest_for
from catalog.services import catalog_import, catalog_publish
from catalog.tests.factories import small_catalog
from configurator import loading
from configurator.engine.model import Product
from configurator.engine.selection import read_selection, selection_pairs
from configurator.engine.session import Session
from configurator.services import saving
from orders.models import Order
from orders.samples import shirt_configuration


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
    monkeypatch.setattr(loading, "_background", {})
    monkeypatch.setattr(loading, "_waiting", {})


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


def _until_built(version: CatalogVersion) -> bool:
    for _ in range(600):
        if (version.pk, version.checksum) in loading._sessions:
            return True
        threading.Event().wait(0.05)
    return False


@pytest.fixture
def published_twice(
    fresh_caches: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> tuple[CatalogVersion, CatalogVersion, threading.Event]:
    """Version 1 ready, version 2 published; the event is set when version 2's build starts."""
    settings.ENGINE_BUILD_IN_BACKGROUND = True
    monkeypatch.setattr(loading, "AFTER_RESPONSE_S", 60.0)
    first = _publish_bike("499.00")
    loading.version_session(first)
    second = _publish_bike("549.00")
    started = threading.Event()
    real = loading.build_session

    def watched(product: Product, checksum: str | None = None) -> Session:
        started.set()
        return real(product, checksum)

    monkeypatch.setattr(loading, "build_session", watched)
    return first, second, started


@pytest.mark.django_db(transaction=True)  # the background build reads the new version on its own connection
def test_a_background_build_starts_once_the_request_that_asked_has_answered(
    published_twice: tuple[CatalogVersion, CatalogVersion, threading.Event],
) -> None:
    """The build would slow the answer that started it: it waits for that request to finish."""
    first, second, started = published_twice
    assert loading.version_serving(second) == first
    assert not started.wait(0.5), "the build started before the request answered"
    request_finished.send(sender=None)
    assert started.wait(30)
    assert _until_built(second)
    assert loading.version_serving(second) == second


@pytest.mark.django_db(transaction=True)
def test_another_request_finishing_does_not_start_the_build(
    published_twice: tuple[CatalogVersion, CatalogVersion, threading.Event],
) -> None:
    """Only the request that asked for the new version lets its build start, once it has answered."""
    first, second, started = published_twice
    assert loading.version_serving(second) == first
    other = threading.Thread(target=lambda: request_finished.send(sender=None))
    other.start()
    other.join()
    assert not started.wait(0.5), "a request on another thread started the build"
    request_finished.send(sender=None)
    assert started.wait(30)
    assert _until_built(second)


@pytest.mark.django_db(transaction=True)
def test_shoppers_switch_only_once_the_new_version_has_answered_its_first_look(
    fresh_caches: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first shopper on a new version never meets it cold: its page's first look is answered first."""
    from configurator import warming

    settings.ENGINE_BUILD_IN_BACKGROUND = True
    monkeypatch.setattr(loading, "AFTER_RESPONSE_S", 0.0)
    first = _publish_bike("499.00")
    loading.version_session(first)
    second = _publish_bike("549.00")
    served_meanwhile: list[CatalogVersion] = []
    real = warming.warm_session

    def watched(version: CatalogVersion, product: Product, session: Session) -> None:
        served_meanwhile.append(loading.version_serving(second))
        real(version, product, session)

    monkeypatch.setattr(warming, "warm_session", watched)
    assert loading.version_serving(second) == first
    assert _until_built(second)
    assert served_meanwhile == [first], "shoppers kept the ready version while the new one answered its first look"
    assert loading.version_serving(second) == second


@pytest.mark.django_db(transaction=True)
def test_one_background_build_per_product_at_a_time(
    fresh_caches: None, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A version published while the previous one builds waits for it: two builds would share the cores."""
    settings.ENGINE_BUILD_IN_BACKGROUND = True
    monkeypatch.setattr(loading, "AFTER_RESPONSE_S", 0.0)
    first = _publish_bike("499.00")
    loading.version_session(first)
    second = _publish_bike("549.00")
    third = _publish_bike("599.00")
    release = threading.Event()
    builds: list[str] = []
    real = loading.build_session

    def held(product: Product, checksum: str | None = None) -> Session:
        builds.append(str(checksum))
        assert release.wait(30)
        return real(product, checksum)

    monkeypatch.setattr(loading, "build_session", held)
    assert loading.version_serving(second) == first
    assert loading.version_serving(third) == first, "the ready version serves while the product builds"
    release.set()
    assert _until_built(second)
    assert builds == [second.checksum], "the newer version did not start a second build beside the first"
    assert loading.version_serving(third) == second, "the next request starts the newer one"
    assert _until_built(third)
    assert builds == [second.checksum, third.checksum]


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


def _shirt_republished() -> CatalogVersion:
    """Load the demo, serve the shirt's version 1 warm, then publish version 2 (it builds in the background)."""
    call_command("load_demo", stdout=None)
    first = version_latest_for("shirt")
    assert first is not None
    loading.version_session(first)  # the version shoppers are served (warmed at start)
    shirt = CatalogProduct.objects.get(code="shirt")
    shirt.base_price += 50
    shirt.save()
    catalog_publish(shirt)
    return first


@contextlib.contextmanager
def _builds_held(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Hold every build until the block ends; a build on this (the request's) thread fails the test."""
    release = threading.Event()
    request_thread = threading.current_thread()
    real = loading.build_session

    def held(product: Product, checksum: str | None = None, **options: Any) -> Session:
        if threading.current_thread() is request_thread:
            raise AssertionError("compiled inside a shopper's request")
        assert release.wait(30)
        return real(product, checksum, **options)

    monkeypatch.setattr(loading, "build_session", held)
    try:
        yield
    finally:
        release.set()
        for thread in threading.enumerate():
            if thread.name.startswith("build-"):
                thread.join(timeout=60)


@pytest.mark.django_db(transaction=True)  # the background build reads the new version on its own connection
def test_after_a_publish_checkout_orders_and_share_links_do_not_compile_in_the_request(
    fresh_caches: None, settings: Any, monkeypatch: pytest.MonkeyPatch, client: Client
) -> None:
    """Every shopper request serves the version that is ready, as the page does; the quote names it."""
    settings.ENGINE_BUILD_IN_BACKGROUND = True
    first = _shirt_republished()
    product = loading.version_model(first)
    config = shirt_configuration()
    saved = saving.configuration_save(first, read_selection(product, config))
    with _builds_held(monkeypatch):
        url = (
            reverse("orders:checkout", args=["shirt"])
            + "?"
            + urlencode(selection_pairs(product, read_selection(product, config)))
        )
        form = client.get(url).context["form"]
        assert form.initial["quoted_version"] == "1", "the checkout quotes the version that is ready"
        customer = {"name": "Ada Lovelace", "email": "ada@example.com", "address": "12 St James's Square, London"}
        hidden = {key: str(form.initial[key]) for key in ("idempotency", "quoted_version", "quoted_total")}
        assert client.post(url, {**customer, **hidden}).status_code == 302
        body = {"product": "shirt", **config, "customer": customer}
        assert APIClient().post("/api/v1/orders", body, format="json").status_code == 201
        assert sorted(order.catalog_version.number for order in Order.objects.all()) == [1, 1]
        shared = client.get(saved.get_absolute_url())
        assert shared.status_code == 200 and "Our catalog has changed" not in shared.text
    # Version 2 is ready now: a form quoted on version 1 is shown the new price before any order.
    again = client.post(url, {**customer, **hidden, "idempotency": str(uuid.uuid4())})
    assert again.status_code == 200 and "The catalog changed while you were ordering" in again.text
    assert again.context["form"].data["quoted_version"] == "2" and Order.objects.count() == 2


@pytest.mark.django_db
def test_after_a_publish_the_guided_questions_do_not_compile_in_the_request(
    fresh_caches: None, settings: Any, monkeypatch: pytest.MonkeyPatch, client: Client
) -> None:
    """The questions and their proposal serve the version that is ready, as the configurator does."""
    settings.ENGINE_BUILD_IN_BACKGROUND = True
    _shirt_republished()
    url = reverse("personalisation:guided", args=["shirt"])
    with _builds_held(monkeypatch):
        assert client.get(url).status_code == 200
        proposal = client.get(url, {"_propose": "1", "q_wear": "tucked", "q_occasion": "office"})
        assert proposal.status_code == 302
        assert client.get(proposal["Location"]).status_code == 200


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
