"""Shoppers' control over their data: export, anonymisation, the order page, retention, the privacy page."""

from __future__ import annotations

import datetime
import json
import uuid
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core import serializers
from django.db import IntegrityError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from catalog.models import CatalogVersion
from configurator.engine.selection import read_selection, selection_pairs
from configurator.loading import version_model
from orders import services, tasks
from orders.models import (
    BuildOrder,
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    FactoryEndpoint,
    Order,
    OrderEvent,
    OutboxMessage,
)
from orders.services import ordering
from orders.services.privacy import ERASED, ERASED_EMAIL

NAME, EMAIL, ADDRESS, NOTES, MONOGRAM = "Ada Lovelace", "ada@example.com", "12 St James's Square\nLondon", "Gift", "QZX"
PERSONAL = ["Lovelace", "ada@example.com", "St James", "Gift", "QZX"]


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _pictures(media: Path) -> list[Path]:
    return sorted((media / "orders" / "previews").glob("*")) if (media / "orders" / "previews").exists() else []


def _place(version: CatalogVersion, config: dict[str, Any], email: str = EMAIL, **kwargs: Any) -> Order:
    config["texts"] = {"monogram": MONOGRAM}
    customer = services.Customer(name=NAME, email=email, address=ADDRESS)
    return services.order_place(
        version=version, data=config, customer=customer, language="en", notes=NOTES, **kwargs
    ).order


def _everything_stored() -> str:
    """Every row of every model of the project's apps (history tables included), as one JSON text."""
    models = [m for label in ("orders", "configurator", "catalog") for m in apps.get_app_config(label).get_models()]
    return serializers.serialize("json", [row for model in models for row in model._default_manager.all()])


def _shipped_with_traces(version: CatalogVersion, config: dict[str, Any], endpoint: FactoryEndpoint) -> Order:
    """An order delivered to a factory that echoed the shopper's name, shipped with a reason quoting them."""
    order = _place(version, config)
    services.outbox_fan_out(message_id=order.build_order.outbox.pk)
    delivery = Delivery.objects.get(message__build_order__order=order)
    DeliveryAttempt.objects.create(delivery=delivery, number=1, status_code=500, error=f"echo: {NAME}")
    Delivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.DELIVERED, delivered_at=timezone.now(), last_error=f"echo: {NAME}"
    )
    services.order_status_set(order_id=order.pk, status="shipped", reason=f"Handed to {NAME}", source="factory:x")
    return Order.objects.get(pk=order.pk)


# -- export -------------------------------------------------------------------------------------------------
def test_export_holds_every_order_of_the_email_whatever_its_case(
    shirt: CatalogVersion, config: dict[str, Any], endpoint: FactoryEndpoint
) -> None:
    first = _shipped_with_traces(shirt, config, endpoint)
    second = _place(shirt, config, email="ADA@Example.COM")
    other = _place(shirt, config, email="grace@example.com")

    data = services.shopper_export(email=" Ada@example.com ")

    assert [o["number"] for o in data["orders"]] == [first.number, second.number]
    exported = data["orders"][0]
    assert exported["customer"] == {"name": NAME, "email": EMAIL, "address": ADDRESS} and exported["notes"] == NOTES
    assert exported["configuration"]["parameters"]["chest"] == "102"
    assert exported["configuration"]["texts"] == {"monogram": MONOGRAM}
    assert {"code": "chest", "name": "Chest", "value": "102", "unit": "cm"} in exported["summary"]["parameters"]
    assert exported["total"] == format(first.total, "f") and exported["price_lines"] == first.price_lines
    assert [(e["status"], e["reason"]) for e in exported["status_history"]] == [
        ("placed", ""),
        ("shipped", f"Handed to {NAME}"),
    ]
    assert exported["build_order"]["id"] == str(first.build_order.public_id)
    assert exported["build_order"]["sent_to_factories"]["ship_to"] == {"name": NAME, "address": ADDRESS}
    assert exported["build_order"]["deliveries"] == [
        {"factory": "simulator", "state": "delivered", "attempts": 0, "delivered_at": mock.ANY}
    ]
    assert exported["preview_picture"]["present"] and exported["preview_picture"]["url"].endswith("/picture.webp")
    assert "returning-shopper profile" in data["not_held"]["saved_configurations"]
    assert data["returning_shopper"] is None  # no profile for this e-mail
    assert other.number not in json.dumps(data)
    json.dumps(data)  # JSON-ready as it is


def test_export_reads_a_fixed_number_of_queries_however_many_orders(
    shirt: CatalogVersion, config: dict[str, Any], endpoint: FactoryEndpoint, django_assert_max_num_queries: Any
) -> None:
    for _ in range(2):
        services.outbox_fan_out(message_id=_place(shirt, config).build_order.outbox.pk)
    with CaptureQueriesContext(connection) as two:
        services.shopper_export(email=EMAIL)
    for _ in range(3):
        services.outbox_fan_out(message_id=_place(shirt, config).build_order.outbox.pk)
    with django_assert_max_num_queries(len(two.captured_queries)):
        data = services.shopper_export(email=EMAIL)
    assert len(data["orders"]) == 5
    assert all(o["build_order"]["deliveries"][0]["factory"] == "simulator" for o in data["orders"])
    assert all(o["status_history"][0]["status"] == "placed" for o in data["orders"])


# -- anonymisation ------------------------------------------------------------------------------------------
def test_anonymise_erases_every_copy_and_keeps_the_build_record(
    shirt: CatalogVersion,
    config: dict[str, Any],
    endpoint: FactoryEndpoint,
    media: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    order = _shipped_with_traces(shirt, config, endpoint)
    before = order.build_order.payload
    assert all(word in _everything_stored() for word in PERSONAL) and len(_pictures(media)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        assert services.order_anonymise(order=order, actor="test") is True

    stored = _everything_stored()
    assert [word for word in PERSONAL if word in stored] == []
    assert _pictures(media) == []  # the picture showed the monogram
    order.refresh_from_db()
    assert order.anonymised_at is not None and not order.preview_image
    assert (order.customer_name, order.customer_email, order.customer_address) == (ERASED, ERASED_EMAIL, ERASED)
    assert order.summary["texts"][0]["value"] == ERASED and order.configuration["texts"] == {"monogram": ERASED}
    # The factory's build record: options, measurements, bill of materials as they were; same id.
    after = BuildOrder.objects.get(order=order).payload
    for key in ("build_order_id", "options", "parameters", "bom_lines", "product_code", "due_date"):
        assert after[key] == before[key]
    assert after["ship_to"] == {"name": ERASED, "address": ERASED} and after["texts"][0]["value"] == ERASED
    assert json.loads(OutboxMessage.objects.get(build_order__order=order).body) == after
    assert list(OrderEvent.objects.filter(order=order).values_list("status", flat=True)) == ["placed", "shipped"]
    assert services.order_anonymise(order=order, actor="test") is False  # idempotent


def test_pending_deliveries_are_cancelled_and_never_sent_again(
    shirt: CatalogVersion, config: dict[str, Any], endpoint: FactoryEndpoint
) -> None:
    order = _place(shirt, config)
    services.outbox_fan_out(message_id=order.build_order.outbox.pk)
    delivery = Delivery.objects.get(message__build_order__order=order)
    assert delivery.state == DeliveryState.PENDING

    services.order_anonymise(order=order, actor="test")

    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DEAD and "personal data was erased" in delivery.last_error
    assert services.delivery_replay(delivery_id=delivery.pk) is False
    assert services.delivery_attempt(delivery_id=delivery.pk) == "skipped"


def test_an_order_erased_before_its_message_went_out_reaches_no_factory(
    shirt: CatalogVersion, config: dict[str, Any], endpoint: FactoryEndpoint
) -> None:
    order = _place(shirt, config)
    services.order_anonymise(order=order, actor="test")
    assert services.outbox_fan_out(message_id=order.build_order.outbox.pk) == []
    assert not Delivery.objects.exists()


def test_shopper_erase_anonymises_every_order_of_the_email(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    _place(shirt, config)
    _place(shirt, config, email="ADA@example.com")
    other = _place(shirt, config, email="grace@example.com")
    assert services.shopper_erase(email="ada@EXAMPLE.com", actor="test").orders == 2
    assert services.shopper_erase(email="ada@example.com", actor="test").orders == 0
    assert Order.objects.count() == 3 and Order.objects.filter(anonymised_at__isnull=False).count() == 2
    assert Order.objects.get(pk=other.pk).customer_name == NAME


# -- retention ----------------------------------------------------------------------------------------------
def _age(order: Order, placed_days: int, last_change_days: int | None = None) -> None:
    now = timezone.now()
    Order.objects.filter(pk=order.pk).update(placed_at=now - datetime.timedelta(days=placed_days))
    OrderEvent.objects.filter(order=order).update(created_at=now - datetime.timedelta(days=placed_days))
    if last_change_days is not None:
        OrderEvent.objects.create(order=order, status="accepted", source="factory:x")
        OrderEvent.objects.filter(order=order, status="accepted").update(
            created_at=now - datetime.timedelta(days=last_change_days)
        )


def test_retention_anonymises_orders_whose_last_status_change_is_older_than_the_setting(
    shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    expired = _place(shirt, config)
    _age(expired, placed_days=731)
    recent_change = _place(shirt, config)
    _age(recent_change, placed_days=1100, last_change_days=700)  # placed 3 years ago, accepted 700 days ago
    fresh = _place(shirt, config)

    assert django_settings.ORDERS_PERSONAL_DATA_RETENTION_DAYS == 730
    assert tasks.personal_data_expire() == 1  # what the beat runs

    assert Order.objects.get(pk=expired.pk).anonymised_at is not None
    assert Order.objects.get(pk=recent_change.pk).anonymised_at is None
    assert Order.objects.get(pk=fresh.pk).anonymised_at is None
    # 31 days later the second one is past its 730 days too.
    later = timezone.now() + datetime.timedelta(days=31)
    assert services.personal_data_expire(now=later) == 1
    assert Order.objects.get(pk=recent_change.pk).anonymised_at is not None
    assert services.personal_data_expire(now=later) == 0


def test_retention_is_scheduled_by_beat() -> None:
    entry = django_settings.CELERY_BEAT_SCHEDULE["orders-personal-data-expire"]
    assert entry["task"] == tasks.personal_data_expire.name


# -- the order page -----------------------------------------------------------------------------------------
def _shipped(version: CatalogVersion, config: dict[str, Any], **kwargs: Any) -> Order:
    order = _place(version, config, **kwargs)
    services.order_status_set(order_id=order.pk, status="shipped", source="factory:x")
    return order


def test_download_holds_this_order_only_as_an_uncached_attachment(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    order = _place(shirt, config)
    sibling = _place(shirt, config)  # same e-mail: the link does not prove access to it
    page = client.get(order.get_absolute_url())
    url = reverse("orders:data", args=[order.number, order.access_key])
    assert url in page.text and "Download my data" in page.text

    response = client.get(url)

    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="order-{order.number}.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["scope"] == "order" and [o["number"] for o in data["orders"]] == [order.number]
    assert data["orders"][0]["customer"]["address"] == ADDRESS and sibling.number not in response.text
    assert client.get(reverse("orders:data", args=[order.number, "wrong"])).status_code == 404


def test_erasing_from_the_order_page_asks_then_says_what_was_kept(
    client: Client, shirt: CatalogVersion, config: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    order = _shipped(shirt, config)
    url = reverse("orders:erase", args=[order.number, order.access_key])
    assert url in client.get(order.get_absolute_url()).text

    confirm = client.get(url)
    assert confirm.status_code == 200 and "this order only" in confirm.text and 'name="confirm"' in confirm.text
    unconfirmed = client.post(url, {})
    assert "Tick the box to confirm the erasure." in unconfirmed.text
    assert Order.objects.get(pk=order.pk).anonymised_at is None

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": "on"}, follow=True)

    page = response.text
    assert response.redirect_chain[-1][0] == order.get_absolute_url()
    assert "your personal data on this order was erased." in page and "What is kept, and why" in page
    assert order.number in page and "Shipped" in page and "Blue Oxford" in page  # the order is still there
    assert NAME not in page and "St James" not in page and MONOGRAM not in page and "<img" not in page
    assert "no-store" in response["Cache-Control"]
    assert client.get(url).status_code == 302  # nothing left to erase


def test_the_erase_page_sets_the_irreversible_button_apart_from_the_way_out(
    client: Client, shirt: CatalogVersion, config: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    order = _shipped(shirt, config)
    url = reverse("orders:erase", args=[order.number, order.access_key])
    confirm = client.get(url).text
    assert '<button type="submit" class="danger">' in confirm  # not the blue of "Place the order"
    assert f'<a class="button" href="{order.get_absolute_url()}">' in confirm  # a plain button, not a second primary
    assert "What is erased" in confirm and "What was erased" not in confirm

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(url, {"confirm": "on"}, follow=True).text
    # Afterwards the order page tells what happened, in the past tense.
    assert "What was erased" in page and "which showed them. They were replaced" in page
    assert "What is erased" not in page


def test_the_order_page_says_when_the_order_left_rather_than_when_it_is_due(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    placed = client.get(_place(shirt, config).get_absolute_url()).text
    assert "is due to leave our workshop by" in placed
    shipped = client.get(_shipped(shirt, config).get_absolute_url()).text
    assert "has left our workshop" in shipped and "is due to leave" not in shipped
    rejected = _place(shirt, config)
    services.order_status_set(order_id=rejected.pk, status="rejected", reason="No fabric", source="factory:x")
    page = client.get(rejected.get_absolute_url()).text
    assert "is due to leave" not in page and "could not take this order" in page  # said in words
    assert "No fabric" not in page  # the workshop's own note is for staff


def test_the_erase_page_gives_the_address_it_asks_shoppers_to_write_to(
    client: Client, settings: Any, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    order = _shipped(shirt, config)
    url = reverse("orders:erase", args=[order.number, order.access_key])
    settings.SHOP_CONTACT_EMAIL = ""
    page = client.get(url).text
    assert "erase them from their own pages." in page and "write to us" not in page  # to no address
    settings.SHOP_CONTACT_EMAIL = "privacy@shop.example"
    page = client.get(url).text
    assert 'or write to <a href="mailto:privacy@shop.example">privacy@shop.example</a>.' in page
    with translation.override("en"):  # the Italian request activates Italian: do not leak it into later tests
        assert 'scrivi a <a href="mailto:privacy@shop.example">' in client.get("/it" + url).text


def test_erasing_needs_the_csrf_token(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    order = _shipped(shirt, config)
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("orders:erase", args=[order.number, order.access_key]), {"confirm": "on"})
    assert response.status_code == 403 and Order.objects.get(pk=order.pk).anonymised_at is None


def test_an_order_still_being_made_cannot_be_erased_from_its_page(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    order = _place(shirt, config)
    url = reverse("orders:erase", args=[order.number, order.access_key])
    page = client.get(order.get_absolute_url()).text
    assert url not in page and "you can erase them here once it has shipped" in page
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert Order.objects.get(pk=order.pk).anonymised_at is None


def test_the_erase_confirmation_in_italian(client: Client, shirt: CatalogVersion, config: dict[str, Any]) -> None:
    order = _shipped(shirt, config)
    response = client.get("/it" + reverse("orders:erase", args=[order.number, order.access_key]))
    assert response.status_code == 200 and "Cancella i miei dati personali" in response.text


# -- the admin ----------------------------------------------------------------------------------------------
def test_admin_action_anonymises_and_needs_the_change_permission(
    client: Client, shirt: CatalogVersion, config: dict[str, Any], admin_user: Any, django_user_model: Any
) -> None:
    from django.contrib.auth.models import Permission

    order = _place(shirt, config)
    viewer = django_user_model.objects.create_user(username="viewer", password="pw-view-123", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_order"))
    changelist = reverse("admin:orders_order_changelist")
    action = {"action": "anonymise", "_selected_action": [order.pk]}

    client.force_login(viewer)
    assert "anonymise" not in client.get(changelist).text
    client.post(changelist, action)
    assert Order.objects.get(pk=order.pk).anonymised_at is None

    client.force_login(admin_user)
    response = client.post(changelist, action, follow=True)
    assert "The personal data of 1 order was erased" in response.text
    assert Order.objects.get(pk=order.pk).anonymised_at is not None


# -- the privacy page and the checkout ----------------------------------------------------------------------
def test_privacy_page_says_what_is_kept_for_how_long_and_who_receives_it(
    client: Client, settings: Any, db: None
) -> None:
    settings.SHOP_CONTACT_EMAIL = "privacy@shop.example"
    page = client.get("/privacy/").text
    assert "730 days after the order's last status change" in page
    assert "We keep no IP address with your order" in page
    assert "your name and delivery address, to ship the product to you" in page
    assert "They do not receive your e-mail address or the price" in page
    assert 'href="mailto:privacy@shop.example"' in page
    assert 'href="/privacy/"' in page  # the footer
    italian = client.get("/it/privacy/").text
    assert "730 giorni" in italian and 'href="/it/privacy/"' in italian


def _checkout_url(version: CatalogVersion, config: dict[str, Any]) -> str:
    product = version_model(version)
    pairs = selection_pairs(product, read_selection(product, config))
    with translation.override("en"):
        return reverse("orders:checkout", args=["shirt"]) + "?" + urlencode(pairs)


def test_checkout_and_privacy_page_say_the_same_about_the_emails_we_send(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    """The shop e-mails order confirmations, status changes and sign-in links: the privacy page lists each."""
    page = client.get(_checkout_url(shirt, config)).text
    assert 'href="/privacy/"' in page
    assert "we confirm the order by e-mail" in page and "when the workshop accepts it and when it ships" in page
    privacy = client.get("/privacy/").text
    assert "no automatic e-mails" not in privacy
    assert "Your e-mail address is used only for these e-mails, sent automatically" in privacy
    assert "the confirmation of your order, with the private link to follow it" in privacy
    assert "when the workshop accepts your order, when it ships, or if it cannot be made" in privacy
    assert "a sign-in link, only when you ask us to remember your measurements" in privacy
    assert "We send no newsletters and no advertising" in privacy
    italian = client.get("/it/privacy/").text
    assert "la conferma del tuo ordine" in italian and "e-mail automatiche" not in italian


def test_privacy_page_names_the_mail_server_and_storage_provider_when_they_are_third_parties(
    client: Client, settings: Any, db: None
) -> None:
    page = client.get("/privacy/").text  # tests: console e-mail, local folders
    assert "These service providers" not in page and "Nobody else receives your data" in page

    smtp = "django.core.mail.backends.smtp.EmailBackend"
    settings.MAILERS = {"default": {"BACKEND": smtp, "OPTIONS": {"host": "smtp.mailer.example"}}}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"endpoint_url": "https://s3.store.example"},
        },
    }
    page = client.get("/privacy/").text
    assert "the mail server smtp.mailer.example, through which our e-mails to you are sent" in page
    assert "the storage provider s3.store.example, which keeps the picture of each order" in page
    assert "il server di posta smtp.mailer.example" in client.get("/it/privacy/").text

    settings.MAILERS = {"default": {"BACKEND": smtp, "OPTIONS": {"host": "localhost"}}}  # this machine
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {}}}
    page = client.get("/privacy/").text
    assert "the mail server" not in page and "the storage provider Amazon S3" in page


# -- F13, F14 -----------------------------------------------------------------------------------------------
def test_a_tampered_hidden_field_is_explained_and_the_next_send_places_the_order(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    url = _checkout_url(shirt, config)
    form = client.get(url).context["form"]
    data = {
        "name": NAME,
        "email": EMAIL,
        "address": "12 St James's Square, London",
        "idempotency": "zzz",
        "quoted_version": form.initial["quoted_version"],
        "quoted_total": form.initial["quoted_total"],
    }
    response = client.post(url, data)
    assert response.status_code == 200 and not Order.objects.exists()
    assert "This form was altered or is out of date" in response.text
    fresh = response.context["form"].data["idempotency"]
    uuid.UUID(fresh)
    assert client.post(url, {**data, "idempotency": fresh}).status_code == 302 and Order.objects.count() == 1


def test_losing_the_idempotency_race_leaves_no_picture_behind(
    shirt: CatalogVersion, config: dict[str, Any], media: Path
) -> None:
    winner = services.order_place(
        version=shirt,
        data=config,
        customer=services.Customer(name=NAME, email=EMAIL, address=ADDRESS),
        language="en",
        idempotency_key="k1",
        fingerprint="f",
    ).order
    assert len(_pictures(media)) == 1
    real = ordering._order_for_key
    calls: list[str] = []

    def racing(key: str, fingerprint: str) -> Order | None:
        calls.append(key)  # the first look misses the winner, as when both requests arrive together
        return None if len(calls) == 1 else real(key, fingerprint)

    with mock.patch.object(ordering, "_order_for_key", racing):
        placement = services.order_place(
            version=shirt,
            data=config,
            customer=services.Customer(name=NAME, email=EMAIL, address=ADDRESS),
            language="en",
            idempotency_key="k1",
            fingerprint="f",
        )
    assert placement.order == winner and not placement.created
    assert _pictures(media) == [media / str(winner.preview_image.name)]


def test_a_failed_order_leaves_no_picture_behind(shirt: CatalogVersion, config: dict[str, Any], media: Path) -> None:
    with (
        mock.patch.object(OrderEvent.objects, "create", side_effect=IntegrityError("boom")),
        pytest.raises(IntegrityError),
    ):
        _place(shirt, config)
    assert _pictures(media) == [] and not Order.objects.exists()
