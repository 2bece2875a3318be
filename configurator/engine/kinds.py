"""The kinds of value a catalog field holds, and how each converts between its forms.

A value lives in four places: the exchange format (JSON, `docs/catalog-format.md`), the
engine model (`configurator.engine.model`), a row of the draft catalog (`catalog.models`)
and a spreadsheet cell (bulk editing). A `Kind` converts between them; the checker
(`configurator.engine.schema`) chooses its check by the kind's class. Every conversion
assumes a value already checked, except `from_cell`, which reads what a person typed and
raises `ValueError` with the problem (the caller names the row and the column).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

_CENT = Decimal("0.01")


def money_str(value: Decimal) -> str:
    """Write an amount with exactly two decimals ("18900.00")."""
    return format(value.quantize(_CENT), "f")


def measure_str(value: Decimal) -> str:
    """Write a measure without trailing zeros ("80", "0.5")."""
    return format(value.normalize(), "f") if value else "0"


def decimal_of(value: Any) -> Decimal:
    """Return a checked JSON number or decimal string as an exact `Decimal`."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True)
class Kind:
    """Plain text: the same value in every form."""

    #: Whether a spreadsheet column may hold it (see `configurator.engine.spreadsheets.columns`).
    column = True
    #: Whether the checker and the engine leave it to hand-written code (nested objects, references).
    special = False

    def parse(self, value: Any) -> Any:
        """Return a checked JSON value as the engine model holds it."""
        return value

    def dump(self, value: Any) -> Any:
        """Return an engine value as the exchange format writes it (canonical)."""
        return value

    def store(self, value: Any) -> Any:
        """Return a checked JSON value as a catalog row stores it."""
        return self.parse(value)

    def load(self, value: Any) -> Any:
        """Return a catalog row's value as a JSON value (`product_from_dict` canonicalises it)."""
        return value

    def to_cell(self, value: Any) -> str:
        """Return a JSON value as spreadsheet cell text ("" for none)."""
        return "" if value is None else str(value)

    def from_cell(self, text: str) -> Any:
        """Return the JSON value a cell's text stands for, or raise `ValueError` naming the problem."""
        return text


@dataclass(frozen=True)
class Text(Kind):
    """A string, optionally matching `pattern` (`what` names the expected form in errors)."""

    pattern: str = ""
    what: str = ""

    @property
    def regex(self) -> re.Pattern[str] | None:
        return re.compile(self.pattern) if self.pattern else None

    def from_cell(self, text: str) -> Any:
        if self.pattern and not re.match(self.pattern, text.strip()):
            raise ValueError(f"{text!r} is not {self.what}")
        return text.strip() if self.pattern else text


@dataclass(frozen=True)
class Code(Kind):
    """A code; `name_like` codes (groups, parameters, texts) share a namespace rules refer to."""

    name_like: bool = False

    def parse(self, value: Any) -> Any:
        return str(value)

    def from_cell(self, text: str) -> Any:
        return text.strip()


@dataclass(frozen=True)
class Choice(Kind):
    """One of a few fixed words."""

    values: tuple[str, ...] = ()

    @property
    def regex(self) -> re.Pattern[str]:
        return re.compile(f"({'|'.join(map(re.escape, self.values))})\\Z")

    @property
    def what(self) -> str:
        quoted = [f"'{value}'" for value in self.values]
        return f"{', '.join(quoted[:-1])} or {quoted[-1]}"

    def from_cell(self, text: str) -> Any:
        if text.strip() not in self.values:
            raise ValueError(f"{text!r} is not {self.what}")
        return text.strip()


@dataclass(frozen=True)
class Number(Kind):
    """An exact decimal with at most `places` decimals: money (2) or a measure (4); may be null."""

    places: int = 4

    def parse(self, value: Any) -> Any:
        return None if value is None else decimal_of(value)

    def dump(self, value: Any) -> Any:
        if value is None:
            return None
        return money_str(value) if self.places == 2 else measure_str(value)

    def to_cell(self, value: Any) -> str:
        return "" if value is None else str(self.dump(decimal_of(value)))

    def from_cell(self, text: str) -> Any:
        try:
            number = Decimal(text.strip())
        except InvalidOperation:
            raise ValueError(f'{text!r} is not a decimal number (write e.g. "12.50")') from None
        if not number.is_finite():
            raise ValueError(f"{text!r} is not a finite number")
        return text.strip()


@dataclass(frozen=True)
class Integer(Kind):
    """A whole number within `minimum`..`maximum` (None: unbounded)."""

    minimum: int | None = None
    maximum: int | None = None

    def parse(self, value: Any) -> Any:
        return None if value is None else int(value)

    def from_cell(self, text: str) -> Any:
        try:
            return int(text.strip())
        except ValueError:
            raise ValueError(f"{text!r} is not a whole number") from None


@dataclass(frozen=True)
class Boolean(Kind):
    def to_cell(self, value: Any) -> str:
        return "true" if value else "false"

    def from_cell(self, text: str) -> Any:
        word = text.strip().lower()
        if word in ("true", "yes", "1"):
            return True
        if word in ("false", "no", "0"):
            return False
        raise ValueError(f"{text!r} is not true or false")


@dataclass(frozen=True)
class Translations(Kind):
    """Per language, the translated texts of the part's translatable fields (null: none)."""

    column = False

    def parse(self, value: Any) -> Any:
        return {lang: dict(texts) for lang, texts in (value or {}).items()}

    def dump(self, value: Any) -> Any:
        return {lang: dict(texts) for lang, texts in sorted(value.items())}

    def store(self, value: Any) -> Any:
        return value or {}


@dataclass(frozen=True)
class Formula(Kind):
    """A bill-of-materials quantity: a number or a linear formula, kept as text (checked by hand)."""

    special = True

    def parse(self, value: Any) -> Any:
        return str(value)


@dataclass(frozen=True)
class Expression(Kind):
    """An expression of the rule language ("" where optional); checked by hand against the vocabulary."""

    special = True


@dataclass(frozen=True)
class Codes(Kind):
    """A list of codes (a table rule's groups); checked by hand."""

    column = False
    special = True

    def parse(self, value: Any) -> Any:
        return tuple(value)

    def dump(self, value: Any) -> Any:
        return list(value)

    def store(self, value: Any) -> Any:
        return list(value)


@dataclass(frozen=True)
class Rows(Kind):
    """A table rule's allowed rows of option codes; checked by hand."""

    column = False
    special = True

    def parse(self, value: Any) -> Any:
        return tuple(tuple(row) for row in value)

    def dump(self, value: Any) -> Any:
        return [list(row) for row in value]

    def store(self, value: Any) -> Any:
        return [list(row) for row in value]


@dataclass(frozen=True)
class OptionOrder(Kind):
    """Per language, the option codes a group shows first, in that order; checked by hand.

    The engine holds `{language: (code, ...)}`; the format and a row hold lists, languages sorted.
    """

    column = False
    special = True

    def parse(self, value: Any) -> Any:
        return {lang: tuple(codes) for lang, codes in (value or {}).items()}

    def dump(self, value: Any) -> Any:
        return {lang: list(codes) for lang, codes in sorted(value.items())}

    def store(self, value: Any) -> Any:
        return {lang: list(codes) for lang, codes in sorted((value or {}).items())}


@dataclass(frozen=True)
class SectionCode(Kind):
    """The code of one of the product's sections ("" for none); a row holds the section itself.

    A row's value is resolved by the caller (`configurator.engine.fields.row_values`), so
    the engine needs no model: `load` reads the related object's `code`.
    """

    special = True

    def load(self, value: Any) -> Any:
        return value.code if value is not None else ""

    def from_cell(self, text: str) -> Any:
        return text.strip()


@dataclass(frozen=True)
class Nested(Kind):
    """An object or list of objects read, written, stored and checked by hand."""

    column = False
    special = True
