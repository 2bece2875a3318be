"""Which path answers a product's clicks: its compiled decision diagram, or the SAT session alone.

`open_session` compiles the model, tries to compile its solution space into a diagram
within a node and time budget, and measures both paths on the same few selections (the
prefixes of one complete configuration): the diagram serves availability and ranges only
where its valid domains cost less than the SAT session's answer (decision 34). Reasons,
completion, explanation and repair always come from the SAT session.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from configurator.engine.compiler import CompiledModel
from configurator.engine.diagram import Diagram, compile_diagram, kernel
from configurator.engine.selection import Selection
from configurator.engine.session import Session

#: the diagram's budget: nodes and CPU seconds (a compiled Renault Megane has about 108,000 nodes)
MAX_NODES = 1_000_000
SECONDS = 10.0
#: a model this small compiles in this process (no child process to start): milliseconds at most
IN_PROCESS_CLAUSES = 2_000
#: how many selections each path is timed on
SAMPLES = 9


@dataclass(frozen=True)
class PathChoice:
    """Which path serves availability, and the measurements behind the choice."""

    path: str  # "diagram" or "sat"
    reason: str
    nodes: int = 0
    compile_seconds: float = 0.0
    diagram_ms: float | None = None
    sat_ms: float | None = None


def open_session(
    model: CompiledModel,
    diagram: Callable[[], Diagram | None] | None = None,
    *,
    memory: int | None = None,
) -> tuple[Session, PathChoice]:
    """Return a warm session for `model`, on the cheaper path, and why that path.

    `diagram` gives the model's diagram (compiled, or read from a cache), or None past
    its budget; it runs in a thread while the session warms up, so a compile in a child
    process costs no extra wall time on a second core. Without it, the default budget.
    """
    source = diagram or (lambda: compile_model(model))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="diagram") as pool:
        future = pool.submit(source)
        session = Session(model, memory=memory)
        compiled = future.result()
    if compiled is None:
        return session, PathChoice("sat", "no diagram within the budget")
    choice = measure(session, compiled)
    if choice.path == "diagram":
        session.use_diagram(compiled)
    return session, choice


def compile_model(model: CompiledModel, *, max_nodes: int = MAX_NODES, seconds: float = SECONDS) -> Diagram | None:
    """Compile `model`'s solution space (in this process when it is small, else in a child process)."""
    here = len(model.clauses) + sum(map(len, model.rule_clauses.values())) <= IN_PROCESS_CLAUSES
    return compile_diagram(model, max_nodes=max_nodes, seconds=seconds, in_process=here)


def measure(session: Session, diagram: Diagram) -> PathChoice:
    """Time the diagram's valid domains against the SAT session's answer on the same selections."""
    compiled = f"{diagram.nodes:,} nodes in {diagram.seconds:.2f} s"
    samples = _samples(session)
    if not samples:
        return PathChoice("sat", "the product has no configuration", diagram.nodes, diagram.seconds)
    availability = session.availability
    diagram_ms = _median_ms(lambda selection: diagram.domains(session.assumptions(selection)), samples)
    sat_ms = _median_ms(lambda selection: availability.propagate(selection, reasons=False), samples)
    cheaper = diagram_ms < sat_ms
    how = "compiled kernel" if kernel.available() else "pure Python (the kernel is not built)"
    reason = (
        f"diagram of {compiled}, {how}: {diagram_ms:.2f} ms median against the SAT path's {sat_ms:.2f} ms"
        if cheaper
        else f"SAT path {sat_ms:.2f} ms median against the diagram's {diagram_ms:.2f} ms ({how}, {compiled})"
    )
    return PathChoice("diagram" if cheaper else "sat", reason, diagram.nodes, diagram.seconds, diagram_ms, sat_ms)


def _samples(session: Session) -> list[Selection]:
    """Return prefixes of one complete configuration: from one choice to all of them, evenly spread."""
    configuration = session.complete(Selection()).configuration
    if configuration is None:
        return []
    choices = list(configuration.choices.items())
    if not choices:
        return [Selection()]
    counts = sorted({max(1, round(len(choices) * k / SAMPLES)) for k in range(1, SAMPLES + 1)})
    return [Selection(choices=dict(choices[:count])) for count in counts]


def _median_ms(answer: Callable[[Selection], object], samples: list[Selection]) -> float:
    times = []
    for selection in samples:
        start = time.perf_counter()
        answer(selection)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000
