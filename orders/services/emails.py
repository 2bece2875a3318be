"""E-mails to the shopper: the order confirmation and the status changes they care about.

`order_email_queue` is called in the transaction that places an order or moves its
status; it writes one `OrderEmail` row per order and kind (a repeated factory callback
writes nothing) and enqueues the sending task after commit. `order_email_send` claims
the row by compare-and-set, so a duplicate task sends nothing; an SMTP error releases
the claim and is raised for Celery to retry (orders.tasks.order_email_send). A task
lost with the broker is enqueued again by the outbox sweep. An order whose personal
data was erased gets no e-mail: its row is marked skipped. An order for an address no
mail can reach (`deliverable`) gets none either, and no row: the demo's simulated
shoppers (`simulate_shoppers --orders`, thousands of orders under `make run`) order for
one at example.invalid, and their e-mails would bury the console's other output.

A rejected order's e-mail does not quote the factory's reason: it is the workshop's free
text, in its language and for the shop, so the shopper reads that customer service will
contact them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orders.models import Order, OrderEmail
from orders.services.delivery import enqueue

#: The statuses whose change the shopper is told about by e-mail.
EMAILED_STATUSES = frozenset({OrderEmail.Kind.ACCEPTED, OrderEmail.Kind.SHIPPED, OrderEmail.Kind.REJECTED})
#: How long a sending task holds its row: longer than an SMTP conversation (EMAIL_TIMEOUT) can take.
CLAIM_SECONDS = 120


#: The top-level domain RFC 2606 reserves for names that can never exist: no mail reaches it.
UNDELIVERABLE_DOMAIN = ".invalid"


def deliverable(address: str) -> bool:
    """Tell whether mail could reach `address`: not at a domain under `.invalid` (RFC 2606)."""
    domain = address.rpartition("@")[2].strip().rstrip(".").lower()
    return not (domain == UNDELIVERABLE_DOMAIN[1:] or domain.endswith(UNDELIVERABLE_DOMAIN))


def order_email_queue(*, order: Order, kind: str) -> OrderEmail | None:
    """Record that `order` gets the e-mail `kind`, once, and send it after the transaction commits.

    Nothing is recorded for an order whose personal data was erased or whose address no mail reaches.
    """
    if order.anonymised_at is not None or not deliverable(order.customer_email):
        return None
    email, created = OrderEmail.objects.get_or_create(order=order, kind=kind)
    if created:
        enqueue("order_email_send", email.pk)
    return email


def _claim(email_id: int) -> bool:
    now = timezone.now()
    return bool(
        OrderEmail.objects.filter(pk=email_id, sent_at__isnull=True, skipped_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + datetime.timedelta(seconds=CLAIM_SECONDS))
    )


def order_email_send(*, email_id: int) -> str:
    """Send one queued e-mail unless it was sent, skipped or is being sent; return what happened.

    Raise the backend's error (after recording it) so the task retries.
    """
    if not _claim(email_id):
        return "skipped"
    email = OrderEmail.objects.select_related("order").get(pk=email_id)
    if email.order.anonymised_at is not None:
        OrderEmail.objects.filter(pk=email_id).update(skipped_at=timezone.now(), claimed_until=None)
        return "erased"
    try:
        order_email_message(email).send()
    except Exception as error:
        OrderEmail.objects.filter(pk=email_id).update(
            attempts=email.attempts + 1, last_error=_error_summary(error), claimed_until=None
        )
        raise
    OrderEmail.objects.filter(pk=email_id).update(
        attempts=email.attempts + 1, last_error="", sent_at=timezone.now(), claimed_until=None
    )
    return "sent"


def _error_summary(error: Exception) -> str:
    """Name a sending error by its kind and SMTP code only: its text may quote the shopper's address."""
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__}{f' (SMTP {code})' if code else ''}"


def _subject(kind: str, number: str) -> str:
    if kind == OrderEmail.Kind.ACCEPTED:
        return _("Your order %(number)s is accepted by the workshop") % {"number": number}
    if kind == OrderEmail.Kind.SHIPPED:
        return _("Your order %(number)s has shipped") % {"number": number}
    if kind == OrderEmail.Kind.REJECTED:
        return _("Your order %(number)s cannot be made") % {"number": number}
    return _("We have your order %(number)s") % {"number": number}


def order_email_message(email: OrderEmail) -> EmailMultiAlternatives:
    """Return the e-mail `email` stands for, in the order's language: plain text with an HTML alternative."""
    order = email.order
    with translation.override(order.language):
        context: dict[str, Any] = {
            "order": order,
            "kind": email.kind,
            "summary": order.summary,
            "link": settings.SITE_URL.rstrip("/") + order.get_absolute_url(),
            "shop_name": _("Configurator"),
        }
        message = EmailMultiAlternatives(
            subject=_subject(email.kind, order.number),
            body=render_to_string("orders/email/order.txt", context),
            to=[order.customer_email],
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(render_to_string("orders/email/order.html", context), "text/html")
    return message


@transaction.atomic
def order_emails_sweep(*, limit: int = 200) -> int:
    """Enqueue e-mails whose task was lost before it ran once; return how many.

    Lost: never attempted, and enqueued more than ORDERS_REQUEUE_SECONDS ago (a broker
    restart, a process that died at commit). E-mails that failed are Celery's to retry,
    with backoff; the sweep leaves them alone so a broken mail server is not hammered.
    """
    now = timezone.now()
    stale = now - datetime.timedelta(seconds=settings.ORDERS_REQUEUE_SECONDS)
    ids = list(
        OrderEmail.objects.select_for_update(skip_locked=True)
        .filter(sent_at__isnull=True, skipped_at__isnull=True, attempts=0, enqueued_at__lt=stale)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    OrderEmail.objects.filter(pk__in=ids).update(enqueued_at=now)
    enqueue("order_email_send", *ids)
    return len(ids)
