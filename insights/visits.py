"""A visit's id and the page state it carries, so that the server records events without keeping any.

A visit is one configurator page load and its clicks. Its id is minted by the server and
rendered in the page as the hidden field `_visit` (never a cookie); it starts with the
moment the visit started, in base36 epoch seconds, so the day a visit belongs to is read
from the id itself and never stored anywhere. The page also carries `_prev`, a compact
description of what it showed (stage, options, which fields were filled, the preview, the
price), which the next request is compared with to tell what the shopper changed.
`_prev` holds a short checksum of each field's value, never the value: an HMAC keyed by
SECRET_KEY and the visit (`value_sum`), and `_prev` is never written to the database.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.crypto import salted_hmac

from configurator.engine.model import Product
from configurator.engine.selection import Selection
from configurator.pages.steps import OTHER
from insights.stages import CLOSING, PAGE

VISIT = "_visit"
PREV = "_prev"
#: A visit older than this is over: its next click starts a new one.
VISIT_LIFETIME = timedelta(days=2)
#: Clocks of several servers differ a little: a start this far ahead still counts as now.
CLOCK_SKEW = timedelta(minutes=1)
#: A `_prev` longer than this is not read (the page writes a few hundred characters).
PREV_MAX_LENGTH = 4096
_VISIT_ID = re.compile(r"\A([0-9a-z]{1,10})-([A-Za-z0-9_-]{16})\Z")
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_PREV_VERSION = "1"
#: The HMAC's key salt of `value_sum` (with SECRET_KEY).
_SUM_SALT = "insights.visits.value_sum"
#: Event.price holds 12 digits, 2 of them decimals.
_PRICE_LIMIT = Decimal(10) ** 10


def _base36(number: int) -> str:
    text = ""
    while True:
        number, digit = divmod(number, 36)
        text = _DIGITS[digit] + text
        if not number:
            return text


def visit_mint(now: datetime) -> str:
    """Return a new visit id for a visit starting at `now`: its start in base36 seconds, "-", 16 random characters."""
    return f"{_base36(int(now.timestamp()))}-{secrets.token_urlsafe(12)}"


def visit_start(visit: str, now: datetime) -> datetime | None:
    """Return when the visit `visit` started, or None if the id is malformed, in the future or over."""
    match = _VISIT_ID.match(visit)
    if match is None:
        return None
    seconds = int(match.group(1), 36)
    # Bounded before converting: a crafted id names a moment no date can hold.
    if seconds > (now + CLOCK_SKEW).timestamp() or seconds < (now - VISIT_LIFETIME).timestamp():
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return None


def visit_day(start: datetime) -> date:
    """Return the shop's local date on which a visit started at `start` (every event of it rolls up there)."""
    return timezone.localtime(start).date()


def value_sum(visit: str, value: str) -> str:
    """Return a short checksum of a field's value in visit `visit`: enough to see it changed.

    An HMAC keyed by SECRET_KEY, over the visit id and the value: without the key nobody can
    test guessed measurements or monograms against it, and the same value has another
    checksum in another visit, so two visits cannot be matched by it either.
    """
    return salted_hmac(_SUM_SALT, f"{visit}\n{value}", algorithm="sha256").hexdigest()[:8]


@dataclass(frozen=True)
class PageState:
    """What one render of the configurator showed, as `_prev` carries it."""

    stage: str = ""
    #: group code -> options shown chosen (suggestions included).
    choices: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: The groups whose choice was still the first look's suggestion.
    suggested: frozenset[str] = frozenset()
    #: field code -> checksum of the value shown (accepted or set aside).
    fields: Mapping[str, str] = field(default_factory=dict)
    preview: str = ""
    price: Decimal | None = None


def field_sums(product: Product, visit: str, selection: Selection, rejected: Mapping[str, str]) -> dict[str, str]:
    """Return the checksum (in visit `visit`) of every measurement and text the page holds, accepted or set aside."""
    sums: dict[str, str] = {}
    for parameter in product.parameters:
        if parameter.code in selection.parameters:
            sums[parameter.code] = value_sum(visit, format(selection.parameters[parameter.code], "f"))
        elif rejected.get(parameter.code):
            sums[parameter.code] = value_sum(visit, rejected[parameter.code])
    for text in product.texts:
        if selection.texts.get(text.code):
            sums[text.code] = value_sum(visit, selection.texts[text.code])
        elif rejected.get(text.code):
            sums[text.code] = value_sum(visit, rejected[text.code])
    return sums


def state_text(product: Product, state: PageState) -> str:
    """Write `state` as the `_prev` field: `1|stage|preview|price|g=o+o;g=o|g,g|f:sum,f:sum`, in catalog order."""
    groups = []
    for group in product.groups:
        if group.code in state.choices:
            chosen = state.choices[group.code]
            groups.append(f"{group.code}={'+'.join(o.code for o in group.options if o.code in chosen)}")
    suggested = ",".join(g.code for g in product.groups if g.code in state.suggested)
    fields = ",".join(f"{code}:{value}" for code, value in state.fields.items())
    price = "" if state.price is None else format(state.price, "f")
    return "|".join([_PREV_VERSION, state.stage, state.preview, price, ";".join(groups), suggested, fields])


def _read_choices(product: Product, text: str) -> dict[str, frozenset[str]]:
    choices: dict[str, frozenset[str]] = {}
    for item in filter(None, text.split(";")):
        code, _, options = item.partition("=")
        group = product.group(code)
        if group is None:
            raise ValueError(code)
        choices[code] = frozenset(o for o in options.split("+") if o and group.option(o) is not None)
    return choices


def _stages(product: Product) -> set[str]:
    """Every stage a page of `product` can show (the sections, the one page, the closing stages)."""
    return {*(section.code for section in product.sections), OTHER, PAGE, *CLOSING}


def state_read(product: Product, raw: str) -> PageState | None:
    """Read a `_prev` field, or None when it is missing, too long or unreadable (then nothing is compared)."""
    if not raw or len(raw) > PREV_MAX_LENGTH:
        return None
    parts = raw.split("|")
    if len(parts) != 7 or parts[0] != _PREV_VERSION:
        return None
    _, stage, preview, price, choices, suggested, fields = parts
    if stage not in _stages(product):
        return None
    try:
        amount = Decimal(price) if price else None
        if amount is not None and not (amount.is_finite() and abs(amount) < _PRICE_LIMIT):
            return None
        return PageState(
            stage=stage,
            preview=preview,
            price=amount,
            choices=_read_choices(product, choices),
            suggested=frozenset(code for code in suggested.split(",") if product.group(code) is not None),
            fields=dict(item.split(":", 1) for item in fields.split(",") if item),
        )
    except (ValueError, InvalidOperation):
        return None
