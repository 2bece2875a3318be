"""The compiled path: a product's whole solution space as a decision diagram, and valid domains.

`compile_diagram` tries to conjoin a compiled model's constraints into one BDD within a
node and time budget (building.py), and exports it as flat arrays (flat.py).
`Diagram.domains` then answers, for the literals of a selection, which option,
parameter-grid and text literals some complete configuration still has, in one pass
over the arrays, without a solver call. A decided single-choice group, or a set
parameter, is answered as a switch (its own assumption dropped), as the SAT session does.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

from configurator.engine.compiler import CompiledModel
from configurator.engine.diagram import kernel
from configurator.engine.diagram.building import Builder, Decisions, OverBudget, name
from configurator.engine.diagram.flat import Flat, decided_value
from configurator.engine.diagram.kernel import Possible

Key = tuple[str, str]  # ("group" | "parameter" | "text", code)


@dataclass
class Diagram:
    """A compiled solution space (see the module docstring)."""

    flat: Flat
    #: decision -> its variables
    variables: dict[Key, tuple[int, ...]]
    #: decision -> its first and last level in the diagram
    spans: dict[Key, tuple[int, int]]
    #: a literal that is not a decision variable -> the decision literals it stands for
    expand: dict[int, tuple[int, ...]]
    #: how many nodes the exported diagram has, and the CPU seconds its compilation took
    nodes: int
    seconds: float
    #: the compiled kernel over `flat`, made on first use in the process that answers (not pickled)
    _kernel: kernel.Kernel | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict[str, object]:
        return {**self.__dict__, "_kernel": None}

    def domains(
        self, assumptions: Mapping[Key, Sequence[int]], switch: Iterable[Key] = (), *, compiled: bool | None = None
    ) -> Possible | None:
        """Return the decision literals some configuration extending `assumptions` has; None if none does.

        For each decision in `switch`, its own variables' literals are those possible
        with its own assumption dropped and every other kept. `compiled`: answer with the
        compiled kernel (True), the pure-Python markings (False), or the kernel when built (None).
        """
        literals = [x for lits in assumptions.values() for lit in lits for x in self.expand.get(lit, (lit,))]
        if compiled or (compiled is None and kernel.available()):
            return self._compiled(literals, switch)
        found = self._python(literals, switch)
        if found is None:
            return None
        return Possible.of(found, 1 + max((abs(lit) for lit in found), default=0))

    def _compiled(self, literals: list[int], switch: Iterable[Key]) -> Possible | None:
        compiled = self._kernel
        if compiled is None:
            compiled = self._kernel = kernel.Kernel(self.flat, self.variables)
        number = compiled.decision
        spans = [(number[key], *self.spans[key]) for key in switch if self.variables.get(key)]
        return compiled.domains(literals, spans)

    def _python(self, literals: list[int], switch: Iterable[Key]) -> set[int] | None:
        value = decided_value(literals)
        if value is None:
            return None
        flat = self.flat
        down = flat.down(value)
        if not down[0]:
            return None
        up = flat.up(value)
        out, jump = flat.possible(value, up, down)
        for key in switch:
            own = frozenset(self.variables.get(key, ()))
            if not own:
                continue
            out.difference_update(own)
            out.difference_update(-var for var in own)
            first, last = self.spans[key]
            if jump[first] > last:  # a solution skips every level of the decision: all of it is free
                out.update(own)
                out.update(-var for var in own)
                continue
            out |= flat.switched(value, own, (first, last), (up, down))
        return out


def compile_diagram(
    model: CompiledModel, *, max_nodes: int, seconds: float, sift_swaps: int = 0, in_process: bool = False
) -> Diagram | None:
    """Compile `model` into a `Diagram`, or return None past `max_nodes` nodes or `seconds` of CPU time.

    `sift_swaps` > 0 lets CUDD's group sifting shrink the finished diagram, bounded in swaps.
    The budget is checked between conjunctions, and one CUDD operation cannot be stopped,
    so the work runs in a child process that is ended past twice the budget (wall clock).
    The child comes from a fork server, never from a fork of this process: web and Celery
    workers run threads, and forking a threaded process can deadlock the child.
    `in_process`: compile here instead (for a small model, whose operations are quick).
    """
    if in_process:
        return _compile_here(model, max_nodes, seconds, sift_swaps)
    context = multiprocessing.get_context("forkserver")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_compile_into, args=(sender, model, max_nodes, seconds, sift_swaps), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(2 * seconds + 1):
            return None
        diagram: Diagram | None = receiver.recv()
        return diagram
    except EOFError:  # the child died (out of memory)
        return None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()


def _compile_into(sender: Connection, model: CompiledModel, max_nodes: int, seconds: float, sift_swaps: int) -> None:
    sender.send(_compile_here(model, max_nodes, seconds, sift_swaps))
    sender.close()


def _compile_here(model: CompiledModel, max_nodes: int, seconds: float, sift_swaps: int) -> Diagram | None:
    start = time.process_time()
    builder = Builder(model, max_nodes=max_nodes, seconds=seconds, sift_swaps=sift_swaps)
    try:
        root = builder.build()
    except OverBudget:
        return None
    if root == builder.bdd.false:
        return None  # no configuration at all: the SAT path says why
    decisions = Decisions.of(model)
    names = {name(var): var for var in decisions.all()}
    flat = Flat.export(builder.bdd, root, names)
    levels = {var: level for var_name, level in builder.bdd.var_levels.items() if (var := names.get(var_name))}
    spans = {
        key: (min(levels[v] for v in vars_), max(levels[v] for v in vars_))
        for key, vars_ in decisions.variables.items()
    }
    expand: dict[int, tuple[int, ...]] = {}
    for group, lit in model.group_set.items():
        if lit != 1:  # "none of the group": every option false
            expand[-lit] = tuple(-option for option in model.options[group].values())
    return Diagram(
        flat=flat,
        variables=decisions.variables,
        spans=spans,
        expand=expand,
        nodes=flat.size,
        seconds=time.process_time() - start,
    )


__all__ = ["Diagram", "compile_diagram"]
