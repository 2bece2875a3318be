"""The columns of the spreadsheets of options, price rules and parameters, from the field table.

A sheet's columns come from the field table (`configurator.engine.spreadsheets.columns`,
itself read off `configurator.engine.fields`): one column per scalar key the catalog row
stores, named like the key (`price`, `part_number`, `bom_unit`…), read and written by the
widget of its kind (`catalog.cells`). A field added to the table thus gets its column,
with its export, import, dry-run diff and validation (`catalog.spreadsheets`), with no
change here.

`SHEETS` adds what the table has not: the natural key's parents (the product; an option's
group), a name's translation (`name_it`), an option's `default` and `position`; and it
leaves out, per sheet, the keys edited on the part's page instead: descriptions (prose,
whose translations have no column) and a parameter's `section` (one of the product's
steps, chosen from their list there). Keys the catalog row does not store (engine-only,
no row attribute) have no column. `COLUMNS` is the result, one tuple per model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.db import models
from import_export import fields

from catalog.cells import (
    CheckedField,
    CountWidget,
    FlagWidget,
    GroupWidget,
    NumberWidget,
    ProductWidget,
    TextWidget,
    TranslationField,
)
from catalog.models import Option, Parameter, PriceRule
from configurator.engine import kinds, spreadsheets

Kind = Literal["text", "money", "measure", "flag", "count", "product", "group", "translation"]


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: its header (a catalog file key), the model attribute, how values read."""

    name: str
    attribute: str
    kind: Kind = "text"
    key: bool = False
    #: Whether a blank cell stands for no value (None) rather than a mistake.
    optional: bool = False
    #: For "translation": the language of `attribute` in the row's `translations`.
    language: str = ""
    #: For a column of the field table: its kind, whose `from_cell` checks a text's form.
    form: kinds.Kind | None = None

    @property
    def lookup(self) -> str:
        """The query path that matches a row's text in this key column."""
        if self.kind in ("product", "group") and not self.attribute.endswith("__code"):
            return f"{self.attribute}__code"
        return self.attribute


@dataclass(frozen=True)
class Sheet:
    """One model's sheet: its part of the field table, and what the sheet adds to it or leaves out."""

    part: str
    #: The natural key before the part's own `code`: the product, an option's group.
    parents: tuple[Column, ...]
    #: Columns of the row the table has no key for, after the table's (unless `order` places them).
    own: tuple[Column, ...] = ()
    #: The table keys with no column here (see the module's docstring for why).
    left_out: frozenset[str] = frozenset()
    #: The headers in the order the sheet had when it was introduced, so exports keep their
    #: column positions; columns added to the table since come after them, in table order.
    order: tuple[str, ...] = ()


SHEETS: dict[type[models.Model], Sheet] = {
    Option: Sheet(
        "option",
        parents=(
            Column("product", "group__product__code", "product", key=True),
            Column("group", "group", "group", key=True),
        ),
        own=(
            Column("name_it", "name", "translation", language="it"),
            # A group's default is stored as its options' flags (the table's group `default`).
            Column("default", "is_default", "flag"),
            Column("position", "position", "count"),
        ),
        left_out=frozenset({"description"}),
        order=(
            "product",
            "group",
            "code",
            "name",
            "name_it",
            "price",
            "part_number",
            "bom_quantity",
            "bom_unit",
            "swatch",
            "default",
            "active",
            "position",
        ),
    ),
    PriceRule: Sheet("price", parents=(Column("product", "product", "product", key=True),)),
    Parameter: Sheet(
        "parameter",
        parents=(Column("product", "product", "product", key=True),),
        left_out=frozenset({"description", "section"}),
    ),
}


def sheet_kind(column: spreadsheets.Column) -> Kind:
    """Return how cells of a table column read and write; raise TypeError for a kind no widget reads."""
    kind = column.kind
    if isinstance(kind, kinds.Number):
        return "money" if kind.places == 2 else "measure"
    if isinstance(kind, kinds.Integer):
        return "count"
    if isinstance(kind, kinds.Boolean):
        return "flag"
    if isinstance(kind, (kinds.Text, kinds.Code, kinds.Choice, kinds.Formula, kinds.Expression)):
        return "text"
    raise TypeError(
        f"no spreadsheet cell reads {type(kind).__name__} ({column.key}): "
        "give it a widget in catalog/cells.py or leave the key out of its Sheet"
    )


def sheet_columns(model: type[models.Model]) -> tuple[Column, ...]:
    """Return `model`'s spreadsheet columns, in export order, from the field table and `SHEETS`."""
    sheet = SHEETS[model]
    table = tuple(
        Column(
            column.key,
            column.model,
            sheet_kind(column),
            key=column.key == "code",
            optional=column.nullable,
            form=column.kind,
        )
        for column in spreadsheets.columns(sheet.part)
        if column.model is not None and column.key not in sheet.left_out
    )
    found = (*sheet.parents, *table, *sheet.own)
    # sorted() is stable: the columns `order` does not name keep their order, after those it does.
    return tuple(sorted(found, key=lambda c: sheet.order.index(c.name) if c.name in sheet.order else len(sheet.order)))


COLUMNS: dict[type[models.Model], tuple[Column, ...]] = {model: sheet_columns(model) for model in SHEETS}


def sheet_field(column: Column) -> fields.Field:
    """Return the import-export field of `column`: its attribute, header and widget."""
    kind = column.kind
    if kind == "translation":
        return TranslationField(
            key=column.attribute, language=column.language, column_name=column.name, widget=TextWidget()
        )
    if kind == "product" and column.attribute != "product":
        return CheckedField(attribute=column.attribute, column_name=column.name, widget=ProductWidget())
    factories: dict[str, Callable[[], Any]] = {
        "money": lambda: NumberWidget(money=True, optional=column.optional),
        "measure": lambda: NumberWidget(optional=column.optional),
        "flag": FlagWidget,
        "count": lambda: CountWidget(optional=column.optional),
        "product": ProductWidget,
        "group": GroupWidget,
        "text": TextWidget,
    }
    widget = factories[kind]()
    return fields.Field(attribute=column.attribute, column_name=column.name, widget=widget)
