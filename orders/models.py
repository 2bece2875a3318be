"""Orders, the build orders they freeze for the factory, and the outbox that delivers them.

An order is written once and never recomputed: it keeps the catalog version it was
configured against, the configuration, the itemised price and the build order. The
outbox has two levels: one `OutboxMessage` per build order (its stable webhook id; the
signed body is made from the build order's payload, written in the order's transaction) and one `Delivery` per factory
endpoint, which carries the retry schedule (`next_attempt_at`, attempts, last error)
that the beat sweep drives. See docs/factory-feed.md.
"""

from __future__ import annotations

import ipaddress
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from catalog.models import CatalogVersion
from orders.build_orders import build_order_body
from orders.encryption import EncryptedTextField
from orders.webhooks import address_is_public

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2}


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    ACCEPTED = "accepted", _("Accepted by the workshop")
    IN_PRODUCTION = "in_production", _("In production")
    SHIPPED = "shipped", _("Shipped")
    REJECTED = "rejected", _("Rejected")


class Order(models.Model):
    """A placed order: what the shopper bought, frozen at the moment of placing it."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    access_key = models.CharField(_("access key"), max_length=64, editable=False)
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, null=True, blank=True, unique=True)
    request_fingerprint = models.CharField(_("request fingerprint"), max_length=64, blank=True, editable=False)
    catalog_version = models.ForeignKey(
        CatalogVersion, verbose_name=_("catalog version"), on_delete=models.PROTECT, related_name="orders"
    )
    product_code = models.CharField(_("product"), max_length=64)
    language = models.CharField(_("language"), max_length=8, default="en")
    configuration = models.JSONField(_("configuration"))
    summary = models.JSONField(_("summary"), help_text=_("Options, measurements and texts as the shopper saw them."))
    price_lines = models.JSONField(_("price lines"))
    currency = models.CharField(_("currency"), max_length=3)
    total = models.DecimalField(_("total"), **MONEY)
    customer_name = models.CharField(_("name"), max_length=200)
    customer_email = models.EmailField(_("e-mail"))
    customer_address = models.TextField(_("address"))
    notes = models.TextField(_("notes"), blank=True)
    due_date = models.DateField(_("due date"))
    # The frozen preview picture, filled by the configurator's preview step.
    preview_image = models.ImageField(_("preview image"), upload_to="orders/previews/", null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PLACED)
    placed_at = models.DateTimeField(_("placed"), auto_now_add=True)
    # Set once the shopper's personal data was replaced by placeholders (orders.services.privacy).
    anonymised_at = models.DateTimeField(_("personal data erased"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-placed_at"]
        verbose_name = pgettext_lazy("purchase", "order")
        verbose_name_plural = _("orders")
        # The admin's order list and every page of it sort by this: newest first, without a scan.
        indexes = [models.Index(fields=["-placed_at"], name="order_placed_idx")]
        permissions = [("view_personal_data", _("Can see shoppers' personal data (name, e-mail, address, notes)"))]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("orders:detail", args=[self.number, self.access_key])


class OrderEvent(models.Model):
    """One step of an order's status history."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=20, choices=OrderStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    source = models.CharField(_("source"), max_length=100, help_text=_("The shop, or the factory that reported it."))
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")

    def __str__(self) -> str:
        return f"{self.order_id}: {self.status}"


class OrderEmail(models.Model):
    """One e-mail to the shopper about one step of an order: written once, sent at most once.

    The row is written in the transaction that places the order or changes its status
    (unique per order and kind, so a repeated callback writes nothing), and the sending
    task claims it by compare-and-set on `claimed_until` (orders.services.emails).
    """

    class Kind(models.TextChoices):
        PLACED = "placed", _("Order confirmation")
        ACCEPTED = "accepted", _("Accepted by the workshop")
        SHIPPED = "shipped", _("Shipped")
        REJECTED = "rejected", _("Rejected")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="emails")
    kind = models.CharField(_("e-mail"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    enqueued_at = models.DateTimeField(_("task enqueued"), default=timezone.now)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    skipped_at = models.DateTimeField(_("not sent"), null=True, blank=True, help_text=_("Personal data erased."))

    class Meta:
        ordering = ["id"]
        verbose_name = _("order e-mail")
        verbose_name_plural = _("order e-mails")
        constraints = [models.UniqueConstraint(fields=["order", "kind"], name="order_email_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.kind}"


class BuildOrder(models.Model):
    """What the factory builds for one order (the JSON of docs/factory-feed.md).

    `feed_position` is given after the order's transaction commits, in one serialized
    step (`selectors.feed_positions_assign`), so the pull feed never skips an order
    whose transaction commits late.
    """

    public_id = models.UUIDField(_("build order id"), default=uuid.uuid4, unique=True, editable=False)
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="build_order")
    payload = models.JSONField(_("build order"))
    feed_position = models.BigIntegerField(_("feed position"), null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("build order")
        verbose_name_plural = _("build orders")

    def __str__(self) -> str:
        return str(self.public_id)


class FactoryRoute(models.Model):
    """A build order is routed to a factory: that factory's token sees it, and it is pushed there.

    Written in the order's transaction for the endpoints active at that moment (see
    `services.routes_assign`), so a factory added later sees nothing placed before it.
    """

    build_order = models.ForeignKey(BuildOrder, on_delete=models.CASCADE, related_name="routes")
    endpoint = models.ForeignKey("FactoryEndpoint", on_delete=models.PROTECT, related_name="routes")
    created_at = models.DateTimeField(_("routed"), auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("factory route")
        verbose_name_plural = _("factory routes")
        constraints = [models.UniqueConstraint(fields=["endpoint", "build_order"], name="route_once_per_endpoint")]

    def __str__(self) -> str:
        return f"{self.build_order_id} → {self.endpoint_id}"


class FeedCounter(models.Model):
    """The last feed position handed out; its one row is the lock that serializes assignment."""

    last_position = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("feed counter")

    def __str__(self) -> str:
        return str(self.last_position)


secret_validator = RegexValidator(r"^whsec_[A-Za-z0-9+/=]{16,}$", _("A secret looks like whsec_ followed by base64."))


class FactoryEndpoint(models.Model):
    """A factory: where build orders are pushed, and whose tokens may use the factory API."""

    name = models.CharField(_("name"), max_length=100, unique=True, validators=[RegexValidator(r"^[A-Za-z0-9_.-]+$")])
    url = models.URLField(_("webhook URL"), max_length=500)
    # Encrypted at rest (FIELD_ENCRYPTION_KEY) and never shown back in the admin.
    secret = EncryptedTextField(_("signing secret"), validators=[secret_validator])
    active = models.BooleanField(_("active"), default=True)
    internal = models.BooleanField(
        _("internal"),
        default=False,
        help_text=_("Allow loopback and private addresses (an on-site factory or a simulator)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("factory endpoint")
        verbose_name_plural = _("factory endpoints")
        permissions = [
            (
                "manage_factories",
                _("Can manage factories: endpoints, signing secrets, the internal flag and API tokens"),
            ),
            ("retry_now", _("Can say a factory is back: its waiting deliveries are sent again now")),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """Refuse a loopback or private address typed as such unless the endpoint is internal.

        Host names are checked again at every request, after resolution (orders.webhooks).
        """
        host = (urlsplit(self.url).hostname or "").lower()
        try:
            private = host == "localhost" or not address_is_public(ipaddress.ip_address(host))
        except ValueError:
            private = False
        if private and not self.internal:
            raise ValidationError(
                {"url": _("This is a loopback or private address: mark the endpoint internal to allow it.")}
            )


class FactoryToken(models.Model):
    """A bearer token of one factory for the factory API; only its hash is stored."""

    endpoint = models.ForeignKey(FactoryEndpoint, on_delete=models.CASCADE, related_name="tokens")
    prefix = models.CharField(_("prefix"), max_length=12)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("factory token")
        verbose_name_plural = _("factory tokens")

    def __str__(self) -> str:
        return f"{self.prefix}…"


class OutboxMessage(models.Model):
    """The event to send for one build order, written in the order's transaction.

    `body` is the JSON text that is signed and sent on every attempt, made from the build
    order's payload (stored once), so a retry is byte-for-byte the same message under the
    same `webhook_id`.
    """

    build_order = models.OneToOneField(BuildOrder, on_delete=models.CASCADE, related_name="outbox")
    webhook_id = models.CharField(_("webhook id"), max_length=64, unique=True)
    event_type = models.CharField(_("event type"), max_length=64, default="build_order.created")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    fanned_out_at = models.DateTimeField(
        _("deliveries created"), null=True, blank=True, help_text=_("When a delivery per endpoint was created.")
    )
    enqueued_at = models.DateTimeField(_("task enqueued"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [models.Index(fields=["fanned_out_at", "enqueued_at"], name="outbox_pending_idx")]

    def __str__(self) -> str:
        return self.webhook_id

    @property
    def body(self) -> str:
        """Return the JSON text signed and sent: the build order's payload (orders.build_orders)."""
        return build_order_body(self.build_order.payload)


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Dead-lettered")


class Delivery(models.Model):
    """One outbox message to one endpoint, with its retry schedule.

    A worker claims a delivery by compare-and-set on `lease_until`; the beat sweep
    enqueues deliveries that are due (`next_attempt_at`) and whose task was lost.
    """

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(FactoryEndpoint, on_delete=models.PROTECT, related_name="deliveries")
    state = models.CharField(_("state"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"))
    lease_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("task enqueued"), null=True, blank=True)
    first_attempt_at = models.DateTimeField(_("first attempt"), null=True, blank=True)
    last_status_code = models.PositiveIntegerField(_("last response code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    dead_at = models.DateTimeField(_("dead-lettered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        permissions = [("replay_delivery", _("Can replay deliveries (send build orders to factories again)"))]
        constraints = [models.UniqueConstraint(fields=["message", "endpoint"], name="delivery_once_per_endpoint")]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="delivery_due_idx")]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.endpoint_id}"


class DeliveryAttempt(models.Model):
    """One HTTP attempt of a delivery, kept for operators."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField(_("attempt"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    status_code = models.PositiveIntegerField(_("response code"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"


class AuditAction(models.TextChoices):
    TOKEN_CREATED = "token_created", _("Factory token created")
    TOKEN_REVOKED = "token_revoked", _("Factory token revoked")
    ENDPOINT_CREATED = "endpoint_created", _("Factory endpoint created")
    ENDPOINT_CHANGED = "endpoint_changed", _("Factory endpoint changed")
    ENDPOINT_DISABLED = "endpoint_disabled", _("Factory endpoint disabled")
    DELIVERY_REPLAYED = "delivery_replayed", _("Delivery replayed")
    RETRIES_DUE = "retries_due", _("Factory back: waiting deliveries sent now")
    ORDER_ANONYMISED = "order_anonymised", _("Order anonymised")


class AuditEntry(models.Model):
    """Who did what to which object, when: append-only, and free of personal data.

    `target_repr` is the object's `__str__` at the time (an order's number, an
    endpoint's name, a token's prefix); `details` names what changed, never a secret's
    value or a shopper's data. Written by `services.audit_record`.
    """

    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    actor = models.CharField(
        _("actor"),
        max_length=200,
        # No <angle brackets>: the admin shows help texts as HTML, where they would vanish as tags.
        help_text=_("admin:USER, cli:OS-USER, factory:NAME, shopper, command or retention"),
    )
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_repr = models.CharField(_("target"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        # The admin's title and breadcrumbs: the action's label and the local time, as the "at" field shows it.
        at = f", {timezone.localtime(self.at):%Y-%m-%d %H:%M:%S}" if self.at else ""
        return f"{self.get_action_display()}: {self.target_repr} ({self.actor}{at})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("audit entries are append-only")
