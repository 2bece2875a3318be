"""The diagram's valid domains agree with the SAT session and the brute-force oracle."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configurator.engine.compiler import compile_product
from configurator.engine.diagram import compile_diagram, kernel
from configurator.engine.diagram.answers import availability
from configurator.engine.model import Product
from configurator.engine.selection import Selection
from configurator.engine.session import Session
from configurator.engine.tests.oracle import extends, multi_groups, valid_configurations
from configurator.engine.tests.strategies import products, selections

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.data())
def test_domains_match_the_oracle_and_the_session(data: st.DataObject) -> None:
    product = data.draw(products())
    model = compile_product(product)
    diagram = compile_diagram(model, max_nodes=100_000, seconds=30, in_process=True)
    configs = valid_configurations(product)
    if diagram is None:
        assert not configs, "a small product must compile, unless it has no configuration"
        return
    session = Session(model, warm=False)
    for _ in range(3):
        selection = data.draw(selections(product))
        answer = availability(diagram, model, session.assumptions(selection), selection)
        matching = [c for c in configs if extends(c, selection, multi_groups(product))]
        assert (answer is not None) == bool(matching)
        if answer is None:
            continue
        expected = _oracle(product, configs, selection)
        assert answer.options == expected[0]
        assert answer.ranges == expected[1]
        propagation = session.propagate(selection, reasons=False)
        assert {g.code: {o.code: o.available for o in g.options} for g in propagation.groups} == answer.options
        assert {p.code: (p.min, p.max) for p in propagation.parameters} == answer.ranges


def _oracle(product: Product, configs: list[Selection], selection: Selection) -> tuple[dict, dict]:  # type: ignore[type-arg]
    multi = multi_groups(product)
    options: dict[str, dict[str, bool]] = {}
    for group in product.groups:
        chosen = selection.choices.get(group.code)
        switch = chosen is not None and group.kind == "choice"
        base = selection.without(("group", group.code)) if switch else selection
        context = [c for c in configs if extends(c, base, multi)]
        options[group.code] = {
            o.code: (chosen is not None and o.code in chosen) or any(o.code in c.choices[group.code] for c in context)
            for o in group.options
        }
    ranges = {}
    for parameter in product.parameters:
        context = [c for c in configs if extends(c, selection.without(("parameter", parameter.code)), multi)]
        values = [c.parameters[parameter.code] for c in context]
        ranges[parameter.code] = (min(values), max(values)) if values else None
    return options, ranges


@pytest.mark.skipif(not kernel.available(), reason="the diagram kernel is not built (make setup builds it)")
@SETTINGS
@given(data=st.data())
def test_the_compiled_kernel_answers_as_the_python_markings(data: st.DataObject) -> None:
    """Every literal, with decided groups and set parameters switched, the same from kernel.c as from flat.py."""
    product = data.draw(products())
    model = compile_product(product)
    diagram = compile_diagram(model, max_nodes=100_000, seconds=30, in_process=True)
    if diagram is None:
        return
    session = Session(model, warm=False)
    literals = [lit for vars_ in diagram.variables.values() for var in vars_ for lit in (var, -var)]
    for _ in range(3):
        selection = data.draw(selections(product))
        assumptions = session.assumptions(selection)
        switch = [("group", code) for code in selection.choices] + [
            ("parameter", code) for code in selection.parameters
        ]
        switch = data.draw(st.permutations(switch)).copy()[: data.draw(st.integers(0, len(switch)))]
        python = diagram.domains(assumptions, switch, compiled=False)
        compiled = diagram.domains(assumptions, switch, compiled=True)
        assert (python is None) == (compiled is None)
        if python is not None and compiled is not None:
            assert [lit for lit in literals if lit in compiled] == [lit for lit in literals if lit in python]
