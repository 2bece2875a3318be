"""Valid domains for a selection: every group's options with availability and reasons, parameter ranges.

Exact (backtrack-free): an option is available if and only if the selection plus that
option extends to a complete valid configuration. A decided choice group is answered
under the other groups' choices ("switch" semantics: what the shopper may switch to); a
multi group's unticked options under the whole selection. Options come from witnesses
(witnesses.py), reasons from proofs (proofs.py); a group's answer is kept (caches.Memos)
and the next click that extends its context asks only the options it had available.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from configurator.engine.caches import Bounds, Memo, Memos
from configurator.engine.diagram import Diagram
from configurator.engine.diagram.kernel import Possible
from configurator.engine.model import Group
from configurator.engine.proofs import Proofs
from configurator.engine.selection import Selection
from configurator.engine.solving import Context, Solving, agrees, flat
from configurator.engine.states import GroupState, Key, ParameterState, Propagation, Reason, grid_decimal
from configurator.engine.witnesses import Witnesses

Assumptions = dict[Key, list[int]]


class Availability:
    """Answer "what is still possible?" for a selection (callers hold the solving lock)."""

    def __init__(
        self,
        solving: Solving,
        witnesses: Witnesses,
        proofs: Proofs,
        caches: tuple[Memos, Bounds],
        diagram: Diagram | None = None,
    ) -> None:
        self.solving, self.witnesses, self.proofs = solving, witnesses, proofs
        self.memos, self.bounds = caches
        #: the compiled solution space, when the session answers from it (see `propagate`)
        self.diagram = diagram
        model = solving.model
        self._groups = model.product.groups
        self._option_vars = frozenset(model.option_of)
        self._open_states: dict[str, GroupState] = {}  # see _all_available
        #: the states of open groups whose unavailable options are all dead, by (group, with reasons, those options)
        self._dead_states: dict[tuple[str, bool, frozenset[int]], GroupState] = {}

    def propagate(self, selection: Selection, *, reasons: bool) -> Propagation:
        """Return every group's options with availability (and reasons), and parameter ranges.

        With a compiled diagram, availability and ranges come from its valid domains (one
        pass, no solver call); reasons for the options it excludes still come from proofs.
        """
        solving = self.solving
        assumptions = solving.assumptions(selection)
        whole = Context(flat(assumptions))
        possible: Possible | None = None
        if self.diagram is not None:
            possible = self.diagram.domains(assumptions, self._switched(selection))
            if possible is None:
                return self._invalid(selection, assumptions)
        # A solution found earlier (the witness of the latest click) often proves the selection valid.
        elif next(solving.recent(whole), None) is None and solving.solve(whole.literals) is None:
            return self._invalid(selection, assumptions)
        memos, asked = self._kept(selection, whole, reasons)
        proven: dict[int, tuple[Reason, ...]] = {}
        if possible is None:
            available = self.witnesses.available(whole, list(asked), proven)
        else:
            available = possible.among(asked)
        # Only groups with an option newly out, or a choice, need a look: the others are all
        # available, or as their kept answer says (a big model has thousands of groups).
        option_of = solving.model.option_of
        touched = {option_of[lit][0] for lit in asked.difference(available)}
        touched.update(selection.choices)
        states: list[GroupState] = []
        for group in self._groups:
            memo = memos.get(group.code)
            if group.code not in touched:
                states.append(memo.state if memo is not None else self._all_available(group))
                continue
            chosen = selection.choices.get(group.code)
            if chosen is None or group.kind == "multi":
                state = self._state(group, chosen, memo, whole, available, proven, reasons)
            else:  # judged under the other groups' choices ("switch" semantics)
                options = solving.model.options[group.code].values()
                switched = None if possible is None else possible.among(options)
                own = assumptions[("group", group.code)]
                state = self._state(group, chosen, memo, partial(whole.without, own), switched, {}, reasons)
            states.append(state)
        if possible is None:
            parameters = tuple(self._range(code, assumptions, selection) for code in solving.model.parameters)
        else:
            parameters = tuple(self._diagram_range(code, possible, selection) for code in solving.model.parameters)
        complete = self._is_complete(selection)
        return Propagation(valid=True, complete=complete, groups=tuple(states), parameters=parameters)

    def _switched(self, selection: Selection) -> list[Key]:
        """Return the decisions answered with their own assumption dropped: decided choice groups, set parameters."""
        kinds = self.solving.kinds
        switch: list[Key] = [("group", code) for code in selection.choices if kinds[code] == "choice"]
        switch += [("parameter", code) for code in selection.parameters]
        return switch

    def _kept(self, selection: Selection, whole: Context, reasons: bool) -> tuple[dict[str, Memo], set[int]]:
        """Return the kept group answers that still hold, and what to ask.

        An earlier answer for a group, asked under fewer choices, still holds for the options it
        excluded (more choices only exclude more): only the options it had available are asked,
        under the whole selection: the options of open groups and the unticked ones of multi
        groups. A big model has thousands of groups, so they are gathered with set operations.
        A decided choice group's answer was kept under the other groups' choices, which never
        hold its own: it still holds when the whole selection contains them.
        """
        options_of = self.solving.model.options
        kinds = self.solving.kinds
        memos: dict[str, Memo] = {}
        asked = set(self._option_vars)
        for code, ticked in selection.choices.items():
            options = options_of[code]
            memo = self.memos.of(ticked, reasons).get(code)
            multi = kinds[code] == "multi"
            asked.difference_update(options[c] for c in ticked) if multi else asked.difference_update(options.values())
            if memo is not None and whole.have.issuperset(memo.have):
                memos[code] = memo
                self.memos.used(code, ticked, reasons)
                if multi:
                    asked.difference_update(memo.excluded)
        contains: dict[int, bool] = {}  # id of a kept context -> whether the selection contains it (few differ)
        for code, memo in self.memos.of(None, reasons).items():
            if code in selection.choices:
                continue
            ok = contains.get(id(memo.have))
            if ok is None:
                ok = contains[id(memo.have)] = whole.have.issuperset(memo.have)
            if ok:
                memos[code] = memo
                self.memos.used(code, None, reasons)
                asked.difference_update(memo.excluded)
        return memos, asked

    def _state(
        self,
        group: Group,
        chosen: frozenset[str] | None,
        memo: Memo | None,
        context: Context | Callable[[], Context],
        available: set[int] | None,
        proven: dict[int, tuple[Reason, ...]],
        reasons: bool,
    ) -> GroupState:
        """Return one group's state under `context`, and keep it for the next clicks (see `Memos`).

        `available`: what is available among the group's options asked under `context`
        (with `proven`, reasons kept cores gave); None to ask the group's unticked options here.
        `context` may come as the function that makes it, called only when it is needed.
        """
        options = self.solving.model.options[group.code]
        kept: dict[int, tuple[Reason, ...]] = memo.excluded if memo is not None else {}
        chosen_lits = {options[c] for c in chosen or ()}
        if available is None:
            context = context if isinstance(context, Context) else context()
            others = [lit for lit in options.values() if lit not in chosen_lits and lit not in kept]
            available = self.witnesses.available(context, others, proven)
        excluded = [
            lit for lit in options.values() if lit not in available and lit not in chosen_lits and lit not in kept
        ]
        if memo is not None and not excluded:  # nothing newly excluded: the same state as before
            return memo.state
        if not isinstance(context, Context):
            context = context()
        dead_key = None
        if chosen is None:
            # Options impossible in any configuration (dead features) keep the same reasons.
            dead_key = (group.code, reasons, frozenset((*kept, *excluded)))
            state = self._dead_states.get(dead_key)
            if state is not None:
                return state
        why = {**kept, **self.proofs.why(excluded, context, proven)} if reasons and excluded else kept
        option_states = []
        shared = self.proofs.shared
        for option in group.options:
            lit = options[option.code]
            ok = lit in available or lit in chosen_lits
            why_not = () if ok else why.get(lit, ())
            option_states.append(shared.option(group.code, option.code, ok, lit in chosen_lits, why_not))
        state = GroupState(group.code, chosen is not None, tuple(sorted(chosen or ())), tuple(option_states))
        dead = self.proofs.dead
        if dead_key is not None and all(why.get(lit, ()) is dead.get(lit) for lit in (*kept, *excluded)):
            self._dead_states[dead_key] = state  # reasons that name no choice hold everywhere
        all_excluded = {**kept, **{lit: why.get(lit, ()) for lit in excluded}}
        self.memos.remember(group.code, chosen, reasons, Memo(context.sorted(), all_excluded, state))
        return state

    def _all_available(self, group: Group) -> GroupState:
        """Return the state of an open group whose options are all available (the same every time)."""
        state = self._open_states.get(group.code)
        if state is None:
            shared = self.proofs.shared
            options = tuple(shared.option(group.code, option.code, True, False, ()) for option in group.options)
            state = self._open_states[group.code] = GroupState(group.code, False, (), options)
        return state

    def _invalid(self, selection: Selection, assumptions: Assumptions) -> Propagation:
        """Describe an impossible selection, and propagate the rest of it."""
        core = self.solving.core(flat(assumptions))
        owner = {lit: key for key, lits in assumptions.items() for lit in lits}
        used, rules = core if core is not None else (frozenset(), ())
        keys = list(dict.fromkeys(owner[u] for u in used if u in owner))
        conflict = tuple(Reason(rule=r) for r in rules) + tuple(Reason(selection=k) for k in keys)
        relaxed = selection
        for key in keys:
            relaxed = relaxed.without(key)
        if not keys:  # the product itself has no valid configuration
            return Propagation(valid=False, complete=False, groups=(), parameters=(), conflict=conflict)
        rest = self.propagate(relaxed, reasons=True)
        return Propagation(
            valid=False, complete=False, groups=rest.groups, parameters=rest.parameters, conflict=conflict
        )

    def _diagram_range(self, code: str, possible: Possible, selection: Selection) -> ParameterState:
        """Return the range of parameter `code` read off the diagram's valid domains (`x >= value` literals)."""
        var = self.solving.model.parameters[code]
        last = len(var.values) - 1
        high = max((j for j in range(1, last + 1) if var.ge(j) in possible), default=0)
        low = min((j for j in range(last) if -var.ge(j + 1) in possible), default=last)
        return ParameterState(
            code, selection.parameters.get(code), grid_decimal(var.values[low]), grid_decimal(var.values[high])
        )

    def _range(self, code: str, assumptions: Assumptions, selection: Selection) -> ParameterState:
        """Return the range of values of parameter `code` the other decisions leave possible."""
        solving = self.solving
        var = solving.model.parameters[code]
        context = flat(assumptions, ("parameter", code))
        seen = [var.index_of(m) for m in solving.pool if agrees(m, context)]
        if not seen:
            found = solving.solve(context)
            if found is None:
                return ParameterState(code, selection.parameters.get(code), None, None)
            seen = [var.index_of(found)]
        high, low = max(seen), min(seen)
        ge_lits = [var.ge(j) for j in range(1, len(var.values))]
        while high + 1 < len(var.values) and self._try_bound(var.ge(high + 1), context, ge_lits):
            high = var.index_of(solving.pool[-1])
        while low > 0 and self._try_bound(-var.ge(low), context, [-lit for lit in ge_lits]):
            low = var.index_of(solving.pool[-1])
        return ParameterState(
            code, selection.parameters.get(code), grid_decimal(var.values[low]), grid_decimal(var.values[high])
        )

    def _try_bound(self, literal: int, context: list[int], phases: list[int]) -> bool:
        """Tell whether `literal` (a bound) is possible; remember each proof that it is not.

        A proof is the unsat core: the context literals that forbid the bound. It stays a
        proof while those literals hold, so the next clicks skip the solver call.
        """
        have = set(context)
        if self.bounds.proven(literal, have):
            return False
        self.solving.set_phases(phases)
        if self.solving.solve([*context, literal]) is not None:
            return True
        self.bounds.add(literal, self.solving.last_core() - {literal})
        return False

    def _is_complete(self, selection: Selection) -> bool:
        product = self.solving.model.product
        return (
            all(g.code in selection.choices for g in product.groups if g.required)
            and all(p.code in selection.parameters for p in product.parameters)
            and all(t.code in selection.texts for t in product.texts if t.required)
        )
