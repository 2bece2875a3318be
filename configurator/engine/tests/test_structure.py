"""The engine's shape (issue 16): no module reads another's private names, no import cycles, a small Session."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ENGINE = Path(__file__).resolve().parents[1]
#: The engine's package as absolute imports name it (`from configurator.engine.solving import ...`).
PACKAGE = "configurator.engine"


def _in_engine(module: str) -> str | None:
    """Return an absolute module name relative to the engine ("" for the package), or None outside it."""
    if module == PACKAGE:
        return ""
    if module.startswith(f"{PACKAGE}."):
        return module[len(PACKAGE) + 1 :]
    return None


def _modules() -> dict[str, Path]:
    """Map each engine module's dotted name (relative to the engine) to its file; tests left out."""
    found = {}
    for path in sorted(ENGINE.rglob("*.py")):
        parts = path.relative_to(ENGINE).with_suffix("").parts
        if "tests" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _private_reads(path: Path) -> Iterator[str]:
    """Yield each use of another object's private name in a module: `x._name` or `from m import _name`."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            owner = node.value
            if isinstance(owner, ast.Name) and owner.id in {"self", "cls"}:
                continue
            yield f"{path.name}:{node.lineno}: {ast.unparse(node)}"
        elif isinstance(node, ast.ImportFrom) and (node.level or _in_engine(node.module or "") is not None):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    yield f"{path.name}:{node.lineno}: from {'.' * node.level}{node.module or ''} import {alias.name}"


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Return the engine modules that `name` imports (relative or absolute imports, at any depth in the file)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        candidates: list[str] = []
        if isinstance(node, ast.Import):
            candidates = [m for alias in node.names if (m := _in_engine(alias.name)) is not None]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)]
                module: str | None = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = _in_engine(node.module or "")
            if module is not None:
                candidates = [module, *(f"{module}.{alias.name}".lstrip(".") for alias in node.names)]
        found.update(c for c in candidates if c in modules and c != name)
    return found


def test_no_engine_module_reads_private_names_of_another() -> None:
    reads = [read for path in _modules().values() for read in _private_reads(path)]
    assert reads == []


def test_engine_modules_import_no_cycle() -> None:
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for other in sorted(graph[name]):
            if state.get(other) == 1:
                cycles.append([*trail[trail.index(other) :], other])
            elif other not in state:
                visit(other, [*trail, other])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_the_session_facade_stays_small() -> None:
    assert len((ENGINE / "session.py").read_text().splitlines()) < 300


def test_the_checks_see_what_they_look_for(tmp_path: Path) -> None:
    """The scans above find a private read and an import when there is one (so they can fail)."""
    sample = tmp_path / "sample.py"
    sample.write_text("from .caches import _Budget\nfrom . import solving\n\ndef f(s):\n    return s._solver\n")
    assert len(list(_private_reads(sample))) == 2
    assert _imports("availability", sample, {"caches": sample, "solving": sample}) == {"caches", "solving"}
    absolute = tmp_path / "absolute.py"
    absolute.write_text(
        "from configurator.engine.caches import _Budget\n"
        "from configurator.engine import solving\n"
        "import configurator.engine.diagram.flat\n"
        "from configurator.forms import _not_the_engine\n"
    )
    assert len(list(_private_reads(absolute))) == 1
    modules = {"caches": sample, "solving": sample, "diagram.flat": sample, "forms": sample}
    assert _imports("availability", absolute, modules) == {"caches", "solving", "diagram.flat"}
