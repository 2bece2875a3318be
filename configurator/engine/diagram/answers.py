"""Read a selection's availability and parameter ranges off a diagram's valid domains.

The same answers, with the same "switch" semantics, as `Session.propagate` gives without
reasons: an open group's options, and a multi group's unticked ones, are judged under
the whole selection; a decided single-choice group's other options, and a set
parameter's range, with that decision's own assumption dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from configurator.engine.compiler import CompiledModel
from configurator.engine.diagram import Diagram, Key
from configurator.engine.selection import Selection


@dataclass(frozen=True)
class Availability:
    """Per group, per option: whether it is available; per parameter: its (min, max) or None."""

    options: dict[str, dict[str, bool]]
    ranges: dict[str, tuple[Decimal, Decimal] | None]


def availability(
    diagram: Diagram, model: CompiledModel, assumptions: Mapping[Key, Sequence[int]], selection: Selection
) -> Availability | None:
    """Return what `selection` (stated by `assumptions`) leaves available; None if it has no configuration."""
    kinds = {group.code: group.kind for group in model.product.groups}
    switch = [("group", code) for code in selection.choices if kinds[code] == "choice"]
    switch += [("parameter", code) for code in selection.parameters]
    possible = diagram.domains(assumptions, switch)
    if possible is None:
        return None
    options: dict[str, dict[str, bool]] = {}
    for group, lits in model.options.items():
        chosen = selection.choices.get(group, frozenset())
        options[group] = {code: code in chosen or lit in possible for code, lit in lits.items()}
    ranges: dict[str, tuple[Decimal, Decimal] | None] = {}
    for code, var in model.parameters.items():
        last = len(var.values) - 1
        high = max((j for j in range(1, last + 1) if var.ge(j) in possible), default=0)
        low = min((j for j in range(last) if -var.ge(j + 1) in possible), default=last)
        ranges[code] = (_decimal(var.values[low]), _decimal(var.values[high]))
    return Availability(options, ranges)


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)
