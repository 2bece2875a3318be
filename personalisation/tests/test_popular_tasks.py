"""Starting points are refreshed in the background: on publish, on a preset's save, and by beat."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from catalog.models import Product
from catalog.selectors import version_latest_for
from catalog.services import catalog_publish
from personalisation import popular
from personalisation.models.popular import StartingPoint
from personalisation.tasks import starting_points_refresh_all
from personalisation.tests.popular_orders import place_shirts


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any]]:
    calls: list[tuple[str, Any]] = []
    monkeypatch.setattr("celery.current_app.send_task", lambda name, args, **kw: calls.append((name, args)))
    return calls


def test_publishing_asks_a_worker_to_refresh_once_committed(
    db: None, django_capture_on_commit_callbacks: Any, sent: list[tuple[str, Any]]
) -> None:
    call_command("load_demo", stdout=None)
    Product.objects.filter(code="shirt").update(base_price="95.00")
    sent.clear()

    with django_capture_on_commit_callbacks(execute=True):
        catalog_publish(Product.objects.get(code="shirt"))

    assert ("personalisation.tasks.starting_points_refresh", ["shirt"]) in sent


def test_a_broker_that_is_down_never_fails_the_publish(
    db: None, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    call_command("load_demo", stdout=None)

    def down(*args: Any, **kwargs: Any) -> None:
        raise OSError("broker down")

    monkeypatch.setattr("celery.current_app.send_task", down)
    Product.objects.filter(code="shirt").update(base_price="95.00")
    with django_capture_on_commit_callbacks(execute=True):
        result = catalog_publish(Product.objects.get(code="shirt"))

    assert result.created


def test_the_beat_task_refreshes_every_listed_product(db: None) -> None:
    call_command("load_demo", stdout=None)
    place_shirts(2, collar="cutaway")

    counts = starting_points_refresh_all()

    assert counts["shirt"] == 1
    assert StartingPoint.objects.filter(version=version_latest_for("shirt")).count() == 1


def test_a_refresh_replaces_the_versions_points(db: None) -> None:
    call_command("load_demo", stdout=None)
    place_shirts(2, collar="cutaway")
    popular.starting_points_refresh("shirt")
    place_shirts(3, collar="wing")

    popular.starting_points_refresh("shirt")

    assert [p.orders for p in StartingPoint.objects.order_by("position")] == [3, 2]
