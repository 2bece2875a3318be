"""Catalog lint: what the solver can tell a merchandiser before shoppers meet it.

Errors stop publishing (the product has no valid configuration at all); warnings are
shown but allowed (an option no shopper can ever pick, an option every configuration
must have, a price rule that can never apply, a parameter whose range the rules
narrow). Pure engine code: the catalog app adds the parse errors of the draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from configurator.engine.compiler import compile_product
from configurator.engine.model import Product
from configurator.engine.selection import Selection
from configurator.engine.session import Session


@dataclass(frozen=True)
class Finding:
    level: Literal["error", "warning"]
    subject: str  # "groups.body.black", "prices.P3", "parameters.chest", "product"
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.subject}: {self.message}"


def lint(product: Product, session: Session | None = None) -> list[Finding]:
    """Return what the rules make impossible or inevitable in `product`."""
    session = session or Session(compile_product(product))
    findings: list[Finding] = []
    result = session.propagate(Selection(), reasons=True)
    if not result.valid:
        rules = ", ".join(r.rule for r in result.conflict if r.rule) or "the group settings"
        return [Finding("error", "product", f"no configuration satisfies all rules (conflict: {rules})")]
    model = session.model
    solving = session.solving
    for group, state in zip(product.groups, result.groups, strict=True):
        active = [o for o in group.options if o.active]
        for option, option_state in zip(group.options, state.options, strict=True):
            if not option.active:
                continue
            subject = f"groups.{group.code}.{option.code}"
            if not option_state.available:
                because = ", ".join(r.rule for r in option_state.reasons if r.rule) or "the group settings"
                findings.append(Finding("warning", subject, f"can never be selected (because of {because})"))
            elif len(active) > 1 and not solving.satisfiable([-model.options[group.code][option.code]]):
                findings.append(Finding("warning", subject, "is in every valid configuration (always forced)"))
    for price in product.prices:
        literal = model.price_conditions.get(price.code, 1)
        if literal != 1 and (literal == -1 or not solving.satisfiable([literal])):
            findings.append(
                Finding("warning", f"prices.{price.code}", "its condition can never hold: it never applies")
            )
    for parameter, bounds in zip(product.parameters, result.parameters, strict=True):
        subject = f"parameters.{parameter.code}"
        if bounds.min is None or bounds.max is None:
            findings.append(Finding("error", subject, "no value is allowed by the rules"))
        elif (bounds.min, bounds.max) != (parameter.min, parameter.max):
            allowed = f"{bounds.min}–{bounds.max} of {parameter.min}–{parameter.max} {parameter.unit}".strip()
            findings.append(Finding("warning", subject, f"the rules allow only {allowed}"))
    return findings
