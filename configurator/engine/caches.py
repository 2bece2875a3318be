"""What a session keeps between clicks: proofs, group answers, parameter bounds, whole answers.

Each is a shortcut, never a source of truth: whatever is dropped is found again by the
solver, with the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from configurator.engine.states import GroupState, Propagation, Reason

#: a whole answer's key: the selection's choices, parameters, texts (as sets), and whether reasons were asked
AnswerKey = tuple[object, ...]


class Cores:
    """Proofs kept for reuse (cores, propagations): each shows a literal impossible while its context holds.

    A long-lived session gathers many cores per option (every shopper's path leaves some),
    and scanning them all on every question made each click slower than the one before.
    They are indexed by one literal of each core (its anchor), so a look-up reads only the
    cores whose anchor holds; and an option keeps at most `KEEP`, so memory stays bounded.
    """

    KEEP = 512
    _DEAD = 0  # the anchor of a core that names no literal: it holds everywhere (0 is no literal)

    def __init__(self) -> None:
        self._by: dict[int, dict[int, list[tuple[frozenset[int], tuple[Reason, ...]]]]] = {}
        self._count: dict[int, int] = {}

    def find(self, literal: int, have: frozenset[int]) -> tuple[Reason, ...] | None:
        """Return the reasons of a kept core of `literal` whose context literals are all in `have`."""
        by = self._by.get(literal)
        if by is None:
            return None
        dead = by.get(self._DEAD)
        if dead:
            return dead[0][1]
        # Read whichever is shorter: the anchors kept, or the literals that hold.
        anchors = (a for a in by if a in have) if len(by) <= len(have) else (a for a in have if a in by)
        for anchor in anchors:
            for used, why in by[anchor]:
                if used <= have:
                    return why
        return None

    def add(self, literal: int, used: frozenset[int], why: tuple[Reason, ...]) -> None:
        """Keep a core: `literal` is impossible while `used` holds, for `why`."""
        count = self._count.get(literal, 0) + 1
        by = self._by.setdefault(literal, {})
        if count > self.KEEP:  # start again rather than track ages: cores are cheap to find again
            by.clear()
            count = 1
        self._count[literal] = count
        anchor = max(used, key=abs) if used else self._DEAD
        by.setdefault(anchor, []).append((used, why))


class Bounds:
    """Proofs that a parameter bound is impossible: the context literals that forbid it (unsat cores)."""

    def __init__(self) -> None:
        self._cores: dict[int, list[frozenset[int]]] = {}

    def proven(self, literal: int, have: set[int]) -> bool:
        """Tell whether a kept proof shows `literal` impossible while `have` holds."""
        return any(core <= have for core in self._cores.get(literal, ()))

    def add(self, literal: int, core: frozenset[int]) -> None:
        self._cores.setdefault(literal, []).append(core)


@dataclass(frozen=True, slots=True)
class Memo:
    """A group's answer: the context it was asked under, the options excluded (with reasons), its state."""

    have: frozenset[int]
    excluded: dict[int, tuple[Reason, ...]]
    state: GroupState


class Memos:
    """Group answers kept for the next click that extends their context, by (the group's choice, reasons).

    One per (group, its choice): a shopper's next click usually adds a choice, so the
    options an answer excluded stay excluded, for the same reasons, and only the ones it
    had available are asked again.
    """

    KEPT = 4096  # group answers kept, at least

    def __init__(self, groups: int) -> None:
        self._by: dict[tuple[frozenset[str] | None, bool], dict[str, Memo]] = {}
        self._count = 0
        # Room for a few clicks' answers of every group, so one click of a big model never clears its own.
        self._kept = max(self.KEPT, 4 * groups)

    def of(self, chosen: frozenset[str] | None, reasons: bool) -> dict[str, Memo]:
        """Return the kept answers, by group, of groups with this choice (None: open)."""
        return self._by.get((chosen, reasons), {})

    def remember(self, group: str, chosen: frozenset[str] | None, reasons: bool, memo: Memo) -> None:
        """Keep a group's answer under a context (an unchanged answer stays under its own, smaller one)."""
        if self._count >= self._kept:
            self._by.clear()
            self._count = 0
        by_group = self._by.setdefault((chosen, reasons), {})
        self._count += group not in by_group
        by_group[group] = memo


class Answers:
    """Whole answers of recent selections, oldest first (the first clicks of many shoppers are the same)."""

    def __init__(self, options: int) -> None:
        self._answers: dict[AnswerKey, Propagation] = {}
        # Fewer for big models: an answer lists every option.
        self._kept = max(1, min(256, 100_000 // max(1, options)))

    def take(self, key: AnswerKey) -> Propagation | None:
        """Return the kept answer of `key` (and forget it: `keep` puts it back as the most recent)."""
        return self._answers.pop(key, None)

    def keep(self, key: AnswerKey, answer: Propagation) -> None:
        self._answers[key] = answer
        if len(self._answers) > self._kept:
            del self._answers[next(iter(self._answers))]
