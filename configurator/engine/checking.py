"""Validate a configuration and price it, by evaluating the rules directly.

No solver here: a configuration either satisfies each rule or not, so evaluating
the parsed rules is exact, independent of the SAT encoding, and names every violated
rule. Messages are English; callers translate with the codes they carry.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from configurator.engine.compiler import vocabulary_for
from configurator.engine.model import PriceRule, Product
from configurator.engine.rules import Assignment, Expr, evaluate, parse_expression, references
from configurator.engine.selection import Selection

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Violation:
    """One thing wrong: `kind` is "rule", "missing", "count", "value" or "text"."""

    kind: str
    code: str
    message: str


@dataclass(frozen=True)
class Validation:
    valid: bool
    complete: bool
    violations: tuple[Violation, ...]


@dataclass(frozen=True)
class PriceLine:
    """One line of the price: the base, an option, or a price rule."""

    kind: str  # "base" | "option" | "rule"
    code: str
    label: str
    amount: Decimal
    group: str = ""


@dataclass(frozen=True)
class Price:
    currency: str
    total: Decimal
    lines: tuple[PriceLine, ...]


class Checker:
    """Parsed rules and price conditions of one product, reused for every question."""

    def __init__(self, product: Product) -> None:
        self.product = product
        vocabulary = vocabulary_for(product)
        self.constraints: list[tuple[str, str, Expr]] = [
            (r.code, r.message, parse_expression(r.expr, vocabulary))
            for r in product.rules
            if r.active and r.kind == "constraint"
        ]
        self.tables = [
            (r.code, r.message, r.groups, frozenset(tuple(row) for row in r.rows))
            for r in product.rules
            if r.active and r.kind == "table"
        ]
        self.prices = [(p, parse_expression(p.when, vocabulary) if p.when else None) for p in product.prices]
        self.defaults = [
            (parse_expression(r.when, vocabulary) if r.when else None, parse_expression(r.prefer, vocabulary))
            for r in product.rules
            if r.active and r.kind == "default"
        ]

    def validate(self, selection: Selection) -> Validation:
        """Return whether `selection` is a complete valid configuration, and every violation."""
        violations = [
            *self._group_violations(selection),
            *self._field_violations(selection),
            *self._rule_violations(selection),
        ]
        missing = any(v.kind == "missing" for v in violations)
        return Validation(valid=not violations, complete=not missing, violations=tuple(violations))

    def _group_violations(self, selection: Selection) -> Iterator[Violation]:
        for group in self.product.groups:
            chosen = selection.choices.get(group.code)
            if chosen is None:
                if group.required:
                    yield Violation("missing", group.code, f"choose an option for '{group.name}'")
                continue
            known = {o.code: o for o in group.options}
            for code in sorted(chosen):
                if code not in known or not known[code].active:
                    yield Violation("value", group.code, f"'{code}' is not offered in '{group.name}'")
            low = max(group.min_count or 0, 1 if group.required else 0)
            high = 1 if group.kind == "choice" else group.max_count
            if len(chosen) < low or (high is not None and len(chosen) > high):
                bound = f"at least {low}" if len(chosen) < low else f"at most {high}"
                yield Violation("count", group.code, f"'{group.name}' takes {bound} option(s)")

    def _field_violations(self, selection: Selection) -> Iterator[Violation]:
        """Parameters and text fields: missing, out of range, or not fitting."""
        for parameter in self.product.parameters:
            value = selection.parameters.get(parameter.code)
            if value is None:
                yield Violation("missing", parameter.code, f"enter '{parameter.name}'")
            elif not parameter.min <= value <= parameter.max or (value - parameter.min) % parameter.step:
                yield Violation(
                    "value",
                    parameter.code,
                    f"{value} is not between {parameter.min} and {parameter.max} in steps of {parameter.step}",
                )
        for text in self.product.texts:
            typed = selection.texts.get(text.code, "")
            if text.required and not typed:
                yield Violation("missing", text.code, f"enter '{text.name}'")
            elif len(typed) > text.max_length or (text.charset and not re.fullmatch(f"[{text.charset}]*", typed)):
                yield Violation("text", text.code, f"'{typed}' does not fit '{text.name}'")

    def _rule_violations(self, selection: Selection) -> Iterator[Violation]:
        assignment = selection.assignment()
        for code, message, expr in self.constraints:
            refs = references(expr)
            if any(p not in selection.parameters for p in refs.parameters) or any(
                g not in selection.choices for g in refs.groups
            ):
                continue  # undecidable until those choices are made (reported as missing)
            if not evaluate(expr, assignment):
                yield Violation("rule", code, message)
        for code, message, columns, rows in self.tables:
            picked = [selection.choices.get(g) for g in columns]
            if any(p is None for p in picked):
                continue
            row = tuple(next(iter(p), None) for p in picked if p is not None)
            if row not in rows:
                yield Violation("rule", code, message)

    def defaults_followed(self, selection: Selection) -> int:
        """Count the catalog's defaults `selection` follows, as it stands (complete or not).

        Each default option a group has counts once; each default rule counts when its
        condition does not hold or its preference does. Expressions are read on the
        selection as it is: an open group has no option, and an expression that compares a
        measurement not entered yet does not hold.
        """
        chosen = selection.choices
        count = sum(len(chosen.get(g.code, frozenset()).intersection(g.default)) for g in self.product.groups)
        return count + self.default_rules_followed(selection)

    def default_rules_followed(self, selection: Selection) -> int:
        """Count the default rules `selection` follows (the rule part of `defaults_followed`)."""
        assignment = selection.assignment()
        return sum(not _holds(when, assignment) or _holds(prefer, assignment) for when, prefer in self.defaults)

    def price(self, selection: Selection, language: str = "en") -> Price:
        """Return the itemised price of `selection` (complete or not) and its total."""
        product = self.product
        lines = [PriceLine("base", product.code, product.label(language), product.base_price)]
        for group in product.groups:
            chosen = selection.choices.get(group.code, frozenset())
            for option in group.options:
                if option.code in chosen and option.price:
                    lines.append(PriceLine("option", option.code, option.label(language), option.price, group.code))
        for rule, amount in self.price_rules(selection):
            lines.append(PriceLine("rule", rule.code, rule.text(language), amount))
        total = sum((line.amount for line in lines), Decimal("0")).quantize(CENT)
        return Price(currency=product.currency, total=total, lines=tuple(lines))

    def price_rules(self, selection: Selection) -> Iterator[tuple[PriceRule, Decimal]]:
        """Yield each price rule that applies to `selection`, with its amount."""
        assignment = selection.assignment()
        for rule, condition in self.prices:
            try:
                if condition is not None and not evaluate(condition, assignment):
                    continue
            except ValueError:
                continue  # a measurement it needs is not entered yet
            amount = rule.amount
            if rule.per:
                if rule.per not in selection.parameters:
                    continue
                amount = (amount * selection.parameters[rule.per]).quantize(CENT, rounding=ROUND_HALF_UP)
            yield rule, amount


def _holds(expr: Expr | None, assignment: Assignment) -> bool:
    """Tell whether `expr` (None: always) holds; one comparing a measurement not entered does not."""
    if expr is None:
        return True
    try:
        return evaluate(expr, assignment)
    except ValueError:
        return False
