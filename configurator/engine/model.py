"""The plain-data product model the engine works on.

A `Product` is what a published catalog version freezes: immutable dataclasses with
exact `Decimal` numbers, built from and written back to the catalog exchange format
(docs/catalog-format.md) by `product_from_dict` and `product_to_dict`. Those two
functions assume data already checked by `configurator.engine.schema`; they never
guess or repair.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any, Literal

GroupKind = Literal["choice", "multi"]
RuleKind = Literal["constraint", "table", "default", "warning"]
Layout = Literal["steps", "single"]
Display = Literal["radio", "swatch", "select"]

FORMAT = "configurator-catalog/1"
# The largest preview canvas side, in pixels: what the renderer draws, the catalog
# accepts and publishing checks (past it, rendering and the audit cost seconds and
# hundreds of megabytes: decision 32 has the figures).
PREVIEW_MAX_SIDE = 4096
#: A product's lead time when the catalog gives none, and the longest it may give, in working days.
LEAD_TIME_DAYS = 14
LEAD_TIME_MAX_DAYS = 365

#: Languages a translation may be given in, besides the catalog's own (English) text.
Translations = Mapping[str, Mapping[str, str]]


def _translated(default: str, translations: Translations, key: str, language: str) -> str:
    return translations.get(language, {}).get(key) or default


@dataclass(frozen=True)
class Section:
    """A step of the stepper (or a block of the one-page layout) that groups show in."""

    code: str
    name: str
    translations: Translations = field(default_factory=dict)

    def label(self, language: str) -> str:
        return _translated(self.name, self.translations, "name", language)


@dataclass(frozen=True)
class Layer:
    """One preview image, drawn at `z` (higher is on top), optionally tinted as a mask."""

    image: str
    z: int = 0
    tint: str = ""


@dataclass(frozen=True)
class Option:
    code: str
    name: str
    price: Decimal = Decimal("0")
    description: str = ""
    part_number: str = ""
    bom_quantity: str = "1"
    bom_unit: str = "pcs"
    active: bool = True
    swatch: str = ""
    layers: tuple[Layer, ...] = ()
    translations: Translations = field(default_factory=dict)

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
    display: Display = "radio"
    translations: Translations = field(default_factory=dict)

    def label(self, language: str) -> str:
        return _translated(self.name, self.translations, "name", language)

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
    text: str = ""
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
    size: int = 24
    color: str = "#000000"
    font: str = "serif"
    anchor: str = "mm"
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
    required: bool = False
    description: str = ""
    section: str = ""
    preview: TextPreview | None = None
    translations: Translations = field(default_factory=dict)

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
    active: bool = True
    translations: Translations = field(default_factory=dict)

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

    def text(self, language: str) -> str:
        return _translated(self.label, self.translations, "label", language)


@dataclass(frozen=True)
class Preview:
    width: int = 800
    height: int = 600
    background: str = "#ffffff"
    layers: tuple[Layer, ...] = ()


@dataclass(frozen=True)
class Product:
    code: str
    name: str
    currency: str
    base_price: Decimal
    description: str = ""
    layout: Layout = "steps"
    active: bool = True
    part_number: str = ""
    #: Working days from the order to leaving the workshop (orders.dates).
    lead_time_days: int = LEAD_TIME_DAYS
    sections: tuple[Section, ...] = ()
    groups: tuple[Group, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    texts: tuple[TextField, ...] = ()
    rules: tuple[Rule, ...] = ()
    prices: tuple[PriceRule, ...] = ()
    preview: Preview = field(default_factory=Preview)
    sizes: tuple[Size, ...] = ()
    translations: Translations = field(default_factory=dict)

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


def _opt_dec(value: Any) -> Decimal | None:
    return None if value is None else _dec(value)


_CENT = Decimal("0.01")


def money_str(value: Decimal) -> str:
    """Write an amount with exactly two decimals ("18900.00")."""
    return format(value.quantize(_CENT), "f")


def measure_str(value: Decimal) -> str:
    """Write a measure without trailing zeros ("80", "0.5")."""
    return format(value.normalize(), "f") if value else "0"


def _measure_or_none(value: Decimal | None) -> str | None:
    return None if value is None else measure_str(value)


def _trans(data: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    return {lang: dict(texts) for lang, texts in data.get("translations", {}).items()}


def _layers(items: Any) -> tuple[Layer, ...]:
    return tuple(Layer(image=item["image"], z=int(item.get("z", 0)), tint=item.get("tint", "")) for item in items or ())


def _layers_dict(layers: tuple[Layer, ...]) -> list[dict[str, Any]]:
    return [{"image": layer.image, "z": layer.z, "tint": layer.tint} for layer in layers]


def _text_preview(data: Mapping[str, Any] | None) -> TextPreview | None:
    if not data:
        return None
    return TextPreview(
        x=int(data["x"]),
        y=int(data["y"]),
        size=int(data.get("size", 24)),
        color=data.get("color", "#000000"),
        font=data.get("font", "serif"),
        anchor=data.get("anchor", "mm"),
        color_from=data.get("color_from", ""),
        place_from=data.get("place_from", ""),
        places=tuple(
            TextPlace(
                option=option,
                x=int(place["x"]),
                y=int(place["y"]),
                size=None if place.get("size") is None else int(place["size"]),
                anchor=place.get("anchor"),
            )
            for option, place in (data.get("places") or {}).items()
        ),
    )


def _text_preview_dict(preview: TextPreview | None) -> dict[str, Any] | None:
    if preview is None:
        return None
    return {
        "x": preview.x,
        "y": preview.y,
        "size": preview.size,
        "color": preview.color,
        "font": preview.font,
        "anchor": preview.anchor,
        "color_from": preview.color_from,
        "place_from": preview.place_from,
        "places": {
            place.option: {"x": place.x, "y": place.y, "size": place.size, "anchor": place.anchor}
            for place in preview.places
        },
    }


def _default_codes(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def product_from_dict(data: Mapping[str, Any]) -> Product:
    """Build a `Product` from one product object of the exchange format (already checked)."""
    preview = data.get("preview") or {}
    return Product(
        code=data["code"],
        name=data["name"],
        currency=data["currency"],
        base_price=_dec(data["base_price"]),
        description=data.get("description", ""),
        layout=data.get("layout", "steps"),
        active=data.get("active", True),
        part_number=data.get("part_number", ""),
        lead_time_days=data.get("lead_time_days", LEAD_TIME_DAYS),
        sections=tuple(
            Section(code=s["code"], name=s["name"], translations=_trans(s)) for s in data.get("sections", ())
        ),
        groups=tuple(
            Group(
                code=g["code"],
                name=g["name"],
                kind=g.get("kind", "choice"),
                required=g.get("required", True),
                description=g.get("description", ""),
                min_count=g.get("min"),
                max_count=g.get("max"),
                section=g.get("section", ""),
                default=_default_codes(g.get("default")),
                display=g.get("display", "radio"),
                translations=_trans(g),
                options=tuple(
                    Option(
                        code=o["code"],
                        name=o["name"],
                        price=_dec(o.get("price", "0")),
                        description=o.get("description", ""),
                        part_number=o.get("part_number", ""),
                        bom_quantity=str(o.get("bom_quantity", "1")),
                        bom_unit=o.get("bom_unit", "pcs"),
                        active=o.get("active", True),
                        swatch=o.get("swatch", ""),
                        layers=_layers(o.get("layers")),
                        translations=_trans(o),
                    )
                    for o in g.get("options", ())
                ),
            )
            for g in data.get("groups", ())
        ),
        parameters=tuple(
            Parameter(
                code=p["code"],
                name=p["name"],
                unit=p.get("unit", ""),
                min=_dec(p["min"]),
                max=_dec(p["max"]),
                step=_dec(p.get("step", "1")),
                default=_opt_dec(p.get("default")),
                description=p.get("description", ""),
                section=p.get("section", ""),
                guide=_guide(p.get("guide")),
                translations=_trans(p),
            )
            for p in data.get("parameters", ())
        ),
        texts=tuple(
            TextField(
                code=t["code"],
                name=t["name"],
                max_length=int(t["max_length"]),
                charset=t.get("charset", ""),
                required=t.get("required", False),
                description=t.get("description", ""),
                section=t.get("section", ""),
                preview=_text_preview(t.get("preview")),
                translations=_trans(t),
            )
            for t in data.get("texts", ())
        ),
        rules=tuple(
            Rule(
                code=r["code"],
                kind=r["kind"],
                message=r.get("message", ""),
                expr=r.get("expr", ""),
                groups=tuple(r.get("groups", ())),
                rows=tuple(tuple(row) for row in r.get("rows", ())),
                when=r.get("when", ""),
                prefer=r.get("prefer", ""),
                active=r.get("active", True),
                translations=_trans(r),
            )
            for r in data.get("rules", ())
        ),
        prices=tuple(
            PriceRule(
                code=p["code"],
                amount=_dec(p["amount"]),
                label=p.get("label", ""),
                when=p.get("when", ""),
                per=p.get("per", ""),
                translations=_trans(p),
            )
            for p in data.get("prices", ())
        ),
        preview=Preview(
            width=int(preview.get("width", 800)),
            height=int(preview.get("height", 600)),
            background=preview.get("background", "#ffffff"),
            layers=_layers(preview.get("layers")),
        ),
        sizes=tuple(
            Size(
                code=str(s["code"]),
                name=s["name"],
                values=tuple((code, _dec(value)) for code, value in s.get("values", {}).items()),
                translations=_trans(s),
            )
            for s in data.get("sizes", ())
        ),
        translations=_trans(data),
    )


def _guide(data: Mapping[str, Any] | None) -> Guide | None:
    if not data:
        return None
    return Guide(image=data["image"], text=data.get("text", ""), translations=_trans(data))


def _guide_dict(guide: Guide | None) -> dict[str, Any] | None:
    if guide is None:
        return None
    translations = {lang: dict(texts) for lang, texts in sorted(guide.translations.items())}
    return {"image": guide.image, "text": guide.text, "translations": translations}


def _size_dict(size: Size) -> dict[str, Any]:
    return {
        "code": size.code,
        "name": size.name,
        "translations": {lang: dict(texts) for lang, texts in sorted(size.translations.items())},
        "values": {code: measure_str(value) for code, value in size.values},
    }


def _rule_dict(rule: Rule) -> dict[str, Any]:
    out: dict[str, Any] = {"code": rule.code, "kind": rule.kind}
    if rule.kind in ("constraint", "warning"):
        out["expr"] = rule.expr
    elif rule.kind == "table":
        out["groups"] = list(rule.groups)
        out["rows"] = [list(row) for row in rule.rows]
    else:
        out["when"] = rule.when
        out["prefer"] = rule.prefer
    out.update(
        message=rule.message,
        active=rule.active,
        translations={lang: dict(texts) for lang, texts in sorted(rule.translations.items())},
    )
    return out


def product_to_dict(product: Product) -> dict[str, Any]:
    """Write `product` as one product object of the exchange format, every key explicit."""

    def trans(translations: Translations) -> dict[str, dict[str, str]]:
        return {lang: dict(texts) for lang, texts in sorted(translations.items())}

    return {
        "code": product.code,
        "name": product.name,
        "description": product.description,
        "translations": trans(product.translations),
        "currency": product.currency,
        "base_price": money_str(product.base_price),
        "part_number": product.part_number,
        "lead_time_days": product.lead_time_days,
        "layout": product.layout,
        "active": product.active,
        "sections": [{"code": s.code, "name": s.name, "translations": trans(s.translations)} for s in product.sections],
        "groups": [
            {
                "code": g.code,
                "name": g.name,
                "description": g.description,
                "translations": trans(g.translations),
                "kind": g.kind,
                "required": g.required,
                "min": g.min_count,
                "max": g.max_count,
                "section": g.section,
                "display": g.display,
                "default": (g.default[0] if g.default else None) if g.kind == "choice" else list(g.default),
                "options": [
                    {
                        "code": o.code,
                        "name": o.name,
                        "description": o.description,
                        "translations": trans(o.translations),
                        "price": money_str(o.price),
                        "part_number": o.part_number,
                        "bom_quantity": o.bom_quantity,
                        "bom_unit": o.bom_unit,
                        "active": o.active,
                        "swatch": o.swatch,
                        "layers": _layers_dict(o.layers),
                    }
                    for o in g.options
                ],
            }
            for g in product.groups
        ],
        "parameters": [
            {
                "code": p.code,
                "name": p.name,
                "description": p.description,
                "translations": trans(p.translations),
                "unit": p.unit,
                "min": measure_str(p.min),
                "max": measure_str(p.max),
                "step": measure_str(p.step),
                "default": _measure_or_none(p.default),
                "section": p.section,
                "guide": _guide_dict(p.guide),
            }
            for p in product.parameters
        ],
        "texts": [
            {
                "code": t.code,
                "name": t.name,
                "description": t.description,
                "translations": trans(t.translations),
                "max_length": t.max_length,
                "charset": t.charset,
                "required": t.required,
                "section": t.section,
                "preview": _text_preview_dict(t.preview),
            }
            for t in product.texts
        ],
        "rules": [_rule_dict(rule) for rule in product.rules],
        "prices": [
            {
                "code": p.code,
                "when": p.when,
                "amount": money_str(p.amount),
                "per": p.per,
                "label": p.label,
                "translations": trans(p.translations),
            }
            for p in product.prices
        ],
        "preview": {
            "width": product.preview.width,
            "height": product.preview.height,
            "background": product.preview.background,
            "layers": _layers_dict(product.preview.layers),
        },
        "sizes": [_size_dict(size) for size in product.sizes],
    }
