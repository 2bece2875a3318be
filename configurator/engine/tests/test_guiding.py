"""Proposals from guided answers: limits first, then the answers' preferences, then the catalog's defaults."""

from __future__ import annotations

from decimal import Decimal

from configurator.engine.compiler import compile_product
from configurator.engine.guiding import limit_leaves_configuration, named_groups, propose, usable
from configurator.engine.model import Group, Option, Parameter, Product, Rule
from configurator.engine.selection import Selection
from configurator.engine.session import Session


def _group(code: str, options: list[str], default: str = "") -> Group:
    return Group(
        code=code,
        name=code,
        kind="choice",
        required=True,
        options=tuple(Option(code=o, name=o) for o in options),
        default=(default,) if default else (),
    )


CAR = Product(
    code="car",
    name="Car",
    currency="EUR",
    base_price=Decimal("10000"),
    groups=(
        _group("engine", ["petrol", "hybrid", "electric"], default="electric"),
        _group("trim", ["basic", "comfort", "premium"]),
        _group("wheels", ["w15", "w17", "w19"]),
    ),
    parameters=(Parameter(code="seat", name="Seat", unit="cm", min=Decimal(40), max=Decimal(60), step=Decimal(1)),),
    rules=(
        Rule(code="R1", kind="constraint", expr="engine = electric -> trim != basic"),
        Rule(code="R2", kind="constraint", expr="wheels = w19 -> trim = premium"),
        Rule(code="D1", kind="default", prefer="trim = comfort"),
    ),
)


def _valid(selection_choices: dict[str, frozenset[str]]) -> bool:
    session = Session(compile_product(CAR), warm=False)
    return session.propagate(Selection(choices=selection_choices)).valid


def test_without_answers_the_proposal_is_the_catalogs_completion() -> None:
    found = propose(CAR, [], [])
    assert found is not None
    assert found.selection.choices == {"engine": {"electric"}, "trim": {"comfort"}, "wheels": {"w15"}}
    assert not found.selection.parameters  # a measurement is never filled in


def test_an_answers_preference_comes_ahead_of_the_group_default_and_the_default_rules() -> None:
    found = propose(CAR, [], ["engine = petrol and trim = basic"])
    assert found is not None and found.honoured == (True,)
    assert found.selection.choices["engine"] == {"petrol"} and found.selection.choices["trim"] == {"basic"}


def test_a_preference_that_cannot_hold_is_dropped_whole_and_said_so() -> None:
    # R1: electric never comes with the basic trim; the next preference still counts.
    found = propose(CAR, [], ["engine = electric and trim = basic", "wheels = w19"])
    assert found is not None and found.honoured == (False, True)
    assert found.selection.choices["wheels"] == {"w19"} and found.selection.choices["trim"] == {"premium"}
    assert _valid(dict(found.selection.choices))


def test_a_limit_holds_against_every_preference_and_default() -> None:
    found = propose(CAR, ["engine != electric"], ["engine = electric"])
    assert found is not None and found.honoured == (True, False)
    assert found.selection.choices["engine"] != {"electric"}
    assert _valid(dict(found.selection.choices))


def test_a_limit_no_configuration_satisfies_is_found() -> None:
    assert limit_leaves_configuration(CAR, "wheels = w19")
    assert not limit_leaves_configuration(CAR, "wheels = w19 and trim = basic")
    assert not limit_leaves_configuration(CAR, "engine = electric and trim = basic")


def test_answers_may_name_choices_only() -> None:
    assert usable(CAR, "engine = petrol and trim in {basic, comfort}")
    assert not usable(CAR, "seat >= 50")  # a measurement
    assert not usable(CAR, "engine = diesel")  # no such option
    assert named_groups(CAR, "engine = petrol -> wheels != w19") == {"engine", "wheels"}
    assert named_groups(CAR, "engine = diesel") == frozenset()
