"""Counting one day's visits into the figures the Daily* rollups hold (docs/contracts in docs/insights.md).

No database here: `DayTally.add_visit` takes the events of one visit in (at, id) order and adds
what they show to the counters of the visit's (product, version, traffic); `insights.rollup`
streams the events in and writes the counters out. A visit is counted whole, under the day it
started, with the version and traffic of its first event.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from typing import NamedTuple

from insights.models import Event
from insights.stages import CHECKOUT, CLOSING, ORDER

K = Event.Kind
#: Events that do not answer a block: what the shopper did next is the first event after it of another kind.
NOT_AN_ANSWER = frozenset(
    {K.ANYWAY_OFFERED, K.PREVIEW, K.BLOCKED, K.GUIDED_ANSWERED, K.GUIDED_SKIPPED, K.GUIDED_OVERRIDE}
)
#: Events that choose their option for the visit: a click, or "choose anyway" the shopper insisted on.
CHOOSING = frozenset({K.CHOSEN, K.ANYWAY_APPLIED})
OUTCOMES = ("anyway", "other_option", "continued", "left")
GUIDED = (K.GUIDED_ANSWERED, K.GUIDED_SKIPPED, K.GUIDED_OVERRIDE)


class Ev(NamedTuple):
    """The columns of an event the rollups read, in the order `insights.rollup` selects them."""

    visit: str
    at: datetime
    id: int
    kind: str
    product: str
    version: int | None
    simulated: bool
    visitor: str
    step: str
    group: str
    option: str
    field: str
    valid: bool | None
    rules: str
    choices: str


#: What one row of the rollups is for: product code, catalog version, simulated.
Key = tuple[str, int | None, bool]


def bucket(seconds: int) -> int:
    """Return the histogram bucket of a duration: its lower bound (exact to 299 s, then 10 s, 60 s, 7200+)."""
    if seconds < 300:
        return seconds
    if seconds < 1800:
        return seconds - seconds % 10
    if seconds < 7200:
        return seconds - seconds % 60
    return 7200


@lru_cache(maxsize=4096)
def choice_pairs(choices: str) -> tuple[tuple[str, str], ...]:
    """Return the (group, option) pairs of a choices key `group=option+option;group=option`."""
    pairs: list[tuple[str, str]] = []
    for part in choices.split(";"):
        group, sep, options = part.partition("=")
        if sep:
            pairs.extend((group, option) for option in options.split("+") if option)
    return tuple(pairs)


def rule_codes(rules: str) -> list[str]:
    """Return the distinct rule codes of a blocked event, [""] when it named none."""
    return list(dict.fromkeys(code.strip() for code in rules.split(",") if code.strip())) or [""]


@dataclass(slots=True)
class StageTally:
    reached: int = 0
    left_here: int = 0
    #: Visits per bucket of seconds spent on the stage.
    seconds: Counter[int] = field(default_factory=Counter)


@dataclass(slots=True)
class OptionTally:
    chosen: int = 0
    chosen_ordered: int = 0
    ordered: int = 0
    saved: int = 0


@dataclass(slots=True)
class FieldTally:
    filled: int = 0
    invalid: int = 0


@dataclass(slots=True)
class BlockTally:
    times: int = 0
    #: How often each of OUTCOMES followed.
    outcomes: Counter[str] = field(default_factory=Counter)


@dataclass(slots=True)
class HourTally:
    visits: int = 0
    orders: int = 0


@dataclass(slots=True)
class GuidedTally:
    answered: int = 0
    skipped: int = 0
    overridden: int = 0


@dataclass(slots=True)
class KeyTally:
    """Every counter of one (day, product, version, traffic)."""

    visits: int = 0
    visitors: set[str] = field(default_factory=set)
    finishes: int = 0
    saved: int = 0
    shares_opened: int = 0
    checkouts: int = 0
    orders: int = 0
    stages: dict[str, StageTally] = field(default_factory=dict)
    options: dict[tuple[str, str], OptionTally] = field(default_factory=dict)
    fields: dict[str, FieldTally] = field(default_factory=dict)
    #: By (rule, group, option).
    blocks: dict[tuple[str, str, str], BlockTally] = field(default_factory=dict)
    hours: dict[int, HourTally] = field(default_factory=dict)
    #: By (kind, choices): how often the configuration was ordered or saved.
    configurations: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: By guided question code.
    guided: dict[str, GuidedTally] = field(default_factory=dict)


@dataclass
class DayTally:
    """The counters of one day, filled one visit at a time."""

    zone: tzinfo
    keys: dict[Key, KeyTally] = field(default_factory=dict)
    #: Per product, the stages its events named, in the order first seen (for stages no catalog knows).
    seen: dict[str, dict[str, None]] = field(default_factory=dict)

    def add_visit(self, events: Sequence[Ev]) -> None:
        """Count one visit: all its events, in (at, id) order."""
        first = events[0]
        key: Key = (first.product, first.version, first.simulated)
        tally = self.keys.get(key)
        if tally is None:
            tally = self.keys[key] = KeyTally()
        ordered = any(e.kind == K.ORDER for e in events)
        _count_visit(tally, events)
        _count_stages(tally, self.seen.setdefault(first.product, {}), events, ordered)
        _count_options(tally, events, ordered)
        _count_blocks(tally, events, ordered)
        _count_hours(tally, events, self.zone)
        _count_guided(tally, events)


def _count_visit(tally: KeyTally, events: Sequence[Ev]) -> None:
    kinds = Counter(e.kind for e in events)
    tally.visits += 1
    tally.visitors.update(e.visitor for e in events if e.visitor)
    tally.finishes += kinds[K.FINISH] > 0
    tally.saved += kinds[K.SAVED]
    tally.shares_opened += kinds[K.SHARE_OPENED]
    tally.checkouts += kinds[K.CHECKOUT] > 0
    tally.orders += kinds[K.ORDER]
    for e in events:
        if e.kind == K.FILLED:
            counts = tally.fields.get(e.field)
            if counts is None:
                counts = tally.fields[e.field] = FieldTally()
            counts.filled += 1
            counts.invalid += e.valid is False
        elif e.kind in (K.ORDER, K.SAVED):
            tally.configurations[("ordered" if e.kind == K.ORDER else "saved", e.choices)] += 1


def _stage(event: Ev) -> str:
    """Return the stage a step, checkout or order event stands for ("" for any other event)."""
    if event.kind == K.STEP:
        return event.step
    if event.kind == K.CHECKOUT:
        return CHECKOUT
    if event.kind == K.ORDER:
        return ORDER
    return ""


def _followed(events: Sequence[Ev], n: int) -> bool:
    """Whether the shopper did anything after the step event `events[n]`.

    The page that showed the stage records its preview right after the step: that is not the
    shopper's doing, so a step followed by its preview only is a visit that left on arrival.
    """
    after = n + 1
    if after < len(events) and events[after].kind == K.PREVIEW:
        after += 1
    return after < len(events)


def _count_stages(tally: KeyTally, seen: dict[str, None], events: Sequence[Ev], ordered: bool) -> None:
    marks = [(n, e, stage) for n, e in enumerate(events) if (stage := _stage(e))]
    spent: dict[str, timedelta] = {}
    # Stages whose time is unknown: the visit left on arriving there, nothing tells how long it stayed.
    unknown: set[str] = set()
    for m, (n, event, stage) in enumerate(marks):
        seen.setdefault(stage, None)
        if event.kind != K.STEP:
            continue
        # Until the next stage shown, or the visit's last event for the last one.
        if m + 1 < len(marks):
            end = marks[m + 1][1].at
        elif _followed(events, n):
            end = events[-1].at
        else:
            unknown.add(stage)
            continue
        spent[stage] = spent.get(stage, timedelta()) + (end - event.at)
    for stage in dict.fromkeys(stage for _, _, stage in marks):
        counts = tally.stages.get(stage)
        if counts is None:
            counts = tally.stages[stage] = StageTally()
        counts.reached += 1
        if stage in spent and stage not in unknown:
            counts.seconds[bucket(spent[stage] // timedelta(seconds=1))] += 1
    if marks and not ordered:
        last = marks[-1][2]
        tally.stages[last].left_here += 1


def _option(tally: KeyTally, pair: tuple[str, str]) -> OptionTally:
    counts = tally.options.get(pair)
    if counts is None:
        counts = tally.options[pair] = OptionTally()
    return counts


def _count_options(tally: KeyTally, events: Sequence[Ev], ordered: bool) -> None:
    for pair in dict.fromkeys((e.group, e.option) for e in events if e.kind in CHOOSING):
        counts = _option(tally, pair)
        counts.chosen += 1
        counts.chosen_ordered += ordered
    for e in events:
        if e.kind == K.ORDER:
            for pair in choice_pairs(e.choices):
                _option(tally, pair).ordered += 1
        elif e.kind == K.SAVED:
            for pair in choice_pairs(e.choices):
                _option(tally, pair).saved += 1


def _outcome(block: Ev, answer: Ev | None, ordered: bool) -> str:
    """Return what the shopper did after a block, from the next event that answers it (None: nothing)."""
    if answer is None:
        return "continued" if ordered else "left"
    if answer.kind == K.ANYWAY_APPLIED and (answer.group, answer.option) == (block.group, block.option):
        return "anyway"
    if answer.kind == K.CHOSEN and answer.group == block.group:
        return "other_option"
    return "continued"


def _count_blocks(tally: KeyTally, events: Sequence[Ev], ordered: bool) -> None:
    """Count each block once with its outcome.

    The same option asked for again before anything answers it (a click on it, then "choose
    anyway" for it) is one block: the shopper met the rule once.
    """
    answer: Ev | None = None
    following: tuple[str, str] | None = None
    # Backwards, so that the next answering event of each block is at hand.
    for e in reversed(events):
        if e.kind not in NOT_AN_ANSWER:
            following = None
        if e.kind == K.BLOCKED:
            asked = (e.group, e.option)
            if asked == following:
                continue
            following = asked
            outcome = _outcome(e, answer, ordered)
            for rule in rule_codes(e.rules):
                counts = tally.blocks.get((rule, e.group, e.option))
                if counts is None:
                    counts = tally.blocks[(rule, e.group, e.option)] = BlockTally()
                counts.times += 1
                counts.outcomes[outcome] += 1
        if e.kind not in NOT_AN_ANSWER:
            answer = e


def _hour(tally: KeyTally, at: datetime, zone: tzinfo) -> HourTally:
    hour = at.astimezone(zone).hour
    counts = tally.hours.get(hour)
    if counts is None:
        counts = tally.hours[hour] = HourTally()
    return counts


def _count_hours(tally: KeyTally, events: Sequence[Ev], zone: tzinfo) -> None:
    _hour(tally, events[0].at, zone).visits += 1
    for e in events:
        if e.kind == K.ORDER:
            _hour(tally, e.at, zone).orders += 1


def _count_guided(tally: KeyTally, events: Sequence[Ev]) -> None:
    """Count each question once per visit: answered, skipped, and answered then overridden."""
    if not any(e.kind in GUIDED for e in events):
        return
    asked: dict[str, set[str]] = {kind: set() for kind in GUIDED}
    for e in events:
        if e.kind in GUIDED:
            asked[e.kind].add(e.field)
    answered = asked[K.GUIDED_ANSWERED]
    for question in sorted(answered | asked[K.GUIDED_SKIPPED] | asked[K.GUIDED_OVERRIDE]):
        counts = tally.guided.get(question)
        if counts is None:
            counts = tally.guided[question] = GuidedTally()
        counts.answered += question in answered
        counts.skipped += question in asked[K.GUIDED_SKIPPED]
        # An override counts only for a question the visit answered (one count per visit).
        counts.overridden += question in answered and question in asked[K.GUIDED_OVERRIDE]


def stage_order(model_stages: Sequence[str] | None, seen: dict[str, None]) -> list[str]:
    """Return the funnel's stages: the model's steps, then steps it no longer has (first seen first), then closing.

    `model_stages` is `insights.stages.stage_codes` of the product's latest catalog version, None when the
    product is no longer in the catalog.
    """
    steps = [s for s in model_stages or () if s not in CLOSING]
    extra = [s for s in seen if s not in CLOSING and s not in steps]
    return [*steps, *extra, *CLOSING]
