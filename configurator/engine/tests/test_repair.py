"""Moving a solution to another option gives a valid configuration, or nothing."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configurator.engine.compiler import compile_product
from configurator.engine.repair import Repairer
from configurator.engine.selection import Selection
from configurator.engine.session import Session
from configurator.engine.tests.oracle import valid_configurations
from configurator.engine.tests.strategies import products

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.data())
def test_a_moved_solution_is_a_valid_configuration(data: st.DataObject) -> None:
    product = data.draw(products())
    model = compile_product(product)
    session = Session(model)
    repairer = Repairer(model, session.checker)
    valid = {_key(c.choices, {t for t, v in c.texts.items() if v}, c.parameters) for c in valid_configurations(product)}
    solutions = list(session.solving.pool)
    for found in solutions:
        # Moving many options at once gives what moving each one does.
        one_by_one = {lit: moved for lit in model.option_of if (moved := repairer.move(found, lit)) is not None}
        assert repairer.move_options(found, model.option_of) == one_by_one
        for literal in model.option_of:
            moved = repairer.move(found, literal)
            if moved is None:
                continue
            assert literal in moved
            config = session.selection_of(moved, Selection())
            texts = {code for code, var in model.texts.items() if var in moved}
            assert _key(config.choices, texts, config.parameters) in valid, (found, literal)


def _key(
    choices: Mapping[str, frozenset[str]], texts: set[str], parameters: Mapping[str, Decimal]
) -> tuple[frozenset[object], ...]:
    """Identify a configuration: its options, which texts are set, its parameter values."""
    return frozenset(choices.items()), frozenset(texts), frozenset(parameters.items())
