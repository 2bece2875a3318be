"""Compile a `Product` into CNF: one variable per option, rules as clause sets.

The result, a `CompiledModel`, is plain data: the solver session (`session.py`) loads
it into incremental SAT solvers. Each rule keeps its own clauses so that a solver can
guard them with an activation literal and name the rules behind a conflict.

Encodings: a single-choice group is "at most one" (plus "at least one" when
required); a multi group's min/max use a unary counter; a table becomes a reduced
decision diagram with one variable per node, whose support clauses let unit propagation
remove values without a supporting row; parameters use the order encoding over their
exact value grid (see encoding.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from configurator.engine.encoding import Encoder, IntVar, count_literals, linear_literal, table_clauses
from configurator.engine.model import Group, Parameter, Product, Rule
from configurator.engine.rules import (
    And,
    Compare,
    Const,
    Count,
    Expr,
    GroupInfo,
    Has,
    Iff,
    Implies,
    IsSet,
    Not,
    OptionIs,
    Or,
    Vocabulary,
    parse_expression,
)


def vocabulary_for(product: Product) -> Vocabulary:
    """Return what the product's rules may refer to."""
    return Vocabulary(
        groups={
            g.code: GroupInfo(kind=g.kind, required=g.required, options=tuple(o.code for o in g.options))
            for g in product.groups
        },
        parameters=frozenset(p.code for p in product.parameters),
        texts=frozenset(t.code for t in product.texts),
    )


@dataclass(frozen=True)
class Preference:
    """A soft default rule: a literal meaning "when X then Y", to assume when possible."""

    code: str
    literal: int


@dataclass
class CompiledModel:
    """The product as CNF, with the maps from catalog names to literals."""

    product: Product
    nvars: int
    clauses: list[list[int]]
    rule_clauses: dict[str, list[list[int]]]
    options: dict[str, dict[str, int]]
    group_set: dict[str, int]
    texts: dict[str, int]
    parameters: dict[str, IntVar]
    preferences: list[Preference] = field(default_factory=list)
    #: literal -> (group, option), for reading models back
    option_of: dict[int, tuple[str, str]] = field(default_factory=dict)
    #: price rule code -> literal of its condition (for the catalog lint)
    price_conditions: dict[str, int] = field(default_factory=dict)


def parameter_values(parameter: Parameter) -> list[Fraction]:
    """Return the exact values a parameter may take: min, min + step, ... <= max."""
    low, high, step = Fraction(parameter.min), Fraction(parameter.max), Fraction(parameter.step)
    count = int((high - low) // step) + 1
    return [low + k * step for k in range(count)]


class _Compiler:
    def __init__(self, product: Product) -> None:
        self.product = product
        self.encoder = Encoder()
        self.vocabulary = vocabulary_for(product)
        self.options: dict[str, dict[str, int]] = {}
        self.group_set: dict[str, int] = {}
        self.texts: dict[str, int] = {}
        self.parameters: dict[str, IntVar] = {}
        self.counts: dict[str, list[int]] = {}
        self.groups = {g.code: g for g in product.groups}

    def run(self) -> CompiledModel:
        enc = self.encoder
        for group in self.product.groups:
            self._group(group)
        for text in self.product.texts:
            var = enc.new_var()
            self.texts[text.code] = var
            if text.required:
                enc.add([var])
        for parameter in self.product.parameters:
            self.parameters[parameter.code] = IntVar(enc, parameter_values(parameter))
        rule_clauses: dict[str, list[list[int]]] = {}
        preferences: list[Preference] = []
        for rule in self.product.rules:
            # A warning is advice to the shopper, never a constraint: it has no clauses at all.
            if not rule.active or rule.kind == "warning":
                continue
            if rule.kind == "default":
                when = self._literal(self._parse(rule.when)) if rule.when else 1
                prefer = self._literal(self._parse(rule.prefer))
                preferences.append(Preference(rule.code, enc.or_([-when, prefer])))
                continue
            # Definitions made while compiling a rule stay hard; only its own clauses are guarded.
            rule_clauses[rule.code] = self._table(rule) if rule.kind == "table" else self._constraint(rule)
        conditions = {
            price.code: self._literal(self._parse(price.when)) if price.when else 1 for price in self.product.prices
        }
        option_of = {lit: (g, o) for g, opts in self.options.items() for o, lit in opts.items()}
        # A solver knows the variables its clauses name, and a solution lists only those; a
        # two-option group's variable may be in no clause, so name the highest once.
        enc.add([enc.top, -enc.top])
        return CompiledModel(
            product=self.product,
            nvars=enc.top,
            clauses=enc.clauses,
            rule_clauses=rule_clauses,
            options=self.options,
            group_set=self.group_set,
            texts=self.texts,
            parameters=self.parameters,
            preferences=preferences,
            option_of=option_of,
            price_conditions=conditions,
        )

    # -- structure -----------------------------------------------------------------------
    def _group(self, group: Group) -> None:
        enc = self.encoder
        if (
            group.kind == "choice"
            and group.required
            and len(group.options) == 2
            and all(o.active for o in group.options)
        ):
            # Exactly one of two (yes/no: every feature of a feature model): one variable, the
            # second option its negation. Half the variables, and no clauses at all.
            var = enc.new_var()
            self.options[group.code] = {group.options[0].code: var, group.options[1].code: -var}
            self.group_set[group.code] = enc.true
            return
        lits = {option.code: enc.new_var() for option in group.options}
        self.options[group.code] = lits
        for option in group.options:
            if not option.active:
                enc.add([-lits[option.code]])
        values = list(lits.values())
        # A required choice group is always set (its "at least one" is a clause): no gate
        # variable, which on a feature model (a group per feature) saves a third of them.
        self.group_set[group.code] = enc.true if group.kind == "choice" and group.required else enc.or_(values)
        if group.kind == "choice":
            for i, first in enumerate(values):  # pairwise "at most one": groups are small
                for second in values[i + 1 :]:
                    enc.add([-first, -second])
            if group.required:
                enc.add(values)
            return
        low = group.min_count or 0
        if group.required:
            low = max(low, 1)
        high = group.max_count
        if low or high is not None:
            counts = self._counts(group.code)
            if low:
                enc.add([counts[low] if low < len(counts) else -1])
            if high is not None and high + 1 < len(counts):
                enc.add([-counts[high + 1]])

    def _counts(self, group: str) -> list[int]:
        if group not in self.counts:
            self.counts[group] = count_literals(self.encoder, list(self.options[group].values()))
        return self.counts[group]

    # -- rules ---------------------------------------------------------------------------
    def _parse(self, text: str) -> Expr:
        return parse_expression(text, self.vocabulary)

    def _constraint(self, rule: Rule) -> list[list[int]]:
        expr = self._parse(rule.expr)
        return [self._clause(expr)]

    def _clause(self, expr: Expr) -> list[int]:
        """Return one clause equivalent to `expr`, flattening top-level disjunctions."""
        match expr:
            case Or(operands=operands):
                return [lit for operand in operands for lit in self._clause(operand)]
            case Implies(antecedent=first, consequent=second):
                return [-self._literal(first), *self._clause(second)]
            case _:
                return [self._literal(expr)]

    def _table(self, rule: Rule) -> list[list[int]]:
        return table_clauses(self.encoder, [self.options[g] for g in rule.groups], rule.rows)

    # One case per kind of expression node: a dispatch, branchy by nature (complexity 16).
    def _literal(self, expr: Expr) -> int:  # noqa: C901
        enc = self.encoder
        match expr:
            case Const(value=value):
                return 1 if value else -1
            case OptionIs(group=group, options=options):
                return enc.or_([self.options[group][o] for o in sorted(options)])
            case Has(group=group, option=option):
                return self.options[group][option]
            case Count(group=group, op=op, value=value):
                counts = self._counts(group)

                def at_least(k: int) -> int:
                    return 1 if k <= 0 else (counts[k] if k < len(counts) else -1)

                table = {
                    ">=": at_least(value),
                    ">": at_least(value + 1),
                    "<=": -at_least(value + 1),
                    "<": -at_least(value),
                    "=": enc.and_([at_least(value), -at_least(value + 1)]),
                    "!=": -enc.and_([at_least(value), -at_least(value + 1)]),
                }
                return table[op]
            case IsSet(name=name, kind="group"):
                return self.group_set[name]
            case IsSet(name=name):
                return self.texts[name]
            case Compare(left=left, op=op, right=right):
                coefficients: dict[str, Fraction] = {}
                for name, coefficient in left.terms:
                    coefficients[name] = coefficients.get(name, Fraction(0)) + Fraction(coefficient)
                for name, coefficient in right.terms:
                    coefficients[name] = coefficients.get(name, Fraction(0)) - Fraction(coefficient)
                rhs = Fraction(right.constant) - Fraction(left.constant)
                terms = [(c, self.parameters[name]) for name, c in sorted(coefficients.items()) if c]
                return linear_literal(enc, terms, op, rhs)
            case Not(operand=operand):
                return -self._literal(operand)
            case And(operands=operands):
                return enc.and_([self._literal(o) for o in operands])
            case Or(operands=operands):
                return enc.or_([self._literal(o) for o in operands])
            case Implies(antecedent=first, consequent=second):
                return enc.or_([-self._literal(first), self._literal(second)])
            case Iff(left=first, right=second):
                return enc.iff(self._literal(first), self._literal(second))
        raise AssertionError(f"unknown expression {expr!r}")


def compile_product(product: Product) -> CompiledModel:
    """Compile `product` (whose rules must parse) into CNF."""
    model = _Compiler(product).run()
    for clauses in model.rule_clauses.values():
        for clause in clauses:
            if 1 in clause:
                clause[:] = [1]
            else:
                clause[:] = [lit for lit in clause if lit != -1]
    return model


__all__ = ["CompiledModel", "Preference", "compile_product", "parameter_values", "vocabulary_for"]
