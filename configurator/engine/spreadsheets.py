"""Spreadsheet columns of the catalog's parts, for bulk import and export (CSV, XLSX).

Driven by the field table (`configurator.engine.fields`): a field added there gets
its column here with no change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from configurator.engine.fields import PARTS
from configurator.engine.kinds import Kind


@dataclass(frozen=True)
class Column:
    """One spreadsheet column of a part: a JSON key, its row attribute and its cell conversions."""

    key: str
    kind: Kind
    required: bool
    #: The JSON default an empty cell stands for (None when required or null).
    default: Any
    #: The catalog row's attribute (for an import-export resource), or None.
    model: str | None

    @property
    def nullable(self) -> bool:
        """Whether the key may be null, so that an empty cell stands for no value."""
        return not self.required and self.default is None

    def to_cell(self, value: Any) -> str:
        """Return a JSON value (as `product_to_dict` or `catalog.snapshots` gives it) as cell text."""
        return self.kind.to_cell(value)

    def from_cell(self, text: str | None) -> Any:
        """Return the JSON value of cell text; None for an empty cell (the key then takes its default).

        Raise ValueError naming the problem ("'x' is not a whole number"; "a value is
        required") for the caller to report with the row and the column.
        """
        if text is None or not text.strip():
            if self.required:
                raise ValueError("a value is required")
            return None
        return self.kind.from_cell(text)


def columns(part_name: str) -> tuple[Column, ...]:
    """Return the spreadsheet columns of a part ("option", "price", "parameter", …), in export order.

    The contract for bulk import and export: one column per scalar key (headers are the
    JSON keys); translations, nested objects and rule tables have no column, and the
    parent's code (an option's group) is the caller's own column. The admin's sheets
    (`catalog.columns`) take their headers, row attributes and kinds from here, and read
    cells with widgets chosen by kind. An import that builds a part's JSON object instead
    reads each cell with `from_cell` (leaving out None), and must then check the whole
    product with `configurator.engine.schema.check_product` before writing: `from_cell`
    checks a cell's form, not ranges, references or expressions. An export writes
    `to_cell` of each key of the part's object in the exchange format.
    """
    part = PARTS[part_name]
    return tuple(
        Column(
            key=field.key,
            kind=field.kind,
            required=field.required,
            default=None if field.required else field.default,
            model=field.model_attr,
        )
        for field in part.fields
        if field.kind.column
    )
