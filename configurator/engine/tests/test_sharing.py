"""A long session keeps few objects the garbage collector tracks (issue 16: no click paused by a collection)."""

from __future__ import annotations

import gc
import random
from typing import cast

from configurator.engine.compiler import compile_product
from configurator.engine.selection import Selection
from configurator.engine.session import Session
from configurator.engine.tests.test_caches import _generated


def _walk(session: Session, clicks: int, seed: int) -> list[Selection]:
    """Click through random walks (every answer with reasons); return the selections asked."""
    rng = random.Random(seed)
    choices: dict[str, frozenset[str]] = {}
    asked: list[Selection] = []
    for _ in range(clicks):
        selection = Selection(choices=dict(choices))
        asked.append(selection)
        answer = session.propagate(selection)
        picks = [(g.code, o.code) for g in answer.groups if not g.decided for o in g.options if o.available]
        if not picks or not answer.valid:
            choices = {}
            continue
        group, option = rng.choice(picks)
        choices[group] = frozenset({option})
    return asked


def test_equal_states_and_reasons_in_kept_answers_are_one_object() -> None:
    session = Session(compile_product(_generated(5, groups=12, rules=20)))
    asked = _walk(session, 300, seed=1)
    states: dict[object, int] = {}
    reasons: dict[object, int] = {}
    for selection in asked:
        for group in session.propagate(selection).groups:
            for option in group.options:
                states.setdefault((group.code, option), id(option))
                assert states[(group.code, option)] == id(option), "two equal option states kept"
                for reason in option.reasons:
                    reasons.setdefault(reason, id(reason))
                    assert reasons[reason] == id(reason), "two equal reasons kept"
    assert reasons, "the walk met unavailable options with reasons"


def test_a_kept_answers_key_is_made_of_what_the_collector_stops_tracking() -> None:
    session = Session(compile_product(_generated(5, groups=12, rules=20)))
    _walk(session, 50, seed=2)
    gc.collect()
    keys = [cast("tuple[frozenset[object], ...]", key) for key in session._answers._answers]
    pairs = [pair for key in keys for part in key[:3] for pair in part]
    assert pairs, "some answers were kept with choices"
    assert not any(gc.is_tracked(pair) for pair in pairs)
