"""Which options are available under a context: witnesses, moved solutions, covering solver calls.

An option is available if and only if some solution extending the context has it. A
solution already found proves that without a solver call: each option's latest witness,
or a recent solution moved by one choice group (checked against the few rules on that
group, repair.py) while such moves pay off on the model. The rest are asked to the
solver for a solution that covers at least one of them, phases nudged towards them,
until it answers "impossible", which proves every remaining one unavailable at once.
"""

from __future__ import annotations

import time

from configurator.engine.caches import Cores
from configurator.engine.checking import Checker
from configurator.engine.repair import Repairer
from configurator.engine.solving import Context, Solving
from configurator.engine.states import Reason


class Witnesses:
    """Each option's latest witness (a solution that has it), and the availability they prove."""

    #: how many recent solutions `_move` tries to move to each candidate
    BASES = 4
    #: rule checks one `available` call may spend on moves: they pay off where a solver call
    #: finds one new option at a time (tables), not where it finds thousands (feature models)
    MOVE_CHECKS = 20000
    #: a stale witness is brought up to date only when it misses at most this many choices
    STALE = 3

    def __init__(self, solving: Solving, checker: Checker, cores: Cores) -> None:
        self.solving = solving
        self.cores = cores
        self.repairer = Repairer(solving.model, checker)
        #: option literal -> the latest solution found with it
        self.witness: dict[int, frozenset[int]] = {}

    def available(
        self, context: Context, candidates: list[int], proven: dict[int, tuple[Reason, ...]] | None = None
    ) -> set[int]:
        """Return which candidate literals are true in some solution extending `context`.

        Candidates a kept core proves impossible get its reasons in `proven` (for `Proofs.why`).
        """
        holds = context.holds
        witness = self.witness
        todo = set()
        available = set()
        agrees: dict[int, bool] = {}  # id of a witness -> whether it agrees (many options share one)
        for lit in candidates:
            found = witness.get(lit)
            if found is not None:
                ok = agrees.get(id(found))
                if ok is None:
                    ok = agrees[id(found)] = holds(found)
                if ok:
                    available.add(lit)
                    continue
            todo.add(lit)
        # A kept core whose choices all still hold proves a candidate impossible without a call.
        have = context.have
        cached = self.cores.find
        if proven is None:
            proven = {}
        for lit in list(todo):
            why = cached(lit, have)
            if why is not None:
                proven[lit] = why
                todo.discard(lit)
        self._cover(context, todo, available)
        return available

    def _cover(self, context: Context, todo: set[int], available: set[int]) -> None:
        """Settle `todo` by moves, then by covering solver calls until the rest is impossible."""
        solving, costs = self.solving, self.solving.costs
        budget = [self.MOVE_CHECKS if costs.moves_pay() else self.MOVE_CHECKS // 16]
        if todo:
            start, before = time.perf_counter(), len(todo)
            self._update(context, todo, available, budget)
            self._move(context, todo, available, budget)
            costs.moved(time.perf_counter() - start, before, before - len(todo))
        while todo:
            selector = solving.fresh()
            solving.add_clause([-selector, *todo])
            solving.set_phases(list(todo))
            found = solving.solve([*context.literals, selector])
            solving.add_clause([-selector])
            if found is None:
                break
            covered = todo & found
            # Only the options asked for get this solution as their witness: the others have one
            # that agrees with the context already, and on feature models a solution holds
            # thousands of options, so updating them all was a third of a solver call's cost.
            self.witness.update(dict.fromkeys(covered, found))
            costs.found(len(covered))
            available |= covered
            todo -= covered
            if todo:  # the new solution is a base for the rest
                start, before = time.perf_counter(), len(todo)
                self._move(context, todo, available, budget, [found])
                costs.moved(time.perf_counter() - start, before, before - len(todo))
        solving.retire_selectors()

    def _update(self, context: Context, todo: set[int], available: set[int], budget: list[int]) -> None:
        """Move stale witnesses to the choices of `context` they miss; settle and drop what that proves.

        A witness of a candidate usually misses only the latest click. Moving it there
        (see repair.py) keeps the candidate and needs no solver call. Spends `budget` as
        `_move` does.
        """
        repairer = self.repairer
        # Many options share a witness (a solution witnesses every option in it): move each once.
        done: dict[int, frozenset[int] | None] = {}
        for literal in list(todo):
            found = self.witness.get(literal)
            if found is None:
                continue
            if id(found) in done:
                moved = done[id(found)]
            else:
                done[id(found)] = None
                # The choices it misses: options not in it, and options stated by a negative literal
                # (the second of a two-option group, "no" of a feature) whose variable it has true.
                missing = (context.true - found).union([-var for var in context.false.intersection(found)])
                if len(missing) > self.STALE:
                    continue
                costs = [repairer.costs.get(lit, 0) for lit in missing]
                if not all(costs):
                    continue
                if budget[0] <= 0:
                    return
                budget[0] -= sum(costs)
                moved = done[id(found)] = repairer.move_all(found, missing)
            if moved is not None and literal in moved:
                self.witness[literal] = moved
                available.add(literal)
                todo.discard(literal)

    def _move(
        self,
        context: Context,
        todo: set[int],
        available: set[int],
        budget: list[int],
        bases: list[frozenset[int]] | None = None,
    ) -> None:
        """Settle what a one-group change of a recent solution shows available; move it from `todo`.

        Each solution agreeing with `context` is a base: switching one choice group of it
        to a candidate option keeps it a solution when the rules on that group still hold
        (see repair.py), which costs a few rule checks instead of a solver call. By default
        the bases are the most recent solutions that agree with `context`. Stops once
        `budget[0]` rule checks are spent (and lowers it by what it spent).
        """
        if bases is None:
            bases = self.solving.recent_few(context, self.BASES)
        repairer = self.repairer
        cost_of = repairer.costs
        costs = {literal: cost for literal in todo if (cost := cost_of.get(literal))} if bases else {}
        for base in bases:
            candidates = []
            for literal, cost in costs.items():
                if literal in todo:
                    if budget[0] < cost:
                        break
                    budget[0] -= cost
                    candidates.append(literal)
            if not candidates:
                return
            for literal, moved in repairer.move_options(base, candidates).items():
                self.witness[literal] = moved
                available.add(literal)
                todo.discard(literal)
