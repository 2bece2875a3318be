"""The engine benchmark's kinds of clicks do what the figures claim (bench/: walks, jumps, long session)."""

from __future__ import annotations

import itertools
import random

import pytest

from bench.kinds import jump_selections, last_selections
from bench.longrun import long_run
from bench.models import SPECS
from bench.report_kinds import Check
from bench.walks import Step, go_back, random_walks
from configurator.engine.compiler import compile_product
from configurator.engine.model import product_from_dict
from configurator.engine.selection import Selection
from configurator.engine.session import Session


@pytest.fixture(scope="module")
def session() -> Session:
    product = product_from_dict(SPECS["city-car"].read()["products"][0])
    return Session(compile_product(product))


def _extends(before: Selection, after: Selection) -> bool:
    return all(after.choices.get(group) == chosen for group, chosen in before.choices.items())


def _by_walk(steps: list[Step]) -> list[tuple[Step, Step]]:
    return [(a, b) for a, b in itertools.pairwise(steps) if a.walk == b.walk]


def test_monotone_walks_only_add_choices(session: Session) -> None:
    walks = random_walks(session, walks=20, step_cap=100, seed=3, budget=60)
    pairs = _by_walk(walks.steps)
    assert pairs
    assert all(
        _extends(a.selection, b.selection) and len(b.selection.choices) == len(a.selection.choices) + 1
        for a, b in pairs
    )


def test_mixed_walks_undo_and_switch_choices(session: Session) -> None:
    walks = random_walks(session, walks=40, step_cap=100, seed=3, budget=60, mix=0.3)
    pairs = _by_walk(walks.steps)
    undone = [b for a, b in pairs if len(b.selection.choices) < len(a.selection.choices)]
    switched = [
        b
        for a, b in pairs
        if len(b.selection.choices) == len(a.selection.choices) and b.selection.choices != a.selection.choices
    ]
    assert undone and switched
    assert walks.invalid == 0  # a switch picks an option the answer offers: never an impossible selection


def test_go_back_switches_only_to_an_offered_option(session: Session) -> None:
    rng = random.Random(5)
    choices: dict[str, frozenset[str]] = {}
    for _ in range(3):
        result = session.propagate(Selection(choices=dict(choices)))
        group = next(g for g in result.groups if not g.decided)
        choices[group.code] = frozenset({next(o.code for o in group.options if o.available)})
    for _ in range(30):
        before = dict(choices)
        result = session.propagate(Selection(choices=before))
        offered = {(g.code, o.code) for g in result.groups if g.decided for o in g.options if o.available}
        assert go_back(result, choices, rng)
        changed = {g: c for g, c in choices.items() if before.get(g) != c}
        assert set(choices) <= set(before)
        assert all((g, next(iter(c))) in offered for g, c in changed.items())
        choices = before


def test_jumps_are_subsets_of_recorded_selections_of_every_size(session: Session) -> None:
    walks = random_walks(session, walks=10, step_cap=100, seed=4, budget=60)
    sources = last_selections(walks.steps)
    jumps = jump_selections(sources, 300, seed=4)
    assert len(jumps) == 300
    assert all(any(_extends(jump, source) for source in sources) for jump in jumps)
    sizes = {len(jump.choices) for jump in jumps}
    assert 0 in sizes and max(len(s.choices) for s in sources) in sizes


def test_long_run_reports_every_window(session: Session) -> None:
    run = long_run(session, clicks=300, window=100, seed=1, budget=60)
    assert run["clicks"] == 300 and not run["out_of_budget"]
    assert [w["clicks"] for w in run["windows"]] == [100, 200, 300]
    assert all(w["rss_mb"] > 0 and w["worst_ms"] > 0 for w in run["windows"])
    assert run["rss_growth_pct"] is not None


def test_a_target_says_met_missed_or_not_measured() -> None:
    assert Check("p95", 1.5, 2).line().endswith("(≤ 2 ms: met)")
    assert Check("p95", 2.5, 2).line().endswith("(≤ 2 ms: MISSED)")
    assert Check("p95", None, 2).line().endswith("(≤ 2 ms: not measured)")
