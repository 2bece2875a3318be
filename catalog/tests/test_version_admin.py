"""The versions admin with personas: compare (all staff), roll back and schedule (publishers only)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.models import CatalogVersion, Option, Product, PublishSchedule
from catalog.services import catalog_import, catalog_publish
from catalog.tests.factories import small_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def bike() -> Product:
    """The bike published as v1 and v2 (black 20.00 → 25.00), with black at 30.00 in its draft."""
    catalog_import(small_catalog())
    bike = Product.objects.get(code="bike")
    catalog_publish(bike)
    Option.objects.filter(code="black").update(price="25.00")
    catalog_publish(bike)
    Option.objects.filter(code="black").update(price="30.00")
    return bike


def _as(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _v(bike: Product, number: int) -> CatalogVersion:
    return CatalogVersion.objects.get(product=bike, number=number)


def test_version_list_shows_who_published_and_what_changed(bike: Product, viewer: User) -> None:
    page = _as(viewer).get(reverse("admin:catalog_catalogversion_changelist")).content.decode()
    assert "first version" in page
    compare = reverse("admin:catalog_catalogversion_compare", args=["bike"]) + "?old=1&amp;new=2"
    assert f'<a href="{compare}" title="Compare with the previous version">1 option</a>' in page


def test_compare_defaults_to_the_previous_version(bike: Product, viewer: User) -> None:
    response = _as(viewer).get(reverse("admin:catalog_catalogversion_compare", args=["bike"]))
    assert response.context["old"] == "1" and response.context["new"] == "2"
    page = response.content.decode()
    assert "Option Frame colour › Black (black)" in page
    assert "<del>20.00</del>" in page and "<ins>25.00</ins>" in page


def test_compare_the_draft_with_the_latest_version(bike: Product, viewer: User) -> None:
    response = _as(viewer).get(reverse("admin:catalog_catalogversion_compare_draft", args=["bike"]))
    assert (response.context["old"], response.context["new"]) == ("2", "draft")
    assert "<del>25.00</del>" in response.content.decode() and "<ins>30.00</ins>" in response.content.decode()
    assert "Schedule publishing this draft" not in response.content.decode()  # a viewer may not


def test_compare_an_unknown_version_says_so(bike: Product, viewer: User) -> None:
    url = reverse("admin:catalog_catalogversion_compare", args=["bike"]) + "?old=1&new=8"
    response = _as(viewer).get(url)
    assert response.status_code == 200 and "bike has no version 8" in response.content.decode()
    assert _as(viewer).get(reverse("admin:catalog_catalogversion_compare", args=["nope"])).status_code == 404


@pytest.mark.parametrize("persona", ["viewer", "editor"])
def test_only_publishers_may_roll_back(bike: Product, persona: str, request: pytest.FixtureRequest) -> None:
    client = _as(request.getfixturevalue(persona))
    version_page = client.get(reverse("admin:catalog_catalogversion_change", args=[_v(bike, 1).pk])).content.decode()
    assert "Roll back to this version" not in version_page and "Compare with the previous version" not in version_page
    url = reverse("admin:catalog_catalogversion_rollback", args=[_v(bike, 1).pk])
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert CatalogVersion.objects.filter(product=bike).count() == 2


def test_rollback_confirms_with_what_shoppers_will_see_change_then_publishes(bike: Product, publisher: User) -> None:
    client = _as(publisher)
    v1 = _v(bike, 1)
    version_page = client.get(reverse("admin:catalog_catalogversion_change", args=[v1.pk])).content.decode()
    url = reverse("admin:catalog_catalogversion_rollback", args=[v1.pk])
    assert f'href="{url}"' in version_page
    page = client.get(url).content.decode()
    assert "What shoppers will see change: 1 option" in page and "<del>25.00</del>" in page
    assert "The draft has changes that were never published (1 option): rolling back replaces them." in page
    response = client.post(url, {"note": "price error"})
    v3 = _v(bike, 3)
    assert response.status_code == 302 and response["Location"].endswith(f"/{v3.pk}/change/")
    assert (v3.checksum, v3.note, v3.published_by) == (v1.checksum, "rollback to v1: price error", publisher)
    assert Option.objects.get(code="black").price == 20


def test_viewer_and_editor_may_not_schedule(bike: Product, viewer: User, editor: User) -> None:
    url = reverse("admin:catalog_publishschedule_add")
    for user in (viewer, editor):
        client = _as(user)
        assert client.get(url).status_code == 403
        data = {"product": bike.pk, "publish_at": "2099-01-01T10:00"}
        assert client.post(url, data).status_code == 403
        assert client.get(reverse("admin:catalog_publishschedule_changelist")).status_code == 200
    assert not PublishSchedule.objects.exists()


def test_publisher_schedules_the_draft_and_cancels_it(bike: Product, publisher: User) -> None:
    client = _as(publisher)
    url = reverse("admin:catalog_publishschedule_add")
    form = client.get(f"{url}?product={bike.pk}").content.decode()
    assert "the draft <strong>as it is now</strong>" in form
    when = timezone.localtime(timezone.now() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"product": bike.pk, "publish_at": when, "note": "summer"})
    assert response.status_code == 302
    schedule = PublishSchedule.objects.get()
    assert (schedule.created_by, schedule.note, schedule.state) == (publisher, "summer", "pending")
    listing = client.get(reverse("admin:catalog_publishschedule_changelist")).content.decode()
    assert "will publish the draft as it was when scheduled: 1 option" in listing
    client.post(
        reverse("admin:catalog_publishschedule_changelist"), {"action": "cancel", "_selected_action": [schedule.pk]}
    )
    schedule.refresh_from_db()
    assert (schedule.state, schedule.done_by) == ("cancelled", publisher)


def test_scheduling_a_time_in_the_past_is_refused_by_field(bike: Product, publisher: User) -> None:
    response = _as(publisher).post(
        reverse("admin:catalog_publishschedule_add"), {"product": bike.pk, "publish_at": "2000-01-01T10:00"}
    )
    assert response.status_code == 200 and "Choose a time in the future." in response.content.decode()
    assert not PublishSchedule.objects.exists()


def _actions(client: Client) -> list[str]:
    form = client.get(reverse("admin:catalog_product_changelist")).context["action_form"]
    return [] if form is None else [name for name, _label in form.fields["action"].choices]


def test_editor_edits_the_draft_but_cannot_publish(bike: Product, editor: User, publisher: User) -> None:
    assert "publish" in _actions(_as(publisher))
    assert "publish" not in _actions(_as(editor))
    _as(editor).post(reverse("admin:catalog_product_changelist"), {"action": "publish", "_selected_action": [bike.pk]})
    assert CatalogVersion.objects.filter(product=bike).count() == 2
    assert editor.has_perm("catalog.change_option") and not editor.has_perm("catalog.publish_product")


def test_viewer_sees_but_cannot_save(bike: Product, viewer: User) -> None:
    option = Option.objects.get(code="black")
    url = reverse("admin:catalog_option_change", args=[option.pk])
    client = _as(viewer)
    assert client.get(url).status_code == 200
    assert client.post(url, {"price": "1.00"}).status_code == 403
    assert Option.objects.get(code="black").price == 30
    assert "publish" not in _actions(client)


def test_the_roles_split_editing_from_publishing(db: None) -> None:
    from django.contrib.auth.models import Group

    def perms(name: str) -> set[str]:
        group = Group.objects.get(name=name)
        return {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}

    merchandiser, publisher = perms("Merchandiser"), perms("Catalog publisher")
    assert {"catalog.change_option", "catalog.view_catalogversion"} <= merchandiser
    assert not {"catalog.publish_product", "catalog.add_publishschedule"} & merchandiser
    assert publisher - merchandiser == {
        "catalog.publish_product",
        "catalog.add_publishschedule",
        "catalog.change_publishschedule",
    }
    assert not Group.objects.filter(name="Merchandisers").exists()
