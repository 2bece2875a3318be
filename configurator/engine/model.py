"""The plain-data product model the engine works on.

A `Product` is what a published catalog version freezes: immutable dataclasses with
exact `Decimal` numbers, built from and written back to the catalog exchange format
(docs/catalog-format.md) by `product_from_dict` and `product_to_dict`. Those two
functions assume data already checked by `configurator.engine.schema`; they never
guess or repair. Scalar keys, their defaults and conversions come from the field
table (`configurator.engine.fields`); only nested objects are written out here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, Literal

from configurator.engine.fields import (
    GROUP,
    GUIDE,
    LAYER,
    OPTION,
    PARAMETER,
    PREVIEW,
    PRICE,
    PRODUCT,
    RULE,
    RULE_KIND_KEYS,
    SECTION_PART,
    SIZE,
    TEXT_PART,
    TEXT_PLACE,
    TEXT_PREVIEW,
    Part,
    read,
    write,
)
from configurator.engine.fields import LEAD_TIME_DAYS as LEAD_TIME_DAYS
from configurator.engine.fields import LEAD_TIME_MAX_DAYS as LEAD_TIME_MAX_DAYS
from configurator.engine.fields import PREVIEW_MAX_SIDE as PREVIEW_MAX_SIDE
from configurator.engine.kinds import measure_str as measure_str
from configurator.engine.kinds import money_str as money_str

GroupKind = Literal["choice", "multi"]
RuleKind = Literal["constraint", "table", "default", "warning"]
Layout = Literal["steps", "single"]
Display = Literal["radio", "swatch", "select"]

FORMAT = "configurator-catalog/1"

#: Languages a translation may be given in, besides the catalog's own (English) text.
Translations = Mapping[str, Mapping[str, str]]
#: The values of table fields (configurator.engine.fields) a part has no attribute for, by
#: JSON key: data the engine carries from a file to a snapshot and back without using it.
Extra = Mapping[str, Any]


def _translated(default: str, translations: Translations, key: str, language: str) -> str:
    return translations.get(language, {}).get(key) or default


@dataclass(frozen=True)
class Section:
    """A step of the stepper (or a block of the one-page layout) that groups show in."""

    code: str
    name: str
    translations: Translations = field(default_factory=dict)
    extra: Extra = field(default_factory=dict)

    def label(self, language: str) -> str:
        return _translated(self.name, self.translations, "name", language)


@dataclass(frozen=True)
class Layer:
    """One preview image, drawn at `z` (higher is on top), optionally tinted as a mask."""

    image: str
    z: int = LAYER.default("z")
    tint: str = LAYER.default("tint")


@dataclass(frozen=True)
class Option:
    code: str
    name: str
    price: Decimal = Decimal(OPTION.field("price").default)
    description: str = ""
    part_number: str = OPTION.default("part_number")
    bom_quantity: str = OPTION.default("bom_quantity")
    bom_unit: str = OPTION.default("bom_unit")
    active: bool = OPTION.default("active")
    swatch: str = OPTION.default("swatch")
    layers: tuple[Layer, ...] = ()
    translations: Translations = field(default_factory=dict)
    extra: Extra = field(default_factory=dict)

    def label(self, language: str) -> str:
        return _translated(self.name, self.translations, "name", language)


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    kind: GroupKind
    required: bool
    options: tuple[Option, ...]
    description: str = ""
    min_count: int | None = None
    max_count: int | None = None
    section: str = ""
    default: tuple[str, ...] = ()
    display: Display = GROUP.default("display")  # noqa: RUF009 (a string from the field table)
    #: Per language, the option codes shown first, in that order (the others follow in catalog order).
    order: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    translations: Translations = field(default_factory=dict)
    extra: Extra = field(default_factory=dict)

    def label(self, language: str) -> str:
        return _translated(self.name, self.translations, "name", language)

    def options_in(self, language: str) -> tuple[Option, ...]:
        """Return the options in the order shoppers see them in `language` (see `arrange`)."""
        return self.arrange(self.options, language)

    def arrange[T](self, items: Sequence[T], language: str) -> tuple[T, ...]:
        """Return `items`, one per option in catalog order, in the order shoppers see `language`'s options.

        The options `order` names for the language come first, in that order; the rest keep
        their catalog order after them. A code naming no option is passed over.
        """
        first = self.order.get(language, ())
        if not first:
            return tuple(items)
        position = {option.code: index for index, option in enumerate(self.options)}
        named = [position[code] for code in first if code in position]
        rest = [index for index, option in enumerate(self.options) if index not in set(named)]
        return tuple(items[index] for index in (*named, *rest))

    @cached_property
    def _by_code(self) -> dict[str, Option]:
        return {option.code: option for option in self.options}

    def option(self, code: str) -> Option | None:
        """Return the option `code` of this group, or None (a dictionary look-up)."""
        return self._by_code.get(code)


@dataclass(frozen=True)
class Guide:
    """How to take a measurement: a picture (a static file, no words in it) and a short text.

    The picture is shared by every language; only `text` is translated.
    """

    image: str
    text: str = GUIDE.default("text")
    translations: Translations = field(default_factory=dict)

    def text_in(self, language: str) -> str:
        return _translated(self.text, self.translations, "text", language)


@dataclass(frozen=True)
class Parameter:
    code: str
    name: str
    unit: str
    min: Decimal
    max: Decimal
    step: Decimal
    default: Decimal | None = None
    description: str = ""
    section: str = ""
    guide: Guide | None = None
    translations: Translations = field(default_factory=dict)
    extra: Extra = field(default_factory=dict)

    def label(self, language: str) -> str:
        return _translated(self.name, self.translations, "name", language)

    def fits(self, value: Decimal) -> bool:
        """Whether `value` lies in the range and on the step grid (min + k × step)."""
        return self.min <= value <= self.max and not (value - self.min) % self.step


@dataclass(frozen=True)
class Size:
    """A standard size of the product's size table: a value for every measurement.

    A shopper starting from a size gets these values as estimates to check, never as
    measurements taken.
    """

    code: str
    name: str
    values: tuple[tuple[str, Decimal], ...]
    translations: Translations = field(default_factory=dict)
    extra: Extra = field(default_factory=dict)

    def label(self, language: str) -> str:
        return _translated(self.name, self.translations, "name", language)

    def value(self, parameter: str) -> Decimal | None:
        """Return this size's value of `parameter`, or None if it gives none."""
        return next((value for code, value in self.values if code == parameter), None)


@dataclass(frozen=True)
class TextPlace:
    """Where a text is drawn while `option` of its preview's `place_from` group is chosen.

    `size` and `anchor` left as None keep the preview's own.
    """

    option: str
    x: int
    y: int
    size: int | None = None
    anchor: str | None = None


@dataclass(frozen=True)
class TextPreview:
    """Where and how a text field is drawn on the preview.

    Options may steer it: the swatch of the chosen option of group `color_from` replaces
    `color`, and the `places` entry of the chosen option of group `place_from` replaces
    the position (and the size and anchor it gives).
    """

    x: int
    y: int
    size: int = TEXT_PREVIEW.default("size")
    color: str = TEXT_PREVIEW.default("color")
    font: str = TEXT_PREVIEW.default("font")
    anchor: str = TEXT_PREVIEW.default("anchor")
    color_from: str = ""
    place_from: str = ""
    places: tuple[TextPlace, ...] = ()

    def place(self, option: str) -> TextPlace | None:
        """Return the place given for `option` of the `place_from` group, or None."""
        return next((place for place in self.places if place.option == option), None)


@dataclass(frozen=True)
class TextField:
    code: str
    name: str
    max_length: int
    charset: str = ""
    required: bool = TEXT_PART.default("required")
    description: str = ""
    section: str = ""
    preview: TextPreview | None = None
    translations: Translations = field(default_factory=dict)
    extra: Extra = field(default_factory=dict)

    def label(self, language: str) -> str:
        return _translated(self.name, self.translations, "name", language)


@dataclass(frozen=True)
class Rule:
    """A constraint (`expr` must hold), a table (allowed `rows` over `groups`), a default or a warning.

    A default rule is a soft preference: when `when` holds, auto-completion prefers
    `prefer`. A warning rule is plausibility advice: when its `expr` is false on the
    shopper's values the page shows its message; it never constrains anything.
    """

    code: str
    kind: RuleKind
    message: str = ""
    expr: str = ""
    groups: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    when: str = ""
    prefer: str = ""
    active: bool = RULE.default("active")
    translations: Translations = field(default_factory=dict)
    extra: Extra = field(default_factory=dict)

    def text(self, language: str) -> str:
        return _translated(self.message, self.translations, "message", language)


@dataclass(frozen=True)
class PriceRule:
    """`amount` added when `when` holds (always, when empty), times parameter `per` if set."""

    code: str
    amount: Decimal
    label: str
    when: str = ""
    per: str = ""
    translations: Translations = field(default_factory=dict)
    extra: Extra = field(default_factory=dict)

    def text(self, language: str) -> str:
        return _translated(self.label, self.translations, "label", language)


@dataclass(frozen=True)
class Preview:
    width: int = PREVIEW.default("width")
    height: int = PREVIEW.default("height")
    background: str = PREVIEW.default("background")
    layers: tuple[Layer, ...] = ()


@dataclass(frozen=True)
class Product:
    code: str
    name: str
    currency: str
    base_price: Decimal
    description: str = ""
    layout: Layout = PRODUCT.default("layout")  # noqa: RUF009 (a string from the field table)
    active: bool = PRODUCT.default("active")
    part_number: str = ""
    #: Working days from the order to leaving the workshop (orders.dates).
    lead_time_days: int = PRODUCT.default("lead_time_days")
    sections: tuple[Section, ...] = ()
    groups: tuple[Group, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    texts: tuple[TextField, ...] = ()
    rules: tuple[Rule, ...] = ()
    prices: tuple[PriceRule, ...] = ()
    preview: Preview = field(default_factory=Preview)
    sizes: tuple[Size, ...] = ()
    translations: Translations = field(default_factory=dict)
    extra: Extra = field(default_factory=dict)

    def label(self, language: str) -> str:
        return _translated(self.name, self.translations, "name", language)

    @cached_property
    def _index(self) -> tuple[dict[str, Group], dict[str, Rule], dict[str, Parameter], dict[str, TextField]]:
        return (
            {g.code: g for g in self.groups},
            {r.code: r for r in self.rules},
            {p.code: p for p in self.parameters},
            {t.code: t for t in self.texts},
        )

    def group(self, code: str) -> Group | None:
        """Return the group `code`, or None (a dictionary look-up, as are the three below)."""
        return self._index[0].get(code)

    def rule(self, code: str) -> Rule | None:
        return self._index[1].get(code)

    def parameter(self, code: str) -> Parameter | None:
        return self._index[2].get(code)

    def text(self, code: str) -> TextField | None:
        return self._index[3].get(code)

    def size(self, code: str) -> Size | None:
        """Return the standard size `code` of the size table, or None."""
        return next((size for size in self.sizes if size.code == code), None)


# -- the exchange format ---------------------------------------------------------------


def _dec(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _build[T](cls: type[T], part: Part, data: Mapping[str, Any], **nested: Any) -> T:
    """Return `cls` built from `part`'s scalar fields in `data` (`fields.read`) and the nested values given."""
    return cls(**read(part, data, cls), **nested)


def _layers(items: Any) -> tuple[Layer, ...]:
    return tuple(_build(Layer, LAYER, item) for item in items or ())


def _layers_dict(layers: tuple[Layer, ...]) -> list[dict[str, Any]]:
    return [write(LAYER, layer) for layer in layers]


def _text_preview(data: Mapping[str, Any] | None) -> TextPreview | None:
    if not data:
        return None
    places = tuple(
        _build(TextPlace, TEXT_PLACE, place, option=option) for option, place in (data.get("places") or {}).items()
    )
    return _build(TextPreview, TEXT_PREVIEW, data, places=places)


def _text_preview_dict(preview: TextPreview | None) -> dict[str, Any] | None:
    if preview is None:
        return None
    places = {place.option: write(TEXT_PLACE, place) for place in preview.places}
    return write(TEXT_PREVIEW, preview, places=places)


def _default_codes(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _group(data: Mapping[str, Any]) -> Group:
    options = tuple(_build(Option, OPTION, o, layers=_layers(o.get("layers"))) for o in data.get("options", ()))
    return _build(Group, GROUP, data, default=_default_codes(data.get("default")), options=options)


def _guide(data: Mapping[str, Any] | None) -> Guide | None:
    return _build(Guide, GUIDE, data) if data else None


def _size(data: Mapping[str, Any]) -> Size:
    values = tuple((code, _dec(value)) for code, value in data.get("values", {}).items())
    return _build(Size, SIZE, data, values=values)


def product_from_dict(data: Mapping[str, Any]) -> Product:
    """Build a `Product` from one product object of the exchange format (already checked)."""
    preview = data.get("preview") or {}
    return _build(
        Product,
        PRODUCT,
        data,
        sections=tuple(_build(Section, SECTION_PART, s) for s in data.get("sections", ())),
        groups=tuple(_group(g) for g in data.get("groups", ())),
        parameters=tuple(
            _build(Parameter, PARAMETER, p, guide=_guide(p.get("guide"))) for p in data.get("parameters", ())
        ),
        texts=tuple(
            _build(TextField, TEXT_PART, t, preview=_text_preview(t.get("preview"))) for t in data.get("texts", ())
        ),
        rules=tuple(_build(Rule, RULE, r) for r in data.get("rules", ())),
        prices=tuple(_build(PriceRule, PRICE, p) for p in data.get("prices", ())),
        preview=_build(Preview, PREVIEW, preview, layers=_layers(preview.get("layers"))),
        sizes=tuple(_size(s) for s in data.get("sizes", ())),
    )


def _rule_dict(rule: Rule) -> dict[str, Any]:
    """A rule with only the keys of its kind besides those every kind has."""
    others = frozenset().union(*RULE_KIND_KEYS.values()) - RULE_KIND_KEYS[rule.kind]
    return {key: value for key, value in write(RULE, rule).items() if key not in others}


def _group_dict(group: Group) -> dict[str, Any]:
    default = (group.default[0] if group.default else None) if group.kind == "choice" else list(group.default)
    options = [write(OPTION, o, layers=_layers_dict(o.layers)) for o in group.options]
    return write(GROUP, group, default=default, options=options)


def _parameter_dict(parameter: Parameter) -> dict[str, Any]:
    return write(PARAMETER, parameter, guide=None if parameter.guide is None else write(GUIDE, parameter.guide))


def product_to_dict(product: Product) -> dict[str, Any]:
    """Write `product` as one product object of the exchange format, every key explicit."""
    preview = product.preview
    return write(
        PRODUCT,
        product,
        sections=[write(SECTION_PART, s) for s in product.sections],
        groups=[_group_dict(g) for g in product.groups],
        parameters=[_parameter_dict(p) for p in product.parameters],
        texts=[write(TEXT_PART, t, preview=_text_preview_dict(t.preview)) for t in product.texts],
        rules=[_rule_dict(rule) for rule in product.rules],
        prices=[write(PRICE, p) for p in product.prices],
        preview=write(PREVIEW, preview, layers=_layers_dict(preview.layers)),
        sizes=[write(SIZE, s, values={code: measure_str(value) for code, value in s.values}) for s in product.sizes],
    )
