"""What a shopper has decided so far, checked against the product.

A `Selection` holds only decisions: a group absent from `choices` is still open; a
group present with an empty set was decided "none". Parameters and texts likewise.
`read_selection` turns request-shaped data into a `Selection` and reports every bad
field (unknown group, unknown option, a value off the grid) as a `SelectionError`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import partial
from typing import Any

from configurator.engine.model import Group, Parameter, Product, TextField
from configurator.engine.rules import Assignment


@dataclass(frozen=True)
class Selection:
    choices: Mapping[str, frozenset[str]] = field(default_factory=dict)
    parameters: Mapping[str, Decimal] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)

    def assignment(self) -> Assignment:
        return Assignment(selections=self.choices, parameters=self.parameters, texts=self.texts)

    def without(self, key: tuple[str, str]) -> Selection:
        """Return this selection with one decision (("group"|"parameter"|"text", code)) undone."""
        kind, code = key
        return Selection(
            choices={g: o for g, o in self.choices.items() if (kind, code) != ("group", g)},
            parameters={p: v for p, v in self.parameters.items() if (kind, code) != ("parameter", p)},
            texts={t: v for t, v in self.texts.items() if (kind, code) != ("text", t)},
        )

    def keys(self) -> list[tuple[str, str]]:
        return (
            [("group", g) for g in self.choices]
            + [("parameter", p) for p in self.parameters]
            + [("text", t) for t in self.texts]
        )

    def as_data(self, multi: frozenset[str] = frozenset()) -> dict[str, Any]:
        """Return the request shape: choice groups as a code or null, `multi` groups as lists."""
        return {
            "selections": {g: sorted(o) if g in multi else next(iter(o), None) for g, o in self.choices.items()},
            "parameters": {p: format(v, "f") for p, v in self.parameters.items()},
            "texts": dict(self.texts),
        }


class SelectionError(ValueError):
    """The input names things the product does not have; `errors` maps field -> messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k}: {', '.join(v)}" for k, v in errors.items()))
        self.errors = errors


#: Bounds on a decimal as typed, checked before any arithmetic: exact step checks convert
#: to `Fraction`, whose cost grows with the square of the digits (decision 32 has a figure).
MAX_DECIMAL_CHARACTERS = 40
MAX_SIGNIFICANT_DIGITS = 20
#: ASCII digits only, an optional sign and at most one point; no exponent, no grouping.
_DECIMAL_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


class DecimalInputError(ValueError):
    """A value that is not a bounded plain decimal; the message says what is wrong with it.

    `code` names the problem for callers that word it themselves (the page, translated):
    "number" (not a number), "length" (too many characters), "digits" (too many
    significant digits), "script" (digits other than ASCII 0-9).
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def decimal_normalized(number: Decimal) -> Decimal:
    """Return `number` without trailing zeros and never in exponent form (40.50 -> 40.5, 4E+1 -> 40)."""
    if not number:
        return Decimal(0)  # also turns -0 and 0E-7 into 0
    number = number.normalize()
    return number.quantize(Decimal(1)) if number.as_tuple().exponent > 0 else number  # type: ignore[operator]


def decimal_read(value: object) -> Decimal:
    """Read a shopper's decimal: a JSON number or a plain decimal text, bounded, then normalised.

    Text is checked for its length first, then its form (ASCII digits 0-9, an optional sign,
    at most one '.', no exponent), then its significant digits, so no unbounded value ever
    reaches `Decimal` or `Fraction`. Raise `DecimalInputError` naming the problem.
    """
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise DecimalInputError("number", "must be a number")
    if isinstance(value, int):
        if value.bit_length() > 70:  # 2**70 has 22 digits: too many whatever the exact count
            raise DecimalInputError("digits", f"at most {MAX_SIGNIFICANT_DIGITS} significant digits")
        value = Decimal(value)
    if isinstance(value, float):
        value = Decimal(repr(value))  # the shortest text that reads back as this float
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise DecimalInputError("number", "must be a finite number")
        if not -MAX_DECIMAL_CHARACTERS < value.adjusted() < MAX_DECIMAL_CHARACTERS:
            raise DecimalInputError("length", f"at most {MAX_DECIMAL_CHARACTERS} characters")
        value = format(value, "f")
    text = value.strip()
    if len(text) > MAX_DECIMAL_CHARACTERS:
        raise DecimalInputError("length", f"at most {MAX_DECIMAL_CHARACTERS} characters, not {len(text)}")
    if not _DECIMAL_TEXT.fullmatch(text):
        if any(c.isdigit() and not c.isascii() for c in text):
            raise DecimalInputError("script", f"'{text}' is not a number: use the digits 0-9")
        raise DecimalInputError("number", f"'{text}' is not a number")
    whole, _point, fraction = text.lstrip("+-").partition(".")
    significant = (whole + fraction.rstrip("0")).lstrip("0")
    if len(significant) > MAX_SIGNIFICANT_DIGITS:
        raise DecimalInputError(
            "digits", f"at most {MAX_SIGNIFICANT_DIGITS} significant digits, not {len(significant)}"
        )
    return decimal_normalized(Decimal(text))


Errors = dict[str, list[str]]


def _fail(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _section(data: Mapping[str, Any], key: str, what: str, errors: Errors) -> Mapping[str, Any]:
    """Return `data[key]` (absent or empty: {}); a value that is not an object is an error."""
    raw = data.get(key) or {}
    if not isinstance(raw, Mapping):
        _fail(errors, key, f"must be an object of {what} codes")
        return {}
    return raw


def _group_read(group: Group, value: Any, fail: Callable[[str], None]) -> frozenset[str] | None:
    """Return the options chosen in `group` (empty: decided "none"), or None when `value` is not options."""
    if value is None or value == "":
        values: list[Any] = []
    elif isinstance(value, str):
        values = [value]
    elif isinstance(value, list):
        values = value
    else:
        fail("must be an option code, a list of option codes or null")
        return None
    known = {o.code: o for o in group.options}
    picked = set()
    for option in values:
        if not isinstance(option, str) or option not in known:
            fail(f"unknown option '{option}' in group '{group.code}'")
        elif not known[option].active:
            fail(f"option '{option}' is no longer offered")
        else:
            picked.add(option)
    if group.kind == "choice" and len(picked) > 1:
        fail(f"group '{group.code}' takes one option, not {len(picked)}")
    return frozenset(picked)


def _choices_read(product: Product, data: Mapping[str, Any], errors: Errors) -> dict[str, frozenset[str]]:
    groups = {g.code: g for g in product.groups}
    choices: dict[str, frozenset[str]] = {}
    for code, value in _section(data, "selections", "group", errors).items():
        key = f"selections.{code}"
        group = groups.get(code)
        if group is None:
            _fail(errors, key, f"unknown group '{code}'")
            continue
        picked = _group_read(group, value, partial(_fail, errors, key))
        if picked is not None:
            choices[code] = picked
    return choices


def _parameter_read(parameter: Parameter, value: Any) -> Decimal:
    """Return the bounded decimal `value` if it lies on `parameter`'s grid; raise ValueError saying why not."""
    number = decimal_read(value)
    if not parameter.min <= number <= parameter.max:
        shown = f"{number:f} {parameter.unit}".strip()
        raise ValueError(f"{shown} is outside {parameter.min}–{parameter.max}")
    if (Fraction(number) - Fraction(parameter.min)) % Fraction(parameter.step):  # exact; digits are bounded
        raise ValueError(f"{number:f} is not a multiple of {parameter.step} from {parameter.min}")
    return number


def _parameters_read(product: Product, data: Mapping[str, Any], errors: Errors) -> dict[str, Decimal]:
    known = {p.code: p for p in product.parameters}
    parameters: dict[str, Decimal] = {}
    for code, value in _section(data, "parameters", "parameter", errors).items():
        key = f"parameters.{code}"
        parameter = known.get(code)
        if parameter is None:
            _fail(errors, key, f"unknown parameter '{code}'")
        elif value is not None and value != "":
            try:
                parameters[code] = _parameter_read(parameter, value)
            except ValueError as error:  # DecimalInputError included
                _fail(errors, key, str(error))
    return parameters


def _fits(charset: str, character: str) -> bool:
    return re.fullmatch(f"[{charset}]", character) is not None


def text_upper_cased(text: TextField) -> bool:
    """Whether `text` takes capital letters and no small ones, so a shopper's small letters are read as capitals.

    A monogram set "A-Z." refuses "js" as typed, yet the shopper clearly means "JS": reading it
    upper-cased is what an embroiderer would do, and refusing it helps no one.
    """
    charset = text.charset
    return bool(charset) and (
        any(_fits(charset, c) for c in string.ascii_uppercase)
        and not any(_fits(charset, c) for c in string.ascii_lowercase)
    )


def text_read(text: TextField, value: str) -> str:
    """Return the shopper's `value` for `text` as it is kept: upper-cased where `text_upper_cased`.

    Only characters whose capital is one character change ("ß" stays and is refused), so the
    length the shopper typed is the length checked.
    """
    if not text_upper_cased(text):
        return value
    return "".join(upper if len(upper := c.upper()) == 1 else c for c in value)


def _text_problem(text: TextField, value: Any) -> str:
    """Return what is wrong with `value` for `text` ('' when it fits)."""
    if not isinstance(value, str):
        return "must be a string"
    if len(value) > text.max_length:
        return f"at most {text.max_length} characters, not {len(value)}"
    if text.charset and not re.fullmatch(f"[{text.charset}]*", value):
        bad = sorted({c for c in value if not _fits(text.charset, c)})
        return f"characters not allowed: {' '.join(bad)} (allowed: {text.charset})"
    return ""


def _texts_read(product: Product, data: Mapping[str, Any], errors: Errors) -> dict[str, str]:
    known = {t.code: t for t in product.texts}
    texts: dict[str, str] = {}
    for code, value in _section(data, "texts", "text field", errors).items():
        key = f"texts.{code}"
        text = known.get(code)
        if text is None:
            _fail(errors, key, f"unknown text field '{code}'")
        elif value is not None:
            kept = text_read(text, value) if isinstance(value, str) else value
            problem = _text_problem(text, kept)
            if problem:
                _fail(errors, key, problem)
            else:
                texts[code] = kept
    return texts


def read_selection(product: Product, data: Mapping[str, Any]) -> Selection:
    """Check request-shaped data (`selections`, `parameters`, `texts`) against `product`.

    Every bad field is reported, groups first, then parameters, then texts, in one
    `SelectionError` keyed by field (`selections.body`, `parameters.chest`, ...).
    """
    errors: Errors = {}
    choices = _choices_read(product, data, errors)
    parameters = _parameters_read(product, data, errors)
    texts = _texts_read(product, data, errors)
    if errors:
        raise SelectionError(errors)
    return Selection(choices=choices, parameters=parameters, texts=texts)


def data_from_pairs(product: Product, pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Turn flat form or query pairs into the request shape `read_selection` checks.

    Groups, parameters and text fields share one set of codes in a product, so a URL
    like `?body=red&packs=city&packs=tech&chest=101.5&monogram=AB` names each decision
    by its code alone, exactly as a plain HTML form posts it. Keys starting with `_`
    belong to the page (the step shown, say) and are skipped; any other key the
    product does not have is kept as a selection so `read_selection` reports it.
    Repeated keys collect into a list for multi groups; for anything else the last wins.
    """
    selections: dict[str, Any] = {}
    parameters: dict[str, str] = {}
    texts: dict[str, str] = {}
    for key, value in pairs:
        if key.startswith("_"):
            continue
        group = product.group(key)
        if group is not None and group.kind == "multi":
            ticked = selections.setdefault(key, [])
            if value:
                ticked.append(value)
        elif product.parameter(key) is not None:
            parameters[key] = value
        elif product.text(key) is not None:
            texts[key] = value
        else:
            selections[key] = value
    return {"selections": selections, "parameters": parameters, "texts": texts}


def selection_pairs(product: Product, selection: Selection) -> list[tuple[str, str]]:
    """Return the selection as flat pairs in the product's order (the inverse of `data_from_pairs`).

    A multi group decided "none" is written as one empty value so that it stays decided.
    """
    pairs: list[tuple[str, str]] = []
    for group in product.groups:
        chosen = selection.choices.get(group.code)
        if chosen is None:
            continue
        ordered = [o.code for o in group.options if o.code in chosen]
        pairs.extend((group.code, code) for code in ordered or [""])
    for parameter in product.parameters:
        if parameter.code in selection.parameters:
            pairs.append((parameter.code, format(selection.parameters[parameter.code], "f")))
    for text in product.texts:
        if text.code in selection.texts:
            pairs.append((text.code, selection.texts[text.code]))
    return pairs
