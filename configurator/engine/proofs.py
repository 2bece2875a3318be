"""Why options are unavailable: derivations by unit propagation, unsat cores, kept proofs.

Each unavailable option is explained by the unit propagation that rules it out,
followed back to its choices and rules, or else by an unsat core over rule activation
literals (options of a group share one core). A proof shows a literal impossible while
the context literals it uses hold, so it is kept (caches.Cores) and reused on the next
clicks that keep those choices; a proof that uses none holds everywhere (dead options).
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from configurator.engine.caches import Cores
from configurator.engine.sharing import Shared
from configurator.engine.solving import Context, Solving
from configurator.engine.states import Reason

#: a proof that a literal holds: the context literals it uses and the rules it names
Proof = tuple[frozenset[int], frozenset[str]]
#: a clause of the model and the rule it belongs to (None: a hard clause)
Antecedent = tuple[tuple[int, ...], str | None]


class Proofs:
    """Find, keep and reuse the reasons that exclude options."""

    #: literals one derivation may visit before the question goes to an unsat core instead
    DERIVE_STEPS = 2000

    def __init__(self, solving: Solving, cores: Cores) -> None:
        self.solving = solving
        self.cores = cores
        #: equal reasons and option states as one object each (the answers keep many)
        self.shared = Shared()
        #: options no configuration has, with their reasons (which name no choice)
        self.dead: dict[int, tuple[Reason, ...]] = {}
        #: see derive: the latest context's propagation (position of each forced literal, proofs found)
        self._trail: tuple[Context, dict[int, int], dict[int, Proof | None]] | None = None
        self._forced_by: dict[int, Proof | None] = {}  # see _forced
        self._index: dict[int, list[Antecedent]] | None = None  # see _clause_index

    def why(
        self, literals: list[int], context: Context, proven: dict[int, tuple[Reason, ...]] | None = None
    ) -> dict[int, tuple[Reason, ...]]:
        """Return the reasons that exclude each of `literals`, each impossible under `context`.

        A kept proof shows a literal impossible while its context literals hold. The
        literals without one share a single new unsat core, of "the context and any of
        them": one solver call when a click rules out many options of a group at once, for
        a reason that may name a rule or a choice more than a single option needs.
        """
        have = context.have
        out: dict[int, tuple[Reason, ...]] = {}
        missing = []
        cached = self.cores.find
        proven = proven or {}
        for literal in literals:
            known = proven[literal] if literal in proven else cached(literal, have)
            if known is None:
                missing.append(literal)
            else:
                out[literal] = known
        if not missing:
            return out
        costs = self.solving.costs
        # Most exclusions of a clause model follow by unit propagation: explained without a core
        # (where that pays: table models propagate through long chains of auxiliary variables).
        derived: dict[int, Proof] = {}
        if costs.derivations_pay():
            start = time.perf_counter()
            derived = self._derive(missing, context)
            costs.derived(time.perf_counter() - start, len(missing), len(derived))
        for literal, (forcing, forced_by) in derived.items():
            out[literal] = self.keep([literal], forcing, sorted(forced_by))
        missing = [literal for literal in missing if literal not in derived]
        if not missing:
            return out
        start = time.perf_counter()
        if len(missing) == 1:
            core = self.solving.core([missing[0], *context.literals])
            used, rules = core if core is not None else (frozenset(), ())  # None cannot happen: it is impossible
        else:
            used, rules = self.solving.core_of_any(missing, context.literals)
        costs.cored(time.perf_counter() - start, len(missing))
        why = self.keep(missing, used & have, rules)
        out.update(dict.fromkeys(missing, why))
        return out

    def keep(self, literals: list[int], used: frozenset[int], rules: Iterable[str]) -> tuple[Reason, ...]:
        """Keep a proof that `literals` are impossible while `used` holds; return its reasons.

        The reasons are its rules, then the choices its context literals state; a proof that
        uses no context literal holds whatever the shopper chooses (dead options).
        """
        key_of, shared = self.solving.key_of, self.shared
        why = shared.why(
            tuple(shared.reason(rule=r) for r in rules)
            + tuple(
                shared.reason(selection=key)
                for key in dict.fromkeys(key_of[u] for u in sorted(used, key=abs) if u in key_of)
            )
        )
        self.cores.add(literals, used, why)
        if not used:
            self.dead.update(dict.fromkeys(literals, why))
        return why

    def _derive(self, literals: list[int], context: Context) -> dict[int, Proof]:
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
            ok, implied = self.solving.unit_propagate(context.literals)
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
        chosen: dict[int, Antecedent] = {}
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

    def _antecedent(self, lit: int, at: int, position: dict[int, int]) -> Antecedent | None:
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
            ok, _implied = self.solving.unit_propagate([-literal])
            if not ok:
                core = self.solving.core([-literal])
                if core is not None:
                    proof = (frozenset(), frozenset(core[1]))
            self._forced_by[literal] = proof
        return self._forced_by[literal]

    def _clause_index(self) -> dict[int, list[Antecedent]]:
        """Return literal -> the model's clauses containing it, with their rule (None: a hard clause)."""
        if self._index is None:
            model = self.solving.model
            index: dict[int, list[Antecedent]] = {}
            for code, clauses in (("", model.clauses), *model.rule_clauses.items()):
                for clause in clauses:
                    entry = (tuple(clause), code or None)
                    for lit in entry[0]:
                        index.setdefault(lit, []).append(entry)
            self._index = index
        return self._index
