"""Exact configuration operations on a compiled model, with incremental SAT solvers.

One `Session` per published catalog version serves every request: the model is
loaded into a solver once, and each question ("can this selection be completed with
option o?") is a solver call under assumptions, never a recompilation.

`propagate` is exact (backtrack-free): an option is available if and only if the
selection plus that option extends to a complete valid configuration. It stays fast
on large models by (1) reading availability off solutions already found (a pool of
recent models, and each option's latest witness); (2) moving a known solution by one
choice group, checked against the few rules on that group (repair.py), which proves an
option available without a solver call while such moves pay off on the model; (3)
asking the solver for a solution that covers at least one value not yet seen, with
solver phases nudged towards unseen values, until it answers "impossible", which
proves every remaining value unavailable at once; (4) explaining each unavailable
option by the unit propagation that rules it out, followed back to its choices and
rules, or else by an unsat core over rule activation literals (options of a group
share one core); both are cached and reused while the shopper's choices behind them
stay in place. Answers of recent selections, and each group's latest answer, are kept
for every shopper.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from pysat.solvers import Solver

from configurator.engine.checking import Checker, Price, Validation
from configurator.engine.compiler import CompiledModel
from configurator.engine.model import Group
from configurator.engine.repair import Repairer
from configurator.engine.selection import Selection

if TYPE_CHECKING:
    from configurator.engine.resolving import Resolution
    from configurator.engine.search import Completion

Key = tuple[str, str]  # ("group" | "parameter" | "text", code)
#: a proof that a literal holds: the context literals it uses and the rules it names
Proof = tuple[frozenset[int], frozenset[str]]


@dataclass(frozen=True)
class Reason:
    """Why something is unavailable: a rule (`rule` set) or a choice of the shopper's."""

    rule: str | None = None
    selection: Key | None = None


@dataclass(frozen=True)
class OptionState:
    code: str
    available: bool
    selected: bool
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class GroupState:
    code: str
    decided: bool
    selected: tuple[str, ...]
    options: tuple[OptionState, ...]


@dataclass(frozen=True)
class ParameterState:
    code: str
    value: Decimal | None
    min: Decimal | None  # None: no feasible value at all
    max: Decimal | None


@dataclass(frozen=True)
class Propagation:
    valid: bool
    complete: bool
    groups: tuple[GroupState, ...]
    parameters: tuple[ParameterState, ...]
    conflict: tuple[Reason, ...] = ()


class Session:
    """Answer configuration questions about one compiled model (thread-safe)."""

    POOL = 48

    def __init__(self, model: CompiledModel, solver: str = "g4", *, warm: bool = True) -> None:
        self.model = model
        self._solver_name = solver
        self._fast = self._new_fast_solver()
        # Variables above the model's: in the guarded solver, one activation literal per rule
        # and then its selectors; in the fast solver, short-lived selectors right after the
        # model's variables (a solver's model lists every variable up to the highest, so
        # reading it costs less the fewer there are). Both renumber theirs on rebuild.
        self._activators: dict[int, str] = {
            model.nvars + index: code for index, code in enumerate(model.rule_clauses, start=1)
        }
        self._base = model.nvars + len(model.rule_clauses)
        self._fast_base = model.nvars
        self._top = self._fast_base
        watched = {abs(lit) for lit in (*model.option_of, *model.group_set.values(), *model.texts.values())} | {
            abs(var.ge(j)) for var in model.parameters.values() for j in range(1, len(var.values))
        }
        # The second option of a two-option group is the negation of the first's variable
        # (compiler.py): a solution then holds that negative literal, so it is watched too.
        negated = {lit for lit in model.option_of if lit < 0}
        self._watched_set = frozenset(var for var in watched if var > 1) | negated
        self._watch_top = max(self._watched_set, default=0)
        #: every variable from 2 to the top is watched both ways (feature models): see _read_model
        self._watch_all = self._watched_set == frozenset(range(2, self._watch_top + 1)) | frozenset(
            range(-self._watch_top, -1)
        )
        self._option_vars = frozenset(model.option_of)
        #: literal of a decision -> the decision it states (a choice, a parameter bound, a text)
        self._key_of: dict[int, Key] = {lit: ("group", group) for lit, (group, _) in model.option_of.items()}
        self._key_of.update({-lit: ("group", group) for group, lit in model.group_set.items() if lit != 1})
        # "None" of a group that is always set is stated as every option false (see assumptions).
        self._key_of.update({-lit: ("group", group) for lit, (group, _) in model.option_of.items()})
        for code, var in model.parameters.items():
            for j in range(1, len(var.values)):
                self._key_of.update({var.ge(j): ("parameter", code), -var.ge(j): ("parameter", code)})
        for code, lit in model.texts.items():
            self._key_of.update({lit: ("text", code), -lit: ("text", code)})
        #: option variable -> the latest solution found with it (its witness)
        self._witness: dict[int, frozenset[int]] = {}
        #: bound literal -> cores proving it impossible (see _try_bound)
        self._bounds: dict[int, list[frozenset[int]]] = {}
        self.checker = Checker(model.product)
        self._repairer = Repairer(model, self.checker)
        self._costs = _Costs()
        self._guarded: Solver | None = None
        self._guard_top = self._base  # selectors of the guarded solver (see _explain_together)
        self._pool: deque[frozenset[int]] = deque(maxlen=self.POOL)
        #: cores proving literals impossible while their context literals hold (see _why)
        self._cores = _Cores()
        self._lock = threading.RLock()
        #: recent answers of `propagate`, oldest first; fewer for big models (an answer lists every option)
        self._answers: dict[tuple[object, ...], Propagation] = {}
        self._answers_kept = max(1, min(256, 100_000 // max(1, len(model.option_of))))
        self._kinds = {g.code: g.kind for g in model.product.groups}
        self._open_states: dict[str, GroupState] = {}  # see _all_available
        #: options no configuration has (their reason names no choice), and the states of open
        #: groups whose unavailable options are all such, by (group, with reasons, those options)
        self._dead: dict[int, tuple[Reason, ...]] = {}
        self._dead_states: dict[tuple[str, bool, frozenset[int]], GroupState] = {}
        #: see _derive: the latest context's propagation (position of each forced literal, proofs found)
        self._trail: tuple[_Context, dict[int, int], dict[int, Proof | None]] | None = None
        self._forced_by: dict[int, Proof | None] = {}  # see _forced
        self._index: dict[int, list[tuple[tuple[int, ...], str | None]]] | None = None  # see _clause_index
        #: kept group answers, by (the group's choice, with reasons) and then group (see _remember)
        self._memos: dict[tuple[frozenset[str] | None, bool], dict[str, _Memo]] = {}
        self._memo_count = 0
        # Room for a few clicks' answers of every group, so one click of a big model never clears its own.
        self._memos_kept = max(self.MEMOS, 4 * len(model.product.groups))
        if warm:
            # Find a witness for every selectable option and a reason for every dead one now,
            # so the first shopper's first click costs no more than any other.
            self.propagate(Selection())

    # -- solver plumbing -----------------------------------------------------------------
    REBUILD_AFTER = 1000  # spent selectors; see decision 14

    def _new_fast_solver(self) -> Solver:
        solver = Solver(name=self._solver_name, bootstrap_with=self.model.clauses)
        for clauses in self.model.rule_clauses.values():
            solver.append_formula(clauses)
        return solver

    def _fresh(self) -> int:
        """Return a new selector variable for the fast solver."""
        self._top += 1
        return self._top

    def _retire_selectors(self) -> None:
        """Rebuild the fast solver once spent selectors pile up, so a long-lived session stays fast.

        Witnesses and cached cores speak of model variables only, so they stay valid.
        """
        if self._top - self._fast_base > self.REBUILD_AFTER:
            self._fast.delete()
            self._fast = self._new_fast_solver()
            self._top = self._fast_base

    def _solve(self, assumptions: Sequence[int]) -> frozenset[int] | None:
        """Return a model (true literals) under `assumptions`, or None when impossible."""
        start = time.perf_counter()
        try:
            if not self._fast.solve(assumptions=list(assumptions)):
                return None
            return self._read_model()
        finally:
            self._costs.solved(time.perf_counter() - start)

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
            found = self._watched_set.intersection(model[: self._watch_top])
        self._pool.append(found)
        return found

    def _guarded_solver(self) -> Solver:
        """Return a second solver whose rules are switched on by activation literals."""
        if self._guarded is None:
            solver = Solver(name=self._solver_name, bootstrap_with=self.model.clauses)
            for activator, code in self._activators.items():
                for clause in self.model.rule_clauses[code]:
                    solver.add_clause([*clause, -activator])
            self._guarded = solver
        return self._guarded

    def _core(self, assumptions: Sequence[int]) -> tuple[frozenset[int], tuple[str, ...]] | None:
        """Return (assumptions, rules) behind the conflict of `assumptions`, or None if none."""
        solver = self._guarded_solver()
        activators = list(self._activators)
        if solver.solve(assumptions=[*assumptions, *activators]):
            return None
        core = set(solver.get_core() or ())
        rules = tuple(sorted(self._activators[a] for a in core if a in self._activators))
        return frozenset(a for a in assumptions if a in core), rules

    # -- selections as assumptions --------------------------------------------------------
    def assumptions(self, selection: Selection) -> dict[Key, list[int]]:
        """Map each decision of `selection` to the literals that state it."""
        m = self.model
        out: dict[Key, list[int]] = {}
        for group, chosen in selection.choices.items():
            options = m.options[group]
            if self._kinds[group] == "multi":
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

    @staticmethod
    def _flat(assumptions: dict[Key, list[int]], skip: Key | None = None) -> list[int]:
        return [lit for key, lits in assumptions.items() if key != skip for lit in lits]

    # -- availability ---------------------------------------------------------------------
    def _available(
        self, context: _Context, candidates: list[int], proven: dict[int, tuple[Reason, ...]] | None = None
    ) -> set[int]:
        """Return which candidate literals are true in some solution extending `context`.

        Candidates a kept core proves impossible get its reasons in `proven` (for `_why`).
        """
        holds = context.holds
        witness = self._witness
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
        # A cached core whose choices all still hold proves a candidate impossible without a call.
        have = context.have
        cached = self._cores.find
        if proven is None:
            proven = {}
        for lit in list(todo):
            why = cached(lit, have)
            if why is not None:
                proven[lit] = why
                todo.discard(lit)
        budget = [self.MOVE_CHECKS if self._costs.moves_pay() else self.MOVE_CHECKS // 16]
        if todo:
            start, before = time.perf_counter(), len(todo)
            self._update_witnesses(context, todo, available, budget)
            self._move_witnesses(context, todo, available, budget)
            self._costs.moved(time.perf_counter() - start, before, before - len(todo))
        while todo:
            selector = self._fresh()
            self._fast.add_clause([-selector, *todo])
            self._fast.set_phases(list(todo))
            found = self._solve([*context.literals, selector])
            self._fast.add_clause([-selector])
            if found is None:
                break
            covered = todo & found
            # Only the options asked for get this solution as their witness: the others have one
            # that agrees with the context already, and on feature models a solution holds
            # thousands of options, so updating them all was a third of a solver call's cost.
            self._witness.update(dict.fromkeys(covered, found))
            self._costs.found(len(covered))
            available |= covered
            todo -= covered
            if todo:  # the new solution is a base for the rest
                start, before = time.perf_counter(), len(todo)
                self._move_witnesses(context, todo, available, budget, [found])
                self._costs.moved(time.perf_counter() - start, before, before - len(todo))
        self._retire_selectors()
        return available

    #: how many recent solutions `_move_witnesses` tries to move to each candidate
    BASES = 4
    #: rule checks one `_available` call may spend on moves: they pay off where a solver call
    #: finds one new option at a time (tables), not where it finds thousands (feature models)
    MOVE_CHECKS = 20000

    #: a stale witness is brought up to date only when it misses at most this many choices
    STALE = 3

    def _update_witnesses(self, context: _Context, todo: set[int], available: set[int], budget: list[int]) -> None:
        """Move stale witnesses to the choices of `context` they miss; settle and drop what that proves.

        A witness of a candidate usually misses only the latest click. Moving it there
        (see repair.py) keeps the candidate and needs no solver call. Spends `budget` as
        `_move_witnesses` does.
        """
        repairer = self._repairer
        # Many options share a witness (a solution witnesses every option in it): move each once.
        done: dict[int, frozenset[int] | None] = {}
        for literal in list(todo):
            found = self._witness.get(literal)
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
                self._witness[literal] = moved
                available.add(literal)
                todo.discard(literal)

    def _move_witnesses(
        self,
        context: _Context,
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
            bases = list(
                itertools.islice((found for found in reversed(self._pool) if context.holds(found)), self.BASES)
            )
        repairer = self._repairer
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
                self._witness[literal] = moved
                available.add(literal)
                todo.discard(literal)

    def _why(
        self, literals: list[int], context: _Context, proven: dict[int, tuple[Reason, ...]] | None = None
    ) -> dict[int, tuple[Reason, ...]]:
        """Return the reasons that exclude each of `literals`, each impossible under `context`.

        A cached core proves a literal impossible while its context literals hold. The
        literals without one share a single new unsat core, of "the context and any of
        them": one solver call when a click rules out many options of a group at once, for
        a reason that may name a rule or a choice more than a single option needs.
        """
        have = context.have
        out: dict[int, tuple[Reason, ...]] = {}
        missing = []
        cached = self._cores.find
        proven = proven or {}
        for literal in literals:
            known = proven[literal] if literal in proven else cached(literal, have)
            if known is None:
                missing.append(literal)
            else:
                out[literal] = known
        if not missing:
            return out
        # Most exclusions of a clause model follow by unit propagation: explained without a core
        # (where that pays: table models propagate through long chains of auxiliary variables).
        derived: dict[int, Proof] = {}
        if self._costs.derivations_pay():
            start = time.perf_counter()
            derived = self._derive(missing, context)
            self._costs.derived(time.perf_counter() - start, len(missing), len(derived))
        for literal, (forcing, forced_by) in derived.items():
            out[literal] = self._keep([literal], forcing, sorted(forced_by))
        missing = [literal for literal in missing if literal not in derived]
        if not missing:
            return out
        start = time.perf_counter()
        if len(missing) == 1:
            core = self._core([missing[0], *context.literals])
        else:
            if self._guard_top - self._base > self.REBUILD_AFTER and self._guarded is not None:
                self._guarded.delete()  # spent selectors slow it down, as in _retire_selectors
                self._guarded, self._guard_top = None, self._base
            solver = self._guarded_solver()
            self._guard_top += 1
            selector = self._guard_top
            solver.add_clause([-selector, *missing])
            core = self._core([selector, *context.literals])
            solver.add_clause([-selector])
        self._costs.cored(time.perf_counter() - start, len(missing))
        used, rules = core if core is not None else (frozenset(), ())  # None cannot happen: all are impossible
        why = self._keep(missing, used & have, rules)
        out.update(dict.fromkeys(missing, why))
        return out

    def _keep(self, literals: list[int], used: frozenset[int], rules: Iterable[str]) -> tuple[Reason, ...]:
        """Keep a proof that `literals` are impossible while `used` holds; return its reasons.

        The reasons are its rules, then the choices its context literals state; a proof that
        uses no context literal holds whatever the shopper chooses (dead options).
        """
        key_of = self._key_of
        why = tuple(Reason(rule=r) for r in rules) + tuple(
            Reason(selection=key) for key in dict.fromkeys(key_of[u] for u in sorted(used, key=abs) if u in key_of)
        )
        for literal in literals:
            self._cores.add(literal, used, why)
        if not used:
            self._dead.update(dict.fromkeys(literals, why))
        return why

    #: literals one derivation may visit before the question goes to an unsat core instead
    DERIVE_STEPS = 2000

    def _derive(self, literals: list[int], context: _Context) -> dict[int, Proof]:
        """Explain the excluded `literals` that unit propagation under `context` rules out.

        One propagation (no search) gives the literals `context` forces, in the order they
        were forced; following each one's clause back to the context names the choices and
        rules that force it (a proof, like a core: small, not always minimal). A feature
        model excludes most options this way, after a click often hundreds at once, and a
        core costs a solver call each. Returns (context literals used, rules) by literal;
        the others are left to cores.
        """
        trail = self._trail
        if trail is None or trail[0] is not context:
            ok, implied = self._fast.propagate(assumptions=context.literals)
            position = {lit: at for at, lit in enumerate(implied)} if ok else {}
            trail = self._trail = (context, position, {})
        _context, position, derived = trail
        out = {}
        for literal in literals:
            if -literal in position:
                proof = self._derivation(-literal, context.have, position, derived)
                if proof is not None:
                    out[literal] = proof
        return out

    def _derivation(
        self,
        target: int,
        have: frozenset[int],
        position: dict[int, int],
        derived: dict[int, Proof | None],
    ) -> Proof | None:
        """Return (context literals, rules) that force `target` by unit propagation, or None.

        `position`: the propagation's literals and their order; each forced literal has a
        clause whose other literals were all false before it (or false in every
        configuration). `derived` keeps what earlier calls found, for the same propagation.
        """
        chosen: dict[int, tuple[tuple[int, ...], str | None]] = {}
        stack = [target]
        steps = 0
        while stack:
            lit = stack[-1]
            if lit in derived:
                stack.pop()
                continue
            steps += 1
            if steps > self.DERIVE_STEPS:
                return None
            if lit in have:
                derived[lit] = (frozenset((lit,)), frozenset())
                stack.pop()
                continue
            at = position.get(lit)
            if at is None:  # not forced by the context: maybe by the rules alone
                derived[lit] = self._forced(lit)
                stack.pop()
                continue
            reason = chosen.get(lit)
            if reason is None:
                reason = self._antecedent(lit, at, position)
                if reason is None:  # forced by a learnt clause: left to a core
                    derived[lit] = None
                    stack.pop()
                    continue
                chosen[lit] = reason
            clause, rule = reason
            pending = [-y for y in clause if y != lit and -y not in derived]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            proofs = [derived[-y] for y in clause if y != lit]
            if any(proof is None for proof in proofs):
                derived[lit] = None
                continue
            used = frozenset().union(*(proof[0] for proof in proofs if proof))
            rules = frozenset().union(*(proof[1] for proof in proofs if proof))
            derived[lit] = (used, rules | {rule} if rule is not None else rules)
        return derived[target]

    def _antecedent(self, lit: int, at: int, position: dict[int, int]) -> tuple[tuple[int, ...], str | None] | None:
        """Return a clause (with its rule) that forced `lit`, the `at`-th literal of a propagation, or None.

        Its other literals must all be false earlier in the propagation; failing that, false
        in every configuration (see `_forced`).
        """
        clauses = self._clause_index().get(lit, ())
        for clause in clauses:
            if all(position.get(-y, at) < at for y in clause[0] if y != lit):
                return clause
        for clause in clauses:
            if all(position.get(-y, at) < at or self._forced(-y) is not None for y in clause[0] if y != lit):
                return clause
        return None

    def _forced(self, literal: int) -> Proof | None:
        """Return ((), rules) when the rules alone force `literal` by unit propagation, else None (kept)."""
        if literal not in self._forced_by:
            proof: Proof | None = None
            ok, _implied = self._fast.propagate(assumptions=[-literal])
            if not ok:
                core = self._core([-literal])
                if core is not None:
                    proof = (frozenset(), frozenset(core[1]))
            self._forced_by[literal] = proof
        return self._forced_by[literal]

    def _clause_index(self) -> dict[int, list[tuple[tuple[int, ...], str | None]]]:
        """Return literal -> the model's clauses containing it, with their rule (None: a hard clause)."""
        if self._index is None:
            index: dict[int, list[tuple[tuple[int, ...], str | None]]] = {}
            for code, clauses in (("", self.model.clauses), *self.model.rule_clauses.items()):
                for clause in clauses:
                    entry = (tuple(clause), code or None)
                    for lit in entry[0]:
                        index.setdefault(lit, []).append(entry)
            self._index = index
        return self._index

    def propagate(self, selection: Selection, *, reasons: bool = True) -> Propagation:
        """Return every group's options with availability (and reasons), and parameter ranges.

        Answers are kept for the latest selections asked (by any shopper: the first
        clicks of many shoppers are the same, and a page asks again for what it shows).
        """
        key = (
            frozenset((group, frozenset(chosen)) for group, chosen in selection.choices.items()),
            frozenset((code, str(value)) for code, value in selection.parameters.items()),
            frozenset((code, bool(text)) for code, text in selection.texts.items()),
            reasons,
        )
        with self._lock:
            answer = self._answers.pop(key, None)
            if answer is None:
                answer = self._propagate(selection, reasons=reasons)
            self._answers[key] = answer  # the most recent last
            if len(self._answers) > self._answers_kept:
                del self._answers[next(iter(self._answers))]
            return answer

    # Solver hot path, tuned against measured figures (decision 16); complexity 13.
    def _propagate(self, selection: Selection, *, reasons: bool) -> Propagation:  # noqa: C901
        with self._lock:
            assumptions = self.assumptions(selection)
            flat = self._flat(assumptions)
            # A solution found earlier (the witness of the latest click) often proves the selection valid.
            whole = _Context(flat)
            known = any(whole.holds(found) for found in reversed(self._pool))
            if not known and self._solve(flat) is None:
                return self._invalid(selection, assumptions)
            options_of = self.model.options
            choices = selection.choices
            # An earlier answer for a group, asked under fewer choices, still holds for the options it
            # excluded (more choices only exclude more): only the options it had available are asked.
            memos: dict[str, _Memo] = {}
            contexts: dict[str, _Context] = {}  # a decided group's: the others' choices ("switch" semantics)
            # Asked under the whole selection: the options of open groups and the unticked ones of multi groups.
            # A big model has thousands of groups, so they are gathered with set operations, not one by one.
            asked = set(self._option_vars)
            for code, ticked in choices.items():
                options = options_of[code]
                memo = self._memos.get((ticked, reasons), {}).get(code)
                if self._kinds[code] == "multi":
                    asked.difference_update(options[c] for c in ticked)
                    context = whole
                else:
                    asked.difference_update(options.values())
                    context = contexts[code] = whole.without(assumptions[("group", code)])
                if memo is not None and memo.have <= context.have:
                    memos[code] = memo
                    if context is whole:
                        asked.difference_update(memo.excluded)
            contains: dict[int, bool] = {}  # id of a kept context -> whether the selection contains it (few differ)
            for code, memo in self._memos.get((None, reasons), {}).items():
                if code in choices:
                    continue
                ok = contains.get(id(memo.have))
                if ok is None:
                    ok = contains[id(memo.have)] = memo.have <= whole.have
                if ok:
                    memos[code] = memo
                    asked.difference_update(memo.excluded)
            proven: dict[int, tuple[Reason, ...]] = {}
            available = self._available(whole, list(asked), proven)
            # Only groups with an option newly out, or a choice, need a look: the others are all
            # available, or as their kept answer says (a big model has thousands of groups).
            option_of = self.model.option_of
            touched = {option_of[lit][0] for lit in asked.difference(available)}
            touched.update(choices)
            open_states = self._open_states
            states: list[GroupState] = []
            for group in self.model.product.groups:
                memo = memos.get(group.code)
                if group.code not in touched:
                    states.append(
                        memo.state if memo is not None else open_states.get(group.code) or self._all_available(group)
                    )
                    continue
                chosen = choices.get(group.code)
                if chosen is None or group.kind == "multi":
                    state = self._state(group, chosen, memo, whole, available, proven, reasons)
                else:
                    state = self._state(group, chosen, memo, contexts[group.code], None, {}, reasons)
                states.append(state)
            parameters = tuple(self._range(code, assumptions, selection) for code in self.model.parameters)
            return Propagation(
                valid=True,
                complete=self._is_complete(selection),
                groups=tuple(states),
                parameters=parameters,
            )

    def _state(
        self,
        group: Group,
        chosen: frozenset[str] | None,
        memo: _Memo | None,
        context: _Context,
        available: set[int] | None,
        proven: dict[int, tuple[Reason, ...]],
        reasons: bool,
    ) -> GroupState:
        """Return one group's state under `context`, and keep it for the next clicks (see `_remember`).

        `available`: what is available among the group's options asked under `context`
        (with `proven`, reasons kept cores gave); None to ask the group's unticked options here.
        """
        options = self.model.options[group.code]
        kept: dict[int, tuple[Reason, ...]] = memo.excluded if memo is not None else {}
        chosen_lits = {options[c] for c in chosen or ()}
        if available is None:
            others = [lit for lit in options.values() if lit not in chosen_lits and lit not in kept]
            available = self._available(context, others, proven)
        excluded = [
            lit for lit in options.values() if lit not in available and lit not in chosen_lits and lit not in kept
        ]
        if memo is not None and not excluded:  # nothing newly excluded: the same state as before
            return memo.state
        dead_key = None
        if chosen is None:
            # Options impossible in any configuration (dead features) keep the same reasons.
            dead_key = (group.code, reasons, frozenset((*kept, *excluded)))
            state = self._dead_states.get(dead_key)
            if state is not None:
                return state
        why = {**kept, **self._why(excluded, context, proven)} if reasons and excluded else kept
        option_states = []
        for option in group.options:
            lit = options[option.code]
            ok = lit in available or lit in chosen_lits
            option_states.append(OptionState(option.code, ok, lit in chosen_lits, () if ok else why.get(lit, ())))
        state = GroupState(group.code, chosen is not None, tuple(sorted(chosen or ())), tuple(option_states))
        if dead_key is not None and all(why.get(lit, ()) is self._dead.get(lit) for lit in (*kept, *excluded)):
            self._dead_states[dead_key] = state  # reasons that name no choice hold everywhere
        all_excluded = {**kept, **{lit: why.get(lit, ()) for lit in excluded}}
        self._remember(group.code, chosen, reasons, _Memo(context.have, all_excluded, state))
        return state

    MEMOS = 4096  # group answers kept, at least (see _remember)

    def _remember(self, group: str, chosen: frozenset[str] | None, reasons: bool, memo: _Memo) -> None:
        """Keep a group's answer under a context, for the next click that extends that context.

        One per (group, its choice): a shopper's next click usually adds a choice, so the
        options this answer excluded stay excluded, for the same reasons, and only the
        ones it had available are asked again. An answer that a later click finds unchanged
        stays under its own (smaller) context, which more selections contain.
        """
        if self._memo_count >= self._memos_kept:
            self._memos.clear()
            self._memo_count = 0
        by_group = self._memos.setdefault((chosen, reasons), {})
        self._memo_count += group not in by_group
        by_group[group] = memo

    def _all_available(self, group: Group) -> GroupState:
        """Return the state of an open group whose options are all available (the same every time)."""
        state = self._open_states.get(group.code)
        if state is None:
            options = tuple(OptionState(option.code, True, False) for option in group.options)
            state = self._open_states[group.code] = GroupState(group.code, False, (), options)
        return state

    def _invalid(self, selection: Selection, assumptions: dict[Key, list[int]]) -> Propagation:
        """Describe an impossible selection, and propagate the rest of it."""
        core = self._core(self._flat(assumptions))
        owner = {lit: key for key, lits in assumptions.items() for lit in lits}
        used, rules = core if core is not None else (frozenset(), ())
        keys = list(dict.fromkeys(owner[u] for u in used if u in owner))
        conflict = tuple(Reason(rule=r) for r in rules) + tuple(Reason(selection=k) for k in keys)
        relaxed = selection
        for key in keys:
            relaxed = relaxed.without(key)
        if not keys:  # the product itself has no valid configuration
            return Propagation(valid=False, complete=False, groups=(), parameters=(), conflict=conflict)
        rest = self._propagate(relaxed, reasons=True)
        return Propagation(
            valid=False, complete=False, groups=rest.groups, parameters=rest.parameters, conflict=conflict
        )

    def _range(self, code: str, assumptions: dict[Key, list[int]], selection: Selection) -> ParameterState:
        var = self.model.parameters[code]
        context = self._flat(assumptions, ("parameter", code))
        seen = [var.index_of(m) for m in self._pool if _agrees(m, context)]
        if not seen:
            found = self._solve(context)
            if found is None:
                return ParameterState(code, selection.parameters.get(code), None, None)
            seen = [var.index_of(found)]
        high, low = max(seen), min(seen)
        ge_lits = [var.ge(j) for j in range(1, len(var.values))]
        while high + 1 < len(var.values) and self._try_bound(var.ge(high + 1), context, ge_lits):
            high = var.index_of(self._pool[-1])
        while low > 0 and self._try_bound(-var.ge(low), context, [-lit for lit in ge_lits]):
            low = var.index_of(self._pool[-1])
        return ParameterState(
            code, selection.parameters.get(code), _decimal(var.values[low]), _decimal(var.values[high])
        )

    def _try_bound(self, literal: int, context: list[int], phases: list[int]) -> bool:
        """Tell whether `literal` (a bound) is possible; remember each proof that it is not.

        A proof is the unsat core: the context literals that forbid the bound. It stays a
        proof while those literals hold, so the next clicks skip the solver call.
        """
        have = set(context)
        if any(core <= have for core in self._bounds.get(literal, ())):
            return False
        self._fast.set_phases(phases)
        if self._solve([*context, literal]) is not None:
            return True
        core = frozenset(self._fast.get_core() or ()) - {literal}
        self._bounds.setdefault(literal, []).append(core)
        return False

    def _is_complete(self, selection: Selection) -> bool:
        product = self.model.product
        return (
            all(g.code in selection.choices for g in product.groups if g.required)
            and all(p.code in selection.parameters for p in product.parameters)
            and all(t.code in selection.texts for t in product.texts if t.required)
        )

    # -- the other operations --------------------------------------------------------------
    def validate(self, selection: Selection) -> Validation:
        """Return whether `selection` is a complete valid configuration, with every violation."""
        return self.checker.validate(selection)

    def price(self, selection: Selection, language: str = "en") -> Price:
        """Return the itemised price of `selection`."""
        return self.checker.price(selection, language)

    def complete(self, selection: Selection, *, parameters: bool = True) -> Completion:
        """Return a complete valid configuration that keeps `selection` and follows defaults.

        `parameters=False` decides every choice but fills in no parameter the selection
        leaves open (measurements are the shopper's); the choices still leave values for
        them that complete the configuration. The same selection gets the same answer
        every time (see `search.complete`).
        """
        from configurator.engine import search

        return search.complete(self, selection, parameters=parameters)

    def resolve(self, selection: Selection, group: str, option: str) -> Resolution:
        """Return the preferred smallest change to `selection` that makes `group = option` possible.

        Fewest decisions undone, then most defaults followed, then the cheapest total, then
        catalog order: the same answer every time (see `resolving`).
        """
        from configurator.engine import resolving

        return resolving.resolve(self, selection, group, option)

    def explain(self, selection: Selection, group: str, option: str) -> tuple[Reason, ...]:
        """Return a minimal set of rules and choices that exclude `group = option`."""
        from configurator.engine import search

        return search.explain(self, selection, group, option)

    # -- reading models back ---------------------------------------------------------------
    def selection_of(self, found: frozenset[int], base: Selection) -> Selection:
        """Return the complete selection a model describes (texts kept from `base`)."""
        m = self.model
        choices = {
            group: frozenset(code for code, lit in options.items() if lit in found)
            for group, options in m.options.items()
        }
        parameters = {code: _decimal(var.values[var.index_of(found)]) for code, var in m.parameters.items()}
        return Selection(choices=choices, parameters=parameters, texts=dict(base.texts))


class _Costs:
    """What solver calls and moves have cost so far, to tell whether moves pay off on this model.

    A move replaces a solver call only when it succeeds, so moves pay when the success
    rate times the time of a call exceeds the time of a move: on Renault (calls of
    milliseconds, moves of microseconds) by far; on small clause models, where a call
    takes a tenth of a millisecond and a flipped feature mostly breaks a clause, not.
    Explaining by unit propagation (`Session._derive`) is weighed against unsat cores the
    same way: per literal, with its success rate. The answers are exact either way; only
    the time changes.
    """

    TRIAL = 1000  # candidates tried before the rates are trusted

    def __init__(self) -> None:
        self.calls, self.call_seconds, self.covered = 0, 0.0, 0
        self.tries, self.wins, self.move_seconds = 0, 0, 0.0
        self.derive_seconds, self.derive_asked, self.derive_won = 0.0, 0, 0
        self.core_seconds, self.core_literals = 0.0, 0

    def solved(self, seconds: float) -> None:
        self.calls += 1
        self.call_seconds += seconds

    def found(self, options: int) -> None:
        """Count options a covering solver call settled (one call may settle thousands)."""
        self.covered += options

    def moved(self, seconds: float, tries: int, wins: int) -> None:
        self.tries += tries
        self.wins += wins
        self.move_seconds += seconds

    def derived(self, seconds: float, asked: int, explained: int) -> None:
        self.derive_seconds += seconds
        self.derive_asked += asked
        self.derive_won += explained

    def cored(self, seconds: float, literals: int) -> None:
        self.core_seconds += seconds
        self.core_literals += literals

    def derivations_pay(self) -> bool:
        """Tell whether explaining by unit propagation costs less per literal than unsat cores do."""
        if self.derive_asked < self.TRIAL or not self.core_literals:
            return True
        per_core = self.core_seconds / self.core_literals
        return self.derive_seconds < self.derive_won * per_core

    def moves_pay(self) -> bool:
        if self.tries < self.TRIAL or not self.calls:
            return True
        # A successful move saves what the solver spends per option it settles, not a whole call.
        return self.wins * self.call_seconds / max(self.calls, self.covered) >= self.move_seconds


@dataclass(frozen=True, slots=True)
class _Memo:
    """A group's answer: the context it was asked under, the options excluded (with reasons), its state."""

    have: frozenset[int]
    excluded: dict[int, tuple[Reason, ...]]
    state: GroupState


class _Cores:
    """Proofs kept for reuse (cores, propagations): each shows a literal impossible while its context holds.

    A long-lived session gathers many cores per option (every shopper's path leaves some),
    and scanning them all on every question made each click slower than the one before:
    on Renault the step median grew from 4.7 to 7.8 ms over 200 walks. They are indexed
    by one literal of each core (its anchor), so a look-up reads only the cores whose
    anchor holds; and an option keeps at most `KEEP`, so memory stays bounded.
    """

    KEEP = 512
    _DEAD = 0  # the anchor of a core that names no literal: it holds everywhere (0 is no literal)

    def __init__(self) -> None:
        self._by: dict[int, dict[int, list[tuple[frozenset[int], tuple[Reason, ...]]]]] = {}
        self._count: dict[int, int] = {}

    def find(self, literal: int, have: frozenset[int]) -> tuple[Reason, ...] | None:
        """Return the reasons of a kept core of `literal` whose context literals are all in `have`."""
        by = self._by.get(literal)
        if by is None:
            return None
        dead = by.get(self._DEAD)
        if dead:
            return dead[0][1]
        # Read whichever is shorter: the anchors kept, or the literals that hold.
        anchors = (a for a in by if a in have) if len(by) <= len(have) else (a for a in have if a in by)
        for anchor in anchors:
            for used, why in by[anchor]:
                if used <= have:
                    return why
        return None

    def add(self, literal: int, used: frozenset[int], why: tuple[Reason, ...]) -> None:
        """Keep a core: `literal` is impossible while `used` holds, for `why`."""
        count = self._count.get(literal, 0) + 1
        by = self._by.setdefault(literal, {})
        if count > self.KEEP:  # start again rather than track ages: cores are cheap to find again
            by.clear()
            count = 1
        self._count[literal] = count
        anchor = max(used, key=abs) if used else self._DEAD
        by.setdefault(anchor, []).append((used, why))


class _Context:
    """Assumption literals, with the sets that make "does this solution agree?" a C-speed test."""

    __slots__ = ("false", "have", "true")

    def __init__(self, literals: Iterable[int]) -> None:
        self.have = frozenset(literals)
        self.true = frozenset(lit for lit in self.have if lit > 0)
        self.false = frozenset(-lit for lit in self.have if lit < 0)

    @property
    def literals(self) -> list[int]:
        return list(self.have)

    def without(self, literals: Iterable[int]) -> _Context:
        """Return this context with `literals` left out."""
        out = _Context.__new__(_Context)
        out.have = self.have.difference(literals)
        out.true = self.true & out.have
        out.false = self.false.difference(-lit for lit in self.have - out.have)
        return out

    def holds(self, found: frozenset[int]) -> bool:
        """Tell whether a solution (its true variables) satisfies every literal."""
        return self.true <= found and found.isdisjoint(self.false)


def _agrees(found: frozenset[int], literals: Iterable[int]) -> bool:
    """Tell whether a model (its true variables) satisfies every literal."""
    return all((lit in found) if lit > 0 else (-lit not in found) for lit in literals)


def _decimal(value: Fraction) -> Decimal:
    """Return a grid value as a plain decimal ("50", "0.5"); grid values are exact decimals."""
    number = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(format(number.normalize(), "f"))
