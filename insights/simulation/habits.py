"""How simulated shoppers behave: the chances of each thing they do, what they like, what they type.

The figures are plausible for a configurator, not calibrated on a real shop: a third of the
visits leave on the first step, most of the rest go on step by step, a few ask for options
they cannot have, about one in ten orders. `insights.simulation.shoppers` drives the pages
with them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from insights.simulation.pages import Control

#: A visit ends after this many requests whatever happens (a shopper going round in circles).
MAX_REQUESTS = 60
#: Chance of leaving on a step's page (the first step loses the most), at the summary, at the checkout.
LEAVE_FIRST = 0.3
LEAVE_STEP = 0.14
LEAVE_SUMMARY = 0.45
ORDER_AT_CHECKOUT = 0.45
#: Chance of changing a group's choice on its step, of clicking an option it cannot have, of a typo.
TOUCH = 0.55
ASK_BLOCKED = 0.25
TYPO = 0.07
#: What a shopper does after clicking an unavailable option: choose anyway, another option, leave.
AFTER_BLOCKED = {"anyway": 0.3, "other": 0.4, "leave": 0.15}
FINISH = 0.06
#: Share of visits offered starting points (popular builds) that start from one.
START = 0.35
SAVE = 0.1
SIZE = 0.3
MONOGRAM = 0.45
#: Chance of keeping a measurement or text already given when passing its step again.
KEEP = 0.85
LETTERS = "ABCDEFGHIJKLMNOPRSTVW"


@dataclass(frozen=True)
class Taste:
    """What a seed's shoppers like: each option of a product gets a popularity, the same in every visit."""

    seed: str
    code: str

    def weight(self, group: str, option: str) -> float:
        return random.Random(f"{self.seed}:{self.code}:{group}:{option}").lognormvariate(0.0, 1.0)


def undecided(controls: list[Control]) -> bool:
    """Say whether a group of radio buttons has nothing chosen and "None" is not possible (it needs a choice)."""
    if controls[0].kind != "radio" or any(c.checked for c in controls):
        return False
    return not any(c.value == "" and not c.disabled for c in controls)


def options_of(controls: list[Control]) -> tuple[list[str], list[str]]:
    """Return the options of a group the shopper can pick and those shown as unavailable."""
    if controls[0].kind == "select":
        choices = controls[0].choices
        return [v for v, off in choices.items() if v and not off], [v for v, off in choices.items() if v and off]
    return [c.value for c in controls if c.value and not c.disabled], [c.value for c in controls if c.disabled]


def plausible(rnd: random.Random, attrs: dict[str, str], body: float) -> Decimal | None:
    """Return a value inside the range the page states now, at the shopper's `body` place in it, on its grid."""
    try:
        low, high = Decimal(attrs["data-min"]), Decimal(attrs["data-max"])
        step = Decimal(attrs.get("data-step") or "0.5")
    except (KeyError, InvalidOperation):
        return None
    if high < low or step <= 0:
        return None
    middle = (low + high) / 2
    value = middle + Decimal(str((body + rnd.gauss(0.0, 0.3)) * float(high - low) / 7))
    value = min(max(value, low), high)
    steps = ((value - low) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return min(low + steps * step, high).normalize()


def initials(rnd: random.Random, length: int) -> str:
    first, last = rnd.choice(LETTERS), rnd.choice(LETTERS)
    return f"{first}.{last}." if length >= 4 and rnd.random() < 0.3 else f"{first}{last}"


def multi(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for key, value in pairs:
        data.setdefault(key, []).append(value)
    return data
