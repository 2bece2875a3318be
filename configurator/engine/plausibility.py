"""Plausibility warnings: soft advice on the shopper's measurements, never a constraint.

A warning rule (`kind: "warning"`) holds an expression of the rule language, e.g.
``sleeve <= arm + 6``. When it is false on the shopper's values, the page shows its
message next to the fields it names. It is evaluated only once every parameter and group
it references has a value, so a half-typed form never warns. Warnings are not compiled
(see compiler.py): they never block, never change what is available, never reach the solver.
"""

from __future__ import annotations

from dataclasses import dataclass

from configurator.engine.compiler import vocabulary_for
from configurator.engine.model import Product, Rule
from configurator.engine.rules import evaluate, parse_expression, references
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


def plausibility_warnings(product: Product, selection: Selection) -> tuple[MeasurementWarning, ...]:
    """Return the warning rules that are false on `selection`, each once, in catalog order.

    A rule that references a parameter or a group the shopper has not set yet is skipped.
    """
    rules = warning_rules(product)
    if not rules:
        return ()
    vocabulary = vocabulary_for(product)
    order = {p.code: index for index, p in enumerate(product.parameters)}
    assignment = selection.assignment()
    found = []
    for rule in rules:
        expr = parse_expression(rule.expr, vocabulary)
        refs = references(expr)
        if any(p not in selection.parameters for p in refs.parameters):
            continue
        if any(g not in selection.choices for g in refs.groups):
            continue
        if not evaluate(expr, assignment):
            fields = tuple(sorted(refs.parameters, key=lambda code: order.get(code, len(order))))
            found.append(MeasurementWarning(code=rule.code, rule=rule, fields=fields))
    return tuple(found)


__all__ = ["MeasurementWarning", "plausibility_warnings", "warning_rules"]
