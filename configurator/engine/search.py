"""Solver-backed answers beyond availability: complete and explain (resolve: resolving.py).

- `complete`: a complete valid configuration that keeps the selection, follows the
  defaults (group defaults, default rules, parameter defaults, in that order) where
  they fit, then takes "none" or the first available option of each open group.
- `explain`: a minimal set of rules and choices that exclude an option (deletion-based
  minimisation of an unsat core).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from configurator.engine.model import Group
from configurator.engine.selection import Selection
from configurator.engine.solving import Solving, agrees, flat
from configurator.engine.states import Propagation, Reason


@dataclass(frozen=True)
class Completion:
    """A complete configuration, or None when the selection itself is impossible."""

    configuration: Selection | None
    conflict: tuple[Reason, ...] = ()
    #: text fields the configuration needs but only the shopper can type (e.g. a monogram)
    texts_needed: tuple[str, ...] = ()


class _Fixer:
    """Grow a list of assumed literals while keeping a model that satisfies them."""

    def __init__(self, solving: Solving, fixed: list[int], found: frozenset[int]) -> None:
        self.solving, self.fixed, self.found = solving, fixed, found

    def try_(self, literals: Sequence[int]) -> bool:
        if agrees(self.found, literals) and all(abs(lit) in self.solving.watched for lit in literals):
            self.fixed.extend(literals)
            return True
        found = self.solving.solve([*self.fixed, *literals])
        if found is None:
            return False
        self.found = found
        self.fixed.extend(literals)
        return True


def complete(
    solving: Solving,
    propagate: Callable[[Selection], Propagation],
    selection: Selection,
    *,
    parameters: bool = True,
) -> Completion:
    """Return a complete valid configuration extending `selection`, following defaults.

    The order, each step kept only where it still fits everything fixed before it: the
    group defaults of open groups, the default rules, the parameter defaults, then for
    each open group "none" (optional groups) or its first fitting option in catalog
    order, then each parameter's smallest fitting value. Every step asks whether its
    literals fit the ones fixed so far, a question with one answer whatever the solver
    found before, so the same selection always gets the same configuration.

    With `parameters=False` no parameter is filled in (they are the shopper's measurements):
    every choice is still decided, and the choices made leave at least one value of each
    open parameter that completes them (no dead end). Parameters the shopper gave are
    kept as given either way; when they rule out every configuration the answer is None.
    Texts are never invented: the ones the configuration needs are in `texts_needed`.
    """
    model = solving.model
    with solving.lock:
        literals = flat(solving.assumptions(selection))
        found = solving.solve(literals)
        if found is None:
            return Completion(None, propagate(selection).conflict)
        fixer = _Fixer(solving, literals, found)
        open_groups = [g for g in model.product.groups if g.code not in selection.choices or g.kind == "multi"]
        _follow_defaults(fixer, selection, open_groups, parameters=parameters)
        for group in open_groups:
            _decide_group(fixer, group, selection.choices.get(group.code, frozenset()))
        if parameters:
            _smallest_parameters(fixer, selection)
        needed = tuple(
            code
            for code, lit in model.texts.items()
            if not selection.texts.get(code) and not fixer.try_([-lit])  # needed: it cannot be left empty
        )
        configuration = solving.selection_of(fixer.found, selection)
        values = dict(configuration.parameters) if parameters else {}
        configuration = Selection(
            choices=configuration.choices,
            parameters={**values, **selection.parameters},  # the shopper's values, exactly as given
            texts=configuration.texts,
        )
        return Completion(configuration, texts_needed=needed)


def _follow_defaults(fixer: _Fixer, selection: Selection, open_groups: list[Group], *, parameters: bool) -> None:
    """Fix each default that still fits: open groups' defaults, default rules, then parameter defaults."""
    model = fixer.solving.model
    for group in open_groups:
        if group.code in selection.choices:
            continue  # the shopper already ticked what they want here: no defaults on top
        for code in group.default:
            fixer.try_([model.options[group.code][code]])
    for preference in model.preferences:
        fixer.try_([preference.literal])
    if not parameters:
        return
    for parameter in model.product.parameters:
        if parameter.code not in selection.parameters and parameter.default is not None:
            var = model.parameters[parameter.code]
            fixer.try_(var.stating(var.values.index(Fraction(parameter.default))))


def _decide_group(fixer: _Fixer, group: Group, ticked: frozenset[str]) -> None:
    """Decide an open group: "none" where allowed, else its first fitting option in catalog order.

    A multi group gets no option beyond the ticked ones where that fits, else each option
    is left out in catalog order where that fits (the ones that cannot be are forced in).
    """
    model = fixer.solving.model
    options = [model.options[group.code][o.code] for o in group.options if o.active and o.code not in ticked]
    if group.kind == "multi":
        if not fixer.try_([-lit for lit in options]):
            for lit in options:
                fixer.try_([-lit])
        return
    if not group.required and fixer.try_([-model.group_set[group.code]]):
        return
    for lit in options:
        if fixer.try_([lit]):
            return


def _smallest_parameters(fixer: _Fixer, selection: Selection) -> None:
    """Fix each parameter the shopper left open to its smallest value that fits, in catalog order."""
    for code, var in fixer.solving.model.parameters.items():
        if code in selection.parameters:
            continue
        # The smallest feasible value: walk down from the model's value.
        index = var.index_of(fixer.found)
        while index > 0 and fixer.try_([-var.ge(index)]):
            index = var.index_of(fixer.found)
        fixer.try_(var.stating(index))


def explain(solving: Solving, selection: Selection, group: str, option: str) -> tuple[Reason, ...]:
    """Return a minimal set of rules and choices that make `group = option` impossible.

    An empty tuple means the option is possible with the selection (nothing to explain).
    """
    model = solving.model
    with solving.lock:
        assumptions = solving.assumptions(selection)
        if solving.kinds[group] != "multi":
            assumptions.pop(("group", group), None)
        target = model.options[group][option]
        solver = solving.guarded()
        rule_of = dict(solving.activators)
        parts: list[tuple[Reason, list[int]]] = [(Reason(rule=code), [lit]) for lit, code in rule_of.items()]
        parts += [(Reason(selection=key), lits) for key, lits in assumptions.items()]
        if solver.solve(assumptions=[target, *(lit for _, lits in parts for lit in lits)]):
            return ()
        core = set(solver.get_core() or ())
        needed = [part for part in parts if core & set(part[1])]
        index = 0
        while index < len(needed):
            trial = needed[:index] + needed[index + 1 :]
            if not solver.solve(assumptions=[target, *(lit for _, lits in trial for lit in lits)]):
                needed = trial
            else:
                index += 1
        return tuple(reason for reason, _ in needed)
