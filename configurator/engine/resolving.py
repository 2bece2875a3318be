"""Choose an option anyway: the preferred smallest change that makes it possible.

`resolve(selection, group, option)` answers "choose this anyway: we will change X and Y".
The shopper's decisions are: each decided choice group (its option, or "none"), each
ticked option of a multi group, each measurement entered, each text typed (or left
empty). A change undoes some of them: a choice group gets another option (or "none"
where the group is optional), a ticked option is unticked, a measurement is cleared
(measurements are the shopper's body: never replaced by an invented value), a text is
cleared. Among the changes that make the wanted option possible, the answer is the one
that comes first in this order:

1. fewest decisions undone;
2. most of the catalog's defaults followed by the new selection (`Checker.defaults_followed`:
   each group's default options chosen, plus each default rule whose condition does not
   hold or whose preference does), as `complete` follows them;
3. cheapest total price of the new selection, as the page shows it right after;
4. catalog order: the undone decisions earliest in the catalog (groups in order, a multi
   group's ticks in option order, then measurements, then texts), compared as sorted
   lists; then the new options of the changed groups, in group order, earliest option
   first ("none" before every option).

The answer depends only on the model and the question, never on what was asked before:
the smallest changes are all found (a hitting-set search over unsat cores, exact), and the
candidates are then checked in the stated order, the first that fits being the answer.
A change needing more than `EXACT_SIZE` decisions is made minimal rather than smallest,
and its new options are chosen group by group (see `_Search._minimal`, `_Chooser._greedy`):
still the same answer every time. Decision 22 has the measurements.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import product as cartesian

from configurator.engine.checking import CENT, Checker
from configurator.engine.model import Group
from configurator.engine.selection import Selection
from configurator.engine.solving import Solving, agrees
from configurator.engine.states import Key


@dataclass(frozen=True)
class Change:
    """One decision `resolve` changes: `key` from `before` to `after` (option codes or values)."""

    key: Key
    before: tuple[str, ...]
    after: tuple[str, ...]


@dataclass(frozen=True)
class Resolution:
    possible: bool
    selection: Selection | None
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class _Decision:
    """One decision of the shopper's that a change may undo, in catalog order."""

    key: Key
    option: str | None  # the ticked option, for a multi group's decision
    literals: tuple[int, ...]


@dataclass(frozen=True)
class _Candidate:
    """A change: the decisions undone (indices) and the new option of each changed choice group ("" = none)."""

    undone: frozenset[int]
    values: tuple[tuple[str, str], ...]
    rank: tuple[int, Decimal, tuple[int, ...], tuple[int, ...]]
    known: bool = False  # listed by the solver: it fits


#: size of the largest change searched exactly; a larger one is made minimal, not minimum (see `_Search`)
EXACT_SIZE = 4
#: option combinations of one set of changed groups ranked in Python before the solver lists them instead
RANKED = 512


def resolve(solving: Solving, checker: Checker, selection: Selection, group: str, option: str) -> Resolution:
    """Return the preferred smallest change to `selection` that makes `group = option` possible."""
    multi = solving.kinds[group] == "multi"
    ticked = selection.choices.get(group, frozenset())
    base = Selection(
        choices={**selection.choices, group: ticked | {option} if multi else frozenset([option])},
        parameters=selection.parameters,
        texts=selection.texts,
    )
    with solving.lock:
        wanted = [solving.model.options[group][option]]
        decisions = _decisions(solving, base, group, option)
        search = _Search(solving, wanted, decisions)
        undone_sets = search.smallest()
        if undone_sets is None:
            return Resolution(False, None, ())
        best = _Chooser(solving, checker, base, wanted, decisions).best(undone_sets, approximate=search.approximate)
        return _resolution(selection, base, decisions, best)


def _decisions(solving: Solving, base: Selection, group: str, option: str) -> list[_Decision]:
    """Return the decisions of `base` a change may undo (all but the wanted option), in catalog order."""
    assumptions = solving.assumptions(base)
    model = solving.model
    out: list[_Decision] = []
    for g in model.product.groups:
        chosen = base.choices.get(g.code)
        if chosen is None:
            continue
        key = ("group", g.code)
        if g.kind == "multi":
            ticks = [o.code for o in g.options if o.code in chosen and (g.code, o.code) != (group, option)]
            out += [_Decision(key, code, (model.options[g.code][code],)) for code in ticks]
        elif g.code != group:
            out.append(_Decision(key, None, _stating(solving, g.code, next(iter(chosen), ""))))
    for kind, codes in (("parameter", base.parameters), ("text", base.texts)):
        items = model.product.parameters if kind == "parameter" else model.product.texts
        out += [_Decision((kind, i.code), None, tuple(assumptions[(kind, i.code)])) for i in items if i.code in codes]
    return out


class _Search:
    """Find every smallest set of decisions whose undoing makes the wanted option possible.

    Iterative deepening over the size k: a set that misses a known unsat core branches on
    that core's decisions (one of them must be undone); a set that meets every known core
    is asked to the solver, which either accepts it or gives a new core. Every smallest
    set is found whatever the cores look like (they depend on the solver's history, the
    sets do not). Past `EXACT_SIZE` the search stops deepening and undoes decisions from
    the last in catalog order that keeps it possible: minimal, the same every time, maybe
    not the smallest.
    """

    def __init__(self, solving: Solving, wanted: list[int], decisions: list[_Decision]) -> None:
        self.solving, self.wanted, self.decisions = solving, wanted, decisions
        self.cores: list[frozenset[int]] = []
        self.impossible = False
        self.approximate = False  # past EXACT_SIZE: a minimal change, maybe not the smallest
        self.found: frozenset[int] = frozenset()  # the solution of the latest set that fits

    def fits(self, undone: frozenset[int]) -> bool:
        """Tell whether undoing `undone` makes the wanted option possible; keep the core when not."""
        kept = [lit for i, d in enumerate(self.decisions) if i not in undone for lit in d.literals]
        found = _solution(self.solving, [*self.wanted, *kept])
        if found is not None:
            self.found = found
            return True
        core = set(self.solving.last_core())
        owner = {lit: i for i, d in enumerate(self.decisions) if i not in undone for lit in d.literals}
        found = frozenset(owner[lit] for lit in core if lit in owner)
        self.impossible = self.impossible or not found  # impossible whatever the shopper chose
        self.cores.append(found)
        return False

    def smallest(self) -> list[frozenset[int]] | None:
        """Return every smallest set of decisions to undo, or None when the option is impossible."""
        for size in range(min(EXACT_SIZE, len(self.decisions)) + 1):
            found: set[frozenset[int]] = set()
            self._grow(frozenset(), size, found, set())
            if self.impossible:
                return None
            if found:
                return sorted(found, key=sorted)
        return self._minimal()

    def _grow(self, undone: frozenset[int], size: int, found: set[frozenset[int]], seen: set[frozenset[int]]) -> None:
        if undone in seen or self.impossible:
            return
        seen.add(undone)
        missed = min((core for core in self.cores if not core & undone), key=len, default=None)
        if missed is None:
            if self.fits(undone):
                found.add(undone)
                return
            missed = self.cores[-1]
        if len(undone) < size:
            for index in sorted(missed):
                self._grow(undone | {index}, size, found, seen)

    def _minimal(self) -> list[frozenset[int]] | None:
        """Undo every decision, then keep each again, in catalog order, where the option stays possible."""
        undone = frozenset(range(len(self.decisions)))
        if not self.fits(undone):
            return None
        found = self.found
        for index in range(len(self.decisions)):
            # The latest solution proves a decision it agrees with can be kept: no solver call.
            if agrees(found, self.decisions[index].literals):
                undone -= {index}
            elif self.fits(undone - {index}):
                undone -= {index}
                found = self.found
        self.approximate = True
        return [undone]


class _Chooser:
    """Rank the candidate changes by the stated order and return the first one that fits."""

    def __init__(
        self, solving: Solving, checker: Checker, base: Selection, wanted: list[int], decisions: list[_Decision]
    ) -> None:
        self.solving, self.checker = solving, checker
        self.base, self.wanted, self.decisions = base, wanted, decisions
        product = solving.model.product
        self.groups = {g.code: g for g in product.groups}
        self.position = {g.code: {o.code: i for i, o in enumerate(g.options)} for g in product.groups}
        self.prices = {g.code: {o.code: o.price for o in g.options} for g in product.groups}
        self.cores: list[frozenset[int]] = []  # literal sets found impossible, to skip candidates without a call
        shares = [self._share(code, base.choices) for code in base.choices]
        #: the base selection's defaults chosen, and its base price plus option prices
        self.base_share = (
            sum(followed for followed, _ in shares),
            product.base_price + sum((price for _, price in shares), Decimal(0)),
        )

    def best(self, undone_sets: Sequence[frozenset[int]], *, approximate: bool = False) -> _Candidate:
        """Return the first candidate in the stated order that fits (`approximate`: see `_greedy`)."""
        if approximate:
            return self._greedy(undone_sets[0])
        ranked: list[_Candidate] = []
        for undone in undone_sets:
            ranked += self._candidates(undone)
        ranked.sort(key=lambda candidate: candidate.rank)
        for candidate in ranked:
            if candidate.known or self._fits(candidate.undone, candidate.values):
                return candidate
        raise AssertionError("a set of decisions the search accepted has no option that fits")  # pragma: no cover

    def _greedy(self, undone: frozenset[int]) -> _Candidate:
        """Give each changed group, in catalog order, its default, else its cheapest, else its first option that fits.

        For the large changes past `EXACT_SIZE` (many groups, too many combinations to rank):
        the same every time, but not always the combination the stated order ranks first.
        """
        values: tuple[tuple[str, str], ...] = ()
        for group in self._changed(undone):
            prices, position = self.prices[group.code], self.position[group.code]
            codes = sorted(
                self._domain(group),
                key=lambda c: (c not in group.default, prices.get(c, Decimal(0)), position.get(c, -1)),
            )
            values += next(((group.code, c),) for c in codes if self._fits(undone, (*values, (group.code, c))))
        return self._rank(undone, values, known=True)

    def _changed(self, undone: frozenset[int]) -> list[Group]:
        return [
            self.groups[d.key[1]]
            for i, d in enumerate(self.decisions)
            if i in undone and d.key[0] == "group" and d.option is None
        ]

    def _candidates(self, undone: frozenset[int]) -> list[_Candidate]:
        """Return the candidates undoing `undone`: every new option of each changed group, ranked."""
        changed = self._changed(undone)
        domains = [self._domain(g) for g in changed]
        count = 1
        for domain in domains:
            count *= len(domain)
        if count > RANKED:  # too many to rank in Python: let the solver list the ones that fit
            return [self._rank(undone, values, known=True) for values in self._fitting(undone, changed)]
        combos = cartesian(*([(g.code, code) for code in domain] for g, domain in zip(changed, domains, strict=True)))
        return [self._rank(undone, tuple(values)) for values in combos]

    def _domain(self, group: Group) -> list[str]:
        before = self.base.choices.get(group.code, frozenset())
        codes = [o.code for o in group.options if o.active and frozenset([o.code]) != before]
        return ["", *codes] if not group.required and before else codes

    def _rank(self, undone: frozenset[int], values: tuple[tuple[str, str], ...], known: bool = False) -> _Candidate:
        """Rank a candidate by the stated order: defaults followed (negated), price, undone decisions, new options.

        Only the groups a candidate touches differ from the base selection, so their share of
        the defaults and of the option prices is swapped (a big model has hundreds of groups);
        rules are evaluated on the whole new selection.
        """
        selection = _new_selection(self.base, self.decisions, undone, values)
        touched = {g for g, _ in values} | {self.decisions[i].key[1] for i in undone if self.decisions[i].option}
        followed, options = self.base_share
        for code in touched:
            before, after = self._share(code, self.base.choices), self._share(code, selection.choices)
            followed += after[0] - before[0]
            options += after[1] - before[1]
        checker = self.checker
        followed += checker.default_rules_followed(selection)
        price = (options + sum((amount for _, amount in checker.price_rules(selection)), Decimal(0))).quantize(CENT)
        positions = tuple(-1 if not code else self.position[g][code] for g, code in values)
        return _Candidate(undone, values, (-followed, price, tuple(sorted(undone)), positions), known)

    def _share(self, code: str, choices: Mapping[str, frozenset[str]]) -> tuple[int, Decimal]:
        """Return a group's share of a selection's score: its default options chosen, their prices."""
        chosen = choices.get(code, frozenset())
        group = self.groups[code]
        return len(chosen.intersection(group.default)), sum((self.prices[code][o] for o in chosen), Decimal(0))

    def _literals(self, undone: frozenset[int], values: tuple[tuple[str, str], ...]) -> list[int]:
        kept = [lit for i, d in enumerate(self.decisions) if i not in undone for lit in d.literals]
        chosen = [lit for g, code in values for lit in _stating(self.solving, g, code)]
        return [*self.wanted, *kept, *chosen]

    def _fits(self, undone: frozenset[int], values: tuple[tuple[str, str], ...]) -> bool:
        """Tell whether undoing `undone` with these new options fits (a kept core may say no without a call)."""
        literals = self._literals(undone, values)
        have = set(literals)
        if any(core <= have for core in self.cores):
            return False
        if _solution(self.solving, literals) is not None:
            return True
        self.cores.append(self.solving.last_core() or frozenset(literals))
        return False

    def _fitting(self, undone: frozenset[int], changed: list[Group]) -> Iterator[tuple[tuple[str, str], ...]]:
        """List every combination of new options of `changed` that fits, one solver call each (plus one)."""
        solving = self.solving
        model = solving.model
        literals = self._literals(undone, ())
        selector = solving.fresh()
        try:
            while (found := solving.solve([*literals, selector])) is not None:
                values = tuple(
                    (g.code, next((o for o, lit in model.options[g.code].items() if lit in found), "")) for g in changed
                )
                yield values
                # Another combination: some group with another option (or any option, for one that had none).
                block = [-lit for g, code in values if code for lit in _stating(solving, g, code)]
                block += [lit for g, code in values if not code for lit in model.options[g].values()]
                solving.add_clause([-selector, *block])
        finally:
            solving.add_clause([-selector])
            solving.retire_selectors()


def _stating(solving: Solving, group: str, code: str) -> tuple[int, ...]:
    """Return the literals stating a choice group's option, or "none" as every option out ("" = none).

    Only option literals: a solution keeps those (`Solving.solve`), so whether one agrees
    is a set test, with no solver call.
    """
    options = solving.model.options[group]
    return (options[code],) if code else tuple(-lit for lit in options.values())


def _solution(solving: Solving, literals: Sequence[int]) -> frozenset[int] | None:
    """Return a solution with every literal: a recent one that has them (no solver call), else the solver's."""
    return solving.solution(literals)


def _new_selection(
    base: Selection, decisions: list[_Decision], undone: frozenset[int], values: tuple[tuple[str, str], ...]
) -> Selection:
    """Return `base` with the `undone` decisions undone and the changed choice groups set to `values`."""
    choices = dict(base.choices)
    parameters = dict(base.parameters)
    texts = dict(base.texts)
    for index in sorted(undone):
        decision = decisions[index]
        kind, code = decision.key
        if decision.option is not None:
            choices[code] = choices[code] - {decision.option}
        elif kind == "parameter":
            del parameters[code]
        elif kind == "text":
            del texts[code]
    choices.update((g, frozenset([code]) if code else frozenset()) for g, code in values)
    return Selection(choices=choices, parameters=parameters, texts=texts)


def _resolution(selection: Selection, base: Selection, decisions: list[_Decision], best: _Candidate) -> Resolution:
    """Describe `best` as the new selection and its changes, in catalog order."""
    new = _new_selection(base, decisions, best.undone, best.values)
    changes: list[Change] = []
    for key in dict.fromkeys(decisions[i].key for i in sorted(best.undone)):
        kind, code = key
        if kind == "group":
            before = tuple(sorted(selection.choices.get(code, ())))
            changes.append(Change(key, before, tuple(sorted(new.choices[code]))))
        elif kind == "parameter":
            changes.append(Change(key, (format(selection.parameters[code], "f"),), ()))
        else:
            changes.append(Change(key, (selection.texts[code],), ("",)))
    return Resolution(True, new, tuple(changes))
