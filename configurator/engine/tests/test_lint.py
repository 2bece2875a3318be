"""The catalog lint finds dead and forced options, dead price rules and empty products."""

from __future__ import annotations

from decimal import Decimal

from configurator.engine.lint import lint
from configurator.engine.model import Group, Option, Parameter, PriceRule, Product, Rule


def _product(*rules: Rule, prices: tuple[PriceRule, ...] = ()) -> Product:
    colour = Group(
        "colour", "Colour", "choice", True, (Option("red", "Red"), Option("black", "Black"), Option("blue", "Blue"))
    )
    roof = Group("roof", "Roof", "choice", False, (Option("contrast", "Contrast"),))
    size = Parameter("size", "Size", "cm", Decimal(10), Decimal(20), Decimal(1))
    return Product("p", "P", "EUR", Decimal(1), groups=(colour, roof), parameters=(size,), rules=rules, prices=prices)


def test_a_clean_product_has_no_findings() -> None:
    assert lint(_product(Rule("R1", "constraint", expr="roof -> colour != black"))) == []


def test_dead_option_is_a_warning_with_its_rule() -> None:
    findings = lint(_product(Rule("R1", "constraint", expr="colour != black")))
    assert [str(f) for f in findings] == ["warning: groups.colour.black: can never be selected (because of R1)"]


def test_forced_option_is_a_warning() -> None:
    findings = lint(_product(Rule("R1", "constraint", expr="roof")))
    assert "warning: groups.roof.contrast: is in every valid configuration (always forced)" not in map(str, findings)
    findings = lint(_product(Rule("R1", "constraint", expr="colour = blue")))
    messages = list(map(str, findings))
    assert "warning: groups.colour.blue: is in every valid configuration (always forced)" in messages


def test_impossible_product_is_an_error() -> None:
    findings = lint(_product(Rule("R1", "constraint", expr="size > 30")))
    assert [f.level for f in findings] == ["error"]
    assert "R1" in findings[0].message


def test_price_rule_that_never_applies_is_a_warning() -> None:
    price = PriceRule("P1", Decimal(5), "Never", when="colour = red and colour = blue")
    findings = lint(_product(prices=(price,)))
    assert [str(f) for f in findings] == ["warning: prices.P1: its condition can never hold: it never applies"]


def test_narrowed_parameter_range_is_a_warning() -> None:
    findings = lint(_product(Rule("R1", "constraint", expr="size <= 15")))
    assert [str(f) for f in findings] == ["warning: parameters.size: the rules allow only 10–15 of 10–20 cm"]
