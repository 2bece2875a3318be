"""Read DIMACS CNF feature models (with `c <index> <name>` comments) into the catalog format.

Each variable becomes a required single-choice group with the options `yes` and `no`
(so a configurator shows both "include" and "exclude" and can say why either is
impossible); each clause becomes a constraint rule such as `a = yes or b = no`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from catalog.formats import catalog_of
from configurator.engine.rules import KEYWORDS

_BAD = re.compile(r"[^A-Za-z0-9_.-]")


class DimacsError(ValueError):
    """The file is not DIMACS CNF."""


def _codes(names: dict[int, str], count: int) -> dict[int, str]:
    codes: dict[int, str] = {}
    used: set[str] = set()
    for index in range(1, count + 1):
        raw = names.get(index, f"x{index}")
        code = _BAD.sub("_", raw).strip("-.") or f"x{index}"
        if not (code[0].isalpha() or code[0] == "_") or code in KEYWORDS:
            code = f"f_{code}"
        base, suffix = code, 2
        while code in used:
            code, suffix = f"{base}_{suffix}", suffix + 1
        used.add(code)
        codes[index] = code
    return codes


def read_dimacs(path: Path, *, code: str, name: str = "") -> dict[str, Any]:
    """Return a catalog file (one product `code`) built from a DIMACS CNF file."""
    names: dict[int, str] = {}
    clauses: list[list[int]] = []
    declared: tuple[int, int] | None = None
    current: list[int] = []
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        if line.startswith("c"):
            parts = line.split(maxsplit=2)
            if len(parts) == 3 and parts[1].isdigit():
                names[int(parts[1])] = parts[2].strip()
            continue
        if line.startswith("p"):
            parts = line.split()
            if len(parts) != 4 or parts[1] != "cnf":
                raise DimacsError(f"{path}:{number}: expected 'p cnf VARIABLES CLAUSES'")
            declared = (int(parts[2]), int(parts[3]))
            continue
        if line.startswith("%"):
            break
        try:
            for token in line.split():
                literal = int(token)
                if literal == 0:
                    clauses.append(current)
                    current = []
                else:
                    current.append(literal)
        except ValueError:
            raise DimacsError(f"{path}:{number}: '{line[:40]}' is not a clause") from None
    if current:
        clauses.append(current)
    if declared is None:
        raise DimacsError(f"{path}: no 'p cnf' line")
    count = max([declared[0], *names, *(abs(lit) for clause in clauses for lit in clause)])
    codes = _codes(names, count)
    groups = [
        {
            "code": codes[i],
            "name": names.get(i, codes[i]),
            "kind": "choice",
            "required": True,
            "display": "radio",
            "options": [{"code": "yes", "name": "Yes"}, {"code": "no", "name": "No"}],
        }
        for i in range(1, count + 1)
    ]
    rules = [
        {
            "code": f"C{n + 1}",
            "kind": "constraint",
            "expr": " or ".join(f"{codes[abs(lit)]} = {'yes' if lit > 0 else 'no'}" for lit in clause) or "false",
            "message": "Feature model constraint",
        }
        for n, clause in enumerate(clauses)
    ]
    return catalog_of(code, name, groups, rules)
