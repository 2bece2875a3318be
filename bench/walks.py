"""Seeded random shopper walks through the engine, and the plain SAT baseline they are compared with.

A walk starts from the empty selection. Each step is one `Session.propagate(selection)`
with reasons (what a shopper's click costs), then a uniformly random pick among the
available options of the open groups; a walk ends when no group is open or at the step
cap. A *mixed* walk (`mix` > 0) makes that share of its clicks go back instead: undo a
decided group, or switch it to another option the answer offers (half each, when both
are possible). The baseline asks the same CNF, with the same solver (Glucose 4), one SAT
call per (open group, option), without reasons.
"""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypedDict

from pysat.solvers import Solver

from configurator.engine.selection import Selection
from configurator.engine.session import Propagation, Session


class Stats(TypedDict):
    """Summary of a list of durations, in milliseconds."""

    n: int
    median_ms: float | None
    p95_ms: float | None
    max_ms: float | None


def stats(seconds: Sequence[float]) -> Stats:
    """Return the count, median, p95 (nearest rank) and maximum of `seconds`, in ms."""
    if not seconds:
        return Stats(n=0, median_ms=None, p95_ms=None, max_ms=None)
    ordered = sorted(seconds)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return Stats(n=len(ordered), median_ms=statistics.median(ordered) * 1e3, p95_ms=p95 * 1e3, max_ms=ordered[-1] * 1e3)


@dataclass(frozen=True)
class Step:
    """One measured propagation: the selection it was asked for and how long it took."""

    walk: int
    selection: Selection
    seconds: float


@dataclass
class Walks:
    """What the walks did: every step, and how many walks ran to their end."""

    steps: list[Step] = field(default_factory=list)
    started: int = 0
    finished: int = 0  # no open group left, or the step cap reached
    invalid: int = 0  # walks ended by an impossible selection (an available pick should never lead there)
    out_of_budget: bool = False


def random_walks(
    session: Session,
    *,
    walks: int,
    step_cap: int,
    seed: int,
    budget: float,
    mix: float = 0.0,
    progress: Callable[[str], None] = lambda _: None,
) -> Walks:
    """Run up to `walks` seeded walks; stop starting (or continuing) walks after `budget` seconds.

    `mix`: the share of clicks that undo or switch a decided group (0: monotone walks).
    """
    rng = random.Random(seed)
    out = Walks()
    deadline = time.perf_counter() + budget
    for walk in range(walks):
        if time.perf_counter() >= deadline:
            out.out_of_budget = True
            break
        out.started += 1
        if not _walk(session, rng, (walk, step_cap, mix), deadline, out):
            out.out_of_budget = True
            break
        out.finished += 1
        if walks <= 20 or (walk + 1) % 20 == 0:
            progress(f"walk {walk + 1}/{walks} done, {len(out.steps)} steps so far")
    progress(f"{out.started} walks started, {out.finished} finished, {len(out.steps)} steps")
    return out


def _walk(session: Session, rng: random.Random, plan: tuple[int, int, float], deadline: float, out: Walks) -> bool:
    """Run one walk (`plan`: its number, step cap, mix), appending its steps to `out`.

    Return False when the budget cut it short.
    """
    walk, step_cap, mix = plan
    choices: dict[str, frozenset[str]] = {}
    for _ in range(step_cap):
        if time.perf_counter() >= deadline:
            return False
        selection = Selection(choices=dict(choices))
        start = time.perf_counter()
        result = session.propagate(selection, reasons=True)
        out.steps.append(Step(walk, selection, time.perf_counter() - start))
        if not result.valid:
            out.invalid += 1
            return True
        if mix and choices and rng.random() < mix and go_back(result, choices, rng):
            continue
        picks = open_picks(result)
        if not picks:
            return True
        group, option = rng.choice(picks)
        choices[group] = frozenset({option})
    return True


def open_picks(result: Propagation) -> list[tuple[str, str]]:
    """Return every (group, option) a shopper could click next: the available options of undecided groups."""
    return [
        (group.code, option.code)
        for group in result.groups
        if not group.decided
        for option in group.options
        if option.available
    ]


def go_back(result: Propagation, choices: dict[str, frozenset[str]], rng: random.Random) -> bool:
    """Undo a decided group or switch it to another option the answer offers; False when neither can be done.

    A switch picks among the options the engine shows as available in a decided group
    (the "switch" answer: what the group could change to, the other choices kept).
    """
    switches = [
        (group.code, option.code)
        for group in result.groups
        if group.decided
        for option in group.options
        if option.available and not option.selected
    ]
    if switches and (rng.random() < 0.5 or not choices):
        group, option = rng.choice(switches)
        choices[group] = frozenset({option})
        return True
    if choices:
        del choices[rng.choice(sorted(choices))]
        return True
    return False


def sample(steps: Sequence[Step], size: int, seed: int) -> list[Step]:
    """Return up to `size` steps spread over all walks, in random order (so any prefix is a fair sample)."""
    rng = random.Random(seed + 1)
    return [steps[i] for i in rng.sample(range(len(steps)), min(size, len(steps)))]


class Baseline:
    """The plain approach: one SAT call per (open group, option) on a fresh Glucose 4 solver.

    A selection becomes assumption literals exactly as the engine states it
    (`Session.assumptions`), so both answer the same question on the same CNF.
    """

    def __init__(self, session: Session, solver: str = "g4") -> None:
        compiled = session.model
        clauses = list(compiled.clauses)
        for rule in compiled.rule_clauses.values():
            clauses.extend(rule)
        self.compiled = compiled
        self.session = session
        self.solver = Solver(name=solver, bootstrap_with=clauses)

    def step(self, selection: Selection) -> tuple[dict[str, set[str]], int]:
        """Return the available options of every open group, and the number of SAT calls made."""
        context = [lit for lits in self.session.assumptions(selection).values() for lit in lits]
        available: dict[str, set[str]] = {}
        calls = 0
        for group, options in self.compiled.options.items():
            if group in selection.choices:
                continue
            available[group] = set()
            for code, literal in options.items():
                calls += 1
                if self.solver.solve(assumptions=[*context, literal]):
                    available[group].add(code)
        return available, calls

    def close(self) -> None:
        self.solver.delete()


@dataclass
class Replay:
    """Durations of replayed steps, with the engine's walk time of the same steps."""

    seconds: list[float] = field(default_factory=list)
    engine_seconds: list[float] = field(default_factory=list)
    calls: list[int] = field(default_factory=list)
    mismatches: int = 0


def replay_baseline(
    baseline: Baseline, session: Session, steps: Sequence[Step], budget: float, *, check: bool = True
) -> Replay:
    """Time the baseline on `steps` until `budget` seconds are spent (at least one step).

    With `check`, also compare its answer with the engine's (a cheap propagation without
    reasons, not timed): a mismatch means one of them is wrong. An impossible selection
    is not compared: the engine then answers for a relaxed selection.
    """
    out = Replay()
    deadline = time.perf_counter() + budget
    for step in steps:
        if out.seconds and time.perf_counter() >= deadline:
            break
        start = time.perf_counter()
        available, calls = baseline.step(step.selection)
        out.seconds.append(time.perf_counter() - start)
        out.engine_seconds.append(step.seconds)
        out.calls.append(calls)
        if check:
            result = session.propagate(step.selection, reasons=False)
            engine = {g.code: {o.code for o in g.options if o.available} for g in result.groups if g.code in available}
            out.mismatches += int(result.valid and engine != available)
    return out


def replay_engine(session: Session, steps: Sequence[Step], budget: float, *, reasons: bool) -> list[float]:
    """Time `session.propagate` on `steps` again (warm session) until `budget` seconds are spent."""
    seconds: list[float] = []
    deadline = time.perf_counter() + budget
    for step in steps:
        if seconds and time.perf_counter() >= deadline:
            break
        start = time.perf_counter()
        session.propagate(step.selection, reasons=reasons)
        seconds.append(time.perf_counter() - start)
    return seconds
