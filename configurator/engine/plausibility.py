"""Plausibility warnings: soft advice on the shopper's measurements, never a constraint.

A warning rule (`kind: "warning"`) holds an expression of the rule language, e.g.
``sleeve <= arm + 6``. When it is false on the shopper's values, the page shows its
message next to the fields it names. It is evaluated only once every parameter and group
it references has a value, so a half-typed form never warns. Warnings are not compiled
(see compiler.py): they never block, never change what is available, never reach the solver.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from configurator.engine.compiler import vocabulary_for
from configurator.engine.model import Product, Rule
from configurator.engine.rules import Expr, References, evaluate, parse_expression, references
from configurator.engine.selection import Selection


@dataclass(frozen=True)
class MeasurementWarning:
    """A warning rule that fires: its code, its rule, and the fields it names (in product order)."""

    code: str
    rule: Rule
    fields: tuple[str, ...]

    def text(self, language: str) -> str:
        return self.rule.text(language)


def warning_rules(product: Product) -> tuple[Rule, ...]:
    """Return the product's active warning rules."""
    return tuple(rule for rule in product.rules if rule.active and rule.kind == "warning")


@dataclass(frozen=True)
class _Check:
    rule: Rule
    expr: Expr
    refs: References
    #: The parameters the rule names, in the product's order.
    fields: tuple[str, ...]


#: Parsed warning rules per product model (published models live for the process: parse once).
_parsed: dict[int, tuple[weakref.ref[Product], tuple[_Check, ...]]] = {}


def _checks(product: Product) -> tuple[_Check, ...]:
    hit = _parsed.get(id(product))
    if hit is not None and hit[0]() is product:
        return hit[1]
    vocabulary = vocabulary_for(product)
    order = {p.code: index for index, p in enumerate(product.parameters)}
    checks = []
    for rule in warning_rules(product):
        expr = parse_expression(rule.expr, vocabulary)
        refs = references(expr)
        fields = tuple(sorted(refs.parameters, key=lambda code: order.get(code, len(order))))
        checks.append(_Check(rule=rule, expr=expr, refs=refs, fields=fields))
    if len(_parsed) > 256:
        _parsed.clear()
    _parsed[id(product)] = (weakref.ref(product), tuple(checks))
    return tuple(checks)


def plausibility_warnings(product: Product, selection: Selection) -> tuple[MeasurementWarning, ...]:
    """Return the warning rules that are false on `selection`, each once, in catalog order.

    A rule that references a parameter or a group the shopper has not set yet is skipped.
    """
    assignment = selection.assignment()
    found = []
    for check in _checks(product):
        if any(p not in selection.parameters for p in check.refs.parameters):
            continue
        if any(g not in selection.choices for g in check.refs.groups):
            continue
        if not evaluate(check.expr, assignment):
            found.append(MeasurementWarning(code=check.rule.code, rule=check.rule, fields=check.fields))
    return tuple(found)


__all__ = ["MeasurementWarning", "plausibility_warnings", "warning_rules"]
