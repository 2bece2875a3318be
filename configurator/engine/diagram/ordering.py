"""A first variable order for the diagram: FORCE, decisions placed near the ones they share rules with.

A BDD stays small when variables that constrain each other sit close together. FORCE
(Aloul, Markov and Sakallah, 2003) moves each decision to the mean of the centres of
the constraints it appears in, and repeats; it needs no diagram at all, so the build
starts from a sensible order and CUDD's sifting has less to repair.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

T = TypeVar("T", bound=Hashable)

ROUNDS = 30


def force_order[T: Hashable](items: Sequence[T], edges: Sequence[Sequence[T]], rounds: int = ROUNDS) -> list[T]:
    """Return `items` reordered so that the members of each edge sit close together.

    Stops early when an order repeats or the total span of the edges stops shrinking.
    """
    order = list(items)
    edges = [edge for edge in {tuple(sorted(set(edge), key=order.index)) for edge in edges} if len(edge) > 1]
    if not edges:
        return order
    best, best_span = order, _span(order, edges)
    for _ in range(rounds):
        position = {item: index for index, item in enumerate(order)}
        total = dict.fromkeys(order, 0.0)
        count = dict.fromkeys(order, 0)
        for edge in edges:
            centre = sum(position[item] for item in edge) / len(edge)
            for item in edge:
                total[item] += centre
                count[item] += 1
        order = sorted(order, key=lambda item: total[item] / count[item] if count[item] else position[item])
        span = _span(order, edges)
        if span >= best_span:
            break
        best, best_span = order, span
    return best


def _span[T: Hashable](order: Sequence[T], edges: Sequence[Sequence[T]]) -> int:
    position = {item: index for index, item in enumerate(order)}
    return sum(max(position[item] for item in edge) - min(position[item] for item in edge) for edge in edges)
