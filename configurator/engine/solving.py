"""Solver plumbing of a session: two incremental SAT solvers, selectors, solutions, unsat cores.

The fast solver holds every rule as plain clauses: it finds solutions and unit
propagations. The guarded solver switches each rule on by an activation literal, so its
unsat cores name rules (reasons). Short-lived selector variables turn a clause on for one
question; spent ones pile up in a solver and slow it down, so each solver is rebuilt once
`REBUILD_AFTER` have been spent (decision 14). A selection becomes assumption literals
here, and a solution (its true watched literals) becomes a selection again.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction

from pysat.solvers import Solver

from configurator.engine.compiler import CompiledModel
from configurator.engine.costs import Costs
from configurator.engine.selection import Selection
from configurator.engine.states import Key, grid_decimal


class Context:
    """Assumption literals, with the sets that make "does this solution agree?" a C-speed test."""

    __slots__ = ("_sorted", "false", "have", "true")

    def __init__(self, literals: Iterable[int]) -> None:
        self.have = frozenset(literals)
        self.true = frozenset(lit for lit in self.have if lit > 0)
        self.false = frozenset(-lit for lit in self.have if lit < 0)
        self._sorted: tuple[int, ...] | None = None

    def sorted(self) -> tuple[int, ...]:
        """Return the literals as a sorted tuple (computed once): how kept answers store a context."""
        if self._sorted is None:
            self._sorted = tuple(sorted(self.have))
        return self._sorted

    @property
    def literals(self) -> list[int]:
        return list(self.have)

    def without(self, literals: Iterable[int]) -> Context:
        """Return this context with `literals` left out."""
        out = Context(())
        out.have = self.have.difference(literals)
        out.true = self.true & out.have
        out.false = self.false.difference(-lit for lit in self.have - out.have)
        return out

    def holds(self, found: frozenset[int]) -> bool:
        """Tell whether a solution (its true variables) satisfies every literal."""
        return self.true <= found and found.isdisjoint(self.false)


def agrees(found: frozenset[int], literals: Iterable[int]) -> bool:
    """Tell whether a model (its true variables) satisfies every literal."""
    return all((lit in found) if lit > 0 else (-lit not in found) for lit in literals)


def flat(assumptions: dict[Key, list[int]], skip: Key | None = None) -> list[int]:
    """Return the literals of every decision in `assumptions` but `skip`."""
    return [lit for key, lits in assumptions.items() if key != skip for lit in lits]


class Solving:
    """The solvers of one compiled model, and the questions asked to them (callers hold `lock`)."""

    POOL = 48  # recent solutions kept: answers are read off them before any solver call
    REBUILD_AFTER = 1000  # spent selectors; see decision 14

    def __init__(self, model: CompiledModel, solver: str = "g4") -> None:
        self.model = model
        self.lock = threading.RLock()
        self.costs = Costs()
        self.kinds = {g.code: g.kind for g in model.product.groups}
        self._name = solver
        self._fast = self._new_fast_solver()
        # Variables above the model's: in the guarded solver, one activation literal per rule
        # and then its selectors; in the fast solver, short-lived selectors right after the
        # model's variables (a solver's model lists every variable up to the highest, so
        # reading it costs less the fewer there are). Both renumber theirs on rebuild.
        self.activators: dict[int, str] = {
            model.nvars + index: code for index, code in enumerate(model.rule_clauses, start=1)
        }
        self._base = model.nvars + len(model.rule_clauses)
        self._fast_base = model.nvars
        self._top = self._fast_base
        self._guarded: Solver | None = None
        self._guard_top = self._base
        watched = {abs(lit) for lit in (*model.option_of, *model.group_set.values(), *model.texts.values())} | {
            abs(var.ge(j)) for var in model.parameters.values() for j in range(1, len(var.values))
        }
        # The second option of a two-option group is the negation of the first's variable
        # (compiler.py): a solution then holds that negative literal, so it is watched too.
        negated = {lit for lit in model.option_of if lit < 0}
        self.watched = frozenset(var for var in watched if var > 1) | negated
        self._watch_top = max(self.watched, default=0)
        #: every variable from 2 to the top is watched both ways (feature models): see _read_model
        self._watch_all = self.watched == frozenset(range(2, self._watch_top + 1)) | frozenset(
            range(-self._watch_top, -1)
        )
        #: recent solutions (their true watched literals), oldest first
        self.pool: deque[frozenset[int]] = deque(maxlen=self.POOL)
        #: literal of a decision -> the decision it states (a choice, a parameter bound, a text)
        self.key_of = _keys(model)

    # -- the fast solver -----------------------------------------------------------------
    def _new_fast_solver(self) -> Solver:
        solver = Solver(name=self._name, bootstrap_with=self.model.clauses)
        for clauses in self.model.rule_clauses.values():
            solver.append_formula(clauses)
        return solver

    def fresh(self) -> int:
        """Return a new selector variable for the fast solver."""
        self._top += 1
        return self._top

    def add_clause(self, clause: Sequence[int]) -> None:
        """Add a clause to the fast solver (guarded by a selector from `fresh`)."""
        self._fast.add_clause(list(clause))

    def set_phases(self, literals: Sequence[int]) -> None:
        """Nudge the fast solver's next solution towards `literals`."""
        self._fast.set_phases(list(literals))

    def retire_selectors(self) -> None:
        """Rebuild the fast solver once spent selectors pile up, so a long-lived session stays fast.

        Witnesses and kept proofs speak of model variables only, so they stay valid.
        """
        if self._top - self._fast_base > self.REBUILD_AFTER:
            self._fast.delete()
            self._fast = self._new_fast_solver()
            self._top = self._fast_base

    def solve(self, assumptions: Sequence[int]) -> frozenset[int] | None:
        """Return a model (true watched literals) under `assumptions`, or None when impossible."""
        start = time.perf_counter()
        try:
            if not self._fast.solve(assumptions=list(assumptions)):
                return None
            return self._read_model()
        finally:
            self.costs.solved(time.perf_counter() - start)

    def satisfiable(self, assumptions: Sequence[int]) -> bool:
        """Tell whether some configuration has every literal of `assumptions` (no solution kept)."""
        return bool(self._fast.solve(assumptions=list(assumptions)))

    def last_core(self) -> frozenset[int]:
        """Return the assumptions behind the fast solver's latest "impossible"."""
        return frozenset(self._fast.get_core() or ())

    def unit_propagate(self, assumptions: Sequence[int]) -> tuple[bool, list[int]]:
        """Return whether unit propagation of `assumptions` finds no conflict, and what it forces, in order."""
        ok, implied = self._fast.propagate(assumptions=list(assumptions))
        return bool(ok), list(implied)

    def _read_model(self) -> frozenset[int]:
        """Return the true watched literals of the fast solver's model, and keep it in the pool of recent solutions."""
        # Keep only the variables answers are read from: models of big tables are mostly auxiliaries.
        # A model lists +v for a true variable and -v for a false one, so intersecting with the
        # watched variables keeps the true ones (and the watched negative literals).
        # Model positions are variables in order, so the watched ones sit in a prefix (options come first).
        model = self._fast.get_model() or []
        if self._watch_all:  # every variable after the constant is an option: keep the whole prefix
            found = frozenset(model[1 : self._watch_top])
        else:
            found = self.watched.intersection(model[: self._watch_top])
        self.pool.append(found)
        return found

    def recent(self, context: Context) -> Iterator[frozenset[int]]:
        """Yield the kept solutions that agree with `context`, the most recent first."""
        return (found for found in reversed(self.pool) if context.holds(found))

    def recent_few(self, context: Context, count: int) -> list[frozenset[int]]:
        """Return at most `count` of the most recent solutions that agree with `context`."""
        return list(itertools.islice(self.recent(context), count))

    def solution(self, literals: Sequence[int]) -> frozenset[int] | None:
        """Return a solution with every literal: a recent one that has them (no solver call), else the solver's."""
        known = next(self.recent(Context(literals)), None)
        return known if known is not None else self.solve(literals)

    # -- the guarded solver: cores that name rules ---------------------------------------
    def guarded(self) -> Solver:
        """Return a second solver whose rules are switched on by activation literals."""
        if self._guarded is None:
            solver = Solver(name=self._name, bootstrap_with=self.model.clauses)
            for activator, code in self.activators.items():
                for clause in self.model.rule_clauses[code]:
                    solver.add_clause([*clause, -activator])
            self._guarded = solver
        return self._guarded

    def core(self, assumptions: Sequence[int]) -> tuple[frozenset[int], tuple[str, ...]] | None:
        """Return (assumptions, rules) behind the conflict of `assumptions`, or None if none."""
        solver = self.guarded()
        activators = list(self.activators)
        if solver.solve(assumptions=[*assumptions, *activators]):
            return None
        core = set(solver.get_core() or ())
        rules = tuple(sorted(self.activators[a] for a in core if a in self.activators))
        return frozenset(a for a in assumptions if a in core), rules

    def core_of_any(self, literals: Sequence[int], context: Sequence[int]) -> tuple[frozenset[int], tuple[str, ...]]:
        """Return one core showing every one of `literals` impossible under `context` (each must be)."""
        if self._guard_top - self._base > self.REBUILD_AFTER and self._guarded is not None:
            self._guarded.delete()  # spent selectors slow it down, as in retire_selectors
            self._guarded, self._guard_top = None, self._base
        solver = self.guarded()
        self._guard_top += 1
        selector = self._guard_top
        solver.add_clause([-selector, *literals])
        core = self.core([selector, *context])
        solver.add_clause([-selector])
        return core if core is not None else (frozenset(), ())

    # -- selections as assumptions, solutions as selections ----------------------------------
    def assumptions(self, selection: Selection) -> dict[Key, list[int]]:
        """Map each decision of `selection` to the literals that state it."""
        m = self.model
        out: dict[Key, list[int]] = {}
        for group, chosen in selection.choices.items():
            options = m.options[group]
            if self.kinds[group] == "multi":
                # The options a shopper ticked are in; the others stay open (features, not a closed set).
                out[("group", group)] = [options[c] for c in chosen]
            else:
                is_set = m.group_set[group]
                out[("group", group)] = [options[c] for c in chosen] or (
                    [-is_set] if is_set != 1 else [-lit for lit in options.values()]
                )
        for code, value in selection.parameters.items():
            var = m.parameters[code]
            out[("parameter", code)] = var.stating(var.values.index(Fraction(value)))
        for code, text in selection.texts.items():
            out[("text", code)] = [m.texts[code] if text else -m.texts[code]]
        return out

    def selection_of(self, found: frozenset[int], base: Selection) -> Selection:
        """Return the complete selection a model describes (texts kept from `base`)."""
        m = self.model
        choices = {
            group: frozenset(code for code, lit in options.items() if lit in found)
            for group, options in m.options.items()
        }
        parameters = {code: grid_decimal(var.values[var.index_of(found)]) for code, var in m.parameters.items()}
        return Selection(choices=choices, parameters=parameters, texts=dict(base.texts))


def _keys(model: CompiledModel) -> dict[int, Key]:
    """Return literal -> the decision it states, for every literal a selection may assume."""
    key_of: dict[int, Key] = {lit: ("group", group) for lit, (group, _) in model.option_of.items()}
    key_of.update({-lit: ("group", group) for group, lit in model.group_set.items() if lit != 1})
    # "None" of a group that is always set is stated as every option false (see assumptions).
    key_of.update({-lit: ("group", group) for lit, (group, _) in model.option_of.items()})
    for code, var in model.parameters.items():
        for j in range(1, len(var.values)):
            key_of.update({var.ge(j): ("parameter", code), -var.ge(j): ("parameter", code)})
    for code, lit in model.texts.items():
        key_of.update({lit: ("text", code), -lit: ("text", code)})
    return key_of
