"""What solver calls, moves and derivations have cost a session, to choose the cheaper way to an answer.

The answers are exact whichever way is taken; only the time changes.
"""

from __future__ import annotations


class Costs:
    """What solver calls and moves have cost so far, to tell whether moves pay off on this model.

    A move replaces a solver call only when it succeeds, so moves pay when the success
    rate times the time of a call exceeds the time of a move: on table models (calls
    of milliseconds, moves of microseconds) by far; on small clause models, where a
    call is cheap and a flipped feature mostly breaks a clause, not. Explaining by unit
    propagation (proofs.py) is weighed against unsat cores the same way: per literal,
    with its success rate.
    """

    TRIAL = 1000  # candidates tried before the rates are trusted

    def __init__(self) -> None:
        self.calls, self.call_seconds, self.covered = 0, 0.0, 0
        self.tries, self.wins, self.move_seconds = 0, 0, 0.0
        self.derive_seconds, self.derive_asked, self.derive_won = 0.0, 0, 0
        self.core_seconds, self.core_literals = 0.0, 0

    def solved(self, seconds: float) -> None:
        self.calls += 1
        self.call_seconds += seconds

    def found(self, options: int) -> None:
        """Count options a covering solver call settled (one call may settle thousands)."""
        self.covered += options

    def moved(self, seconds: float, tries: int, wins: int) -> None:
        self.tries += tries
        self.wins += wins
        self.move_seconds += seconds

    def derived(self, seconds: float, asked: int, explained: int) -> None:
        self.derive_seconds += seconds
        self.derive_asked += asked
        self.derive_won += explained

    def cored(self, seconds: float, literals: int) -> None:
        self.core_seconds += seconds
        self.core_literals += literals

    def derivations_pay(self) -> bool:
        """Tell whether explaining by unit propagation costs less per literal than unsat cores do."""
        if self.derive_asked < self.TRIAL or not self.core_literals:
            return True
        per_core = self.core_seconds / self.core_literals
        return self.derive_seconds < self.derive_won * per_core

    def moves_pay(self) -> bool:
        if self.tries < self.TRIAL or not self.calls:
            return True
        # A successful move saves what the solver spends per option it settles, not a whole call.
        return self.wins * self.call_seconds / max(self.calls, self.covered) >= self.move_seconds
