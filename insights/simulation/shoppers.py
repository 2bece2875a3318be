"""One simulated shopper's visit: reads the configurator page and clicks like the page does.

A visit loads the product page, then sends what htmx would send on each click (the form's
fields plus the change, with `HX-Request: true`): it picks options it can see (the
seed's popular ones more often), types measurements (mostly plausible, sometimes a typo
it then corrects), sometimes clicks an option it cannot have (`_asked`) and then chooses
another, asks "choose anyway" (`_want`) or leaves, sometimes lets "finish for me" do the
rest, saves, stops at a step, reaches the summary and opens the checkout. Every decision
comes from the visit's own seeded `random.Random`, so a seed replays the same visits.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.test import Client

from insights.simulation.calendar import Clock
from insights.simulation.habits import (
    AFTER_BLOCKED,
    ASK_BLOCKED,
    FINISH,
    KEEP,
    LEAVE_FIRST,
    LEAVE_STEP,
    LEAVE_SUMMARY,
    MAX_REQUESTS,
    MONOGRAM,
    ORDER_AT_CHECKOUT,
    SAVE,
    SIZE,
    START,
    TOUCH,
    TYPO,
    Taste,
    initials,
    multi,
    options_of,
    plausible,
    undecided,
)
from insights.simulation.pages import Control, Form, Page, page_read

#: The Referer a browser sends from a page of the shop (the test client's host, over HTTPS): an address
#: carrying `_visit` (a redirect, the Order link) continues the visit only from one (insights.tracking).
SHOP_PAGE = "https://testserver/"


@dataclass
class Tally:
    """What the simulated shoppers did, for the command's summary."""

    visits: int = 0
    clicks: int = 0
    blocked: int = 0
    anyway: int = 0
    finishes: int = 0
    typos: int = 0
    saved: int = 0
    shares_opened: int = 0
    #: Visits that started from a popular build or a preset the page offered.
    starts: int = 0
    summaries: int = 0
    checkouts: int = 0
    orders: int = 0
    #: Orders really placed (`--orders`, the demo's), of `orders`.
    placed: int = 0
    errors: int = 0
    #: Where visits ended without an order: step code -> visits.
    left: Counter[str] = field(default_factory=Counter)
    #: Share codes saved so far, which later visits may open (a link passed on to a friend).
    codes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Shopper:
    """Who is visiting: the address and browser their requests come from (hashed, never stored)."""

    address: str
    agent: str
    #: "" for English, "it" for the Italian pages (measurements typed with a decimal comma).
    language: str
    #: Every decision of the visit comes from here.
    rnd: random.Random


@dataclass(frozen=True)
class Checkout:
    """A checkout page the shopper opened: its address and the total it showed."""

    url: str
    total: Decimal


class LeftVisit(Exception):
    """The shopper stops here (closes the tab): nothing more is sent."""


class Visit:
    """Drive one visit through the test client; `run` returns the checkout the shopper ordered from, if any."""

    def __init__(self, client: Client, shopper: Shopper, taste: Taste, clock: Clock, tally: Tally) -> None:
        self.client, self.shopper, self.taste, self.clock, self.tally = client, shopper, taste, clock, tally
        self.rnd = shopper.rnd
        self.requests = 0
        self.page = Page()
        self.summary_seen = self.finished = self.fixing = False
        #: Where the shopper's body sits in each measurement's range (the same for all: one body).
        self.body = self.rnd.gauss(0.0, 1.0)
        self.wants_text = self.rnd.random() < MONOGRAM

    # -- requests ------------------------------------------------------------------------------------
    def _headers(self, htmx: bool, referer: str) -> dict[str, str]:
        # Every request after the first comes from a page of the shop, as a browser's Referer says.
        headers = {"User-Agent": self.shopper.agent, "Referer": referer}
        if self.shopper.language:
            headers["Accept-Language"] = self.shopper.language
        if htmx:
            headers.update({"HX-Request": "true", "HX-Target": "configurator"})
        return headers

    def _send(self, method: str, url: str, data: Any = None, *, htmx: bool = False, referer: str = SHOP_PAGE) -> Any:
        self.requests += 1
        self.tally.clicks += 1
        if self.requests > MAX_REQUESTS:
            raise LeftVisit
        call = self.client.post if method == "post" else self.client.get
        response = call(
            url,
            data,
            headers=self._headers(htmx, referer),
            follow=not htmx,
            secure=True,
            REMOTE_ADDR=self.shopper.address,
        )
        if response.status_code not in (200, 204):
            self.tally.errors += 1
            raise LeftVisit
        return response

    def _load(self, url: str, *, referer: str = SHOP_PAGE) -> None:
        """Open `url` as a whole page (typed, a link, a redirect followed) from the page `referer`."""
        self.page = page_read(self._send("get", url, referer=referer).content.decode())

    def _click(self, *extra: tuple[str, str], kind: str = "option") -> bool:
        """Send the configurator form plus `extra` as htmx does; return False when the page did not change (204)."""
        form = self._form()
        self.clock.think(self.rnd, kind)
        url = f"{form.action}?{urlencode([*form.pairs(), *extra])}"
        response = self._send("get", url, htmx=True)
        if response.status_code == 204:
            return False
        swapped = page_read(response.content.decode())
        # The swap carries the form and, out of band, the price panel with the save form.
        self.page = Page(configurator=swapped.configurator or form, save=swapped.save or self.page.save)
        return True

    def _form(self) -> Form:
        if self.page.configurator is None:
            self.tally.errors += 1
            raise LeftVisit
        return self.page.configurator

    # -- the visit -------------------------------------------------------------------------------------
    def run(self, share_code: str = "") -> Checkout | None:
        """Visit the product (or a shared configuration) and return the checkout to order from, or None."""
        self.tally.visits += 1
        prefix = f"/{self.shopper.language}" if self.shopper.language else ""
        try:
            if share_code:
                self.tally.shares_opened += 1
                self._load(f"{prefix}/c/{share_code}/")
            else:
                self._load(f"{prefix}/p/{self.taste.code}/")
                self._start()
            while True:
                step = self._form().value("_step")
                if step != "summary":
                    self._step()
                elif self._summary_ready():
                    return self._summary()
        except LeftVisit:
            self.tally.left[self._form_step() or "page"] += 1
            return None

    def _start(self) -> None:
        """Perhaps start from one of the popular builds the page offers, the first ones more often."""
        starts = self._form().starts
        if starts and self.rnd.random() < START:
            self.tally.starts += 1
            self.clock.think(self.rnd, "option")
            # A link of the product's page: the visit goes on (`insights.tracking.visit_for`).
            prefix = f"/{self.shopper.language}" if self.shopper.language else ""
            page = f"{SHOP_PAGE.rstrip('/')}{prefix}/p/{self.taste.code}/"
            self._load(self.rnd.choices(starts, weights=range(len(starts), 0, -1))[0], referer=page)

    def _form_step(self) -> str:
        return self.page.configurator.value("_step") if self.page.configurator else ""

    def _step(self) -> None:
        """Make this step's choices, then leave, let "finish for me" complete it, or go to the next step.

        Back from the summary to fill in what it named (`fixing`), the shopper fills it and goes straight back.
        """
        # Only the first step has no "Back": it loses the most shoppers.
        leave = 0.0 if self.fixing else LEAVE_FIRST if len(self._form().button_values("_step")) < 2 else LEAVE_STEP
        if self.rnd.random() < leave / 2:
            raise LeftVisit  # half of those who leave do so before touching anything
        for group in list(self._form().groups()):
            self._group(group)
        self._fields()
        if self.fixing:
            self.fixing = False
            self._click(("_step", "summary"), kind="next")
            return
        if self.rnd.random() < leave / 2:
            raise LeftVisit
        if self.rnd.random() < FINISH and self._form().has_button("_action", "finish"):
            self._finish()
            return
        forward = self._form().button_values("_step")
        if not forward:
            raise LeftVisit
        self._click(("_step", forward[-1]), kind="next")

    def _finish(self) -> bool:
        self.finished = True
        self.tally.finishes += 1
        return self._click(("_action", "finish"), kind="finish")

    # -- option groups ---------------------------------------------------------------------------------
    def _group(self, name: str) -> None:
        controls = self._form().groups().get(name, [])
        if not controls:
            return
        needed = self.fixing and undecided(controls)
        if not needed and self.rnd.random() > TOUCH:
            return
        open_, closed = options_of(controls)
        current = {v for k, v in self._form().pairs() if k == name}
        if closed and not needed and self.rnd.random() < ASK_BLOCKED:
            self._blocked(name, self.rnd.choice(closed), [o for o in open_ if o not in current])
            return
        if controls[0].kind == "checkbox":
            for _ in range(self.rnd.choice((1, 1, 2))):
                if open_:
                    self._form().choose(name, self._pick(name, open_))
                    self._click(kind="option")
            return
        picks = [o for o in open_ if o not in current]
        if picks:
            self._form().choose(name, self._pick(name, picks))
            self._click(kind="option")

    def _pick(self, group: str, options: list[str]) -> str:
        return self.rnd.choices(options, weights=[self.taste.weight(group, o) for o in options])[0]

    def _blocked(self, group: str, option: str, others: list[str]) -> None:
        """Click an option the page shows as unavailable, then choose anyway, choose another, or leave."""
        self.tally.blocked += 1
        self._click(("_asked", f"{group}:{option}"), kind="blocked")
        roll = self.rnd.random()
        if roll < AFTER_BLOCKED["anyway"] and self._form().has_button("_want", f"{group}:{option}"):
            self.tally.anyway += 1
            self._click(("_want", f"{group}:{option}"), kind="option")
        elif roll < AFTER_BLOCKED["anyway"] + AFTER_BLOCKED["other"] and others:
            self._form().choose(group, self._pick(group, others))
            self._click(kind="option")
        elif roll > 1 - AFTER_BLOCKED["leave"]:
            raise LeftVisit

    # -- measurements and texts ------------------------------------------------------------------------
    def _fields(self) -> None:
        form = self._form()
        if form.button_values("_fill") and not self.fixing and self.rnd.random() < SIZE:
            self._click(("_fill", self.rnd.choice(form.button_values("_fill"))), kind="option")
            if self._form().has_button("_confirm", "*") and self.rnd.random() < 0.75:
                self._click(("_confirm", "*"), kind="measurement")
        for name in [c.name for c in self._form().texts()]:
            # Read again before each: the range a measurement may take follows the others.
            control = self._form().control(name)
            if control is None:
                continue
            invalid = control.attrs.get("aria-invalid") == "true"
            if control.value and not invalid and (self.fixing or self.rnd.random() < KEEP):
                continue
            if "data-min" in control.attrs:
                self._measurement(control)
            elif "maxlength" in control.attrs and (self.wants_text or self.fixing or invalid):
                self._text(control, initials(self.rnd, int(control.attrs["maxlength"])), "J5")

    def _measurement(self, control: Control) -> None:
        value = plausible(self.rnd, control.attrs, self.body)
        if value is None:
            return
        text = format(value, "f")
        if self.shopper.language:
            text = text.replace(".", ",")  # the Italian page's decimal comma
        # A finger on the neighbouring key: "4o.5" is refused and named on the page.
        self._text(control, text, text[:1] + "o" + text[2:] if len(text) > 2 else text + "o")

    def _text(self, control: Control, text: str, typo: str) -> None:
        if self.rnd.random() < TYPO:
            self.tally.typos += 1
            self._form().type(control.name, typo)
            self._click(kind="measurement")
            if self.rnd.random() < 0.15:
                return  # leaves the typo as it is, for now
        self._form().type(control.name, text)
        self._click(kind="measurement" if "data-min" in control.attrs else "text")

    # -- summary, save and checkout --------------------------------------------------------------------
    def _summary_ready(self) -> bool:
        """Act on what keeps the summary from offering "Order"; False when that took the shopper back to a step."""
        if not self.summary_seen:
            self.summary_seen = True
            self.tally.summaries += 1
        for _ in range(4):
            form = self._form()
            if form.links:
                return True
            if not self._complete_summary(form):
                raise LeftVisit
            if self._form_step() != "summary":
                return False
        raise LeftVisit

    def _complete_summary(self, form: Form) -> bool:
        """Act on what keeps the summary from offering "Order"; return False to leave instead."""
        if form.has_button("_action", "finish") and not self.finished and self.rnd.random() < 0.75:
            return self._finish()
        if form.has_button("_confirm", "*"):
            return self._click(("_confirm", "*"), kind="measurement")
        if form.missing and self.rnd.random() < 0.85:
            # A row still to fill in links to its step; site.js sends it with the visit, as the stepper's links.
            self.fixing = True
            return self._click(("_step", form.missing[0]), kind="next")
        return False

    def _summary(self) -> Checkout | None:
        """Perhaps save, then open the checkout (or leave); return the checkout to order from, or None."""
        if self.rnd.random() < SAVE:
            self._save()
        if self.rnd.random() < LEAVE_SUMMARY or not self._form().links:
            raise LeftVisit
        return self._checkout(self._form().links[0])

    def _save(self) -> None:
        if self.page.save is None:
            return
        self.clock.think(self.rnd, "save")
        response = self._send("post", self.page.save.action, multi(self.page.save.pairs()))
        self.tally.saved += 1
        path = response.redirect_chain[-1][0] if response.redirect_chain else ""
        code = urlsplit(path).path.rstrip("/").rsplit("/", 1)[-1]
        if code:
            self.tally.codes.append(code)
        self.page = page_read(response.content.decode())

    def _checkout(self, url: str) -> Checkout | None:
        self.clock.think(self.rnd, "checkout")
        self._load(url)
        self.tally.checkouts += 1
        form = self.page.checkout
        total = form.value("quoted_total") if form else ""
        if not total or self.rnd.random() > ORDER_AT_CHECKOUT:
            self.tally.left["checkout"] += 1
            return None
        self.clock.think(self.rnd, "order")
        try:
            return Checkout(url=url, total=Decimal(total))
        except InvalidOperation:
            return None
