"""Hypothesis strategies: small random products and selections for oracle tests."""

from __future__ import annotations

import dataclasses
import itertools
from decimal import Decimal
from typing import Literal

from hypothesis import strategies as st

from configurator.engine.compiler import vocabulary_for
from configurator.engine.model import Group, Option, Parameter, PriceRule, Product, Rule, TextField
from configurator.engine.rules import RuleError, parse_expression
from configurator.engine.selection import Selection
from configurator.engine.tests.oracle import _group_values


@st.composite
def groups(draw: st.DrawFn, index: int) -> Group:
    kinds: list[Literal["choice", "multi"]] = ["choice", "choice", "multi"]
    kind = draw(st.sampled_from(kinds))
    count = draw(st.integers(2, 3))
    options = tuple(
        Option(code=f"o{j}", name=f"O{j}", price=Decimal(draw(st.integers(0, 3))), active=draw(st.booleans()) or j != 2)
        for j in range(count)
    )
    required = draw(st.booleans())
    low = high = None
    if kind == "multi":
        low = draw(st.none() | st.integers(0, 2))
        high = draw(st.none() | st.integers(max(low or 0, 1), 3))
    return Group(
        code=f"g{index}", name=f"G{index}", kind=kind, required=required, options=options, min_count=low, max_count=high
    )


def _atoms(product: Product) -> list[str]:
    atoms = []
    for g in product.groups:
        codes = [o.code for o in g.options]
        if g.kind == "choice":
            atoms += [f"{g.code} = {c}" for c in codes] + [
                f"{g.code} != {codes[0]}",
                f"{g.code} in {{{codes[0]}, {codes[-1]}}}",
            ]
            if not g.required:
                atoms.append(g.code)
        else:
            atoms += [f"{g.code} has {c}" for c in codes] + [f"count({g.code}) >= 2", f"count({g.code}) = 1", g.code]
    for p in product.parameters:
        atoms += [f"{p.code} >= 1", f"{p.code} < 2", f"{p.code} != 1.5"]
    if len(product.parameters) >= 2:
        a, b = product.parameters[0].code, product.parameters[1].code
        atoms += [f"{a} + {b} <= 3", f"2*{a} - {b} > 0", f"{a} = {b}"]
    atoms += [t.code for t in product.texts]
    return atoms


@st.composite
def expressions(draw: st.DrawFn, atoms: list[str], depth: int = 2) -> str:
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return draw(st.sampled_from(atoms))
    op = draw(st.sampled_from(["and", "or", "->", "<->", "not"]))
    left = draw(expressions(atoms, depth - 1))
    if op == "not":
        return f"not ({left})"
    right = draw(expressions(atoms, depth - 1))
    return f"({left}) {op} ({right})"


@st.composite
def products(draw: st.DrawFn, preferences: bool = False) -> Product:
    """Draw a small product; with `preferences`, also defaults, default rules and conditional prices."""
    group_list = tuple(draw(groups(i)) for i in range(draw(st.integers(2, 4))))
    parameters = tuple(
        Parameter(
            code=f"p{i}",
            name=f"P{i}",
            unit="cm",
            min=Decimal(0),
            max=Decimal(draw(st.sampled_from(["2", "3"]))),
            step=Decimal(draw(st.sampled_from(["1", "0.5"]))),
        )
        for i in range(draw(st.integers(0, 2)))
    )
    texts = tuple(
        TextField(code=f"t{i}", name="T", max_length=3, required=draw(st.booleans()))
        for i in range(draw(st.integers(0, 1)))
    )
    base = Product(
        code="x",
        name="X",
        currency="EUR",
        base_price=Decimal(10),
        groups=group_list,
        parameters=parameters,
        texts=texts,
    )
    atoms = _atoms(base)
    vocabulary = vocabulary_for(base)
    rules = []
    for i in range(draw(st.integers(0, 4))):
        text = draw(expressions(atoms))
        try:
            parse_expression(text, vocabulary)
        except RuleError:
            continue
        rules.append(Rule(code=f"R{i}", kind="constraint", expr=text, message=f"rule {i}"))
    choice = [g for g in group_list if g.kind == "choice"]
    if len(choice) >= 2 and draw(st.booleans()):
        columns = choice[: draw(st.integers(2, min(3, len(choice))))]
        every = list(itertools.product(*([o.code for o in g.options] for g in columns)))
        rows = draw(st.lists(st.sampled_from(every), min_size=1, max_size=len(every), unique=True))
        codes = tuple(g.code for g in columns)
        rules.append(Rule(code="T1", kind="table", groups=codes, rows=tuple(rows), message="table"))
    product = Product(
        code="x",
        name="X",
        currency="EUR",
        base_price=Decimal(10),
        groups=group_list,
        parameters=parameters,
        texts=texts,
        rules=tuple(rules),
    )
    return draw(_with_preferences(product, atoms)) if preferences else product


@st.composite
def _with_preferences(draw: st.DrawFn, product: Product, atoms: list[str]) -> Product:
    """Add group and parameter defaults, default rules and conditional price rules to `product`."""
    from configurator.engine.compiler import parameter_values

    vocabulary = vocabulary_for(product)

    def parsed(text: str) -> bool:
        try:
            parse_expression(text, vocabulary)
        except RuleError:
            return False
        return True

    groups = []
    for g in product.groups:
        codes = [o.code for o in g.options]
        chosen = draw(st.lists(st.sampled_from(codes), max_size=1 if g.kind == "choice" else 2, unique=True))
        groups.append(dataclasses.replace(g, default=tuple(chosen)))
    parameters = []
    for p in product.parameters:
        value = draw(st.none() | st.sampled_from(parameter_values(p)))
        default = None if value is None else Decimal(value.numerator) / Decimal(value.denominator)
        parameters.append(dataclasses.replace(p, default=default))
    rules = list(product.rules)
    for i in range(draw(st.integers(0, 2))):
        when = draw(st.just("") | expressions(atoms, 1))
        prefer = draw(expressions(atoms, 1))
        if parsed(prefer) and (not when or parsed(when)):
            rules.append(Rule(code=f"D{i}", kind="default", when=when, prefer=prefer, message=f"default {i}"))
    prices = []
    for i in range(draw(st.integers(0, 2))):
        when = draw(expressions(atoms, 1))
        if parsed(when):
            prices.append(PriceRule(code=f"P{i}", amount=Decimal(draw(st.integers(-3, 3))), label=f"P{i}", when=when))
    return dataclasses.replace(
        product, groups=tuple(groups), parameters=tuple(parameters), rules=tuple(rules), prices=tuple(prices)
    )


@st.composite
def selections(draw: st.DrawFn, product: Product) -> Selection:
    from configurator.engine.compiler import parameter_values

    choices = {}
    for g in product.groups:
        if draw(st.integers(0, 2)) == 0:
            # "None" is also asked of required groups: the engine must call it impossible and say why.
            choices[g.code] = draw(st.sampled_from([*_group_values(g), frozenset()]))
    parameters = {}
    for p in product.parameters:
        if draw(st.booleans()):
            v = draw(st.sampled_from(parameter_values(p)))
            parameters[p.code] = Decimal(v.numerator) / Decimal(v.denominator)
    texts = {t.code: draw(st.sampled_from(["", "AB"])) for t in product.texts if draw(st.booleans())}
    return Selection(choices=choices, parameters=parameters, texts=texts)
