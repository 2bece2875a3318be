"""The limit: the compiled decision diagram's own valid-domain time, on the same clicks, in the same run.

When `configurator.engine.diagram` is importable, the product's compiled model is compiled
into a diagram (`compile_diagram(model, max_nodes=..., seconds=...)`) and every recorded
selection is answered from it (`diagram.answers.availability`: every option's availability
and parameter range, decided groups switchable as the engine has them). That is what
answering a click costs with the diagram and nothing around it: no reasons. When the
package is not there, or the diagram does not fit its budget, the report says so instead
of a figure.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, TypedDict

from bench.walks import Stats, Step, stats
from configurator.engine.compiler import CompiledModel
from configurator.engine.session import Session
from configurator.engine.states import Key

MAX_NODES = 2_000_000
SECONDS = 60.0


class Diagram(Protocol):
    def domains(self, assumptions: Mapping[Key, Sequence[int]], switch: Iterable[Key] = ()) -> Any: ...


class LimitState(TypedDict):
    """Whether the diagram could be timed: "ok", "not built", "over budget" or "failed: <why>"."""

    status: str
    compile_s: float | None


def compile_limit(compiled: CompiledModel, seconds: float = SECONDS) -> tuple[Diagram | None, LimitState]:
    """Compile the diagram of `compiled` when the package exists; return it (or None) and what happened."""
    try:
        package = importlib.import_module("configurator.engine.diagram")
        compile_diagram = package.compile_diagram
    except (ImportError, AttributeError):
        return None, LimitState(status="not built", compile_s=None)
    start = time.perf_counter()
    try:
        diagram = compile_diagram(compiled, max_nodes=MAX_NODES, seconds=seconds)
    except Exception as error:  # noqa: BLE001 - another helper's code: report it, keep measuring the engine
        return None, LimitState(status=f"failed: {type(error).__name__}: {error}"[:200], compile_s=None)
    elapsed = time.perf_counter() - start
    if diagram is None:
        return None, LimitState(status="over budget", compile_s=elapsed)
    return diagram, LimitState(status="ok", compile_s=elapsed)


def time_domains(diagram: Diagram, session: Session, steps: Sequence[Step], budget: float) -> Stats:
    """Time the diagram's answer on `steps` until `budget` seconds are spent (at least one step).

    The answer is `configurator.engine.diagram.answers.availability`: every option's availability and
    every parameter's range with the engine's "switch" semantics for decided groups, what a click needs
    without its reasons.
    """
    availability = importlib.import_module("configurator.engine.diagram.answers").availability
    seconds: list[float] = []
    deadline = time.perf_counter() + budget
    for step in steps:
        if seconds and time.perf_counter() >= deadline:
            break
        assumptions = session.assumptions(step.selection)
        start = time.perf_counter()
        availability(diagram, session.model, assumptions, step.selection)
        seconds.append(time.perf_counter() - start)
    return stats(seconds)
