"""What shoppers do in the configurator, first-party and anonymous (docs/insights.md).

`Event` is append-only: one row per thing a shopper did, written in bulk after the
response. No event holds a name, an e-mail, an address, a measurement value, a text typed
or an IP: a measurement or a text is only "filled" (and whether it was valid), a visitor
only a hash that changes every day. The `Daily*` tables are rollups of the events, one
row per day, product, catalog version and traffic kind (real or simulated), rebuilt from
the events of that day; they outlive the events (INSIGHTS_EVENTS_DAYS, INSIGHTS_ROLLUPS_DAYS).

Products are named by code, not by key: figures survive a product's deletion, and a
rollup never joins the catalog.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from catalog.models import Product


class Event(models.Model):
    class Kind(models.TextChoices):
        VISIT = "visit", _("visit started")
        STEP = "step", _("step viewed")
        CHOSEN = "chosen", _("option chosen")
        UNCHOSEN = "unchosen", _("option unchosen")
        FILLED = "filled", _("measurement or text filled")
        CLEARED = "cleared", _("measurement or text cleared")
        BLOCKED = "blocked", _("unavailable option asked for")
        ANYWAY_OFFERED = "anyway_offered", _("'choose anyway' offered")
        ANYWAY_APPLIED = "anyway_applied", _("'choose anyway' applied")
        FINISH = "finish", _("'finish for me'")
        PREVIEW = "preview", _("preview shown")
        SAVED = "saved", _("configuration saved")
        SHARE_OPENED = "share_opened", _("share link opened")
        CHECKOUT = "checkout", _("checkout opened")
        ORDER = "order", _("order placed")
        #: Guided questions: `field` is the question's code, `option` the answer's (personalisation).
        GUIDED_ANSWERED = "guided_answered", _("guided question answered")
        GUIDED_SKIPPED = "guided_skipped", _("guided question skipped")
        #: ... and `group` the group the answer set that the shopper then changed.
        GUIDED_OVERRIDE = "guided_override", _("guided proposal overridden")

    id = models.BigAutoField(primary_key=True)
    #: When it happened (UTC).
    at = models.DateTimeField(_("at"))
    #: The day the visit started, in the shop's time zone: every event of a visit rolls up into it.
    day = models.DateField(_("visit day"))
    product = models.CharField(_("product code"), max_length=64)
    version = models.PositiveIntegerField(_("catalog version"), null=True, blank=True)
    #: One configurator page load and its clicks: a random id the page sends as the `_visit` field.
    visit = models.CharField(_("visit"), max_length=40)
    #: A hash of (site, IP, user agent) with a salt that changes every day and is never stored.
    visitor = models.CharField(_("visitor of the day"), max_length=32, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    #: The step the shopper was on (a section code, "summary", "checkout"...).
    step = models.CharField(_("step"), max_length=64, blank=True)
    group = models.CharField(_("option group"), max_length=64, blank=True)
    option = models.CharField(_("option"), max_length=64, blank=True)
    #: The measurement or text filled or cleared (its code: never its value).
    field = models.CharField(_("field"), max_length=64, blank=True)
    #: Whether what was filled was accepted (filled events only).
    valid = models.BooleanField(_("valid"), null=True, blank=True)
    #: The codes of the rules the engine named, comma-separated (blocked events).
    rules = models.CharField(_("rules"), max_length=500, blank=True)
    #: What "choose anyway" changed: `kind:code` of each decision, comma-separated (never a value).
    changes = models.CharField(_("changes"), max_length=500, blank=True)
    #: A configuration's options, `group=option+option;group=option` in catalog order (saved, order).
    choices = models.TextField(_("choices"), blank=True)
    #: The total price the page showed.
    price = models.DecimalField(_("price shown"), max_digits=12, decimal_places=2, null=True, blank=True)
    #: Made by `simulate_shoppers`, not by a shopper.
    simulated = models.BooleanField(_("simulated"), default=False)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            models.Index(fields=["day", "product"], name="insights_event_day"),
            models.Index(fields=["at"], name="insights_event_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.product} {self.visit} {self.kind}"


class Daily(models.Model):
    """The key every rollup row shares: one day, product, catalog version and traffic kind."""

    day = models.DateField(_("day"))
    product = models.CharField(_("product code"), max_length=64)
    version = models.PositiveIntegerField(_("catalog version"), null=True, blank=True)
    simulated = models.BooleanField(_("simulated"), default=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.product} v{self.version}{' (simulated)' if self.simulated else ''}"


class DailyVisits(Daily):
    visits = models.PositiveIntegerField(default=0)
    #: Distinct visitor hashes of the day (a visitor is never followed from one day to the next).
    visitors = models.PositiveIntegerField(default=0)
    finishes = models.PositiveIntegerField(default=0)
    saved = models.PositiveIntegerField(default=0)
    shares_opened = models.PositiveIntegerField(default=0)
    checkouts = models.PositiveIntegerField(default=0)
    orders = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["product", "day"], name="insights_visits_key")]


class DailyStage(Daily):
    """One stage of the funnel: a step (in the product's order), then summary, checkout, order."""

    stage = models.CharField(max_length=64)
    position = models.PositiveIntegerField()
    #: Visits that reached the stage.
    reached = models.PositiveIntegerField(default=0)
    #: Visits that ended on the stage without an order.
    left_here = models.PositiveIntegerField(default=0)
    #: Seconds each visit spent on the stage, as a histogram {"seconds": visits} (docs/insights.md).
    seconds = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["product", "day"], name="insights_stage_key")]


class DailyOption(Daily):
    group = models.CharField(max_length=64)
    option = models.CharField(max_length=64)
    #: Visits in which the shopper chose the option (a suggestion left as it was is not a choice).
    chosen = models.PositiveIntegerField(default=0)
    #: ... of which placed an order.
    chosen_ordered = models.PositiveIntegerField(default=0)
    #: Orders whose configuration holds the option.
    ordered = models.PositiveIntegerField(default=0)
    #: Saved configurations that hold the option.
    saved = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["product", "day"], name="insights_option_key")]


class DailyField(Daily):
    """A measurement or a text: how often filled, and how often what was typed was refused."""

    field = models.CharField(max_length=64)
    filled = models.PositiveIntegerField(default=0)
    invalid = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["product", "day"], name="insights_field_key")]


class DailyBlock(Daily):
    """A rule that blocked an option a shopper asked for, and what the shopper did next."""

    #: "" when the engine named only the shopper's own choices.
    rule = models.CharField(max_length=64, blank=True)
    group = models.CharField(max_length=64)
    option = models.CharField(max_length=64)
    times = models.PositiveIntegerField(default=0)
    #: Applied "choose anyway" for that option.
    anyway = models.PositiveIntegerField(default=0)
    #: Chose another option of the same group.
    other_option = models.PositiveIntegerField(default=0)
    #: Went on with something else.
    continued = models.PositiveIntegerField(default=0)
    #: Did nothing more in the visit.
    left = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["product", "day"], name="insights_block_key")]


class DailyHour(Daily):
    """Visits started and orders placed in one hour of the day (the weekday is the day's)."""

    hour = models.PositiveSmallIntegerField()
    visits = models.PositiveIntegerField(default=0)
    orders = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["product", "day"], name="insights_hour_key")]


class DailyConfiguration(Daily):
    """How often one complete configuration (its options only) was ordered or saved."""

    class Kind(models.TextChoices):
        ORDERED = "ordered", _("ordered")
        SAVED = "saved", _("saved")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    choices = models.TextField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["product", "day"], name="insights_config_key")]


class DailyGuided(Daily):
    """A guided question: visits that answered it, skipped it, and answered then changed what it proposed."""

    #: The question's code (personalisation).
    question = models.CharField(max_length=64)
    answered = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    #: Visits that answered it and then changed a choice the answer had set.
    overridden = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["product", "day"], name="insights_guided_key")]


class RollupState(models.Model):
    """How far the rollups have read: days with events past `last_event` are rolled up again."""

    name = models.CharField(max_length=32, unique=True)
    last_event = models.BigIntegerField(default=0)
    rolled_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: up to event {self.last_event}"


class ProductInsight(Product):
    """A product seen through its figures: the admin's Insights page, and the permission to see it.

    A proxy, so it adds no table: its one permission, "Can view insights", is what a role grants.
    """

    class Meta:
        proxy = True
        default_permissions = ("view",)
        verbose_name = _("insights")
        verbose_name_plural = _("insights")
