"""A returning shopper's own data: the magic link, the measurements that come back, "My data" (issue 19, item 4)."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation

from catalog.models import CatalogVersion
from catalog.selectors import version_latest_for
from config.settings import RATELIMIT_RATES
from configurator.engine.selection import read_selection, selection_pairs
from configurator.loading import version_model
from configurator.models import SavedConfiguration
from orders import services
from orders import tasks as order_tasks
from orders.forms import CheckoutForm
from orders.models import Order
from orders.samples import shirt_configuration
from personalisation import tasks
from personalisation.models.returning import ShopperConfiguration, ShopperMeasurements, ShopperProfile, SignInLink

CUSTOMER_FORM = {"name": "Ada Lovelace", "email": "Ada@Example.com", "address": "12 St James's Square, London"}
LINK = re.compile(r"https://shop\.example(/sign-in/[A-Za-z0-9_-]+/)")


@pytest.fixture
def shirt(db: None, settings: Any, monkeypatch: Any) -> CatalogVersion:
    """The demo shirt; e-mails go at commit as a worker sends them (only sign-in links: the test is about them)."""
    settings.SITE_URL = "https://shop.example/"
    monkeypatch.setattr(order_tasks.outbox_fan_out, "delay", lambda pk: None)
    monkeypatch.setattr(order_tasks.order_email_send, "delay", lambda pk: None)
    monkeypatch.setattr(tasks.signin_link_send, "delay", lambda pk: tasks.signin_link_send.apply(args=(pk,)))
    call_command("load_demo", stdout=None)
    version = version_latest_for("shirt")
    assert version is not None
    return version


def _checkout_url(version: CatalogVersion) -> str:
    product = version_model(version)
    pairs = selection_pairs(product, read_selection(product, shirt_configuration()))
    with translation.override("en"):
        return reverse("orders:checkout", args=["shirt"]) + "?" + "&".join(f"{k}={v}" for k, v in pairs)


def _order(client: Client, version: CatalogVersion, capture: Any, *, remember: bool) -> Order:
    url = _checkout_url(version)
    form = client.get(url).context["form"]
    data = {**CUSTOMER_FORM, **{k: str(form.initial[k]) for k in ("idempotency", "quoted_version", "quoted_total")}}
    if remember:
        data["remember"] = "on"
    with capture(execute=True):
        assert client.post(url, data).status_code == 302
    return Order.objects.get()


def _sent_link() -> str:
    [message] = [m for m in mail.outbox if m.subject == "Your sign-in link"]
    found = LINK.search(str(message.body))
    assert found is not None
    return found.group(1)


def _configure(client: Client, **headers: str) -> str:
    """Open the shirt as a shopper arriving from a link to its measurements step."""
    url = reverse("configurator:configure", args=["shirt"])
    return client.get(url, {"_step": "measurements"}, headers=headers).content.decode()


def _signed_in_shopper(client: Client, shirt: CatalogVersion, capture: Any) -> str:
    _order(client, shirt, capture, remember=True)
    link = _sent_link()
    assert client.post(link).status_code == 302
    return link


def test_remember_at_checkout_mails_a_link_that_keeps_the_measurements(
    client: Client, shirt: CatalogVersion, django_capture_on_commit_callbacks: Any
) -> None:
    order = _order(client, shirt, django_capture_on_commit_callbacks, remember=True)
    link = _sent_link()
    [message] = mail.outbox
    assert message.to == ["ada@example.com"] and "30 minutes" in message.body
    stored = SignInLink.objects.get()
    assert stored.token_hash and link.rsplit("/", 2)[-2] not in stored.token_hash  # only its hash is kept
    assert not ShopperProfile.objects.exists()  # nothing kept before the link is followed
    page = client.get(link)
    assert page.status_code == 200 and "Sign in" in page.content.decode()
    response = client.post(link, follow=True)
    body = response.content.decode()
    assert "We keep the measurements of your order" in body and "My data" in body and "102 cm" in body
    kept = ShopperMeasurements.objects.get()
    assert kept.values["chest"] == "102" and kept.order_number == order.number


def test_without_remember_nothing_is_kept_and_nothing_is_prefilled(
    client: Client, shirt: CatalogVersion, django_capture_on_commit_callbacks: Any
) -> None:
    _order(client, shirt, django_capture_on_commit_callbacks, remember=False)
    assert not SignInLink.objects.exists() and not ShopperProfile.objects.exists()
    assert not [m for m in mail.outbox if m.subject == "Your sign-in link"]
    assert "Your measurement from" not in _configure(client)


def test_a_link_works_once(client: Client, shirt: CatalogVersion, django_capture_on_commit_callbacks: Any) -> None:
    link = _signed_in_shopper(client, shirt, django_capture_on_commit_callbacks)
    other = Client()
    assert other.get(link).status_code == 400
    response = other.post(link)
    assert response.status_code == 400 and "This link does not work" in response.content.decode()
    assert other.get(reverse("personalisation:my_data")).status_code == 302  # not signed in


def test_an_expired_link_is_refused_and_keeps_nothing(
    client: Client, shirt: CatalogVersion, django_capture_on_commit_callbacks: Any
) -> None:
    _order(client, shirt, django_capture_on_commit_callbacks, remember=True)
    link = _sent_link()
    SignInLink.objects.update(sent_at=timezone.now() - datetime.timedelta(minutes=31))
    assert client.get(link).status_code == 400
    response = client.post(link)
    assert response.status_code == 400 and "Ask for a new link" in response.content.decode()
    assert not ShopperProfile.objects.exists()


@pytest.mark.parametrize("token", ["forged", "A" * 43, "x" * 500])
def test_a_wrong_or_forged_token_is_refused_cleanly(
    client: Client, shirt: CatalogVersion, django_capture_on_commit_callbacks: Any, token: str
) -> None:
    _order(client, shirt, django_capture_on_commit_callbacks, remember=True)
    url = reverse("personalisation:signin_confirm", args=[token])
    assert client.get(url).status_code == 400
    assert client.post(url).status_code == 400
    assert not ShopperProfile.objects.exists() and SignInLink.objects.get().used_at is None


def test_sign_in_requests_are_throttled_per_client_and_per_address(
    client: Client, shirt: CatalogVersion, django_capture_on_commit_callbacks: Any
) -> None:
    ShopperProfile.objects.create(email="ada@example.com")
    url = reverse("personalisation:signin")
    with override_settings(RATELIMIT_ENABLE=True, RATELIMIT_RATES={**RATELIMIT_RATES, "signin": "4/hour"}):
        with django_capture_on_commit_callbacks(execute=True):
            answers = [client.post(url, {"email": "ada@example.com"}).status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    # The address got 3 links, whoever asked: a fourth client could not fill the inbox.
    assert len(mail.outbox) == 3 and SignInLink.objects.count() == 3


def test_sign_in_page_answers_the_same_for_an_unknown_address_and_sends_nothing(
    client: Client, shirt: CatalogVersion, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("personalisation:signin"), {"email": "nobody@example.com"})
    assert "If we keep data for this address" in response.content.decode()
    assert not mail.outbox and not SignInLink.objects.exists()
    bad = client.post(reverse("personalisation:signin"), {"email": "not an address"}).content.decode()
    assert "Enter a valid email address" in bad


def test_next_time_the_shirt_opens_with_their_measurements_marked_as_theirs(
    client: Client, shirt: CatalogVersion, django_capture_on_commit_callbacks: Any
) -> None:
    _signed_in_shopper(client, shirt, django_capture_on_commit_callbacks)
    page = _configure(client)
    assert re.search(r'name="chest" value="102"', page)
    assert "Your measurement from" in page and "Why you see this" in page
    url = reverse("configurator:configure", args=["shirt"])
    # A value changed is no longer marked as theirs; the other still are.
    query = {"chest": "104", "neck": "40", "_step": "measurements", "_seen": "measurements"}
    changed = client.get(url, query).content.decode()
    assert 'id="theirs-chest"' not in changed and 'id="theirs-neck"' in changed


def test_personalisation_off_or_do_not_track_stops_the_prefill(
    client: Client, shirt: CatalogVersion, django_capture_on_commit_callbacks: Any
) -> None:
    _signed_in_shopper(client, shirt, django_capture_on_commit_callbacks)
    assert "Your measurement from" not in _configure(client, DNT="1")
    assert "Your measurement from" not in _configure(client, **{"Sec-GPC": "1"})
    client.post(reverse("personalisation:my_data_personalise"), {"on": "0"})
    page = _configure(client)
    assert "Your measurement from" not in page and 'name="chest" value="102"' not in page
    assert "Off: nothing is prefilled" in client.get(reverse("personalisation:my_data")).content.decode()


def test_italian_my_data_writes_the_kept_measurements_with_a_decimal_comma(
    client: Client, shirt: CatalogVersion, django_capture_on_commit_callbacks: Any
) -> None:
    _signed_in_shopper(client, shirt, django_capture_on_commit_callbacks)
    kept = ShopperMeasurements.objects.get()
    kept.values["neck"] = "40.5"
    kept.save(update_fields=["values"])
    with translation.override("it"):
        url = reverse("personalisation:my_data")
    page = client.get(url).content.decode()
    assert '<dt>Collo</dt><dd style="margin: 0;">40,5 cm</dd>' in page


def test_my_data_download_holds_the_profile_measurements_and_saved_configurations(
    client: Client, shirt: CatalogVersion, django_capture_on_commit_callbacks: Any
) -> None:
    _signed_in_shopper(client, shirt, django_capture_on_commit_callbacks)
    pairs = selection_pairs(version_model(shirt), read_selection(version_model(shirt), shirt_configuration()))
    client.post(reverse("configurator:save", args=["shirt"]), dict(pairs))
    saved = SavedConfiguration.objects.get()
    assert saved.display_code in client.get(reverse("personalisation:my_data")).content.decode()
    download = client.get(reverse("personalisation:my_data_download"))
    data = json.loads(download.content)
    assert download["Content-Disposition"].startswith("attachment")
    assert data["profile"]["email"] == "ada@example.com"
    assert data["measurements"][0]["values"]["chest"] == "102"
    assert data["saved_configurations"][0]["code"] == saved.display_code


def test_delete_removes_the_profile_and_its_saved_configurations_after_confirmation(
    client: Client, shirt: CatalogVersion, django_capture_on_commit_callbacks: Any
) -> None:
    _signed_in_shopper(client, shirt, django_capture_on_commit_callbacks)
    pairs = selection_pairs(version_model(shirt), read_selection(version_model(shirt), shirt_configuration()))
    client.post(reverse("configurator:save", args=["shirt"]), dict(pairs))
    assert ShopperConfiguration.objects.count() == 1
    url = reverse("personalisation:my_data_delete")
    unconfirmed = client.post(url, {})
    assert unconfirmed.status_code == 200 and "Tick the box to confirm" in unconfirmed.content.decode()
    assert ShopperProfile.objects.exists()
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    assert not ShopperProfile.objects.exists() and not ShopperMeasurements.objects.exists()
    assert not ShopperConfiguration.objects.exists() and not SavedConfiguration.objects.exists()
    assert not SignInLink.objects.exists()
    assert client.get(reverse("personalisation:my_data")).status_code == 302  # signed out
    assert "Your measurement from" not in _configure(client)
    assert Order.objects.count() == 1  # orders are not part of the profile


def test_the_order_page_offers_remember_and_mails_the_link(
    client: Client, shirt: CatalogVersion, django_capture_on_commit_callbacks: Any
) -> None:
    placed = services.order_place(
        version=shirt,
        data=shirt_configuration(),
        customer=services.Customer(name="Ada", email="ada@example.com", address="12 St James's Square, London"),
        language="en",
    ).order
    assert "Remember my measurements" in client.get(placed.get_absolute_url()).content.decode()
    url = reverse("personalisation:remember", args=[placed.number, placed.access_key])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "We sent you a link by e-mail" in response.content.decode()
    client.post(_sent_link())
    assert ShopperMeasurements.objects.get().order_number == placed.number
    assert client.post(reverse("personalisation:remember", args=[placed.number, "wrong"])).status_code == 404


def test_sign_out_keeps_the_data_and_stops_the_prefill(
    client: Client, shirt: CatalogVersion, django_capture_on_commit_callbacks: Any
) -> None:
    _signed_in_shopper(client, shirt, django_capture_on_commit_callbacks)
    assert "My data" in _configure(client)
    client.post(reverse("personalisation:sign_out"))
    page = _configure(client)
    assert "Your measurement from" not in page and ">My data<" not in page
    assert ShopperMeasurements.objects.exists()


def test_the_privacy_page_says_what_personalisation_uses_and_how_to_control_it(client: Client, db: None) -> None:
    page = client.get(reverse("privacy")).content.decode()
    assert "Nothing about you is remembered from one visit to the next unless you ask for it" in page
    assert f'<a href="{reverse("personalisation:my_data")}">My data</a>' in page
    assert "nothing is prefilled or suggested from your history, whatever your settings" in page
    italian = client.get("/it" + reverse("privacy")).content.decode()
    assert "Nulla di te viene ricordato da una visita all'altra se non lo chiedi" in italian


def test_a_product_without_measurements_offers_nothing_to_remember(client: Client, shirt: CatalogVersion) -> None:
    assert "remember" not in CheckoutForm(measured=False).fields
    assert "Remember my measurements for next time" in client.get(_checkout_url(shirt)).content.decode()


def test_links_that_can_no_longer_sign_in_are_deleted_with_their_address(
    client: Client, shirt: CatalogVersion, django_capture_on_commit_callbacks: Any
) -> None:
    _order(client, shirt, django_capture_on_commit_callbacks, remember=True)
    assert tasks.signin_links_expire() == 0
    SignInLink.objects.update(created_at=timezone.now() - datetime.timedelta(days=2))
    assert tasks.signin_links_expire() == 1 and not SignInLink.objects.exists()


def test_a_returning_shopper_signs_in_again_from_the_sign_in_page(
    client: Client, shirt: CatalogVersion, django_capture_on_commit_callbacks: Any
) -> None:
    _signed_in_shopper(client, shirt, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    later = Client()  # another day, another browser
    assert "Your measurement from" not in _configure(later)
    with django_capture_on_commit_callbacks(execute=True):
        later.post(reverse("personalisation:signin"), {"email": " ADA@example.com "})
    later.post(_sent_link())
    assert 'name="chest" value="102"' in _configure(later)


def test_a_sign_in_link_to_a_profile_deleted_since_is_refused(
    client: Client, shirt: CatalogVersion, django_capture_on_commit_callbacks: Any
) -> None:
    profile = ShopperProfile.objects.create(email="ada@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("personalisation:signin"), {"email": "ada@example.com"})
    profile.delete()
    assert client.post(_sent_link()).status_code == 400
    assert not ShopperProfile.objects.exists()


def test_orders_placed_while_signed_in_update_the_measurements(
    client: Client, shirt: CatalogVersion, django_capture_on_commit_callbacks: Any
) -> None:
    _signed_in_shopper(client, shirt, django_capture_on_commit_callbacks)
    Order.objects.all().delete()
    mail.outbox.clear()
    order = _order(client, shirt, django_capture_on_commit_callbacks, remember=False)
    assert ShopperMeasurements.objects.get().order_number == order.number
    assert not mail.outbox  # signed in: kept at once, no link needed


def test_a_kept_value_the_catalog_no_longer_accepts_is_not_prefilled(
    client: Client, shirt: CatalogVersion, django_capture_on_commit_callbacks: Any
) -> None:
    _signed_in_shopper(client, shirt, django_capture_on_commit_callbacks)
    kept = ShopperMeasurements.objects.get()
    kept.values = {**kept.values, "chest": "500", "elbow": "30"}
    kept.save(update_fields=["values"])
    page = _configure(client)
    assert 'name="chest" value=""' in page and 'id="theirs-chest"' not in page
    assert 'name="neck" value="40"' in page and 'id="theirs-neck"' in page
