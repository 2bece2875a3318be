"""The session agrees with a brute-force oracle on many small random products."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configurator.engine.compiler import compile_product
from configurator.engine.session import Session
from configurator.engine.tests.oracle import extends, valid_configurations
from configurator.engine.tests.strategies import products, selections

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.data())
def test_propagate_matches_the_oracle(data: st.DataObject) -> None:
    product = data.draw(products())
    selection = data.draw(selections(product))
    configs = valid_configurations(product)
    session = Session(compile_product(product))
    result = session.propagate(selection)
    matching = [c for c in configs if extends(c, selection)]
    assert result.valid == bool(matching)
    if not matching:
        assert result.conflict, "an impossible selection must say why"
        return
    for state in result.groups:
        group = state.code
        chosen = selection.choices.get(group)
        context = (
            matching if chosen is None else [c for c in configs if extends(c, selection.without(("group", group)))]
        )
        for option in state.options:
            if chosen is not None and option.code in chosen:
                assert option.available
                continue
            if chosen is not None and product.group(group).kind == "multi":  # type: ignore[union-attr]
                expected = any(chosen | {option.code} <= c.choices[group] for c in context)
            else:
                expected = any(option.code in c.choices[group] for c in context)
            assert option.available == expected, (group, option.code)
            if not option.available:
                assert option.reasons or expected is False
    for state in result.parameters:
        context = [c for c in configs if extends(c, selection.without(("parameter", state.code)))]
        values = [c.parameters[state.code] for c in context]
        assert state.min == (min(values) if values else None)
        assert state.max == (max(values) if values else None)
