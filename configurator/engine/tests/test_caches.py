"""What a session keeps between clicks stays under its one bound, and never changes an answer."""

from __future__ import annotations

import random
from decimal import Decimal

from configurator.engine.caches import Budget
from configurator.engine.compiler import compile_product
from configurator.engine.model import Group, Option, Parameter, Product, Rule
from configurator.engine.selection import Selection
from configurator.engine.session import Propagation, Session


def _generated(seed: int, groups: int = 30, rules: int = 40) -> Product:
    """Return a seeded product of optional choice groups and multi groups tied by implications."""
    rng = random.Random(seed)
    group_list = tuple(
        Group(
            f"g{i}",
            f"G{i}",
            "multi" if i % 5 == 4 else "choice",
            i % 7 == 0,
            tuple(Option(f"o{j}", f"O{j}") for j in range(4)),
        )
        for i in range(groups)
    )
    atoms = [
        f"{g.code} has {o.code}" if g.kind == "multi" else f"{g.code} = {o.code}" for g in group_list for o in g.options
    ]
    size = Parameter("size", "Size", "cm", Decimal(0), Decimal(6), Decimal(1))
    rule_list = tuple(
        Rule(
            code=f"R{i}",
            kind="constraint",
            expr=f"({rng.choice(atoms)}) -> not ({rng.choice(atoms)})"
            if i % 4
            else f"({rng.choice(atoms)}) -> size <= {rng.randint(1, 5)}",
            message=f"rule {i}",
        )
        for i in range(rules)
    )
    return Product("gen", "Generated", "EUR", Decimal(1), groups=group_list, parameters=(size,), rules=rule_list)


def _next(selection: Selection, answer: Propagation, rng: random.Random) -> Selection:
    """Return the next click of a shopper who mostly adds choices, sometimes undoes or switches one."""
    decided = [state for state in answer.groups if state.decided]
    roll = rng.random()
    if decided and roll < 0.15:
        return selection.without(("group", rng.choice(decided).code))
    candidates = [
        (state, option.code)
        for state in answer.groups
        for option in state.options
        if option.available and not option.selected and (roll < 0.3 or not state.decided)
    ]
    if not candidates or (answer.complete and rng.random() < 0.2):
        return Selection()
    state, code = rng.choice(candidates)
    chosen = set(selection.choices.get(state.code, ())) if state.code.endswith(("4", "9")) else set()
    choices = {**selection.choices, state.code: frozenset(chosen | {code})}
    return Selection(choices=choices, parameters=selection.parameters, texts=selection.texts)


def _possible(answer: Propagation) -> tuple[object, ...]:
    """Return what an answer says is possible: validity, each option's availability, the parameter ranges."""
    options = tuple((g.code, o.code, o.available, o.selected) for g in answer.groups for o in g.options)
    return answer.valid, answer.complete, options, answer.parameters


def test_a_long_walk_keeps_the_session_under_its_bound_with_the_same_answers() -> None:
    model = compile_product(_generated(seed=7))
    limit = 4000
    bounded = Session(model, memory=limit)
    unbounded = Session(model, memory=10**9)
    rng = random.Random(11)
    selection = Selection()
    invalid = 0
    for _ in range(800):
        answer = bounded.propagate(selection)
        # Reasons may differ (a proof found again may name other choices); what is possible may not.
        assert _possible(answer) == _possible(unbounded.propagate(selection))
        assert all(o.reasons for g in answer.groups for o in g.options if not o.available)
        assert bounded.budget.size <= limit
        invalid += not answer.valid
        selection = _next(selection, answer, rng) if answer.valid else Selection()
    # The walk kept far more than the bound allows: the bound, not the walk, held the session.
    assert unbounded.budget.size > 5 * limit
    assert invalid == 0  # every click picked an available option: no dead end


def test_the_least_recently_used_entries_are_dropped_first() -> None:
    dropped: list[tuple[object, ...]] = []
    budget = Budget(limit=30)
    tag = budget.owner(dropped.append)
    for name in "abc":
        budget.add((tag, name), 10)
    budget.touch((tag, "a"))
    budget.add((tag, "d"), 10)
    assert dropped == [(tag, "b")]
    assert budget.size == 30 and len(budget) == 3
    budget.add((tag, "a"), 25)  # a bigger answer for the same entry replaces it
    assert dropped == [(tag, "b"), (tag, "c"), (tag, "d")]
    assert budget.size == 25


def test_a_dropped_session_is_freed_without_the_cycle_collector() -> None:
    """Loading freezes what a session holds (gc.freeze): a cycle among its caches would then never be freed,
    and every superseded catalog version's kept answers would stay in memory."""
    import gc
    import weakref

    session = Session(compile_product(_generated(3, groups=8, rules=10)))
    session.propagate(Selection())
    held = [weakref.ref(x) for x in (session, session.budget, session.availability, session.solving)]
    gc.disable()
    try:
        del session
        assert [ref() is None for ref in held] == [True] * len(held)
    finally:
        gc.enable()


def test_a_small_models_bound_is_small() -> None:
    """A small model fills its bound within its first clicks, so its process stops growing early."""
    small = compile_product(_generated(3, groups=8, rules=10))
    options = len(small.option_of)
    assert Session(small).budget.limit == Session.MEMORY_SMALL_PER_OPTION * options < Session.MEMORY // 10
