"""Boolean encodings the compiler builds on: Tseitin gates, integers, sums, counts.

Everything here produces CNF clauses (lists of non-zero ints, DIMACS style) and
literals that stand for sub-formulas. Integers (parameters) use the order encoding:
literal `ge(j)` means "the value's index is at least j", which keeps comparisons with
constants single literals and makes unit propagation compute exact bounds.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from fractions import Fraction


class Encoder:
    """Allocate variables and collect clauses; share gates for equal sub-formulas."""

    def __init__(self) -> None:
        self.top = 1
        self.clauses: list[list[int]] = [[1]]  # variable 1 is always true
        self._gates: dict[tuple[str, tuple[int, ...]], int] = {}

    @property
    def true(self) -> int:
        return 1

    def new_var(self) -> int:
        self.top += 1
        return self.top

    def add(self, clause: list[int]) -> None:
        self.clauses.append(clause)

    def and_(self, literals: Sequence[int]) -> int:
        """Return a literal equivalent to the conjunction of `literals`."""
        lits = sorted(set(literals))
        if -1 in lits or any(-lit in lits for lit in lits):
            return -1
        lits = [lit for lit in lits if lit != 1]
        if not lits:
            return 1
        if len(lits) == 1:
            return lits[0]
        key = ("and", tuple(lits))
        gate = self._gates.get(key)
        if gate is None:
            gate = self.new_var()
            for lit in lits:
                self.add([-gate, lit])
            self.add([gate, *(-lit for lit in lits)])
            self._gates[key] = gate
        return gate

    def or_(self, literals: Sequence[int]) -> int:
        """Return a literal equivalent to the disjunction of `literals`."""
        return -self.and_([-lit for lit in literals])

    def iff(self, first: int, second: int) -> int:
        """Return a literal equivalent to `first <-> second`."""
        if first == second:
            return 1
        if first == -second:
            return -1
        if abs(first) == 1 or abs(second) == 1:
            return second if first == 1 else -second if first == -1 else first if second == 1 else -first
        key = ("iff", (min(first, second), max(first, second)))
        gate = self._gates.get(key)
        if gate is None:
            gate = self.new_var()
            self.add([-gate, -first, second])
            self.add([-gate, first, -second])
            self.add([gate, first, second])
            self.add([gate, -first, -second])
            self._gates[key] = gate
        return gate


class IntVar:
    """An integer-valued variable over a sorted list of exact values (order encoding)."""

    def __init__(self, encoder: Encoder, values: Sequence[Fraction]) -> None:
        self.encoder = encoder
        self.values = list(values)
        # _ge[j] for j in 1..n-1 is a variable meaning "index >= j".
        self._ge = [0] + [encoder.new_var() for _ in range(len(self.values) - 1)]
        for j in range(2, len(self.values)):
            encoder.add([-self._ge[j], self._ge[j - 1]])
        self._eq: dict[int, int] = {}

    def ge(self, index: int) -> int:
        """Return the literal "index >= `index`" (true below 1, false past the end)."""
        if index <= 0:
            return 1
        if index >= len(self.values):
            return -1
        return self._ge[index]

    def stating(self, index: int) -> list[int]:
        """Return the order literals (no new gate) that together say "index == `index`"."""
        return [lit for lit in (self.ge(index), -self.ge(index + 1)) if abs(lit) != 1]

    def eq(self, index: int) -> int:
        """Return a literal meaning "index == `index`"."""
        if index < 0 or index >= len(self.values):
            return -1
        if index not in self._eq:
            self._eq[index] = self.encoder.and_([self.ge(index), -self.ge(index + 1)])
        return self._eq[index]

    def at_least(self, bound: Fraction) -> int:
        """Return the literal "value >= bound"."""
        return self.ge(bisect.bisect_left(self.values, bound))

    def at_most(self, bound: Fraction) -> int:
        """Return the literal "value <= bound"."""
        return -self.ge(bisect.bisect_right(self.values, bound))

    def equals(self, value: Fraction) -> int:
        index = bisect.bisect_left(self.values, value)
        if index < len(self.values) and self.values[index] == value:
            return self.eq(index)
        return -1

    def index_of(self, model: set[int] | frozenset[int]) -> int:
        """Return the value index a model (set of true literals) gives this variable."""
        index = 0
        while index + 1 < len(self.values) and self._ge[index + 1] in model:
            index += 1
        return index


def linear_literal(
    encoder: Encoder, terms: Sequence[tuple[Fraction, IntVar]], op: str, rhs: Fraction, *, limit: int = 200_000
) -> int:
    """Return a literal equivalent to `sum(c * x) op rhs` over integer variables.

    Terms beyond two are folded into auxiliary sum variables first; `limit` bounds
    the number of distinct partial sums (a model too large to encode raises).
    """
    if op == "!=":
        return -linear_literal(encoder, terms, "=", rhs, limit=limit)
    if op in ("<", "<="):
        flipped = ">" if op == "<" else ">="
        return linear_literal(encoder, [(-c, x) for c, x in terms], flipped, -rhs, limit=limit)
    terms = [(c, x) for c, x in terms if c != 0]
    while len(terms) > 2:
        (c1, x1), (c2, x2), *rest = terms
        terms = [(Fraction(1), _sum_var(encoder, c1, x1, c2, x2, limit)), *rest]
    strict = op == ">"
    if not terms:
        holds = rhs < 0 if strict else (rhs <= 0 if op == ">=" else rhs == 0)
        return 1 if holds else -1
    if len(terms) == 1:
        (c, x) = terms[0]
        return _single(x, c, op, rhs)
    (c1, x1), (c2, x2) = terms
    result = encoder.new_var()
    for index, value in enumerate(x1.values):
        # x1 == value  ->  (result <-> c2 * x2 op rhs - c1 * value)
        inner = _single(x2, c2, op, rhs - c1 * value)
        elsewhere = [-x1.ge(index), x1.ge(index + 1)]
        emit(encoder, [*elsewhere, -result, inner])
        emit(encoder, [*elsewhere, result, -inner])
    return result


def emit(encoder: Encoder, clause: list[int]) -> None:
    """Add `clause` unless a constant makes it true; drop constant-false literals."""
    if 1 in clause:
        return
    encoder.add([lit for lit in clause if lit != -1])


def _single(x: IntVar, c: Fraction, op: str, rhs: Fraction) -> int:
    """Return the literal for `c * x op rhs` with one variable."""
    if op == "=":
        return x.equals(rhs / c)
    bound = rhs / c
    if c > 0:
        return x.at_least(bound) if op == ">=" else _strictly_above(x, bound)
    # c < 0: c * x >= rhs  <=>  x <= rhs / c
    return x.at_most(bound) if op == ">=" else _strictly_below(x, bound)


def _strictly_above(x: IntVar, bound: Fraction) -> int:
    return x.ge(bisect.bisect_right(x.values, bound))


def _strictly_below(x: IntVar, bound: Fraction) -> int:
    return -x.ge(bisect.bisect_left(x.values, bound))


def _sum_var(encoder: Encoder, c1: Fraction, x1: IntVar, c2: Fraction, x2: IntVar, limit: int) -> IntVar:
    sums = sorted({c1 * a + c2 * b for a in x1.values for b in x2.values})
    if len(sums) > limit:
        raise ValueError(f"a comparison over parameters has {len(sums)} partial sums; the limit is {limit}")
    total = IntVar(encoder, sums)
    position = {value: index for index, value in enumerate(sums)}
    for i, a in enumerate(x1.values):
        for j, b in enumerate(x2.values):
            encoder.add([-x1.eq(i), -x2.eq(j), total.eq(position[c1 * a + c2 * b])])
    return total


def count_literals(encoder: Encoder, literals: Sequence[int]) -> list[int]:
    """Return `at_least[k]` literals, k = 0..n, each equivalent to "at least k are true"."""
    row = [1]  # at least 0 of none
    for lit in literals:
        new = [1]
        for k in range(1, len(row) + 1):
            previous = row[k] if k < len(row) else -1
            new.append(encoder.or_([previous, encoder.and_([row[k - 1], lit])]))
        row = new
    return row


def table_clauses(
    encoder: Encoder, columns: Sequence[dict[str, int]], rows: Sequence[Sequence[str]]
) -> list[list[int]]:
    """Encode "the row of values is one of `rows`" as a reduced decision diagram (MDD).

    Rows are merged into a trie layer by layer and equal sub-diagrams shared, so a
    table of 50,000 rows typically needs a few thousand nodes. Each node gets one
    variable, read as "the values from this node's layer down form a row of its
    sub-diagram"; the root holds, and a node with the value of its layer leads to that
    edge's child. Edges get no variables of their own: a solver assigns every variable
    on every call, and without them Renault's model needs 3,962 variables instead of
    19,996, which makes a satisfiable call about three times cheaper (decision 13).
    Support clauses ("this value needs a node of its layer with an edge on it") let
    unit propagation remove many unsupported values; the solver's search does the rest.
    The returned clauses are the table's own (to be guarded by a rule activation
    literal); node definitions are added to the encoder as hard clauses. Columns are
    single-choice groups, so at most one value per layer holds.
    """
    width = len(columns)
    if not rows:
        return [[]]
    # Build the reduced diagram bottom-up: a node is (layer, frozenset of (value, child)).
    terminal = 0
    ids: dict[tuple[int, frozenset[tuple[str, int]]], int] = {}
    nodes: list[tuple[int, frozenset[tuple[str, int]]]] = [(width, frozenset())]

    def build(layer: int, subset: list[Sequence[str]]) -> int:
        if layer == width:
            return terminal
        by_value: dict[str, list[Sequence[str]]] = {}
        for row in subset:
            by_value.setdefault(row[layer], []).append(row)
        key = (layer, frozenset((value, build(layer + 1, group)) for value, group in by_value.items()))
        node = ids.get(key)
        if node is None:
            node = len(nodes)
            nodes.append(key)
            ids[key] = node
        return node

    root = build(0, list(dict.fromkeys(tuple(row) for row in rows)))
    node_var = {index: encoder.new_var() for index in range(1, len(nodes))}
    node_var[terminal] = 1
    own: list[list[int]] = [[node_var[root]]]
    supports: list[dict[str, list[int]]] = [{} for _ in range(width)]
    for index in range(1, len(nodes)):
        layer, unordered = nodes[index]
        node = node_var[index]
        values = columns[layer]
        edges = sorted(unordered)  # the same clauses on every run
        for value, child in edges:
            if child:
                encoder.add([-node, -values[value], node_var[child]])
            supports[layer].setdefault(value, []).append(node)
        # A row needs one of these values here (a column holds at most one value, so this
        # also rules out the values without an edge).
        encoder.add([-node, *(values[value] for value, _ in edges)])
    for layer, options in enumerate(columns):
        for value, lit in options.items():
            own.append([-lit, *supports[layer].get(value, [])])
    return own
