"""The operators' admin: pages open, secrets are write-only, personal data needs its permission, orders stay."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import CatalogVersion
from orders import services
from orders.models import AuditEntry, Delivery, DeliveryState, FactoryEndpoint, FactoryToken, Order
from orders.tests.conftest import CUSTOMER, SECRET


@pytest.fixture
def order(shirt: CatalogVersion, config: dict[str, Any], endpoint: FactoryEndpoint) -> Order:
    return services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en").order


@pytest.fixture
def dead_delivery(order: Order) -> Delivery:
    services.outbox_fan_out(message_id=order.build_order.outbox.pk)
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.DEAD, dead_at=timezone.now(), attempts=9)
    return delivery


@pytest.mark.parametrize(
    "model", ["order", "buildorder", "factoryendpoint", "delivery", "outboxmessage", "auditentry"], ids=lambda m: m
)
def test_pages_open(client: Client, admin_user: User, dead_delivery: Delivery, model: str) -> None:
    client.force_login(admin_user)
    assert client.get(f"/admin/orders/{model}/").status_code == 200
    obj = apps.get_model("orders", model).objects.first()
    assert client.get(f"/admin/orders/{model}/{obj.pk}/change/").status_code == 200


def test_replay_action_sends_a_dead_delivery_again_and_leaves_a_trace(
    client: Client, operator: User, dead_delivery: Delivery, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orders import tasks

    monkeypatch.setattr(tasks.delivery_send, "delay", lambda pk: None)
    client.force_login(operator)
    response = client.post(
        "/admin/orders/delivery/", {"action": "replay", "_selected_action": [dead_delivery.pk]}, follow=True
    )
    assert response.status_code == 200
    delivery = Delivery.objects.get(pk=dead_delivery.pk)
    assert delivery.state == DeliveryState.PENDING and delivery.dead_at is None and delivery.attempts == 9
    entry = AuditEntry.objects.get(action="delivery_replayed")
    assert entry.actor == "admin:operator" and entry.details["previous_state"] == "dead"
    assert LogEntry.objects.filter(object_id=str(delivery.pk), user=operator).exists()


def test_token_action_shows_the_token_once_on_a_no_store_page(
    client: Client, operator: User, endpoint: FactoryEndpoint
) -> None:
    client.force_login(operator)
    response = client.post(
        "/admin/orders/factoryendpoint/", {"action": "create_token", "_selected_action": [endpoint.pk]}
    )
    token = FactoryToken.objects.get()
    raw = re.search(r"fct_[A-Za-z0-9_-]+", response.content.decode())
    assert response.status_code == 200 and raw is not None and raw.group().startswith(token.prefix)
    assert "no-store" in response["Cache-Control"]
    # Not in a cookie (F16): the messages cookie, if any, does not carry it.
    assert all(raw.group() not in morsel.value for morsel in response.cookies.values())
    assert client.get("/admin/orders/factoryendpoint/").content.decode().count(raw.group()) == 0
    entry = AuditEntry.objects.get(action="token_created")
    assert entry.actor == "admin:operator" and entry.target_repr == str(token) and raw.group() not in str(entry.details)
    assert LogEntry.objects.filter(object_id=str(endpoint.pk), user=operator).exists()


def test_revoke_action_revokes_and_leaves_a_trace(
    client: Client, operator: User, endpoint: FactoryEndpoint, factory_token: str
) -> None:
    client.force_login(operator)
    client.post("/admin/orders/factoryendpoint/", {"action": "revoke_tokens", "_selected_action": [endpoint.pk]})
    assert FactoryToken.objects.get().revoked_at is not None
    assert AuditEntry.objects.filter(action="token_revoked", actor="admin:operator").count() == 1


def test_the_signing_secret_is_never_shown_not_even_to_a_superuser(
    client: Client, admin_user: User, viewer: User, endpoint: FactoryEndpoint
) -> None:
    for user in (admin_user, viewer):
        client.force_login(user)
        page = client.get(f"/admin/orders/factoryendpoint/{endpoint.pk}/change/")
        assert page.status_code == 200
        assert SECRET not in page.content.decode() and SECRET.removeprefix("whsec_") not in page.content.decode()


def _endpoint_form(**changes: str) -> dict[str, str]:
    data = {
        "name": "factory-c",
        "url": "https://factory-c.example.com/hooks",
        "active": "on",
        "new_secret": "",
        "tokens-TOTAL_FORMS": "0",
        "tokens-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_new_endpoint_gets_a_generated_secret_shown_once(client: Client, operator: User) -> None:
    client.force_login(operator)
    response = client.post("/admin/orders/factoryendpoint/add/", _endpoint_form())
    endpoint = FactoryEndpoint.objects.get(name="factory-c")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert endpoint.secret.startswith("whsec_") and endpoint.secret in response.content.decode()
    assert (
        client.get(f"/admin/orders/factoryendpoint/{endpoint.pk}/change/").content.decode().count(endpoint.secret) == 0
    )
    assert AuditEntry.objects.get(action="endpoint_created").actor == "admin:operator"


def test_a_typed_secret_is_kept_and_rotating_it_is_audited_without_its_value(
    client: Client, operator: User, endpoint: FactoryEndpoint
) -> None:
    client.force_login(operator)
    url = f"/admin/orders/factoryendpoint/{endpoint.pk}/change/"
    form = _endpoint_form(name=endpoint.name, url=endpoint.url, internal="on")
    assert client.post(url, form).status_code == 302  # empty: the secret is kept
    assert FactoryEndpoint.objects.get().secret == SECRET
    new = "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldY"
    assert client.post(url, {**form, "new_secret": new}).status_code == 302
    assert FactoryEndpoint.objects.get().secret == new
    entry = AuditEntry.objects.get(action="endpoint_changed")
    assert entry.details == {"secret": "rotated"} and new not in str(entry.details)
    refused = client.post(url, {**form, "new_secret": "whsec_short"})
    assert refused.status_code == 200 and "at least 16 bytes in base64" in refused.content.decode()


def test_marking_an_endpoint_internal_needs_the_manage_permission(
    client: Client, django_user_model: Any, endpoint: FactoryEndpoint
) -> None:
    from django.contrib.auth.models import Permission

    editor = django_user_model.objects.create_user(username="editor", is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_factoryendpoint", "change_factoryendpoint"])
    )
    client.force_login(editor)
    url = f"/admin/orders/factoryendpoint/{endpoint.pk}/change/"
    form = _endpoint_form(name=endpoint.name, url="http://127.0.0.1:8000/", internal="on")
    client.post(url, form)
    assert FactoryEndpoint.objects.get().url == "http://127.0.0.1:9/"  # unchanged: read-only without it


def test_personal_data_is_hidden_without_its_permission(
    client: Client, viewer: User, django_user_model: Any, order: Order
) -> None:
    from django.contrib.auth.models import Permission

    client.force_login(viewer)
    listing = client.get("/admin/orders/order/").content.decode()
    page = client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    build = client.get(f"/admin/orders/buildorder/{order.build_order.pk}/change/").content.decode()
    outbox = client.get(f"/admin/orders/outboxmessage/{order.build_order.outbox.pk}/change/").content.decode()
    for text in (listing, page, build, outbox):
        assert "Ada Lovelace" not in text and "ada@example.com" not in text and "St James" not in text
        assert order.access_key not in text
    assert order.number in listing and "hidden" in page
    searched = client.get("/admin/orders/order/", {"q": "Lovelace"}).content.decode()
    assert order.number not in searched  # searching by name would reveal it
    ct = ContentType.objects.get_for_model(Order)
    assert client.get(f"/admin/r/{ct.pk}/{order.pk}/").status_code == 404  # the secret link
    assert "View on site" not in page  # and no link to a page that answers 404

    viewer.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    client.force_login(django_user_model.objects.get(pk=viewer.pk))
    page = client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert "Ada Lovelace" in page and "ada@example.com" in page and "View on site" in page
    assert order.number in client.get("/admin/orders/order/", {"q": "Lovelace"}).content.decode()
    assert client.get(f"/admin/r/{ct.pk}/{order.pk}/")["Location"].endswith(order.get_absolute_url())


def test_personalisation_texts_are_masked_without_the_personal_data_permission(
    client: Client,
    viewer: User,
    customer_service: User,
    shirt: CatalogVersion,
    config: dict[str, Any],
    endpoint: FactoryEndpoint,
) -> None:
    # A monogram is personal data (decision 20): its code and the fact it was filled show, its value does not.
    # Dots: a random CSRF token or session key on the page can contain "QZX", never "Q.Z.".
    config["texts"] = {"monogram": "Q.Z."}
    order = services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en").order
    pages = [
        f"/admin/orders/order/{order.pk}/change/",
        f"/admin/orders/buildorder/{order.build_order.pk}/change/",
        f"/admin/orders/outboxmessage/{order.build_order.outbox.pk}/change/",
    ]
    client.force_login(viewer)
    order_page, build_page, outbox_page = (client.get(url).content.decode() for url in pages)
    for text in (order_page, build_page, outbox_page):
        assert "Q.Z." not in text
    for text in (order_page, build_page):
        assert "monogram" in text and "hidden (needs the permission" in text
    assert "oxford_blue" in order_page and "oxford_blue" in build_page  # the rest of the order still shows

    client.force_login(customer_service)
    assert all("Q.Z." in client.get(url).content.decode() for url in pages[:2])


def test_placed_orders_cannot_be_deleted_nor_their_picture_replaced(
    client: Client, admin_user: User, order: Order
) -> None:
    client.force_login(admin_user)
    assert client.get(f"/admin/orders/order/{order.pk}/delete/").status_code == 403
    listing = client.get("/admin/orders/order/").content.decode()
    assert "delete_selected" not in listing
    client.post("/admin/orders/order/", {"action": "delete_selected", "_selected_action": [order.pk], "post": "yes"})
    assert Order.objects.filter(pk=order.pk).exists()
    page = client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert 'type="file"' not in page and 'name="preview_image"' not in page


def test_shopper_cannot_open_the_orders_admin(client: Client, shopper: User) -> None:
    client.force_login(shopper)
    assert client.get("/admin/orders/order/").status_code == 302


def test_view_on_site_is_offered_only_to_those_it_would_open_for(
    client: Client, viewer: User, customer_service: User, order: Order
) -> None:
    # The link redirects to the order's secret page, which answers 404 without the personal-data permission.
    client.force_login(viewer)
    assert "viewsitelink" not in client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    client.force_login(customer_service)
    assert "viewsitelink" in client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()


def test_pages_shown_once_have_the_admin_breadcrumbs_and_wrap_long_values(
    client: Client, operator: User, endpoint: FactoryEndpoint
) -> None:
    client.force_login(operator)
    secret = client.post("/admin/orders/factoryendpoint/add/", _endpoint_form()).content.decode()
    tokens = client.post(
        "/admin/orders/factoryendpoint/", {"action": "create_token", "_selected_action": [endpoint.pk]}
    ).content.decode()
    for page in (secret, tokens):
        assert '<ol class="breadcrumbs">' in page and 'class="breadcrumbs"><a' not in page
        assert 'class="shown-once"' in page  # wraps on a phone instead of widening the page


def test_factory_back_sends_every_waiting_delivery_now_and_leaves_a_trace(
    client: Client, operator: User, order: Order, monkeypatch: pytest.MonkeyPatch
) -> None:
    from orders import tasks

    sent: list[int] = []
    monkeypatch.setattr(tasks.delivery_send, "delay", sent.append)
    services.outbox_fan_out(message_id=order.build_order.outbox.pk)
    delivery = Delivery.objects.get()
    later = timezone.now() + datetime.timedelta(minutes=50)
    # After an outage: four failed attempts, the next one 50 minutes away.
    Delivery.objects.filter(pk=delivery.pk).update(attempts=4, next_attempt_at=later, enqueued_at=None)
    sent.clear()
    client.force_login(operator)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            "/admin/orders/factoryendpoint/",
            {"action": "factory_back", "_selected_action": [delivery.endpoint_id]},
            follow=True,
        )
    assert "1 waiting delivery is being sent now." in response.content.decode()
    delivery.refresh_from_db()
    assert delivery.next_attempt_at <= timezone.now() and delivery.attempts == 4
    assert delivery.state == DeliveryState.PENDING and sent == [delivery.pk]
    entry = AuditEntry.objects.get(action="retries_due")
    assert entry.actor == "admin:operator" and entry.details == {"deliveries": 1}


def test_factory_back_on_a_disabled_endpoint_sends_nothing_and_says_why(
    client: Client, operator: User, order: Order, endpoint: FactoryEndpoint
) -> None:
    services.outbox_fan_out(message_id=order.build_order.outbox.pk)
    later = timezone.now() + datetime.timedelta(minutes=50)
    Delivery.objects.update(next_attempt_at=later)
    FactoryEndpoint.objects.filter(pk=endpoint.pk).update(active=False)
    client.force_login(operator)
    response = client.post(
        "/admin/orders/factoryendpoint/", {"action": "factory_back", "_selected_action": [endpoint.pk]}, follow=True
    )
    assert "is disabled: enable it first" in response.content.decode()
    assert Delivery.objects.get().next_attempt_at == later


def test_the_order_list_reads_orders_newest_first_through_the_placed_at_index(
    client: Client, admin_user: User, order: Order
) -> None:
    """The admin's order list sorts by `placed_at` through order_placed_idx, made by a migration, not a scan."""
    state = MigrationLoader(connection).project_state()
    assert "order_placed_idx" in [index.name for index in state.models["orders", "order"].options["indexes"]]
    assert "order_placed_idx" in [index.name for index in Order._meta.indexes]
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/orders/order/").status_code == 200
    listing = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith('SELECT "orders_order"."id"'))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a table of one row is read faster by a scan
            cursor.execute(f"EXPLAIN {listing}")
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {listing}")
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "order_placed_idx" in plan, plan
