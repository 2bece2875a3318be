"""A compiled diagram as flat arrays of ints, and valid domains read from it in one pass.

The CUDD diagram is exported once: one entry per distinct function (CUDD's complement
edges resolved), sorted by level so that every child comes after its parents, the
true terminal last. A node's `hi` / `lo` is the index of its child, or -1 for false.

Valid domains under a partial assignment are two markings over those arrays: bottom-up,
which nodes can still reach true (`down`); top-down, which nodes the root reaches
through edges the assignment allows (`up`). A literal is possible when some reached
node takes its edge to a node that can reach true, or when such an edge skips the
variable's level (the rest of the way does not depend on it). A decision whose own
assumption is dropped ("switch" semantics: which other options of a decided group the
shopper could switch to) needs only the nodes of its own levels marked again, entered
from the nodes above as already marked and left into the nodes below.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, MutableSequence, Sequence
from dataclasses import dataclass, field

from dd import cudd

Key = tuple[str, str]
Ints = MutableSequence[int]  # array("i") once exported


@dataclass
class _Lists:
    """The arrays while they are being filled."""

    var_at: list[int]
    var: list[int]
    level: list[int]
    hi: list[int]
    lo: list[int]


@dataclass
class Flat:
    """The diagram's nodes as arrays (see the module docstring)."""

    #: level -> CNF variable, 0 for a level of a quantified (absent) variable
    var_at: Ints
    #: node -> its variable, level, children; the last node is the true terminal
    var: Ints
    level: Ints
    hi: Ints
    lo: Ints
    _parents: list[list[tuple[int, bool]]] | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_parents": None}  # derived: rebuilt where needed

    def drop_parents(self) -> None:
        """Free the parent lists (built again if asked for)."""
        self._parents = None

    @property
    def parents(self) -> list[list[tuple[int, bool]]]:
        """Node -> (parent, through its hi edge) for each edge into it."""
        if self._parents is None:
            parents: list[list[tuple[int, bool]]] = [[] for _ in self.var]
            for node in range(len(self.var) - 1):
                for target, through_hi in ((self.hi[node], True), (self.lo[node], False)):
                    if target >= 0:
                        parents[target].append((node, through_hi))
            self._parents = parents
        return self._parents

    @classmethod
    def export(cls, bdd: cudd.BDD, root: cudd.Function, names: Mapping[str, int]) -> Flat:
        """Export `root` (not constant false) over variables named as in `names` (name -> CNF variable)."""
        levels = len(bdd.vars)
        var_at = [0] * levels
        for var_name, level in bdd.var_levels.items():
            var_at[level] = names.get(var_name, 0)
        found: dict[int, tuple[cudd.Function, cudd.Function | None, cudd.Function | None]] = {}
        stack = [root]
        true = bdd.true
        while stack:
            f = stack.pop()
            ident = int(f)
            if ident in found or f == true or f == bdd.false:
                continue
            low, high = (~f.low, ~f.high) if f.negated else (f.low, f.high)
            found[ident] = (f, low, high)
            stack += [low, high]
        order = sorted(found, key=lambda ident: found[ident][0].level)
        index = {ident: position for position, ident in enumerate(order)}
        terminal = len(order)
        flat = _Lists(var_at, [], [], [], [])

        def child(g: cudd.Function) -> int:
            return terminal if g == true else -1 if g == bdd.false else index[int(g)]

        for ident in order:
            f, low, high = found[ident]
            flat.var.append(names[f.var])
            flat.level.append(f.level)
            flat.hi.append(child(high))
            flat.lo.append(child(low))
        flat.var.append(0)
        flat.level.append(levels)
        flat.hi.append(-1)
        flat.lo.append(-1)
        # Arrays of C ints: a fifth of the memory of lists of Python ints, and the kernel reads them in place.
        return cls(
            array("i", flat.var_at),
            array("i", flat.var),
            array("i", flat.level),
            array("i", flat.hi),
            array("i", flat.lo),
        )

    @property
    def size(self) -> int:
        return len(self.var)

    # -- the markings ----------------------------------------------------------------------
    def down(self, value: Mapping[int, bool]) -> bytearray:
        """Return, per node, whether it reaches true through edges `value` allows."""
        var, hi, lo = self.var, self.hi, self.lo
        terminal = len(var) - 1
        down = bytearray(len(var))
        down[terminal] = 1
        get = value.get
        for node in range(terminal - 1, -1, -1):
            v = get(var[node])
            if v is not False:
                h = hi[node]
                if h >= 0 and down[h]:
                    down[node] = 1
                    continue
            if v is not True:
                low = lo[node]
                if low >= 0 and down[low]:
                    down[node] = 1
        return down

    def up(self, value: Mapping[int, bool]) -> bytearray:
        """Return, per node, whether the root reaches it through edges `value` allows."""
        var, hi, lo = self.var, self.hi, self.lo
        up = bytearray(len(var))
        up[0] = 1
        get = value.get
        for node in range(len(var) - 1):
            if not up[node]:
                continue
            v = get(var[node])
            if v is not False and hi[node] >= 0:
                up[hi[node]] = 1
            if v is not True and lo[node] >= 0:
                up[lo[node]] = 1
        return up

    def possible(self, value: Mapping[int, bool], up: bytearray, down: bytearray) -> tuple[set[int], list[int]]:
        """Return the literals true in some solution agreeing with `value`, and the jump table.

        The jump table gives, per level L, the deepest level an edge used by a solution
        reaches from above L: a decision whose levels all lie in between is free there.
        """
        var, level, hi, lo, var_at = self.var, self.level, self.hi, self.lo, self.var_at
        levels = len(var_at)
        out: set[int] = set()
        skipped = [0] * (levels + 1)
        jump = [-1] * (levels + 1)
        jump[0] = level[0]  # the root's own skipped levels
        skipped[0] += 1
        skipped[level[0]] -= 1
        get = value.get
        for node in range(len(var) - 1):
            if not up[node]:
                continue
            v = get(var[node])
            at = level[node]
            for target, polarity, allowed in ((hi[node], 1, v is not False), (lo[node], -1, v is not True)):
                if allowed and target >= 0 and down[target]:
                    out.add(polarity * var[node])
                    deeper = level[target]
                    if deeper > at + 1:
                        skipped[at + 1] += 1
                        skipped[deeper] -= 1
                    if deeper > jump[at + 1]:
                        jump[at + 1] = deeper
        running = 0
        for at in range(levels):
            running += skipped[at]
            if running and var_at[at]:
                v = get(var_at[at])
                if v is not False:
                    out.add(var_at[at])
                if v is not True:
                    out.add(-var_at[at])
        for at in range(1, levels + 1):
            jump[at] = max(jump[at], jump[at - 1])
        return out, jump

    def switched(
        self, value: Mapping[int, bool], own: frozenset[int], span: tuple[int, int], marks: tuple[bytearray, bytearray]
    ) -> set[int]:
        """Return the literals of the variables `own` possible when their values in `value` are dropped.

        `span` is their first and last level; `marks` the (up, down) markings under all of `value`.
        """
        return _Span(self, value, own, span, marks).possible()


class _Span:
    """The markings of one decision's levels with its own assumption dropped (see `Flat.switched`)."""

    def __init__(
        self,
        flat: Flat,
        value: Mapping[int, bool],
        own: frozenset[int],
        span: tuple[int, int],
        marks: tuple[bytearray, bytearray],
    ) -> None:
        self.flat, self.value, self.own = flat, value, own
        self.first, self.last = span
        self.up, self.down = marks
        self.start = _first_at(flat.level, self.first)
        self.end = _first_at(flat.level, self.last + 1)
        self.reach = bytearray(self.end - self.start)  # from the root, inside the span
        self.sat = bytearray(self.end - self.start)  # to true, inside the span
        self.out: set[int] = set()

    def allows(self, node: int, polarity: bool) -> bool:
        var = self.flat.var[node]
        return var in self.own or self.value.get(var) is not (not polarity)

    def leads(self, node: int, target: int, polarity: bool) -> bool:
        """Tell whether the edge from `node` to `target` is allowed and reaches true."""
        if target < 0 or not self.allows(node, polarity):
            return False
        return bool(self.sat[target - self.start] if target < self.end else self.down[target])

    def possible(self) -> set[int]:
        flat, start = self.flat, self.start
        for node in range(self.end - 1, start - 1, -1):
            if self.leads(node, flat.hi[node], True) or self.leads(node, flat.lo[node], False):
                self.sat[node - start] = 1
        if start == 0 and self.end > 0:
            self.reach[0] = 1
            self.free(self.first, flat.level[0])
        for node in range(start, self.end):
            if self.enter(node):
                self.mark(node)
        return self.out

    def enter(self, node: int) -> bool:
        """Mark whether the root reaches `node`; free the levels an edge from above skips to it."""
        flat, start = self.flat, self.start
        entered = flat.level[node]
        for parent, polarity in flat.parents[node]:
            if parent < start:
                if self.up[parent] and self.allows(parent, polarity):
                    self.reach[node - start] = 1
                    entered = min(entered, max(self.first, flat.level[parent] + 1))
            elif self.reach[parent - start] and self.allows(parent, polarity):
                self.reach[node - start] = 1
        if self.reach[node - start] and self.sat[node - start]:
            self.free(entered, flat.level[node])
        return bool(self.reach[node - start])

    def mark(self, node: int) -> None:
        """Add the literals of the edges from a reached `node` that lead to true, and the levels they skip."""
        flat = self.flat
        for target, polarity in ((flat.hi[node], True), (flat.lo[node], False)):
            if self.leads(node, target, polarity):
                self.out.add(flat.var[node] if polarity else -flat.var[node])
                self.free(flat.level[node] + 1, min(flat.level[target], self.last + 1))

    def free(self, low: int, high: int) -> None:
        """Both values of the decision's variables at levels low..high-1 are possible."""
        for at in range(low, high):
            var = self.flat.var_at[at]
            if var in self.own:
                self.out.add(var)
                self.out.add(-var)


def _first_at(levels: Sequence[int], wanted: int) -> int:
    """Return the first node at level `wanted` or deeper (nodes are sorted by level)."""
    low, high = 0, len(levels)
    while low < high:
        middle = (low + high) // 2
        if levels[middle] < wanted:
            low = middle + 1
        else:
            high = middle
    return low


def decided_value(literals: Iterable[int]) -> dict[int, bool] | None:
    """Return the assignment `literals` state (variable -> value), or None if they contradict each other."""
    value: dict[int, bool] = {}
    for lit in literals:
        if value.setdefault(abs(lit), lit > 0) is not (lit > 0):
            return None
    return value
