"""The clicks of issue 16 beside the monotone walks: random jumps, and the first clicks after a load.

*Random jumps* are partial selections unrelated to the previous click, as a shared link
or an API client sends them: each takes the last selection of a random recorded walk
(a valid one: every walk picks available options) and keeps each of its decisions with
a probability drawn anew per jump, so jumps range from almost empty to almost complete.
A subset of a valid selection is valid, so every jump has an answer to compute.

*First clicks after a load*: the product compiled again and a fresh `Session` (what
loading a published version builds), then the first clicks of a seeded monotone walk;
repeated over several loads, because the first click of each load is a single sample.
The empty page before the first click is not counted: the Session's warm-up answers it
while loading.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bench.walks import Step, random_walks
from configurator.engine.selection import Selection
from configurator.engine.session import Session


def last_selections(steps: Sequence[Step]) -> list[Selection]:
    """Return the last recorded selection of every walk in `steps` (the longest one each walk reached)."""
    last: dict[int, Selection] = {}
    for step in steps:
        last[step.walk] = step.selection
    return [selection for selection in last.values() if selection.choices]


def jump_selections(sources: Sequence[Selection], count: int, seed: int) -> list[Selection]:
    """Return `count` random partial selections, each a random subset of a random one of `sources`."""
    rng = random.Random(seed + 7)
    out: list[Selection] = []
    for _ in range(count if sources else 0):
        source = rng.choice(sources)
        keep = rng.random()
        choices = {group: chosen for group, chosen in source.choices.items() if rng.random() < keep}
        out.append(Selection(choices=choices))
    return out


def random_jumps(session: Session, selections: Sequence[Selection], budget: float) -> list[Step]:
    """Time `session.propagate(selection, reasons=True)` on each jump until `budget` seconds are spent."""
    steps: list[Step] = []
    deadline = time.perf_counter() + budget
    for number, selection in enumerate(selections):
        if steps and time.perf_counter() >= deadline:
            break
        start = time.perf_counter()
        session.propagate(selection, reasons=True)
        steps.append(Step(number, selection, time.perf_counter() - start))
    return steps


@dataclass
class FirstClicks:
    """Clicks right after loads: every one of the first `clicks`, and the first of each load apart."""

    load_seconds: list[float] = field(default_factory=list)  # building the fresh Session (warm-up included)
    first: list[float] = field(default_factory=list)  # the first click of each load
    clicks: list[float] = field(default_factory=list)  # all of the first `clicks` clicks of each load


def first_clicks(
    load: Callable[[], Session],
    *,
    loads: int,
    clicks: int,
    seed: int,
    budget: float,
) -> FirstClicks:
    """Call `load` (compile + a fresh Session) `loads` times, at least once; time the first `clicks` clicks of each."""
    out = FirstClicks()
    deadline = time.perf_counter() + budget
    for number in range(loads):
        if out.first and time.perf_counter() >= deadline:
            break
        start = time.perf_counter()
        session = load()
        out.load_seconds.append(time.perf_counter() - start)
        walked = random_walks(session, walks=1, step_cap=clicks + 1, seed=seed + 1000 + number, budget=budget)
        times = [step.seconds for step in walked.steps if step.selection.choices]
        out.first += times[:1]
        out.clicks += times
    return out
