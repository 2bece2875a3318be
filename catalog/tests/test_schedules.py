"""Scheduled publishing: beat publishes what is due, once, and keeps the outcome."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from catalog.models import CatalogVersion, Option, Product, PublishSchedule, Rule
from catalog.schedules import schedule_cancel, schedule_create
from catalog.services import catalog_import, catalog_publish
from catalog.tasks import publish_due
from catalog.tests.factories import small_catalog

pytestmark = pytest.mark.django_db
State = PublishSchedule.State
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def bike() -> Product:
    """The bike published as v1, with an unpublished price change in its draft."""
    catalog_import(small_catalog())
    bike = Product.objects.get(code="bike")
    catalog_publish(bike)
    Option.objects.filter(code="black").update(price="30.00")
    return bike


def _due(schedule: PublishSchedule) -> None:
    """Move the schedule's time to the past, as if the clock had reached it."""
    PublishSchedule.objects.filter(pk=schedule.pk).update(publish_at=timezone.now() - datetime.timedelta(seconds=1))


def test_a_due_schedule_is_published_once(bike: Product, publisher) -> None:
    schedule = schedule_create(bike, publish_at=timezone.now() + HOUR, user=publisher, note="summer prices")
    assert publish_due() == {}  # not due yet
    assert CatalogVersion.objects.filter(product=bike).count() == 1
    _due(schedule)
    assert publish_due() == {"published": 1}
    assert publish_due() == {}  # never twice
    schedule.refresh_from_db()
    version = CatalogVersion.objects.get(product=bike, number=2)
    assert (schedule.state, schedule.version, schedule.done_at is not None) == (State.PUBLISHED, version, True)
    assert (version.published_by, version.note) == (publisher, "scheduled: summer prices")
    assert version.snapshot["groups"][0]["options"][1]["price"] == "30.00"


def test_a_draft_changed_after_scheduling_is_refused_with_what_changed(bike: Product, publisher) -> None:
    schedule = schedule_create(bike, publish_at=timezone.now() + HOUR, user=publisher)
    Rule.objects.filter(code="R1").update(message="Changed later.")
    _due(schedule)
    assert publish_due() == {"refused": 1}
    schedule.refresh_from_db()
    assert schedule.state == State.REFUSED and schedule.version is None
    assert schedule.problems[0] == "The draft changed after it was scheduled (1 rule); schedule it again."
    assert "Rule R1: message to shoppers Baskets come on blue frames. → Changed later." in schedule.problems
    assert CatalogVersion.objects.filter(product=bike).count() == 1


def test_a_draft_published_by_hand_meanwhile_leaves_nothing_to_do(bike: Product, publisher) -> None:
    schedule = schedule_create(bike, publish_at=timezone.now() + HOUR, user=publisher)
    catalog_publish(bike)
    _due(schedule)
    assert publish_due() == {"unchanged": 1}
    schedule.refresh_from_db()
    assert schedule.state == State.UNCHANGED
    assert schedule.version == CatalogVersion.objects.get(product=bike, number=2)
    assert CatalogVersion.objects.filter(product=bike).count() == 2


def test_a_publisher_who_lost_the_right_has_the_schedule_refused(bike: Product, publisher) -> None:
    schedule = schedule_create(bike, publish_at=timezone.now() + HOUR, user=publisher)
    publisher.groups.clear()
    _due(schedule)
    assert publish_due() == {"refused": 1}
    schedule.refresh_from_db()
    assert schedule.problems == ["Whoever scheduled it may no longer publish catalog versions."]


def test_a_cancelled_schedule_is_never_published(bike: Product, publisher) -> None:
    schedule = schedule_create(bike, publish_at=timezone.now() + HOUR, user=publisher)
    assert schedule_cancel(schedule, user=publisher)
    assert not schedule_cancel(schedule, user=publisher)
    _due(schedule)
    assert publish_due() == {}
    schedule.refresh_from_db()
    assert (schedule.state, schedule.done_by) == (State.CANCELLED, publisher)


@pytest.mark.parametrize(
    ("when", "change", "field", "message"),
    [
        (-HOUR, True, "publish_at", "Choose a time in the future."),
        (HOUR, False, "product", "The draft has no changes since version 1."),
    ],
)
def test_scheduling_refuses_the_past_and_an_unchanged_draft(bike, publisher, when, change, field, message) -> None:
    if not change:
        Option.objects.filter(code="black").update(price="20.00")
    with pytest.raises(ValidationError) as raised:
        schedule_create(bike, publish_at=timezone.now() + when, user=publisher)
    assert raised.value.message_dict[field] == [message]
    assert not PublishSchedule.objects.exists()


def test_scheduling_refuses_a_draft_that_cannot_be_published(bike: Product, publisher) -> None:
    Rule.objects.filter(code="R1").update(expr="frame = nope")
    with pytest.raises(ValidationError) as raised:
        schedule_create(bike, publish_at=timezone.now() + HOUR, user=publisher)
    problems = raised.value.message_dict["product"]
    assert problems[0] == "The draft cannot be published:" and "nope" in " ".join(problems[1:])


def test_one_waiting_publication_per_product(bike: Product, publisher) -> None:
    schedule_create(bike, publish_at=timezone.now() + HOUR, user=publisher)
    with pytest.raises(ValidationError, match="already waiting"):
        schedule_create(bike, publish_at=timezone.now() + 2 * HOUR, user=publisher)
    assert PublishSchedule.objects.count() == 1


def test_beat_runs_the_task_every_minute(settings) -> None:
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["catalog-publish-due"]
    app.loader.import_default_modules()
    assert entry["task"] == "catalog.tasks.publish_due" and entry["task"] in app.tasks
    assert entry["schedule"].minute == set(range(60)) and entry["schedule"].hour == set(range(24))
