"""Persona permission tests: every admin action and every factory API call, per persona.

Personas (conftest.py): shopper, viewer (view-only staff), merchandiser, operator,
outsider (anonymous), factory A and factory B (their tokens). Each case states what
the persona may do and checks the effect, not only the status code.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from rest_framework.test import APIClient

from catalog.models import CatalogVersion, Product
from catalog.services import catalog_import
from catalog.tests.factories import small_catalog
from orders import services
from orders.models import Delivery, DeliveryState, FactoryToken, Order
from orders.tests.conftest import CUSTOMER

pytestmark = pytest.mark.django_db

STAFF = ["viewer", "merchandiser", "operator", "customer_service"]
EVERYONE = ["outsider", "shopper", *STAFF]
#: Every role's persona, the "Merchandiser" role (editor) and a second "Catalog publisher" included.
EVERY_ROLE = [*EVERYONE, "editor", "publisher"]
PUBLISHERS = {"merchandiser", "publisher"}  # the "Catalog publisher" role
CATALOG_EDITORS = {*PUBLISHERS, "editor"}  # the roles that change the catalog


@pytest.fixture
def login(client: Client, request: pytest.FixtureRequest) -> Callable[[str], Client]:
    def as_persona(persona: str) -> Client:
        if persona != "outsider":
            client.force_login(request.getfixturevalue(persona))
        return client

    return as_persona


@pytest.fixture
def routed(shirt: CatalogVersion, config: dict[str, Any], factory_a: Any, factory_b: Any) -> dict[str, Order]:
    """One order placed while only A was active, one while only B was, one while both were."""
    place = lambda: services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en").order  # noqa: E731
    services.endpoint_disable(name="factory-b")
    only_a = place()
    _enable("factory-b")
    services.endpoint_disable(name="factory-a")
    only_b = place()
    _enable("factory-a")
    both = place()
    return {"only_a": only_a, "only_b": only_b, "both": both}


def _enable(name: str) -> None:
    from orders.models import FactoryEndpoint

    FactoryEndpoint.objects.filter(name=name).update(active=True)
    FactoryToken.objects.filter(endpoint__name=name).update(revoked_at=None)


def _api(token: str | None = None, user: User | None = None) -> APIClient:
    api = APIClient()
    if token:
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    if user is not None:
        api.force_login(user)
    return api


# -- admin actions --------------------------------------------------------------------------------
@pytest.mark.parametrize("persona", EVERYONE)
def test_publish_action(login: Callable[[str], Client], persona: str) -> None:
    catalog_import(small_catalog())
    bike = Product.objects.get(code="bike")
    client = login(persona)
    client.post(reverse("admin:catalog_product_changelist"), {"action": "publish", "_selected_action": [bike.pk]})
    assert CatalogVersion.objects.filter(product=bike).exists() is (persona == "merchandiser")


@pytest.mark.parametrize("persona", EVERY_ROLE)
def test_cancel_scheduled_publications_action(login: Callable[[str], Client], persona: str) -> None:
    from catalog.models import PublishSchedule
    from catalog.schedules import schedule_create

    catalog_import(small_catalog())
    bike = Product.objects.get(code="bike")
    schedule = schedule_create(bike, publish_at=timezone.now() + datetime.timedelta(days=1), user=None)
    login(persona).post(
        reverse("admin:catalog_publishschedule_changelist"), {"action": "cancel", "_selected_action": [schedule.pk]}
    )
    cancelled = PublishSchedule.objects.get(pk=schedule.pk).state == PublishSchedule.State.CANCELLED
    assert cancelled is (persona in PUBLISHERS)


@pytest.mark.parametrize("persona", EVERY_ROLE)
def test_change_prices_action(login: Callable[[str], Client], persona: str) -> None:
    from catalog.models import Option

    catalog_import(small_catalog())
    black = Option.objects.get(code="black")
    login(persona).post(
        reverse("admin:catalog_option_changelist"),
        {
            "action": "change_prices",
            "_selected_action": [black.pk],
            "price_change": "1",
            "kind": "amount",
            "value": "5",
            "apply": "Apply",
            "previewed": [f"{black.pk}:{black.price}"],
            "previewed_change": "amount:5",
        },
    )
    changed = Option.objects.get(pk=black.pk).price != black.price
    assert changed is (persona in CATALOG_EDITORS)


def _actions_without_permissions(site: Any) -> list[str]:
    """Return "app.model: action" for every action of `site`'s model admins that declares no permission."""
    from django.contrib.admin.options import ActionLocation

    missing = []
    for model, model_admin in site._registry.items():
        for location in ActionLocation:  # the change list's actions and the change form's
            for action in model_admin._get_base_actions(location):
                if action.name != "delete_selected" and not getattr(action.func, "allowed_permissions", None):
                    missing.append(f"{model._meta.label_lower}: {action.name}")
    return sorted(set(missing))


def test_every_admin_action_declares_its_permissions() -> None:
    """An action without `permissions=[…]` runs for anyone who can see the list (view-only staff included)."""
    from django.contrib import admin

    assert _actions_without_permissions(admin.site) == []


def test_the_action_guard_finds_an_action_without_permissions(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.contrib import admin

    def open_to_all(modeladmin: Any, request: Any, queryset: Any) -> None:
        """An action as one might add it, forgetting `permissions`."""

    model_admin = admin.site.get_model_admin(Product)
    monkeypatch.setattr(model_admin, "actions", [*(model_admin.actions or []), open_to_all])
    assert _actions_without_permissions(admin.site) == ["catalog.product: open_to_all"]


def test_only_who_may_delete_sign_in_attempts_may_clean_them_up(
    rf: RequestFactory, viewer: User, admin_user: User
) -> None:
    from axes.models import AccessAttempt
    from django.contrib import admin

    viewer.user_permissions.add(Permission.objects.get(codename="view_accessattempt"))
    model_admin = admin.site.get_model_admin(AccessAttempt)
    request = rf.get("/")
    request.user = User.objects.get(pk=viewer.pk)
    assert "cleanup_expired_attempts" not in model_admin.get_actions(request)
    request.user = admin_user
    assert "cleanup_expired_attempts" in model_admin.get_actions(request)


def test_the_sign_in_attempts_cleanup_is_named_in_italian(rf: RequestFactory, admin_user: User) -> None:
    from axes.models import AccessAttempt
    from django.contrib import admin

    request = rf.get("/")
    request.user = admin_user
    with translation.override("it"):
        action = admin.site.get_model_admin(AccessAttempt).get_actions(request)["cleanup_expired_attempts"]
        assert action is not None and str(action.description) == "Elimina i tentativi scaduti"


def test_change_without_publish_permission_cannot_publish_from_the_product_page(
    client: Client, django_user_model: Any
) -> None:
    from django.contrib import admin

    catalog_import(small_catalog())
    bike = Product.objects.get(code="bike")
    editor = django_user_model.objects.create_user(username="editor", is_staff=True)
    editor.user_permissions.add(*Permission.objects.filter(codename__in=["view_product", "change_product"]))
    client.force_login(editor)
    page = client.get(reverse("admin:catalog_product_change", args=[bike.pk])).content.decode()
    assert 'name="_publish"' not in page
    # Instead of a button that is simply missing, the page says why and who can publish.
    assert "needs the permission to publish" in page
    # The button's POST, sent anyway: saved as a change, not published.
    request = RequestFactory().post("/", {"_publish": "1"})
    request.user = django_user_model.objects.get(pk=editor.pk)
    request.session = client.session
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    admin.site.get_model_admin(Product).response_change(request, bike)
    assert not CatalogVersion.objects.exists()
    publisher = django_user_model.objects.get(pk=editor.pk)
    publisher.user_permissions.add(Permission.objects.get(codename="publish_product"))
    publisher = django_user_model.objects.get(pk=editor.pk)
    client.force_login(publisher)
    page = client.get(reverse("admin:catalog_product_change", args=[bike.pk])).content.decode()
    assert 'name="_publish"' in page and "needs the permission to publish" not in page


@pytest.mark.parametrize("persona", EVERYONE)
def test_create_token_action(login: Callable[[str], Client], persona: str, factory_a: Any) -> None:
    before = FactoryToken.objects.count()
    response = login(persona).post(
        "/admin/orders/factoryendpoint/", {"action": "create_token", "_selected_action": [factory_a.endpoint.pk]}
    )
    created = FactoryToken.objects.count() - before
    assert created == (1 if persona == "operator" else 0)
    assert ("fct_" in response.content.decode()) is (persona == "operator")


@pytest.mark.parametrize("persona", EVERYONE)
def test_revoke_tokens_action(login: Callable[[str], Client], persona: str, factory_a: Any) -> None:
    login(persona).post(
        "/admin/orders/factoryendpoint/", {"action": "revoke_tokens", "_selected_action": [factory_a.endpoint.pk]}
    )
    revoked = FactoryToken.objects.filter(endpoint=factory_a.endpoint, revoked_at__isnull=False).exists()
    assert revoked is (persona == "operator")


@pytest.mark.parametrize("persona", EVERYONE)
def test_replay_action(
    login: Callable[[str], Client], persona: str, routed: dict[str, Order], monkeypatch: pytest.MonkeyPatch
) -> None:
    from orders import tasks

    monkeypatch.setattr(tasks.delivery_send, "delay", lambda pk: None)
    services.outbox_fan_out(message_id=routed["only_a"].build_order.outbox.pk)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.DEAD, dead_at=timezone.now())
    login(persona).post("/admin/orders/delivery/", {"action": "replay", "_selected_action": [delivery.pk]})
    state = Delivery.objects.get(pk=delivery.pk).state
    assert state == (DeliveryState.PENDING if persona == "operator" else DeliveryState.DEAD)


@pytest.mark.parametrize("persona", EVERYONE)
def test_anonymise_action(login: Callable[[str], Client], persona: str, routed: dict[str, Order]) -> None:
    order = routed["only_a"]
    login(persona).post("/admin/orders/order/", {"action": "anonymise", "_selected_action": [order.pk]})
    assert (Order.objects.get(pk=order.pk).anonymised_at is not None) is (persona == "customer_service")


@pytest.mark.parametrize("persona", EVERYONE)
def test_personal_data_in_the_order_list(
    login: Callable[[str], Client], persona: str, routed: dict[str, Order]
) -> None:
    response = login(persona).get("/admin/orders/order/")
    allowed = {"viewer": 200, "operator": 200, "customer_service": 200}
    assert response.status_code == allowed.get(persona, 302 if persona in {"outsider", "shopper"} else 403)
    assert (CUSTOMER["name"] in response.content.decode()) is (persona == "customer_service")


@pytest.mark.parametrize("persona", STAFF)
def test_the_order_page_shows_its_e_mails_and_status_history_to_the_roles_that_answer_for_it(
    login: Callable[[str], Client], persona: str, routed: dict[str, Order]
) -> None:
    order = routed["only_a"]
    response = login(persona).get(f"/admin/orders/order/{order.pk}/change/")
    page = response.content.decode()
    sees_order = persona in {"viewer", "operator", "customer_service"}
    assert response.status_code == (200 if sees_order else 403)
    assert ("Status history" in page) is sees_order
    assert ("Order e-mails" in page and "Order confirmation" in page) is (persona in {"viewer", "customer_service"})


@pytest.mark.parametrize("persona", EVERYONE)
def test_signing_secret_is_never_in_an_endpoint_page(
    login: Callable[[str], Client], persona: str, factory_a: Any
) -> None:
    client = login(persona)
    for url in ("/admin/orders/factoryendpoint/", f"/admin/orders/factoryendpoint/{factory_a.endpoint.pk}/change/"):
        response = client.get(url)
        assert factory_a.endpoint.secret not in response.content.decode()
        refused = {"outsider": 302, "shopper": 302, "merchandiser": 403, "customer_service": 403}
        assert response.status_code == refused.get(persona, 200)


def test_view_only_staff_can_neither_see_a_secret_nor_create_a_token_nor_replay(
    client: Client, viewer: User, routed: dict[str, Order], factory_a: Any
) -> None:
    """The issue's done-when line, in one place."""
    services.outbox_fan_out(message_id=routed["only_a"].build_order.outbox.pk)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.DEAD)
    client.force_login(viewer)
    page = client.get(f"/admin/orders/factoryendpoint/{factory_a.endpoint.pk}/change/").content.decode()
    assert factory_a.endpoint.secret not in page
    listing = client.get("/admin/orders/factoryendpoint/").content.decode()
    assert "create_token" not in listing
    tokens = FactoryToken.objects.count()
    client.post(
        "/admin/orders/factoryendpoint/", {"action": "create_token", "_selected_action": [factory_a.endpoint.pk]}
    )
    assert FactoryToken.objects.count() == tokens
    assert "replay" not in client.get("/admin/orders/delivery/").content.decode().split("<select")[-1][:2000]
    client.post("/admin/orders/delivery/", {"action": "replay", "_selected_action": [delivery.pk]})
    assert Delivery.objects.get(pk=delivery.pk).state == DeliveryState.DEAD


# -- the factory API --------------------------------------------------------------------------
@pytest.mark.parametrize("persona", EVERYONE)
def test_people_are_not_factories(request: pytest.FixtureRequest, persona: str, routed: dict[str, Order]) -> None:
    user = None if persona == "outsider" else request.getfixturevalue(persona)
    api = _api(user=user)
    assert api.get("/api/v1/factory/orders").status_code in {401, 403}
    url = f"/api/v1/factory/orders/{routed['both'].build_order.public_id}/status"
    assert api.post(url, {"status": "accepted"}, format="json").status_code in {401, 403}
    assert Order.objects.get(pk=routed["both"].pk).status == "placed"


def test_factory_b_sees_none_of_the_orders_routed_only_to_factory_a(
    routed: dict[str, Order], factory_a: Any, factory_b: Any
) -> None:
    seen = {}
    for name, factory in (("a", factory_a), ("b", factory_b)):
        page = _api(factory.token).get("/api/v1/factory/orders").json()
        seen[name] = [r["order_number"] for r in page["results"]]
    assert seen["a"] == [routed["only_a"].number, routed["both"].number]
    assert seen["b"] == [routed["only_b"].number, routed["both"].number]


@pytest.mark.parametrize("factory", ["factory_a", "factory_b"])
@pytest.mark.parametrize("which", ["only_a", "only_b", "both"])
def test_status_only_for_orders_routed_to_the_factory(
    request: pytest.FixtureRequest, routed: dict[str, Order], factory: str, which: str
) -> None:
    persona = request.getfixturevalue(factory)
    order = routed[which]
    allowed = which == "both" or which == "only_" + factory[-1]
    response = _api(persona.token).post(
        f"/api/v1/factory/orders/{order.build_order.public_id}/status", {"status": "accepted"}, format="json"
    )
    assert response.status_code == (200 if allowed else 404)
    assert Order.objects.get(pk=order.pk).status == ("accepted" if allowed else "placed")
    if not allowed:  # the same answer as an unknown id: no existence oracle
        unknown = _api(persona.token).post(
            "/api/v1/factory/orders/6f1c1bd4-2f0e-4b8e-9d3c-0d6f3f0e2a11/status", {"status": "accepted"}, format="json"
        )
        assert unknown.status_code == 404
        assert set(unknown.json()) == set(response.json())


@pytest.mark.parametrize("persona", EVERYONE)
def test_factory_back_action(
    login: Callable[[str], Client], persona: str, routed: dict[str, Order], monkeypatch: pytest.MonkeyPatch
) -> None:
    from orders import tasks

    monkeypatch.setattr(tasks.delivery_send, "delay", lambda pk: None)
    services.outbox_fan_out(message_id=routed["only_a"].build_order.outbox.pk)
    delivery = Delivery.objects.get()
    later = timezone.now() + datetime.timedelta(minutes=30)
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=later)
    login(persona).post(
        "/admin/orders/factoryendpoint/", {"action": "factory_back", "_selected_action": [delivery.endpoint_id]}
    )
    moved = Delivery.objects.get(pk=delivery.pk).next_attempt_at < later
    assert moved is (persona == "operator")
