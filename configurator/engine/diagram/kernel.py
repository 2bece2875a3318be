"""Valid domains in compiled code: kernel.c over a diagram's flat arrays, through cffi.

`make setup` builds the kernel (kernel_build.py) where a C
compiler is present. The module's name carries a hash of its source, so a kernel built
from an older kernel.c is never loaded; without a built kernel, flat.py's pure-Python
markings give the same answers, slower (`available()` tells which one serves).
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from configurator.engine.diagram.flat import Flat, Key

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "kernel.c"
CDEF = """
int dd_domains(int n, const int *var, const int *level, const int *hi, const int *lo, int levels,
               const int *var_at, const signed char *value, unsigned char *down, unsigned char *up,
               unsigned char *out, int *jump, int *skipped);
void dd_switched(int n, const int *var, const int *level, const int *hi, const int *lo, const int *var_at,
                 const int *pstart, const int *pnode, const unsigned char *phi, const signed char *value,
                 const int *owner, int count, const int *decisions, const int *firsts, const int *lasts,
                 const int *jump, const unsigned char *up, const unsigned char *down, unsigned char *reach,
                 unsigned char *sat, unsigned char *out);
"""


def module_name() -> str:
    """Return the built module's name: `_kernel_` and a hash of the source and declarations."""
    digest = hashlib.sha256(SOURCE.read_bytes() + CDEF.encode()).hexdigest()[:12]
    return f"_kernel_{digest}"


def _load() -> ModuleType | None:
    try:
        return importlib.import_module(f"configurator.engine.diagram.{module_name()}")
    except ImportError:
        return None


_module = _load()


def available() -> bool:
    """Tell whether the compiled kernel is built for the current source."""
    return _module is not None


class Possible:
    """The literals some configuration has, read off the kernel's per-variable bits."""

    __slots__ = ("bits",)

    def __init__(self, bits: bytes) -> None:
        self.bits = bits

    @classmethod
    def of(cls, literals: Iterable[int], variables: int) -> Possible:
        """Return the bits of a set of literals over variables 1..`variables` - 1 (the pure-Python path's)."""
        bits = bytearray(variables)
        for lit in literals:
            if abs(lit) < variables:
                bits[abs(lit)] |= 1 if lit > 0 else 2
        return cls(bytes(bits))

    def __contains__(self, literal: object) -> bool:
        if not isinstance(literal, int):
            return False
        var = abs(literal)
        return var < len(self.bits) and bool(self.bits[var] & (1 if literal > 0 else 2))

    def among(self, literals: Iterable[int]) -> set[int]:
        """Return those of `literals` that are possible (one pass, no method call per literal)."""
        bits, size = self.bits, len(self.bits)
        return {
            lit for lit in literals if ((lit < size and bits[lit] & 1) if lit > 0 else (-lit < size and bits[-lit] & 2))
        }


class Kernel:
    """One diagram's arrays in C memory, and valid domains over them (see flat.py)."""

    def __init__(self, flat: Flat, variables: Mapping[Key, Sequence[int]]) -> None:
        """`variables`: each decision -> its variables (decisions are numbered for switching)."""
        assert _module is not None, "the kernel is not built"
        #: decision -> its number, as `domains` takes it in `switch`
        self.decision = {key: number for number, key in enumerate(variables)}
        owner = {var: self.decision[key] for key, vars_ in variables.items() for var in vars_}
        ffi = self.ffi = _module.ffi
        self.lib: Any = _module.lib
        self.n = flat.size
        self.levels = len(flat.var_at)
        self.variables = 1 + max((*flat.var, *flat.var_at, *owner), default=0)
        self.var, self.level, self.hi, self.lo, self.var_at = (
            ffi.new("int[]", list(ints)) for ints in (flat.var, flat.level, flat.hi, flat.lo, flat.var_at)
        )
        starts, nodes, through_hi = [0], [], []
        for parents in flat.parents:
            nodes += [parent for parent, _ in parents]
            through_hi += [int(hi) for _, hi in parents]
            starts.append(len(nodes))
        flat.drop_parents()  # the pure-Python path's; the kernel has its own
        self.pstart = ffi.new("int[]", starts)
        self.pnode = ffi.new("int[]", nodes or [0])
        self.phi = ffi.new("unsigned char[]", through_hi or [0])
        owners = [-1] * self.variables
        for var, decision in owner.items():
            owners[var] = decision
        self.owner = ffi.new("int[]", owners)

    def domains(self, literals: Sequence[int], switch: Sequence[tuple[int, int, int]]) -> Possible | None:
        """Return the possible literals under `literals`; None if no configuration has them.

        `switch`: (decision number, first level, last level) of each decision answered
        with its own assumption dropped.
        """
        ffi, lib = self.ffi, self.lib
        value = bytearray(self.variables)
        for lit in literals:
            var = abs(lit)
            if var >= self.variables:
                continue  # a variable the diagram does not have (quantified away): free
            wanted = 1 if lit > 0 else 2
            if value[var] not in (0, wanted):
                return None
            value[var] = wanted
        values = ffi.from_buffer("signed char[]", value)
        down = ffi.new("unsigned char[]", self.n)
        up = ffi.new("unsigned char[]", self.n)
        out = ffi.new("unsigned char[]", self.variables)
        jump = ffi.new("int[]", self.levels + 1)
        skipped = ffi.new("int[]", self.levels + 1)
        args = (self.n, self.var, self.level, self.hi, self.lo)
        if not lib.dd_domains(*args, self.levels, self.var_at, values, down, up, out, jump, skipped):
            return None
        if switch:
            reach = ffi.new("unsigned char[]", self.n)
            sat = ffi.new("unsigned char[]", self.n)
            decisions, firsts, lasts = zip(*switch, strict=True)
            lib.dd_switched(
                *args,
                self.var_at,
                self.pstart,
                self.pnode,
                self.phi,
                values,
                self.owner,
                len(switch),
                ffi.new("int[]", decisions),
                ffi.new("int[]", firsts),
                ffi.new("int[]", lasts),
                jump,
                up,
                down,
                reach,
                sat,
                out,
            )
        return Possible(bytes(ffi.buffer(out)))
