"""The benchmarked models: where each file lives, how it is read, and how it is walked.

Real knowledge bases come from ../shared/benchmarks (never copied into the repository);
the two demo catalogs come from catalog/demo. A model whose file is absent is skipped
with a message instead of failing the run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from catalog.formats.dimacs import read_dimacs
from catalog.formats.xcsp import read_xcsp

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "benchmarks"
DEMO = ROOT / "catalog" / "demo"

Catalog = dict[str, Any]


@dataclass(frozen=True)
class ModelSpec:
    """One benchmarked model."""

    key: str
    title: str
    files: tuple[Path, ...]
    read: Callable[[], Catalog]
    #: at most this many steps per walk (a walk also ends when no group is open)
    step_cap: int = 100
    #: at most this many walks, whatever --walks asks (None: --walks)
    max_walks: int | None = None
    #: also measured through the HTTP API
    http: bool = False

    def missing(self) -> str | None:
        """Return why the model cannot be measured here, or None when its files exist."""
        absent = [path for path in self.files if not path.exists()]
        if not absent:
            return None
        return f"skipped: {', '.join(str(p) for p in absent)} not found (needs ../shared/benchmarks)"


def _renault() -> Catalog:
    folder = SHARED / "renault-megane"
    names = json.loads((folder / "renault_value_names.json").read_text(encoding="utf-8"))
    return read_xcsp(folder / "megane.xml", code="renault", name="Renault Megane", value_names=names)


def _dimacs(path: Path, code: str) -> Callable[[], Catalog]:
    def read() -> Catalog:
        return read_dimacs(path, code=code)

    return read


def _demo(path: Path) -> Callable[[], Catalog]:
    def read() -> Catalog:
        data: Catalog = json.loads(path.read_text(encoding="utf-8"))
        return data

    return read


def _feature(key: str, title: str, path: Path, max_walks: int | None = None) -> ModelSpec:
    return ModelSpec(key, title, (path,), _dimacs(path, key), step_cap=100, max_walks=max_walks)


SPECS: dict[str, ModelSpec] = {
    spec.key: spec
    for spec in (
        ModelSpec(
            "renault",
            "Renault Megane (XCSP tables)",
            (SHARED / "renault-megane" / "megane.xml", SHARED / "renault-megane" / "renault_value_names.json"),
            _renault,
            step_cap=1000,
            http=True,
        ),
        ModelSpec("city-car", "Demo: city car", (DEMO / "city-car.json",), _demo(DEMO / "city-car.json"), http=True),
        ModelSpec("shirt", "Demo: shirt", (DEMO / "shirt.json",), _demo(DEMO / "shirt.json"), http=True),
        _feature("berkeleydb", "BerkeleyDB (DIMACS)", SHARED / "berkeleydb" / "berkeleydb.dimacs"),
        _feature("pc-richmond", "PC Richmond (DIMACS)", SHARED / "pc-richmond" / "Sprey2020.dimacs"),
        _feature("automotive01", "Automotive01 (DIMACS)", SHARED / "automotive01" / "automotive01.dimacs", 20),
        _feature("linux", "Linux 2.6.33.3 (DIMACS)", SHARED / "linux-2.6.33.3" / "linux-2.6.33.3.dimacs", 5),
        _feature("automotive02", "Automotive02 v1 (DIMACS)", SHARED / "automotive02" / "automotive02_v1.dimacs", 1),
    )
}
