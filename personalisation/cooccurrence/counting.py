"""Count option pairs in baskets and rank suggestions: plain Python, no Django.

A basket is the set of (group, option) items of one configuration (options only: no
measurements or texts). For two items A and B over N baskets:

- support: how many baskets hold both (`together`);
- confidence of A → B: together / baskets holding A ("chosen by 62% of people who picked A");
- lift of A → B: confidence / (baskets holding B / N); above 1, A makes B likelier than it is alone.

Baskets are counted once per distinct set with their multiplicity: orders of a product
repeat a few popular looks, so 100,000 orders are a few thousand distinct sets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from itertools import combinations
from typing import Any

#: (group code, option code)
Item = tuple[str, str]


def basket_of(data: Mapping[str, Any]) -> frozenset[Item]:
    """Return the options of a request-shaped configuration (DESIGN §4) as a basket.

    A choice group holds a code or null, a multi group a list; anything else (a stored row
    from an older shape) is skipped rather than failing the count.
    """
    items: set[Item] = set()
    selections = data.get("selections") if isinstance(data, Mapping) else None
    if not isinstance(selections, Mapping):
        return frozenset()
    for group, value in selections.items():
        if isinstance(value, str):
            if value:
                items.add((group, value))
        elif isinstance(value, list):
            items.update((group, code) for code in value if isinstance(code, str) and code)
    return frozenset(items)


@dataclass(frozen=True)
class PairRule:
    """A → B over `baskets` baskets: how often they go together, and how often each goes at all."""

    if_item: Item
    then_item: Item
    together: int
    if_count: int
    then_count: int
    baskets: int

    @property
    def confidence(self) -> float:
        return self.together / self.if_count

    @property
    def lift(self) -> float:
        return self.confidence * self.baskets / self.then_count


def count_pairs(distinct: Mapping[frozenset[Item], int], *, min_support: int) -> list[PairRule]:
    """Return both directions of every pair held together by at least `min_support` baskets.

    `distinct` maps each distinct basket to how many configurations it is (`basket_counts`).
    """
    singles: Counter[Item] = Counter()
    pairs: Counter[tuple[Item, Item]] = Counter()
    for basket, times in distinct.items():
        items = sorted(basket)
        if times == 1:
            # Most baskets are one configuration: Counter.update counts an iterable in C (a third faster).
            singles.update(items)
            pairs.update(combinations(items, 2))
            continue
        for item in items:
            singles[item] += times
        for pair in combinations(items, 2):
            pairs[pair] += times
    total = sum(distinct.values())
    rules = []
    for (a, b), together in pairs.items():
        if together >= min_support:
            rules.append(PairRule(a, b, together, singles[a], singles[b], total))
            rules.append(PairRule(b, a, together, singles[b], singles[a], total))
    return rules


@dataclass(frozen=True)
class Suggestion:
    """An option to offer, and the shopper's choice that makes it likelier (the "why")."""

    item: Item
    because: Item
    confidence: float
    lift: float


def suggest(rules: Iterable[PairRule], chosen: Set[Item], candidates: Set[Item], *, limit: int) -> list[Suggestion]:
    """Return at most `limit` of `candidates` that rules from `chosen` make likelier (lift above 1).

    Each candidate is offered for its strongest reason (highest lift, then confidence);
    candidates come by the same order. Only `candidates` are ever returned: the caller
    passes the options the engine shows available and not chosen.
    """
    best: dict[Item, Suggestion] = {}
    for rule in rules:
        if rule.if_item not in chosen or rule.then_item not in candidates or rule.lift <= 1:
            continue
        found = Suggestion(rule.then_item, rule.if_item, rule.confidence, rule.lift)
        held = best.get(rule.then_item)
        if held is None or _rank(found) < _rank(held):
            best[rule.then_item] = found
    return sorted(best.values(), key=_rank)[:limit]


def _rank(suggestion: Suggestion) -> tuple[float, float, Item, Item]:
    # Codes break ties, so the same counts always give the same suggestions.
    return (-suggestion.lift, -suggestion.confidence, suggestion.item, suggestion.because)


def basket_counts(rows: Iterable[tuple[str, Mapping[str, Any]]]) -> dict[str, Counter[frozenset[Item]]]:
    """Group (product code, configuration) rows into each product's distinct baskets with their counts."""
    found: dict[str, Counter[frozenset[Item]]] = {}
    for code, data in rows:
        counts = found.get(code)
        if counts is None:
            counts = found[code] = Counter()
        counts[basket_of(data)] += 1
    return found
