"""Check catalog exchange data before anything is built from it.

`check_catalog` walks a whole file (as parsed by `json.loads(..., parse_float=Decimal)`)
and returns every problem it finds, each with the JSON path of the offending value,
so a merchandiser fixes a file in one round instead of one error at a time. Nothing
here raises on bad input; only data that passes may go to `product_from_dict`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from configurator.engine.fields import GROUP, PARAMETER, PARTS, RULE_KIND_KEYS, Field, Part
from configurator.engine.kinds import Boolean, Choice, Code, Integer, Number, Text, Translations
from configurator.engine.model import FORMAT
from configurator.engine.rules import (
    KEYWORDS,
    GroupInfo,
    RuleError,
    Vocabulary,
    parse_expression,
    parse_linear,
)

CODE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")
NAME_CODE = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*\Z")
LANGUAGE = re.compile(r"[a-z]{2}(-[a-z]{2})?\Z")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a catalog file: where (a JSON path) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    # -- shapes --------------------------------------------------------------------------
    def obj(self, value: Any, path: str, kind: str) -> bool:
        """Check that `value` is an object of part `kind` with its required keys and no others."""
        if not isinstance(value, dict):
            self.fail(path, f"must be an object, not {_type(value)}")
            return False
        allowed, required = PARTS[kind].keys, PARTS[kind].required
        for key in value:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                suffix = f" — did you mean '{hint[0]}'?" if hint else ""
                self.fail(f"{path}.{key}", f"unknown key '{key}'{suffix}")
        for key in required:
            if key not in value:
                self.fail(path, f"missing required key '{key}'")
        return True

    def part(self, value: Any, path: str, kind: str) -> dict[str, Any] | None:
        """Check an object of part `kind`: its keys and plain fields (see `fields`); None if not an object."""
        return self.fields(value, path, PARTS[kind]) if self.obj(value, path, kind) else None

    def fields(self, data: Mapping[str, Any], path: str, part: Part) -> dict[str, Any]:
        """Check the plain fields of `part` by kind; return each key's value when it passed, else None.

        Special kinds (references, expressions, formulas, nested objects) are left to the caller.
        """
        return {field.key: self.field(data, path, field, part) for field in part.fields if not field.kind.special}

    def field(self, data: Mapping[str, Any], path: str, field: Field, part: Part) -> Any:
        key, kind = field.key, field.kind
        if field.nullable and data.get(key) is None:
            return None
        match kind:
            case Code(name_like=False):
                return self.code(data, path)
            case Code():
                return data.get(key)  # checked with the namespace it shares (`vocabulary`)
            case Text() | Choice():
                return self.string(data, key, path, pattern=kind.regex, what=kind.what)
            case Number():
                return self.decimal(data, key, path, places=kind.places)
            case Integer():
                return self.integer(data, key, path, minimum=kind.minimum, maximum=kind.maximum)
            case Boolean():
                self.boolean(data, key, path)
                return data.get(key) if isinstance(data.get(key), bool) else None
            case Translations():
                self.translations(data, path, part.translatable)
        return None

    def array(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, f"must be an array, not {_type(value)}")
            return []
        return value

    def string(
        self, data: Mapping[str, Any], key: str, path: str, *, pattern: re.Pattern[str] | None = None, what: str = ""
    ) -> str | None:
        if key not in data:
            return None
        value = data[key]
        if not isinstance(value, str):
            self.fail(f"{path}.{key}", f"must be a string, not {_type(value)}")
            return None
        if pattern is not None and not pattern.match(value):
            self.fail(f"{path}.{key}", f"{value!r} is not {what}")
            return None
        return value

    def code(self, data: Mapping[str, Any], path: str, *, name_like: bool = False) -> str | None:
        code = self.string(data, "code", path, pattern=CODE, what="a valid code (letters, digits, _ . -)")
        if code is not None and name_like:
            if not NAME_CODE.match(code):
                self.fail(f"{path}.code", f"{code!r} must start with a letter or '_' (rules refer to it by name)")
            elif code in KEYWORDS:
                self.fail(f"{path}.code", f"{code!r} is a reserved word of the rule language")
        return code

    def boolean(self, data: Mapping[str, Any], key: str, path: str) -> None:
        if key in data and not isinstance(data[key], bool):
            self.fail(f"{path}.{key}", f"must be true or false, not {_type(data[key])}")

    def integer(
        self,
        data: Mapping[str, Any],
        key: str,
        path: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
        nullable: bool = False,
    ) -> int | None:
        if key not in data or (nullable and data[key] is None):
            return None
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{path}.{key}", f"must be a whole number, not {_type(value)}")
            return None
        if minimum is not None and value < minimum:
            self.fail(f"{path}.{key}", f"must be at least {minimum}, not {value}")
            return None
        if maximum is not None and value > maximum:
            self.fail(f"{path}.{key}", f"must be at most {maximum}, not {value}")
            return None
        return value

    def decimal(
        self, data: Mapping[str, Any], key: str, path: str, *, nullable: bool = False, places: int = 4
    ) -> Decimal | None:
        if key not in data or (nullable and data[key] is None):
            return None
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
            self.fail(f"{path}.{key}", f'must be a decimal number (e.g. "12.50"), not {_type(value)}')
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            self.fail(f"{path}.{key}", f'{value!r} is not a decimal number (write e.g. "12.50")')
            return None
        if not number.is_finite():
            self.fail(f"{path}.{key}", f"{value!r} is not a finite number")
            return None
        exponent = number.normalize().as_tuple().exponent
        if isinstance(exponent, int) and -exponent > places:
            self.fail(f"{path}.{key}", f"{value} has more than {places} decimal places")
            return None
        if abs(number) >= Decimal(10) ** (10 if places == 2 else 8):
            self.fail(f"{path}.{key}", f"{value} is too large")
            return None
        return number

    def translations(self, data: Mapping[str, Any], path: str, keys: Iterable[str]) -> None:
        value = data.get("translations")
        if value is None:
            return
        if not isinstance(value, dict):
            self.fail(f"{path}.translations", f"must be an object of languages, not {_type(value)}")
            return
        allowed = frozenset(keys)
        for language, texts in value.items():
            where = f"{path}.translations.{language}"
            if not LANGUAGE.match(language):
                self.fail(where, f"{language!r} is not a language code such as 'it'")
            if not isinstance(texts, dict):
                self.fail(where, f"must be an object, not {_type(texts)}")
                continue
            for key, text in texts.items():
                if key not in allowed:
                    self.fail(f"{where}.{key}", f"cannot translate '{key}' (only {', '.join(sorted(allowed))})")
                elif not isinstance(text, str):
                    self.fail(f"{where}.{key}", f"must be a string, not {_type(text)}")

    def unique(
        self,
        items: list[Any],
        path: str,
        what: str,
        code_of: Callable[[Any], Any] = lambda item: item.get("code") if isinstance(item, dict) else None,
    ) -> set[str]:
        seen: set[str] = set()
        for index, item in enumerate(items):
            code = code_of(item)
            if not isinstance(code, str):
                continue
            if code in seen:
                self.fail(f"{path}[{index}].code", f"duplicate {what} code '{code}'")
            seen.add(code)
        return seen

    def expression(self, text: Any, path: str, vocabulary: Vocabulary, *, optional: bool = False) -> None:
        if text is None or (optional and text == ""):
            return
        if not isinstance(text, str):
            self.fail(path, f"must be a string, not {_type(text)}")
            return
        try:
            parse_expression(text, vocabulary)
        except RuleError as error:
            self.fail(path, str(error))

    # -- parts -----------------------------------------------------------------------------
    def product(self, product: Any, path: str) -> None:
        if self.part(product, path, "product") is None:
            return
        sections = self.array(product.get("sections"), f"{path}.sections")
        for index, section in enumerate(sections):
            self.part(section, f"{path}.sections[{index}]", "section")
        section_codes = self.unique(sections, f"{path}.sections", "section")

        groups = self.array(product.get("groups"), f"{path}.groups")
        parameters = self.array(product.get("parameters"), f"{path}.parameters")
        texts = self.array(product.get("texts"), f"{path}.texts")
        vocabulary = self.vocabulary(groups, parameters, texts, path)
        for index, group in enumerate(groups):
            self.group(group, f"{path}.groups[{index}]", section_codes, vocabulary)
        for index, parameter in enumerate(parameters):
            self.parameter(parameter, f"{path}.parameters[{index}]", section_codes)
        for index, text in enumerate(texts):
            self.text(text, f"{path}.texts[{index}]", section_codes, vocabulary)

        rules = self.array(product.get("rules"), f"{path}.rules")
        for index, rule in enumerate(rules):
            self.rule(rule, f"{path}.rules[{index}]", vocabulary, groups)
        self.unique(rules, f"{path}.rules", "rule")

        self.sizes(product.get("sizes"), f"{path}.sizes", parameters)

        prices = self.array(product.get("prices"), f"{path}.prices")
        for index, price in enumerate(prices):
            self.price(price, f"{path}.prices[{index}]", vocabulary)
        self.unique(prices, f"{path}.prices", "price rule")

        preview = product.get("preview")
        if preview is not None and self.part(preview, f"{path}.preview", "preview") is not None:
            self.layers(preview.get("layers"), f"{path}.preview.layers")

    def price(self, price: Any, where: str, vocabulary: Vocabulary) -> None:
        values = self.part(price, where, "price")
        if values is None:
            return
        self.expression(price.get("when"), f"{where}.when", vocabulary, optional=True)
        per = values["per"]
        if per and per not in vocabulary.parameters:
            self.fail(f"{where}.per", f"unknown parameter '{per}'{_hint(per, vocabulary.parameters)}")

    def vocabulary(self, groups: list[Any], parameters: list[Any], texts: list[Any], path: str) -> Vocabulary:
        """Check codes and uniqueness of named things; return what rules may refer to."""
        infos: dict[str, GroupInfo] = {}
        names: set[str] = set()
        for collection, key, what in (
            (groups, "groups", "group"),
            (parameters, "parameters", "parameter"),
            (texts, "texts", "text field"),
        ):
            for index, item in enumerate(collection):
                where = f"{path}.{key}[{index}]"
                if not isinstance(item, dict) or "code" not in item:
                    continue
                code = self.code(item, where, name_like=True)
                if code is None:
                    continue
                if code in names:
                    self.fail(
                        f"{where}.code",
                        f"duplicate code '{code}' ({what}; groups, parameters and text fields share one set of codes)",
                    )
                    continue
                names.add(code)
                if what == "group":
                    raw = item.get("options")
                    options: list[Any] = raw if isinstance(raw, list) else []
                    codes = tuple(o["code"] for o in options if isinstance(o, dict) and isinstance(o.get("code"), str))
                    kind = item.get("kind", GROUP.field("kind").default)
                    infos[code] = GroupInfo(
                        kind="multi" if kind == "multi" else "choice",
                        required=item.get("required", GROUP.field("required").default) is True,
                        options=codes,
                    )
        parameter_codes = frozenset(
            p["code"] for p in parameters if isinstance(p, dict) and isinstance(p.get("code"), str)
        )
        text_codes = frozenset(t["code"] for t in texts if isinstance(t, dict) and isinstance(t.get("code"), str))
        return Vocabulary(groups=infos, parameters=parameter_codes, texts=text_codes)

    def section_ref(self, data: Mapping[str, Any], path: str, sections: set[str]) -> None:
        section = self.string(data, "section", path)
        if section and section not in sections:
            self.fail(f"{path}.section", f"unknown section '{section}'{_hint(section, sections)}")

    def group(self, group: Any, path: str, sections: set[str], vocabulary: Vocabulary) -> None:
        values = self.part(group, path, "group")
        if values is None:
            return
        kind = values["kind"] or GROUP.field("kind").default
        self.section_ref(group, path, sections)
        options = self.array(group.get("options"), f"{path}.options")
        if "options" in group and not options and isinstance(group.get("options"), list):
            self.fail(f"{path}.options", "a group needs at least one option")
        for index, option in enumerate(options):
            self.option(option, f"{path}.options[{index}]", vocabulary)
        codes = self.unique(options, f"{path}.options", "option")
        self.order(group.get("order"), f"{path}.order", codes)
        low, high = values["min"], values["max"]
        if kind == "choice" and (low is not None or high is not None):
            self.fail(path, "'min' and 'max' apply to multi groups only")
        if low is not None and high is not None and low > high:
            self.fail(f"{path}.min", f"min ({low}) is greater than max ({high})")
        if low is not None and low > len(codes):
            self.fail(f"{path}.min", f"min ({low}) is more than the {len(codes)} options of the group")
        default = group.get("default")
        defaults: list[Any]
        if default is None:
            defaults = []
        elif kind == "choice":
            if not isinstance(default, str):
                self.fail(f"{path}.default", "must be one option code (a string) in a choice group")
                defaults = []
            else:
                defaults = [default]
        else:
            defaults = self.array(default, f"{path}.default")
        for code in defaults:
            if code not in codes:
                self.fail(f"{path}.default", f"unknown option '{code}'{_hint(str(code), codes)}")

    def order(self, value: Any, path: str, codes: set[str]) -> None:
        """A group's option order per language: lists of distinct codes of its options."""
        if value is None:
            return
        if not isinstance(value, dict):
            self.fail(path, f"must be an object of languages, not {_type(value)}")
            return
        for language, order in value.items():
            where = f"{path}.{language}"
            if not LANGUAGE.match(language):
                self.fail(where, f"{language!r} is not a language code such as 'it'")
            seen: set[str] = set()
            for index, code in enumerate(self.array(order, where)):
                if not isinstance(code, str):
                    self.fail(f"{where}[{index}]", f"must be an option code (a string), not {_type(code)}")
                elif code not in codes:
                    self.fail(f"{where}[{index}]", f"unknown option '{code}'{_hint(code, codes)}")
                elif code in seen:
                    self.fail(f"{where}[{index}]", f"option '{code}' is named twice")
                seen.add(str(code))

    def option(self, option: Any, path: str, vocabulary: Vocabulary) -> None:
        if self.part(option, path, "option") is None:
            return
        quantity = option.get("bom_quantity")
        if quantity is not None:
            if isinstance(quantity, (int, Decimal)) and not isinstance(quantity, bool):
                quantity = str(quantity)
            if not isinstance(quantity, str):
                self.fail(
                    f"{path}.bom_quantity", f"must be a number or a formula over parameters, not {_type(quantity)}"
                )
            else:
                try:
                    parse_linear(quantity, vocabulary)
                except RuleError as error:
                    self.fail(f"{path}.bom_quantity", str(error))
        self.layers(option.get("layers"), f"{path}.layers")

    def layers(self, value: Any, path: str) -> None:
        for index, layer in enumerate(self.array(value, path)):
            where = f"{path}[{index}]"
            self.part(layer, where, "layer")

    def parameter(self, parameter: Any, path: str, sections: set[str]) -> None:
        values = self.part(parameter, path, "parameter")
        if values is None:
            return
        self.section_ref(parameter, path, sections)
        low, high, step, default = values["min"], values["max"], values["step"], values["default"]
        if step is not None and step <= 0:
            self.fail(f"{path}.step", f"must be greater than 0, not {step}")
            step = None
        if low is not None and high is not None and low > high:
            self.fail(f"{path}.min", f"min ({low}) is greater than max ({high})")
            return
        self.guide(parameter.get("guide"), f"{path}.guide")
        if default is not None and low is not None and high is not None:
            if not low <= default <= high:
                self.fail(f"{path}.default", f"default {default} is outside {low}–{high}")
            elif step is not None and (default - low) % step != 0:
                self.fail(f"{path}.default", f"default {default} is not on the step grid ({low} + k × {step})")

    def text(self, text: Any, path: str, sections: set[str], vocabulary: Vocabulary) -> None:
        values = self.part(text, path, "text")
        if values is None:
            return
        self.section_ref(text, path, sections)
        charset = values["charset"]
        if charset:
            try:
                re.compile(f"[{charset}]")
            except re.error as error:
                self.fail(f"{path}.charset", f"{charset!r} is not a character set such as 'A-Z.' ({error})")
        preview, where = text.get("preview"), f"{path}.preview"
        shown = None if preview is None else self.part(preview, where, "text_preview")
        if shown is not None:
            for key in ("color_from", "place_from"):
                group = shown[key]
                if group and group not in vocabulary.groups:
                    self.fail(f"{where}.{key}", f"unknown group '{group}'{_hint(group, vocabulary.groups)}")
            self.places(preview, where, vocabulary)

    def places(self, preview: Mapping[str, Any], where: str, vocabulary: Vocabulary) -> None:
        places = preview.get("places")
        if places is None or places == {}:
            return
        if not isinstance(places, dict):
            self.fail(f"{where}.places", f"must be an object, not {_type(places)}")
            return
        place_from = preview.get("place_from")
        if not place_from:
            self.fail(f"{where}.places", "needs 'place_from', the group whose options the places belong to")
            return
        group = vocabulary.groups.get(place_from) if isinstance(place_from, str) else None
        if group is None:
            return  # the unknown group is reported at 'place_from'
        for option, place in places.items():
            at = f"{where}.places.{option}"
            if option not in group.options:
                self.fail(
                    at, f"unknown option '{option}' in group '{preview['place_from']}'{_hint(option, group.options)}"
                )
            self.part(place, at, "text_place")

    def rule(self, rule: Any, path: str, vocabulary: Vocabulary, groups: list[Any]) -> None:
        values = self.part(rule, path, "rule")
        kind = None if values is None else values["kind"]
        if kind is None:
            return
        for key in sorted(frozenset().union(*RULE_KIND_KEYS.values()) - RULE_KIND_KEYS[kind]):
            if key in rule:
                owners = " and ".join(other for other, keys in RULE_KIND_KEYS.items() if key in keys)
                self.fail(f"{path}.{key}", f"'{key}' belongs to {owners} rules, not {kind} rules")
        if kind in ("constraint", "warning"):
            if "expr" not in rule:
                self.fail(path, "missing required key 'expr'")
            self.expression(rule.get("expr"), f"{path}.expr", vocabulary)
        elif kind == "default":
            if "prefer" not in rule:
                self.fail(path, "missing required key 'prefer'")
            self.expression(rule.get("when"), f"{path}.when", vocabulary, optional=True)
            self.expression(rule.get("prefer"), f"{path}.prefer", vocabulary)
        else:
            self.table(rule, path, vocabulary)

    def guide(self, guide: Any, path: str) -> None:
        """A measuring guide: a picture (a static file path) and a translated short text."""
        values = None if guide is None else self.part(guide, path, "guide")
        image = None if values is None else values["image"]
        if image is not None and ".." in image.split("/"):
            self.fail(f"{path}.image", f"{image!r} must not climb out of the static files ('..')")

    def sizes(self, value: Any, path: str, parameters: list[Any]) -> None:
        """The size table: every size gives every measurement, in its range and on its grid."""
        sizes = self.array(value, path)
        known = {p["code"]: p for p in parameters if isinstance(p, dict) and isinstance(p.get("code"), str)}
        for index, size in enumerate(sizes):
            where = f"{path}[{index}]"
            checked = self.part(size, where, "size")
            if checked is None:
                continue
            code = checked["code"]
            values = size.get("values")
            if not isinstance(values, dict):
                self.fail(f"{where}.values", f"must be an object of measurements, not {_type(values)}")
                continue
            label = f"size '{code}'" if code else f"size {index + 1}"
            for parameter in sorted(set(known) - set(values)):
                self.fail(f"{where}.values", f"{label} gives no value for '{parameter}'")
            for parameter in values:
                if parameter not in known:
                    self.fail(
                        f"{where}.values.{parameter}",
                        f"{label}: unknown parameter '{parameter}'{_hint(str(parameter), known)}",
                    )
                    continue
                self.size_value(values, parameter, known[parameter], f"{where}.values", label)
        self.unique(sizes, path, "size")

    def size_value(
        self, values: Mapping[str, Any], parameter: str, spec: Mapping[str, Any], where: str, label: str
    ) -> None:
        """One value of a size: a decimal in its parameter's range and on its grid."""
        before = len(self.problems)
        number = self.decimal(values, parameter, where)
        self.problems[before:] = [Problem(p.path, f"{label}: {parameter}: {p.message}") for p in self.problems[before:]]
        try:
            low, high = Decimal(str(spec["min"])), Decimal(str(spec["max"]))
            step = Decimal(str(spec.get("step", PARAMETER.field("step").default)))
        except (InvalidOperation, KeyError):
            return  # the parameter's own problems are reported at the parameter
        if number is None or step <= 0:
            return
        if not low <= number <= high:
            self.fail(f"{where}.{parameter}", f"{label}: {parameter} {number} is outside {low}–{high}")
        elif (number - low) % step:
            self.fail(f"{where}.{parameter}", f"{label}: {parameter} {number} is not on the grid ({low} + k × {step})")

    def table(self, rule: Mapping[str, Any], path: str, vocabulary: Vocabulary) -> None:
        columns = self.array(rule.get("groups"), f"{path}.groups")
        if not columns:
            self.fail(f"{path}.groups", "a table needs at least one group")
            return
        domains: list[frozenset[str] | None] = []
        for index, code in enumerate(columns):
            info = vocabulary.groups.get(code) if isinstance(code, str) else None
            if info is None:
                self.fail(f"{path}.groups[{index}]", f"unknown group '{code}'{_hint(str(code), vocabulary.groups)}")
                domains.append(None)
            elif info.kind != "choice":
                self.fail(
                    f"{path}.groups[{index}]",
                    f"group '{code}' allows several options; tables take single-choice groups",
                )
                domains.append(None)
            else:
                domains.append(frozenset(info.options))
        if len(set(c for c in columns if isinstance(c, str))) != len(columns):
            self.fail(f"{path}.groups", "a group appears twice in the table")
        width = len(columns)
        rows = self.array(rule.get("rows"), f"{path}.rows")
        if "rows" in rule and not rows:
            self.fail(f"{path}.rows", "a table needs at least one allowed row")
        for index, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != width:
                shape = f"{len(row)} values" if isinstance(row, list) else _type(row)
                self.fail(
                    f"{path}.rows[{index}]", f"must be a list of {width} option codes (one per group), not {shape}"
                )
                continue
            for column, (value, domain) in enumerate(zip(row, domains, strict=True)):
                if domain is not None and value not in domain:
                    self.fail(
                        f"{path}.rows[{index}][{column}]",
                        f"unknown option '{value}' in group '{columns[column]}'{_hint(str(value), domain)}",
                    )


def _type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, Decimal)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _hint(value: str, choices: Iterable[str]) -> str:
    match = difflib.get_close_matches(value, sorted(choices), n=1)
    return f" — did you mean '{match[0]}'?" if match else ""


def check_product(product: Any, path: str = "$") -> list[Problem]:
    """Return every problem of one product object; an empty list means it is valid."""
    checker = _Checker()
    checker.product(product, path)
    return checker.problems


def check_catalog(data: Any) -> list[Problem]:
    """Return every problem of a whole catalog file; an empty list means it is valid."""
    checker = _Checker()
    if not checker.obj(data, "$", "file"):
        return checker.problems
    if "format" in data and data["format"] != FORMAT:
        checker.fail("$.format", f"unsupported format {data['format']!r}: expected {FORMAT!r}")
    products = checker.array(data.get("products"), "$.products")
    for index, product in enumerate(products):
        checker.product(product, f"$.products[{index}]")
    checker.unique(products, "$.products", "product")
    return checker.problems


def vocabulary_of(product: Mapping[str, Any]) -> Vocabulary:
    """Return what rules of a (checked or draft) product object may refer to."""
    return _Checker().vocabulary(
        list(product.get("groups") or []),
        list(product.get("parameters") or []),
        list(product.get("texts") or []),
        "$",
    )


def _relative(problems: list[Problem]) -> list[Problem]:
    return [Problem(p.path.removeprefix("$.").removeprefix("$"), p.message) for p in problems]


def check_rule(rule: Any, vocabulary: Vocabulary) -> list[Problem]:
    """Return the problems of one rule object; paths are relative ("expr", "rows[3][1]")."""
    checker = _Checker()
    checker.rule(rule, "$", vocabulary, [])
    return _relative(checker.problems)


def check_price(price: Any, vocabulary: Vocabulary) -> list[Problem]:
    """Return the problems of one price rule object; paths are relative ("when", "per")."""
    checker = _Checker()
    checker.price(price, "$", vocabulary)
    return _relative(checker.problems)


def check_size(size: Any, parameters: list[Any]) -> list[Problem]:
    """Return the problems of one size of a size table; paths are relative ("values.neck")."""
    checker = _Checker()
    checker.sizes([size], "$", parameters)
    return [Problem(p.path.removeprefix("$[0]").removeprefix("."), p.message) for p in checker.problems]


def check_guide(guide: Any) -> list[Problem]:
    """Return the problems of one measuring guide; paths are relative ("image")."""
    checker = _Checker()
    checker.guide(guide, "$")
    return _relative(checker.problems)


def check_order(order: Any, codes: Iterable[str]) -> list[Problem]:
    """Return the problems of a group's option order against its option `codes`; paths are relative ("it[2]")."""
    checker = _Checker()
    checker.order(order, "$", set(codes))
    return [Problem(p.path.removeprefix("$."), p.message) for p in checker.problems]


def check_quantity(quantity: str, vocabulary: Vocabulary) -> list[Problem]:
    """Return the problems of a bill-of-materials quantity formula."""
    checker = _Checker()
    checker.option({"code": "x", "name": "x", "bom_quantity": quantity}, "$", vocabulary)
    return _relative(checker.problems)
