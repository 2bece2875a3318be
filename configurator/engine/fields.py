"""The catalog exchange format, declared once: every part's keys, kinds, defaults and columns.

Each `Part` lists its keys in the order an export writes them. A `Field` gives the JSON
key, its kind (`configurator.engine.kinds`: how the value is checked and converted), its
default (a JSON value; `REQUIRED` when the key must be given; a default of None means
null is allowed), the engine attribute and the catalog-row attribute where they differ
from the key (a string: the engine imports no Django), and whether it is translatable.

Driven from this table: the checker's allowed and required keys and its plain checks
(`configurator.engine.schema`), `product_from_dict` / `product_to_dict` for scalar
fields (`read`, `write`), the draft's rows (`row_values`, `row_json`, used by
`catalog.services` and `catalog.snapshots`), spreadsheet columns (`configurator.engine.spreadsheets`) and the
test that docs/catalog-format.schema.json agrees (configurator/engine/tests/test_fields.py).

Left to hand-written code, as fields of kind `Nested` or marked `special`: option
layers, a group's `default` (stored as its options' `is_default`), a parameter's
`guide` (stored as `guide_image`, `guide_text` and `guide_text` translations), a text's
`preview` (stored as JSON) and its `places`, a size's `values`, the preview's layers,
which keys each rule kind allows (`RULE_KIND_KEYS`), and the checks that need the rest
of the product: expressions, formulas, references, tables, ranges and grids.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from configurator.engine.kinds import (
    Boolean,
    Choice,
    Code,
    Codes,
    Expression,
    Formula,
    Integer,
    Kind,
    Nested,
    Number,
    OptionOrder,
    Rows,
    SectionCode,
    Text,
    Translations,
)

#: The largest preview canvas side, in pixels: what the renderer draws, the catalog
#: accepts and publishing checks (past it, rendering and the audit cost seconds and
#: hundreds of megabytes: decision 32 has the figures).
PREVIEW_MAX_SIDE = 4096
#: A product's lead time when the catalog gives none, and the longest it may give, in working days.
LEAD_TIME_DAYS = 14
LEAD_TIME_MAX_DAYS = 365

#: The default of a key that must be given.
REQUIRED: Any = object()
_SAME: Any = object()

TEXT = Text()
CODE = Code()
NAME_CODE = Code(name_like=True)
MONEY = Number(places=2)
MEASURE = Number(places=4)
BOOLEAN = Boolean()
TRANSLATIONS = Translations()
EXPRESSION = Expression()
SECTION = SectionCode()
NESTED = Nested()
OPTIONAL_COLOUR = Text(r"(#[0-9A-Fa-f]{6})?\Z", "a colour like '#c0392b'")
ANCHOR = Text(r"[lmr][tmbas]\Z", "a Pillow text anchor such as 'mm' or 'lt'")


@dataclass(frozen=True)
class Field:
    """One key of a part: see the module's docstring."""

    key: str
    kind: Kind
    #: The JSON value a key left out (or null) stands for; `REQUIRED` when it must be given.
    default: Any = REQUIRED
    #: The engine dataclass attribute, when not `key`.
    attr: str = ""
    #: The catalog row's attribute when not `key`; None when the row has none. Nested keys have
    #: none unless named (a text's `preview`, stored as JSON).
    model: Any = _SAME
    translatable: bool = False
    #: Whether writing leaves the key out when it holds its default: a key added after versions
    #: were published, so their snapshots (and checksums) stay what they were.
    omit_default: bool = False

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def nullable(self) -> bool:
        return self.default is None

    @property
    def engine_attr(self) -> str:
        return self.attr or self.key

    @property
    def model_attr(self) -> str | None:
        if self.model is _SAME:
            return None if isinstance(self.kind, Nested) else self.key
        return str(self.model) if self.model else None


@dataclass(frozen=True)
class Part:
    """An object of the exchange format (a product, an option, a layer, …): its fields in export order."""

    name: str
    fields: tuple[Field, ...]

    def field(self, key: str) -> Field:
        return next(field for field in self.fields if field.key == key)

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(field.key for field in self.fields)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(field.key for field in self.fields if field.required)

    @property
    def translatable(self) -> tuple[str, ...]:
        return tuple(field.key for field in self.fields if field.translatable)

    @functools.cached_property
    def scalars(self) -> tuple[tuple[str, str, Kind, Any], ...]:
        """Key, engine attribute, kind and default of each field the engine reads from the table."""
        return tuple((f.key, f.engine_attr, f.kind, f.default) for f in self.fields if not isinstance(f.kind, Nested))

    def default(self, key: str) -> Any:
        """Return the engine value of `key`'s default (for the engine dataclasses' defaults)."""
        field = self.field(key)
        return field.kind.parse(field.default)


#: Every part by name (the checker's names: "product", "option", "text_place", …).
PARTS: dict[str, Part] = {}


def _named() -> tuple[Field, ...]:
    """The translatable name and description, and their translations, that most parts have."""
    return (
        Field("name", TEXT, translatable=True),
        Field("description", TEXT, "", translatable=True),
        Field("translations", TRANSLATIONS, {}),
    )


def _part(name: str, *fields: Field) -> Part:
    PARTS[name] = Part(name, fields)
    return PARTS[name]


PRODUCT = _part(
    "product",
    Field("code", CODE),
    *_named(),
    Field("currency", Text(r"[A-Z]{3}\Z", "an ISO 4217 currency code such as 'EUR'")),
    Field("base_price", MONEY),
    Field("part_number", TEXT, ""),
    Field("lead_time_days", Integer(0, LEAD_TIME_MAX_DAYS), LEAD_TIME_DAYS),
    Field("layout", Choice(("steps", "single")), "steps"),
    Field("active", BOOLEAN, True),
    *(Field(key, NESTED, []) for key in ("sections", "groups", "parameters", "texts", "rules", "prices")),
    Field("preview", NESTED, {}),
    Field("sizes", NESTED, []),
)
SECTION_PART = _part(
    "section", Field("code", CODE), Field("name", TEXT, translatable=True), Field("translations", TRANSLATIONS, {})
)
GROUP = _part(
    "group",
    Field("code", NAME_CODE),
    *_named(),
    Field("kind", Choice(("choice", "multi")), "choice"),
    Field("required", BOOLEAN, True),
    Field("min", Integer(0), None, attr="min_count", model="min_count"),
    Field("max", Integer(0), None, attr="max_count", model="max_count"),
    Field("section", SECTION, ""),
    Field("display", Choice(("radio", "swatch", "select")), "radio"),
    Field("order", OptionOrder(), {}, omit_default=True),
    Field("default", NESTED, None),
    Field("options", NESTED),
)
OPTION = _part(
    "option",
    Field("code", CODE),
    *_named(),
    Field("price", MONEY, "0.00"),
    Field("part_number", TEXT, ""),
    Field("bom_quantity", Formula(), "1"),
    Field("bom_unit", TEXT, "pcs"),
    Field("active", BOOLEAN, True),
    Field("swatch", OPTIONAL_COLOUR, ""),
    Field("layers", NESTED, []),
)
PARAMETER = _part(
    "parameter",
    Field("code", NAME_CODE),
    *_named(),
    Field("unit", TEXT, ""),
    Field("min", MEASURE, model="min_value"),
    Field("max", MEASURE, model="max_value"),
    Field("step", MEASURE, "1"),
    Field("default", MEASURE, None),
    Field("section", SECTION, ""),
    Field("guide", NESTED, None),
)
GUIDE = _part(
    "guide",
    Field(
        "image", Text(r"[A-Za-z0-9_][A-Za-z0-9_./-]*\.(svg|png|jpg|jpeg|webp)\Z", "a relative path to an image file")
    ),
    Field("text", TEXT, "", translatable=True),
    Field("translations", TRANSLATIONS, {}),
)
TEXT_PART = _part(
    "text",
    Field("code", NAME_CODE),
    *_named(),
    Field("max_length", Integer(1)),
    Field("charset", TEXT, ""),
    Field("required", BOOLEAN, False),
    Field("section", SECTION, ""),
    Field("preview", NESTED, None, model="preview"),
)
TEXT_PREVIEW = _part(
    "text_preview",
    Field("x", Integer()),
    Field("y", Integer()),
    Field("size", Integer(4), 24),
    Field("color", Text(r"#[0-9A-Fa-f]{6}\Z", "a colour like '#1d3557'"), "#000000"),
    Field("font", TEXT, "serif"),
    Field("anchor", ANCHOR, "mm"),
    Field("color_from", TEXT, ""),
    Field("place_from", TEXT, ""),
    Field("places", NESTED, {}),
)
TEXT_PLACE = _part(
    "text_place",
    Field("x", Integer()),
    Field("y", Integer()),
    Field("size", Integer(4), None),
    Field("anchor", ANCHOR, None),
)
RULE = _part(
    "rule",
    Field("code", CODE),
    Field("kind", Choice(("constraint", "table", "default", "warning"))),
    Field("expr", EXPRESSION, ""),
    Field("groups", Codes(), []),
    Field("rows", Rows(), []),
    Field("when", EXPRESSION, ""),
    Field("prefer", EXPRESSION, ""),
    Field("message", TEXT, "", translatable=True),
    Field("active", BOOLEAN, True),
    Field("translations", TRANSLATIONS, {}),
)
#: The keys only some rule kinds allow (a rule's other keys suit every kind).
RULE_KIND_KEYS: dict[str, frozenset[str]] = {
    "constraint": frozenset({"expr"}),
    "table": frozenset({"groups", "rows"}),
    "default": frozenset({"when", "prefer"}),
    "warning": frozenset({"expr"}),
}
PRICE = _part(
    "price",
    Field("code", CODE),
    Field("when", EXPRESSION, ""),
    Field("amount", MONEY),
    Field("per", TEXT, ""),
    Field("label", TEXT, "", translatable=True),
    Field("translations", TRANSLATIONS, {}),
)
PREVIEW = _part(
    "preview",
    Field("width", Integer(16, PREVIEW_MAX_SIDE), 800, model="preview_width"),
    Field("height", Integer(16, PREVIEW_MAX_SIDE), 600, model="preview_height"),
    Field("background", Text(r"#[0-9A-Fa-f]{6}\Z", "a colour like '#f4f4f2'"), "#ffffff", model="preview_background"),
    Field("layers", NESTED, []),
)
LAYER = _part("layer", Field("image", TEXT), Field("z", Integer(), 0), Field("tint", OPTIONAL_COLOUR, ""))
SIZE = _part(
    "size",
    Field("code", CODE),
    Field("name", TEXT, translatable=True),
    Field("translations", TRANSLATIONS, {}),
    Field("values", NESTED),
)
FILE = _part("file", Field("format", NESTED), Field("products", NESTED))

# -- the engine model ------------------------------------------------------------------


_ATTRIBUTES: dict[type[Any], frozenset[str]] = {}


def _attributes(cls: type[Any]) -> frozenset[str]:
    """Return the attribute names of engine dataclass `cls` (read once per class)."""
    if cls not in _ATTRIBUTES:
        _ATTRIBUTES[cls] = frozenset(f.name for f in dataclasses.fields(cls))
    return _ATTRIBUTES[cls]


def read(part: Part, data: Mapping[str, Any], cls: type[Any]) -> dict[str, Any]:
    """Return the keyword arguments of engine dataclass `cls` for `part`'s scalar fields in (checked) `data`.

    A key left out or null takes its default; a required key left out raises KeyError.
    A field `cls` has no attribute for goes into its `extra` mapping, so a field the
    engine does not compute with travels from a file to a snapshot and back with no
    code (a `cls` without `extra` then refuses it: TypeError).
    """
    attributes = _attributes(cls)
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, attr, kind, default in part.scalars:
        value = data.get(key)
        if value is None:
            if default is REQUIRED:
                raise KeyError(key)
            value = default
        if attr in attributes:
            values[attr] = kind.parse(value)
        else:
            extra[key] = kind.parse(value)
    return {**values, "extra": extra} if extra else values


def write(part: Part, obj: Any, **nested: Any) -> dict[str, Any]:
    """Return `obj` (an engine dataclass) as `part`'s JSON object, every key in table order.

    A field marked `omit_default` is left out while it holds its default.
    The caller gives the value of each nested key, written by hand.
    """
    attributes = _attributes(type(obj))
    out = {}
    for field in part.fields:
        key, kind = field.key, field.kind
        if isinstance(kind, Nested):
            out[key] = nested[key]
        else:
            attr = field.attr or key
            value = kind.dump(getattr(obj, attr) if attr in attributes else obj.extra[key])
            if not (field.omit_default and value == field.default):
                out[key] = value
    return out


# -- catalog rows ------------------------------------------------------------------------


def row_values(part: Part, data: Mapping[str, Any], resolve: Callable[[str], Any] = str) -> dict[str, Any]:
    """Return the row attributes of `part` stored from (checked) `data`, defaults filled in.

    The `code` rows are matched by is left out. A section code is passed to `resolve`,
    which returns the row it names (or None).
    """
    values = {}
    for field in part.fields:
        attr = field.model_attr
        if attr is None or field.key == "code":
            continue
        value = data.get(field.key)
        if value is None:
            if field.required:
                raise KeyError(field.key)
            value = field.default
        values[attr] = resolve(value or "") if isinstance(field.kind, SectionCode) else field.kind.store(value)
    return values


def row_json(part: Part, row: Any) -> dict[str, Any]:
    """Return the JSON keys of `part` that a catalog row stores, read off `row` by attribute."""
    return {field.key: field.kind.load(getattr(row, attr)) for field in part.fields if (attr := field.model_attr)}
