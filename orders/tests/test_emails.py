"""E-mails to the shopper: the confirmation and the status changes, once each, in their language (issue 14 item 9)."""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from smtplib import SMTPRecipientsRefused, SMTPServerDisconnected
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from catalog.models import CatalogVersion
from orders import services, tasks
from orders.dates import long_date
from orders.models import Order, OrderEmail
from orders.tests.conftest import CUSTOMER
from orders.tests.test_views import _checkout_url

Place = Callable[..., Order]


@pytest.fixture
def place(
    shirt: CatalogVersion,
    config: dict[str, Any],
    monkeypatch: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> Place:
    """Place orders whose e-mail tasks run at commit, as a worker would run them (retries included)."""
    settings.SITE_URL = "https://shop.example/"
    monkeypatch.setattr(tasks.outbox_fan_out, "delay", lambda pk: None)
    monkeypatch.setattr(tasks.order_email_send, "delay", lambda pk: tasks.order_email_send.apply(args=(pk,)))

    def run(language: str = "en", **extra: Any) -> Order:
        with django_capture_on_commit_callbacks(execute=True):
            placement = services.order_place(version=shirt, data=config, customer=CUSTOMER, language=language, **extra)
        return placement.order

    return run


def _status(order: Order, status: str, django_capture_on_commit_callbacks: Any) -> bool:
    with django_capture_on_commit_callbacks(execute=True):
        return services.order_status_set(order_id=order.pk, status=status, source="factory:test")


def test_placing_an_order_sends_one_confirmation_with_link_summary_total_and_date(place: Place) -> None:
    order = place(notes="Please press the collar.")
    [message] = mail.outbox
    assert message.to == ["ada@example.com"]
    assert message.subject == f"We have your order {order.number}"
    link = f"https://shop.example/orders/{order.number}/{order.access_key}/"
    assert link in message.body
    assert "Blue Oxford" in message.body and "Neck: 40 cm" in message.body and "“JS”" in message.body
    assert re.search(r"Total: €\d+\.\d\d", str(message.body))
    assert long_date(order.due_date, "en") in message.body
    assert "Please press the collar." in message.body
    assert isinstance(message, EmailMultiAlternatives)
    [(html, kind)] = message.alternatives
    assert kind == "text/html" and f'href="{link}"' in str(html) and "Blue Oxford" in str(html)
    assert OrderEmail.objects.get(order=order).sent_at is not None


def test_the_email_speaks_the_language_the_shopper_ordered_in(place: Place) -> None:
    order = place(language="it")
    [message] = mail.outbox
    assert message.subject == f"Abbiamo il tuo ordine {order.number}"
    assert f"https://shop.example/it/orders/{order.number}/" in message.body
    assert long_date(order.due_date, "it") in message.body and "Gentile Ada Lovelace" in message.body


def test_an_italian_email_writes_measurements_with_a_decimal_comma(place: Place, config: dict[str, Any]) -> None:
    config["parameters"]["neck"] = "40.5"
    place(language="it")
    [message] = mail.outbox
    assert "Collo: 40,5 cm" in message.body
    assert isinstance(message, EmailMultiAlternatives)
    [(html, _kind)] = message.alternatives
    assert ">40,5 cm</td>" in str(html)


def test_accepted_and_shipped_are_mailed_once_each(place: Place, django_capture_on_commit_callbacks: Any) -> None:
    order = place()
    assert _status(order, "accepted", django_capture_on_commit_callbacks)
    assert not _status(order, "accepted", django_capture_on_commit_callbacks)  # the factory's callback, again
    _status(order, "in_production", django_capture_on_commit_callbacks)
    _status(order, "shipped", django_capture_on_commit_callbacks)
    assert [m.subject for m in mail.outbox] == [
        f"We have your order {order.number}",
        f"Your order {order.number} is accepted by the workshop",
        f"Your order {order.number} has shipped",
    ]
    assert "has left our workshop" in mail.outbox[2].body


def _reject(order: Order, django_capture_on_commit_callbacks: Any) -> bool:
    with django_capture_on_commit_callbacks(execute=True):
        return services.order_status_set(
            order_id=order.pk, status="rejected", reason="Loom 4 down, fabric OX-12 short", source="factory:test"
        )


def test_a_rejected_order_is_mailed_once_without_the_workshops_internal_reason(
    place: Place, django_capture_on_commit_callbacks: Any
) -> None:
    order = place()
    _status(order, "accepted", django_capture_on_commit_callbacks)
    assert _reject(order, django_capture_on_commit_callbacks)
    assert not _reject(order, django_capture_on_commit_callbacks)  # the factory's callback, again
    assert [m.subject for m in mail.outbox][1:] == [
        f"Your order {order.number} is accepted by the workshop",
        f"Your order {order.number} cannot be made",
    ]
    message = mail.outbox[2]
    assert "the workshop could not take your order" in message.body
    assert "Our customer service will contact you about it." in message.body
    assert "Loom 4" not in message.body and "Loom 4" not in str(message.alternatives[0][0])  # type: ignore[attr-defined]
    assert OrderEmail.objects.filter(order=order, kind="rejected").count() == 1


def test_a_rejection_is_mailed_in_the_shoppers_language(place: Place, django_capture_on_commit_callbacks: Any) -> None:
    order = place(language="it")
    _reject(order, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert message.subject == f"Il tuo ordine {order.number} non può essere realizzato"
    assert "il laboratorio non ha potuto accettare il tuo ordine" in message.body
    assert "Il nostro servizio clienti ti contatterà." in message.body


def test_a_repeated_task_sends_nothing(place: Place) -> None:
    order = place()
    email = OrderEmail.objects.get(order=order)
    assert tasks.order_email_send.apply(args=(email.pk,)).get() == "skipped"
    assert len(mail.outbox) == 1


def test_an_erased_order_gets_no_email(
    shirt: CatalogVersion, config: dict[str, Any], monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    queued: list[int] = []
    monkeypatch.setattr(tasks.outbox_fan_out, "delay", lambda pk: None)
    monkeypatch.setattr(tasks.order_email_send, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True):
        order = services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en").order
    services.order_anonymise(order=order, actor="shopper")
    assert services.order_email_send(email_id=queued[0]) == "erased"  # the task ran after the erasure
    _status(order, "accepted", django_capture_on_commit_callbacks)
    assert mail.outbox == [] and len(queued) == 1
    assert OrderEmail.objects.get().skipped_at is not None


def test_the_demos_simulated_orders_send_no_email(place: Place, django_capture_on_commit_callbacks: Any) -> None:
    """`make run`'s simulated shoppers place thousands of orders: their e-mails would bury the console."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("simulate_shoppers", "city-car", "--visits", "40", "--seed", "3", "--orders", stdout=io.StringIO())
    simulated = Order.objects.filter(product_code="city-car")
    assert simulated.exists()
    _status(simulated[0], "accepted", django_capture_on_commit_callbacks)
    assert mail.outbox == [] and not OrderEmail.objects.exists()
    place()  # a real shopper's order is still confirmed
    assert [message.to for message in mail.outbox] == [["ada@example.com"]]


def test_no_mail_is_addressed_to_a_reserved_invalid_domain() -> None:
    assert not services.deliverable("simulated.shopper@example.invalid")
    assert not services.deliverable("someone@shop.INVALID.")
    assert services.deliverable("ada@example.com") and services.deliverable("ada@invalid.example.com")


def test_a_mail_server_error_is_retried_and_the_email_sent_once(place: Place, monkeypatch: Any) -> None:
    real_send = EmailMultiAlternatives.send
    failures = iter([True, False])

    def flaky_send(self: EmailMultiAlternatives, fail_silently: bool = False) -> int:
        if next(failures):
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky_send)
    order = place()
    email = OrderEmail.objects.get(order=order)
    assert len(mail.outbox) == 1
    assert email.attempts == 2 and email.sent_at is not None and email.last_error == ""


def test_the_sweep_enqueues_an_email_whose_task_was_lost(
    shirt: CatalogVersion, config: dict[str, Any], monkeypatch: Any, settings: Any
) -> None:
    order = services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en").order  # no commit hook
    email = OrderEmail.objects.get(order=order)
    assert services.order_emails_sweep() == 0  # too recent to be lost
    OrderEmail.objects.filter(pk=email.pk).update(
        enqueued_at=timezone.now() - datetime.timedelta(seconds=settings.ORDERS_REQUEUE_SECONDS + 1)
    )
    assert services.order_emails_sweep() == 1
    assert services.order_emails_sweep() == 0  # marked enqueued again


def test_the_checkout_promises_the_email_it_sends(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    page = client.get(_checkout_url(shirt, config)).text
    assert "we send no e-mails" not in page
    assert "we confirm the order by e-mail" in page


def test_a_failed_send_is_recorded_without_the_shoppers_address(
    place: Place, monkeypatch: Any, admin_client: Client
) -> None:
    def refused(self: EmailMultiAlternatives, fail_silently: bool = False) -> int:
        raise SMTPRecipientsRefused({"ada@example.com": (550, b"ada@example.com: mailbox unavailable")})

    monkeypatch.setattr(EmailMultiAlternatives, "send", refused)
    monkeypatch.setattr(tasks.order_email_send, "max_retries", 1)
    place()  # the retries run out: the order stands, its e-mail waits for an operator
    email = OrderEmail.objects.get()
    assert email.sent_at is None and email.attempts == 2 and email.last_error == "SMTPRecipientsRefused"
    page = admin_client.get(f"/admin/orders/order/{email.order_id}/change/").text
    assert "SMTPRecipientsRefused" in page
