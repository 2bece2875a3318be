"""`complete` agrees with a brute-force oracle of its stated order, whatever was asked before."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from configurator.engine.compiler import compile_product
from configurator.engine.session import Session
from configurator.engine.tests.oracle import extends, multi_groups, preferred_completions, valid_configurations
from configurator.engine.tests.strategies import products, selections

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(data=st.data(), parameters=st.booleans())
def test_complete_follows_its_stated_order_whatever_was_asked_before(data: st.DataObject, parameters: bool) -> None:
    product = data.draw(products(preferences=True))
    selection = data.draw(selections(product))
    configs = valid_configurations(product)
    model = compile_product(product)
    session = Session(model)
    # Earlier questions leave witnesses, cores and solver phases behind: none may change the answer.
    for _ in range(data.draw(st.integers(0, 3))):
        other = data.draw(selections(product))
        session.propagate(other)
        session.complete(other, parameters=data.draw(st.booleans()))
    completion = session.complete(selection, parameters=parameters)
    fresh = Session(model, warm=False).complete(selection, parameters=parameters)
    # (`conflict`, the reasons of an impossible selection, is an unsat core: not part of the promise)
    assert (completion.configuration, completion.texts_needed) == (fresh.configuration, fresh.texts_needed)
    expected = preferred_completions(product, configs, selection, parameters=parameters)
    assert (completion.configuration is None) == (expected is None)
    if expected is None:
        assert completion.conflict
        return
    left, needed = expected
    config = completion.configuration
    assert config is not None
    assert all(c.choices == config.choices for c in left)  # every group decided, as the order says
    assert set(config.choices) == {g.code for g in product.groups}
    if parameters:
        assert all(c.parameters == config.parameters for c in left)
    else:
        assert config.parameters == selection.parameters  # no measurement invented, none replaced
    assert completion.texts_needed == needed
    # No dead end: the answer (and any text it needs) extends to a complete valid configuration.
    assert any(extends(c, config) for c in configs)


@SETTINGS
@given(data=st.data())
def test_complete_without_parameters_keeps_the_decisions_and_leaves_no_dead_end(data: st.DataObject) -> None:
    product = data.draw(products())
    selection = data.draw(selections(product))
    configs = valid_configurations(product)
    session = Session(compile_product(product))
    completion = session.complete(selection, parameters=False)
    possible = any(extends(c, selection, multi_groups(product)) for c in configs)
    assert (completion.configuration is not None) == possible
    if completion.configuration is None:
        return
    config = completion.configuration
    multi = multi_groups(product)
    assert all(
        config.choices[g] >= chosen if g in multi else config.choices[g] == chosen
        for g, chosen in selection.choices.items()
    )
    assert config.parameters == selection.parameters
    # Every group decided (multi groups as whole sets), and some values of the open parameters fit.
    assert set(config.choices) == {g.code for g in product.groups}
    assert any(extends(c, config) for c in configs)
    assert session.propagate(config).valid
