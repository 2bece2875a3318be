"""Exact configuration operations on a compiled model: the public facade of the engine.

One `Session` per published catalog version serves every request: the model is loaded
into a solver once, and each question ("can this selection be completed with option
o?") is a solver call under assumptions, never a recompilation. The work is done by
concept modules, each holding its own state:

- solving.py: the SAT solvers, selectors, solutions and unsat cores;
- witnesses.py: which options are available under a context (witnesses, moved solutions);
- proofs.py: why options are unavailable (derivations, cores);
- availability.py: every group's and parameter's answer for a selection;
- caches.py: what is kept between clicks (proofs, group answers, whole answers);
- search.py and resolving.py: complete, explain and resolve, on the solver plumbing.

The answer dataclasses live in states.py and are importable from here.
"""

from __future__ import annotations

from configurator.engine import resolving, search
from configurator.engine.availability import Availability
from configurator.engine.caches import Answers, Bounds, Budget, Cores, Memos
from configurator.engine.checking import Checker, Price, Validation
from configurator.engine.compiler import CompiledModel
from configurator.engine.diagram import Diagram
from configurator.engine.proofs import Proofs
from configurator.engine.resolving import Resolution
from configurator.engine.search import Completion
from configurator.engine.selection import Selection
from configurator.engine.solving import Solving
from configurator.engine.states import GroupState, Key, OptionState, ParameterState, Propagation, Reason
from configurator.engine.witnesses import Witnesses

__all__ = ["GroupState", "Key", "OptionState", "ParameterState", "Propagation", "Reason", "Session"]


class Session:
    """Answer configuration questions about one compiled model (thread-safe)."""

    #: what a session keeps between clicks, in references held (see caches.Budget): some 32 MB at most
    MEMORY = 4_000_000
    #: up to MEMORY, this much per option: a small model's answers are small, and a bound it
    #: fills within its first few thousand clicks keeps its process from growing for hours
    MEMORY_SMALL_PER_OPTION = 10_000
    #: and at least this much per option, so the answers of a few clicks of a big model fit
    MEMORY_PER_OPTION = 1024

    def __init__(
        self,
        model: CompiledModel,
        solver: str = "g4",
        *,
        warm: bool = True,
        memory: int | None = None,
        diagram: Diagram | None = None,
    ) -> None:
        """`diagram`: the model's compiled solution space; availability then comes from it (see paths.py)."""
        self.model = model
        self.checker = Checker(model.product)
        self.solving = Solving(model, solver)
        #: the one bound on kept proofs and answers (`memory`, else from MEMORY and the model's size)
        options = len(model.option_of)
        bound = max(self.MEMORY_PER_OPTION * options, min(self.MEMORY, self.MEMORY_SMALL_PER_OPTION * options))
        self.budget = Budget(memory or bound)
        cores = Cores(self.budget)
        self.proofs = Proofs(self.solving, cores)
        self.witnesses = Witnesses(self.solving, self.checker, cores)
        memos, bounds = Memos(self.budget), Bounds(self.budget)
        self.availability = Availability(self.solving, self.witnesses, self.proofs, (memos, bounds), diagram)
        self._answers = Answers(self.budget, len(model.option_of))
        if warm:
            # Find a witness for every selectable option and a reason for every dead one now,
            # so the first shopper's first click costs no more than any other.
            self.propagate(Selection())

    def use_diagram(self, diagram: Diagram | None) -> None:
        """Answer availability and ranges from `diagram` from now on (None: from the SAT path)."""
        with self.solving.lock:
            self.availability.diagram = diagram
            self._answers.clear()

    @property
    def diagram(self) -> Diagram | None:
        """The compiled solution space availability comes from, if any."""
        return self.availability.diagram

    def propagate(self, selection: Selection, *, reasons: bool = True) -> Propagation:
        """Return every group's options with availability (and reasons), and parameter ranges.

        Answers are kept for the latest selections asked (by any shopper: the first
        clicks of many shoppers are the same, and a page asks again for what it shows).
        """
        key = (
            # Tuples of strings, not (group, frozenset): the collector stops tracking them (sharing.py).
            frozenset((group, *sorted(chosen)) for group, chosen in selection.choices.items()),
            frozenset((code, str(value)) for code, value in selection.parameters.items()),
            frozenset((code, bool(text)) for code, text in selection.texts.items()),
            reasons,
        )
        with self.solving.lock:
            answer = self._answers.get(key)
            if answer is None:
                answer = self.availability.propagate(selection, reasons=reasons)
                self._answers.keep(key, answer)
            return answer

    def assumptions(self, selection: Selection) -> dict[Key, list[int]]:
        """Map each decision of `selection` to the literals that state it."""
        return self.solving.assumptions(selection)

    def validate(self, selection: Selection) -> Validation:
        """Return whether `selection` is a complete valid configuration, with every violation."""
        return self.checker.validate(selection)

    def price(self, selection: Selection, language: str = "en") -> Price:
        """Return the itemised price of `selection`."""
        return self.checker.price(selection, language)

    def complete(self, selection: Selection, *, parameters: bool = True) -> Completion:
        """Return a complete valid configuration that keeps `selection` and follows defaults.

        `parameters=False` decides every choice but fills in no parameter the selection
        leaves open (measurements are the shopper's); the choices still leave values for
        them that complete the configuration. The same selection gets the same answer
        every time (see `search.complete`).
        """
        return search.complete(self.solving, self.propagate, selection, parameters=parameters)

    def resolve(self, selection: Selection, group: str, option: str) -> Resolution:
        """Return the preferred smallest change to `selection` that makes `group = option` possible.

        Fewest decisions undone, then most defaults followed, then the cheapest total, then
        catalog order: the same answer every time (see `resolving`).
        """
        return resolving.resolve(self.solving, self.checker, selection, group, option)

    def explain(self, selection: Selection, group: str, option: str) -> tuple[Reason, ...]:
        """Return a minimal set of rules and choices that exclude `group = option`."""
        return search.explain(self.solving, selection, group, option)

    def selection_of(self, found: frozenset[int], base: Selection) -> Selection:
        """Return the complete selection a model describes (texts kept from `base`)."""
        return self.solving.selection_of(found, base)
