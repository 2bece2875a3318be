"""Renault Megane (../shared/benchmarks) compiles, and its diagram answers as the facts measured say.

Run with: pytest -m benchmarks configurator/engine/diagram/tests/test_renault.py
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from catalog.formats.xcsp import read_xcsp
from configurator.engine.compiler import CompiledModel, compile_product
from configurator.engine.diagram import Diagram, compile_diagram
from configurator.engine.diagram.answers import availability
from configurator.engine.model import product_from_dict
from configurator.engine.selection import Selection
from configurator.engine.session import Session

RENAULT = Path(__file__).resolve().parents[4].parent / "shared" / "benchmarks" / "renault-megane"

pytestmark = [
    pytest.mark.benchmarks,
    pytest.mark.skipif(not RENAULT.is_dir(), reason=f"benchmark data not found at {RENAULT}"),
]


@pytest.fixture(scope="module")
def compiled() -> tuple[CompiledModel, Diagram, dict[str, list[str]]]:
    names: dict[str, list[str]] = json.loads((RENAULT / "renault_value_names.json").read_text())
    product = product_from_dict(read_xcsp(RENAULT / "megane.xml", code="megane", value_names=names)["products"][0])
    model = compile_product(product)
    diagram = compile_diagram(model, max_nodes=2_000_000, seconds=120)
    assert diagram is not None, "Renault's solution space must compile"
    return model, diagram, names


def _code(model: CompiledModel, names: dict[str, list[str]], var: str, value: str) -> str:
    group = next(g for g in model.product.groups if g.code == f"v{var}")
    return group.options[names[var].index(value)].code


def test_the_diagram_excludes_exactly_the_measured_options(
    compiled: tuple[CompiledModel, Diagram, dict[str, list[str]]],
) -> None:
    model, diagram, names = compiled
    expected: dict[str, Any] = json.loads((RENAULT / "expected.json").read_text())
    session = Session(model, warm=False)
    for scenario in expected["scenarios"].values():
        fixed = {f"v{var}": frozenset([_code(model, names, var, value)]) for var, value in scenario["fixed"].items()}
        selection = Selection(choices=fixed)
        answer = availability(diagram, model, session.assumptions(selection), selection)
        assert answer is not None
        out = {
            (group, option)
            for group, options in answer.options.items()
            if group not in fixed
            for option, ok in options.items()
            if not ok
        }
        measured = {
            (f"v{var}", _code(model, names, var, value))
            for var, values in scenario["unselectable"].items()
            for value in values
        }
        assert out == measured


def test_the_diagram_agrees_with_the_session_on_random_selections(
    compiled: tuple[CompiledModel, Diagram, dict[str, list[str]]],
) -> None:
    """Random partial selections, as shared links send them: the same availability as the SAT path."""
    model, diagram, _ = compiled
    session = Session(model)
    rng = random.Random(16)
    groups = [g.code for g in model.product.groups]
    for _ in range(8):
        selection = Selection()
        rng.shuffle(groups)
        for group in groups[: rng.randint(1, len(groups))]:
            answer = availability(diagram, model, session.assumptions(selection), selection)
            assert answer is not None
            choice = rng.choice(sorted(o for o, ok in answer.options[group].items() if ok))
            selection = Selection(choices={**selection.choices, group: frozenset([choice])})
        answer = availability(diagram, model, session.assumptions(selection), selection)
        propagation = session.propagate(selection, reasons=False)
        assert answer is not None and propagation.valid
        assert answer.options == {g.code: {o.code: o.available for o in g.options} for g in propagation.groups}
