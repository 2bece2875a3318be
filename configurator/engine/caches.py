"""What a session keeps between clicks, under one bound: proofs, group answers, parameter bounds, whole answers.

Each is a shortcut, never a source of truth: whatever is dropped is found again by the
solver, with the same availability. All of them share one `Budget` per session, counted
in references held (a pointer's worth of memory each: the literals of a kept proof or
context, the option states of an answer, and a fixed cost per entry), and the least
recently used entries go first, whichever cache holds them. Kept contexts and proofs are
tuples of ints, not sets: a tuple costs a pointer per literal, a set several, and "does
the selection contain it?" is `have.issuperset(kept)`, as fast either way.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from configurator.engine.states import GroupState, Propagation, Reason

#: a whole answer's key: the selection's choices, parameters, texts (as sets), and whether reasons were asked
AnswerKey = tuple[object, ...]
#: an entry of the budget: its cache's tag (see `Budget.owner`), then what the cache needs to find it
Entry = tuple[Any, ...]
#: what an entry costs besides its literals, in references: its key, its place in the budget's order,
#: its slot in its cache (a kept literal costs one reference; these are measured sizes, rounded)
ENTRY = 40
#: what one option of a kept group state costs, in references (its state object and reasons)
OPTION = 10


class Budget:
    """The one bound on what a session keeps: entries by size, the least recently used dropped first."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self._entries: OrderedDict[Entry, int] = OrderedDict()  # oldest first
        self._drops: list[Callable[[], Callable[[Entry], None] | None]] = []

    def owner(self, drop: Callable[[Entry], None]) -> int:
        """Register a cache by the method that forgets one of its entries; return its tag.

        The budget holds the method weakly: each cache holds the budget, and a cycle of the
        two would outlive its session once `gc.freeze()` exempts them from collection (a
        dropped catalog version's kept answers would stay in memory for good).
        """
        try:
            self._drops.append(weakref.WeakMethod(drop))
        except TypeError:  # not a method of a Python object: no cycle through it, held as it is
            self._drops.append(lambda: drop)
        return len(self._drops) - 1

    def add(self, key: Entry, size: int) -> None:
        """Count a new (or replaced) entry, then drop the least recently used ones past the limit.

        `key` starts with its cache's tag. The entry just added is never dropped by its own
        addition, so one oversized answer is still kept until the next entry comes.
        """
        entries = self._entries
        self.size += size - entries.pop(key, 0)
        entries[key] = size
        while self.size > self.limit and len(entries) > 1:
            old, old_size = entries.popitem(last=False)
            self.size -= old_size
            drop = self._drops[old[0]]()
            if drop is not None:
                drop(old)

    def discard(self, key: Entry) -> None:
        """Forget an entry its cache dropped by itself."""
        self.size -= self._entries.pop(key, 0)

    def touch(self, key: Entry) -> None:
        """Mark an entry used now (it goes last in line to be dropped)."""
        if key in self._entries:
            self._entries.move_to_end(key)

    def __len__(self) -> int:
        return len(self._entries)


class Cores:
    """Proofs kept for reuse (cores, propagations): each shows a literal impossible while its context holds.

    A long-lived session gathers many proofs per option (every shopper's path leaves some),
    and scanning them all on every question made each click slower than the one before.
    They are indexed by one literal of each proof (its anchor), so a look-up reads only the
    proofs whose anchor holds.
    """

    _DEAD = 0  # the anchor of a proof that names no literal: it holds everywhere (0 is no literal)

    def __init__(self, budget: Budget) -> None:
        self._budget = budget
        self._tag = budget.owner(self._drop)
        #: literal -> anchor -> context literals (sorted) -> reasons
        self._by: dict[int, dict[int, dict[tuple[int, ...], tuple[Reason, ...]]]] = {}

    def find(self, literal: int, have: frozenset[int]) -> tuple[Reason, ...] | None:
        """Return the reasons of a kept proof of `literal` whose context literals are all in `have`."""
        by = self._by.get(literal)
        if by is None:
            return None
        dead = by.get(self._DEAD)
        if dead:
            return next(iter(dead.values()))
        # Read whichever is shorter: the anchors kept, or the literals that hold.
        anchors = (a for a in by if a in have) if len(by) <= len(have) else (a for a in have if a in by)
        for anchor in anchors:
            for used, why in by[anchor].items():
                if have.issuperset(used):
                    self._budget.touch((self._tag, literal, anchor, used))
                    return why
        return None

    def add(self, literals: list[int], used: frozenset[int], why: tuple[Reason, ...]) -> None:
        """Keep a proof: each of `literals` is impossible while `used` holds, for `why`."""
        kept = tuple(sorted(used))
        anchor = max(used, key=abs) if used else self._DEAD
        for literal in literals:
            self._by.setdefault(literal, {}).setdefault(anchor, {})[kept] = why
            self._budget.add((self._tag, literal, anchor, kept), len(kept) + ENTRY)

    def _drop(self, key: Entry) -> None:
        _tag, literal, anchor, used = key
        by = self._by[literal]
        proofs = by[anchor]
        del proofs[used]
        if not proofs:
            del by[anchor]
            if not by:
                del self._by[literal]


class Bounds:
    """Proofs that a parameter bound is impossible: the context literals that forbid it (unsat cores)."""

    def __init__(self, budget: Budget) -> None:
        self._budget = budget
        self._tag = budget.owner(self._drop)
        self._cores: dict[int, dict[tuple[int, ...], None]] = {}  # bound literal -> cores (an ordered set)

    def proven(self, literal: int, have: set[int]) -> bool:
        """Tell whether a kept proof shows `literal` impossible while `have` holds."""
        for core in self._cores.get(literal, ()):
            if have.issuperset(core):
                self._budget.touch((self._tag, literal, core))
                return True
        return False

    def add(self, literal: int, core: frozenset[int]) -> None:
        kept = tuple(sorted(core))
        self._cores.setdefault(literal, {})[kept] = None
        self._budget.add((self._tag, literal, kept), len(kept) + ENTRY)

    def _drop(self, key: Entry) -> None:
        _tag, literal, core = key
        cores = self._cores[literal]
        del cores[core]
        if not cores:
            del self._cores[literal]


@dataclass(frozen=True, slots=True)
class Memo:
    """A group's answer: the context it was asked under (sorted literals), the options excluded, its state."""

    have: tuple[int, ...]
    excluded: dict[int, tuple[Reason, ...]]
    state: GroupState


class Memos:
    """Group answers kept for the next click that extends their context, by (the group's choice, reasons).

    One per (group, its choice): a shopper's next click usually adds a choice, so the
    options an answer excluded stay excluded, for the same reasons, and only the ones it
    had available are asked again. An answer that a later click finds unchanged stays
    under its own (smaller) context, which more selections contain.
    """

    def __init__(self, budget: Budget) -> None:
        self._budget = budget
        self._tag = budget.owner(self._drop)
        self._by: dict[tuple[frozenset[str] | None, bool], dict[str, Memo]] = {}

    def of(self, chosen: frozenset[str] | None, reasons: bool) -> dict[str, Memo]:
        """Return the kept answers, by group, of groups with this choice (None: open)."""
        return self._by.get((chosen, reasons), {})

    def used(self, group: str, chosen: frozenset[str] | None, reasons: bool) -> None:
        """Mark a kept answer used by the current click."""
        self._budget.touch((self._tag, chosen, reasons, group))

    def remember(self, group: str, chosen: frozenset[str] | None, reasons: bool, memo: Memo) -> None:
        """Keep a group's answer under its context (replacing the group's previous one for this choice)."""
        self._by.setdefault((chosen, reasons), {})[group] = memo
        size = len(memo.have) + OPTION * (len(memo.excluded) + len(memo.state.options)) + ENTRY
        self._budget.add((self._tag, chosen, reasons, group), size)

    def _drop(self, key: Entry) -> None:
        _tag, chosen, reasons, group = key
        by_group = self._by[(chosen, reasons)]
        del by_group[group]
        if not by_group:
            del self._by[(chosen, reasons)]


class Answers:
    """Whole answers of recent selections (the first clicks of many shoppers are the same)."""

    def __init__(self, budget: Budget, options: int) -> None:
        self._budget = budget
        self._tag = budget.owner(self._drop)
        self._answers: dict[AnswerKey, Propagation] = {}
        self._size = OPTION * options + ENTRY  # an answer lists every option

    def get(self, key: AnswerKey) -> Propagation | None:
        answer = self._answers.get(key)
        if answer is not None:
            self._budget.touch((self._tag, key))
        return answer

    def keep(self, key: AnswerKey, answer: Propagation) -> None:
        self._answers[key] = answer
        self._budget.add((self._tag, key), self._size)

    def clear(self) -> None:
        """Forget every answer (they were computed on another path)."""
        for key in self._answers:
            self._budget.discard((self._tag, key))
        self._answers.clear()

    def _drop(self, key: Entry) -> None:
        del self._answers[key[1]]
