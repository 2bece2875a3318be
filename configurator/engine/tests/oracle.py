"""A brute-force oracle: enumerate every complete configuration of a small product."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from decimal import Decimal

from configurator.engine.compiler import parameter_values, vocabulary_for
from configurator.engine.model import Group, Product
from configurator.engine.rules import Assignment, evaluate, parse_expression
from configurator.engine.selection import Selection


def _group_values(group: Group) -> list[frozenset[str]]:
    codes = [o.code for o in group.options if o.active]
    if group.kind == "choice":
        values = [frozenset([c]) for c in codes]
        return values if group.required else [frozenset(), *values]
    low = max(group.min_count or 0, 1 if group.required else 0)
    high = group.max_count if group.max_count is not None else len(codes)
    return [
        frozenset(combo)
        for size in range(low, min(high, len(codes)) + 1)
        for combo in itertools.combinations(codes, size)
    ]


def valid_configurations(product: Product) -> list[Selection]:
    """Return every complete valid configuration (texts: "X" when set)."""
    vocabulary = vocabulary_for(product)
    constraints = [parse_expression(r.expr, vocabulary) for r in product.rules if r.active and r.kind == "constraint"]
    tables = [(r.groups, {tuple(row) for row in r.rows}) for r in product.rules if r.active and r.kind == "table"]
    groups = [(g.code, _group_values(g)) for g in product.groups]
    params = [
        (p.code, [Decimal(v.numerator) / Decimal(v.denominator) for v in parameter_values(p)])
        for p in product.parameters
    ]
    texts = [(t.code, [""] if False else (["X"] if t.required else ["", "X"])) for t in product.texts]
    out = []
    for choice in itertools.product(*(values for _, values in groups)):
        selections = {code: value for (code, _), value in zip(groups, choice, strict=True)}
        if any(tuple(next(iter(selections[g]), None) for g in columns) not in rows for columns, rows in tables):
            continue
        for numbers in itertools.product(*(values for _, values in params)):
            parameters = {code: value for (code, _), value in zip(params, numbers, strict=True)}
            for words in itertools.product(*(values for _, values in texts)):
                text_values = {code: value for (code, _), value in zip(texts, words, strict=True)}
                assignment = Assignment(selections=selections, parameters=parameters, texts=text_values)
                if all(evaluate(c, assignment) for c in constraints):
                    out.append(Selection(choices=selections, parameters=parameters, texts=text_values))
    return out


def extends(config: Selection, selection: Selection, multi: frozenset[str] = frozenset()) -> bool:
    """Tell whether a complete configuration agrees with every decision of `selection`.

    A choice group's decision is its option (or none); a `multi` group's is the options
    ticked so far, which the configuration must contain (the others stay open).
    """
    return (
        all(
            v <= config.choices.get(g, frozenset()) if g in multi else config.choices.get(g) == v
            for g, v in selection.choices.items()
        )
        and all(config.parameters.get(p) == v for p, v in selection.parameters.items())
        and all(bool(config.texts.get(t)) == bool(v) for t, v in selection.texts.items())
    )


def multi_groups(product: Product) -> frozenset[str]:
    return frozenset(g.code for g in product.groups if g.kind == "multi")


def all_configurations(product: Product) -> list[Selection]:
    """Return every complete configuration, valid or not (for validate's oracle)."""
    groups = [(g.code, _group_values(g)) for g in product.groups]
    params = [
        (p.code, [Decimal(v.numerator) / Decimal(v.denominator) for v in parameter_values(p)])
        for p in product.parameters
    ]
    texts = [(t.code, ["X"] if t.required else ["", "X"]) for t in product.texts]
    out = []
    for choice in itertools.product(*(v for _, v in groups)):
        for numbers in itertools.product(*(v for _, v in params)):
            for words in itertools.product(*(v for _, v in texts)):
                out.append(
                    Selection(
                        choices={c: v for (c, _), v in zip(groups, choice, strict=True)},
                        parameters={c: v for (c, _), v in zip(params, numbers, strict=True)},
                        texts={c: v for (c, _), v in zip(texts, words, strict=True)},
                    )
                )
    return out


def holds(text: str, product: Product, config: Selection) -> bool:
    """Tell whether the expression `text` holds in `config` (a comparison without its values does not)."""
    try:
        return evaluate(parse_expression(text, vocabulary_for(product)), config.assignment())
    except ValueError:
        return False


class Narrowing:
    """Configurations narrowed step by step: a step keeps those that pass it, unless none does."""

    def __init__(self, configs: list[Selection]) -> None:
        self.left = configs

    def keep(self, passes: Iterable[bool]) -> bool:
        """Keep the configurations that pass (a flag each, in order) and return True; False if none does."""
        kept = [c for c, ok in zip(self.left, passes, strict=True) if ok]
        if kept:
            self.left = kept
        return bool(kept)


def preferred_completions(
    product: Product, configs: list[Selection], selection: Selection, *, parameters: bool
) -> tuple[list[Selection], tuple[str, ...]] | None:
    """Return the configurations `complete` may answer by its stated order, and the texts needed.

    Starting from every configuration extending `selection`, each step of the order keeps
    the configurations that follow it, unless none does (then it is skipped): open groups'
    defaults, default rules, parameter defaults (with `parameters`), then each open group's
    "none" or first option (a multi group: no more options, else each left out in turn),
    then each open parameter's smallest value (with `parameters`), then each text left
    empty where it may be (the others are needed). None: no configuration at all.
    """
    multi = multi_groups(product)
    narrowing = Narrowing([c for c in configs if extends(c, selection, multi)])
    if not narrowing.left:
        return None
    open_groups = [g for g in product.groups if g.code not in selection.choices or g.code in multi]
    _follow_defaults(product, narrowing, selection, open_groups, parameters=parameters)
    for g in open_groups:
        _decide(narrowing, g, selection.choices.get(g.code, frozenset()))
    for p in product.parameters if parameters else ():
        if p.code not in selection.parameters:
            lowest = min(c.parameters[p.code] for c in narrowing.left)
            narrowing.keep(c.parameters[p.code] == lowest for c in narrowing.left)
    needed = tuple(
        t.code
        for t in product.texts
        if not selection.texts.get(t.code) and not narrowing.keep(not c.texts.get(t.code) for c in narrowing.left)
    )
    return narrowing.left, needed


def _follow_defaults(
    product: Product, narrowing: Narrowing, selection: Selection, open_groups: list[Group], *, parameters: bool
) -> None:
    for g in open_groups:
        for code in g.default if g.code not in selection.choices else ():
            narrowing.keep(code in c.choices[g.code] for c in narrowing.left)
    for rule in product.rules:
        if rule.active and rule.kind == "default":
            narrowing.keep(
                (bool(rule.when) and not holds(rule.when, product, c)) or holds(rule.prefer, product, c)
                for c in narrowing.left
            )
    for p in product.parameters if parameters else ():
        if p.code not in selection.parameters and p.default is not None:
            narrowing.keep(c.parameters[p.code] == p.default for c in narrowing.left)


def _decide(narrowing: Narrowing, g: Group, ticked: frozenset[str]) -> None:
    others = [o.code for o in g.options if o.active and o.code not in ticked]
    if g.kind == "multi":
        if not narrowing.keep(not c.choices[g.code] & set(others) for c in narrowing.left):
            for code in others:
                narrowing.keep(code not in c.choices[g.code] for c in narrowing.left)
        return
    if not g.required and narrowing.keep(not c.choices[g.code] for c in narrowing.left):
        return
    any(narrowing.keep(c.choices[g.code] == {code} for c in narrowing.left) for code in others)


def decisions_of(product: Product, selection: Selection, group: str, option: str) -> list[tuple[str, str, str]]:
    """Return the decisions a resolve may undo, in catalog order: (kind, code, ticked option or "")."""
    out: list[tuple[str, str, str]] = []
    for g in product.groups:
        chosen = selection.choices.get(g.code)
        if chosen is None:
            continue
        if g.kind == "multi":
            out += [
                ("group", g.code, o.code) for o in g.options if o.code in chosen and (g.code, o.code) != (group, option)
            ]
        elif g.code != group:
            out.append(("group", g.code, ""))
    out += [("parameter", p.code, "") for p in product.parameters if p.code in selection.parameters]
    out += [("text", t.code, "") for t in product.texts if t.code in selection.texts]
    return out


def total_price(product: Product, selection: Selection) -> Decimal:
    """Return the price of `selection` as it stands: base, options chosen, price rules that hold."""
    total = product.base_price
    for g in product.groups:
        total += sum((o.price for o in g.options if o.code in selection.choices.get(g.code, ())), Decimal(0))
    for rule in product.prices:
        if not rule.when or holds(rule.when, product, selection):
            total += rule.amount
    return total


def defaults_followed(product: Product, selection: Selection) -> int:
    """Count group defaults chosen, and default rules whose condition fails or whose preference holds."""
    count = sum(len(selection.choices.get(g.code, frozenset()) & set(g.default)) for g in product.groups)
    for rule in product.rules:
        if rule.active and rule.kind == "default":
            count += bool(rule.when and not holds(rule.when, product, selection)) or holds(
                rule.prefer, product, selection
            )
    return count


def preferred_resolution(
    product: Product, configs: list[Selection], selection: Selection, group: str, option: str
) -> tuple[Selection, int] | None:
    """Return the new selection `resolve` must answer, and how many decisions it undoes, by brute force.

    Every subset of the decisions, smallest first; for the smallest that leave a valid
    configuration with the wanted option, every such configuration gives the changed
    choice groups their new options. The winner: most defaults followed, cheapest, then
    the undone decisions earliest in catalog order, then the new options earliest.
    """
    g_kind = {g.code: g.kind for g in product.groups}
    decisions = decisions_of(product, selection, group, option)
    base_choices = dict(selection.choices)
    base_choices[group] = (
        selection.choices.get(group, frozenset()) | {option} if g_kind[group] == "multi" else frozenset([option])
    )
    for size in range(len(decisions) + 1):
        found: dict[str, tuple[tuple[int, Decimal, tuple[int, ...], tuple[int, ...]], Selection]] = {}
        for undone in itertools.combinations(range(len(decisions)), size):
            choices = dict(base_choices)
            parameters = dict(selection.parameters)
            texts = dict(selection.texts)
            changed = []
            for index in undone:
                kind, code, ticked = decisions[index]
                if ticked:
                    choices[code] = choices[code] - {ticked}
                elif kind == "group":
                    changed.append(code)
                    del choices[code]
                elif kind == "parameter":
                    del parameters[code]
                else:
                    del texts[code]
            kept = Selection(choices=choices, parameters=parameters, texts=texts)
            for config in configs:
                if not extends(config, kept, multi_groups(product)):
                    continue
                new = Selection(
                    choices={**choices, **{c: config.choices[c] for c in changed}}, parameters=parameters, texts=texts
                )
                positions = tuple(
                    [o.code for o in product.group(c).options].index(next(iter(config.choices[c])))  # type: ignore[union-attr]
                    if config.choices[c]
                    else -1
                    for c in changed
                )
                rank = (-defaults_followed(product, new), total_price(product, new), undone, positions)
                found[repr(rank)] = (rank, new)
        if found:
            return min(found.values(), key=lambda item: item[0])[1], size
    return None
