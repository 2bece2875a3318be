"""What the engine answers about a selection: option and group states, parameter ranges, reasons.

Plain frozen dataclasses, shared by every path that computes them (availability.py) and
by the apps that show them; `configurator.engine.session` re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

Key = tuple[str, str]  # ("group" | "parameter" | "text", code)


@dataclass(frozen=True)
class Reason:
    """Why something is unavailable: a rule (`rule` set) or a choice of the shopper's."""

    rule: str | None = None
    selection: Key | None = None


@dataclass(frozen=True)
class OptionState:
    code: str
    available: bool
    selected: bool
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True)
class GroupState:
    code: str
    decided: bool
    selected: tuple[str, ...]
    options: tuple[OptionState, ...]


@dataclass(frozen=True)
class ParameterState:
    code: str
    value: Decimal | None
    min: Decimal | None  # None: no feasible value at all
    max: Decimal | None


@dataclass(frozen=True)
class Propagation:
    valid: bool
    complete: bool
    groups: tuple[GroupState, ...]
    parameters: tuple[ParameterState, ...]
    conflict: tuple[Reason, ...] = ()


def grid_decimal(value: Fraction) -> Decimal:
    """Return a grid value as a plain decimal ("50", "0.5"); grid values are exact decimals."""
    number = Decimal(value.numerator) / Decimal(value.denominator)
    return Decimal(format(number.normalize(), "f"))
