"""Propose a configuration from a shopper's answers to guided questions.

An answer brings a soft preference (in the rule language, like a default rule's `prefer`)
and may bring a hard limit (an expression the proposal must satisfy). `propose` completes
an empty selection on the product with, in this order: the limits, the answers'
preferences, then the catalog's own defaults (group defaults, then default rules). Each
step is kept only where it still fits everything before it (`search.complete`), so the
limits hold whenever they can hold together, every answer's preference where it fits, and
the rest is the catalog's usual completion. Measurements are never filled in.

The product is rewritten rather than the solver extended: the limits and preferences
become default rules placed first, the group defaults default rules after them, and the
rewritten product is compiled as any other. A limit is soft only against other limits
(they are tried first, in the order given): a single limit that leaves a configuration
always holds, and `limit_leaves_configuration` checks that for the admin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from configurator.engine.compiler import compile_product, vocabulary_for
from configurator.engine.model import Product, Rule
from configurator.engine.rules import Assignment, RuleError, evaluate, parse_expression, references
from configurator.engine.selection import Selection
from configurator.engine.session import Session

#: The prefix of the rules `guided_product` adds (rule codes never hold a space).
_CODE = "guided "


@dataclass(frozen=True)
class Proposal:
    """A proposed configuration (every choice decided, no measurement) and what shaped it."""

    selection: Selection
    #: For each expression given (limits, then preferences), whether the proposal satisfies it.
    honoured: tuple[bool, ...]


def usable(product: Product, expression: str) -> bool:
    """Tell whether `expression` parses against `product` and names no measurement or text."""
    try:
        found = references(parse_expression(expression, vocabulary_for(product)))
    except RuleError:
        return False
    return not (found.parameters or found.texts)


def named_groups(product: Product, expression: str) -> frozenset[str]:
    """Return the groups `expression` names (empty when it does not parse on `product`)."""
    try:
        return references(parse_expression(expression, vocabulary_for(product))).groups
    except RuleError:
        return frozenset()


def holds(product: Product, expression: str, selection: Selection) -> bool:
    """Tell whether `expression` (naming choices only) holds for `selection`'s choices."""
    expr = parse_expression(expression, vocabulary_for(product))
    return evaluate(expr, Assignment(selections=selection.choices, parameters={}, texts={}))


def guided_product(product: Product, first: Sequence[str]) -> Product:
    """Return `product` with `first` as default rules ahead of every catalog default.

    The group defaults become default rules right after them (a group default is a default
    rule "prefer group = option" that the completion tries before the default rules).
    """
    added = [Rule(code=f"{_CODE}{index}", kind="default", prefer=text) for index, text in enumerate(first)]
    for group in product.groups:
        for code in group.default:
            prefer = f"{group.code} has {code}" if group.kind == "multi" else f"{group.code} = {code}"
            added.append(Rule(code=f"{_CODE}{group.code} {code}", kind="default", prefer=prefer))
    groups = tuple(replace(group, default=()) for group in product.groups)
    return replace(product, groups=groups, rules=(*added, *product.rules))


def propose(product: Product, limits: Sequence[str], preferences: Sequence[str]) -> Proposal | None:
    """Return the proposal for these answers' limits and preferences, or None when no configuration exists.

    Every expression must be `usable` on `product`.
    """
    session = Session(compile_product(guided_product(product, [*limits, *preferences])), warm=False)
    completion = session.complete(Selection(), parameters=False)
    if completion.configuration is None:
        return None
    selection = Selection(choices=completion.configuration.choices)
    honoured = tuple(holds(product, text, selection) for text in (*limits, *preferences))
    return Proposal(selection=selection, honoured=honoured)


def limit_leaves_configuration(product: Product, limit: str) -> bool:
    """Tell whether some complete valid configuration of `product` satisfies `limit`."""
    found = propose(product, [limit], [])
    return found is not None and found.honoured[0]
