"""Lint findings and publishing problems in a merchandiser's words, linked to what they name.

The engine and the format checker speak in paths and codes ("groups.collar.mandarin: can
never be selected (because of R15)", "shirt.rules[3].expr: unknown option …"). Here they
become sentences with the draft's names ("Collar “Mandarin” can never be chosen: rule R15
forbids it"), codes in brackets where a name alone is ambiguous, each name a link to the
admin page where it is edited. The draft status and the publishing messages both render
through `plain_findings`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from catalog.images import NO_LAYER
from catalog.models import Option, OptionGroup, Parameter, PriceRule, Product, Rule, Size, TextField

Level = Literal["error", "warning"]

#: A path of the format checker below the product: "rules[3].expr", "groups[0].options[2].price".
_INDEXED = re.compile(r"^(?P<part>[a-z_]+)\[(?P<index>\d+)\](?:\.options\[(?P<option>\d+)\])?(?:\.(?P<field>.+))?$")
#: A lint subject: "groups.collar.mandarin", "groups.collar.mandarin.layers[0]", "prices.P3", "parameters.chest".
_OPTION = re.compile(r"^groups\.(?P<group>[^.]+)\.(?P<option>[^.\[]+)(?P<layer>\.layers\[\d+\])?$")
_BASE_LAYER = re.compile(r"^preview\.layers\[(?P<index>\d+)\](?P<field>\..+)?$")
_BECAUSE = re.compile(r"^can never be selected \(because of (?P<rules>.+)\)$")
_CONFLICT = re.compile(r"^no configuration satisfies all rules \(conflict: (?P<rules>.+)\)$")
_NARROW = re.compile(r"^the rules allow only (?P<range>.+)$")


@dataclass(frozen=True)
class PlainFinding:
    """One finding as a sentence: `html` links the names, `text` is the same without links."""

    level: Level
    html: SafeString
    text: str


class _Draft:
    """The product's parts by code, to name them and link to their pages (one query per kind)."""

    def __init__(self, product: Product, snapshot: Mapping[str, Any]) -> None:
        self.product = product
        self.snapshot = snapshot
        self.groups = {g.code: g for g in OptionGroup.objects.filter(product=product)}
        self.options = {
            (o.group.code, o.code): o for o in Option.objects.filter(group__product=product).select_related("group")
        }
        self.rules = {r.code: r for r in Rule.objects.filter(product=product)}
        self.prices = {p.code: p for p in PriceRule.objects.filter(product=product)}
        self.parameters = {p.code: p for p in Parameter.objects.filter(product=product)}
        self.texts = {t.code: t for t in TextField.objects.filter(product=product)}
        self.sizes = {s.code: s for s in Size.objects.filter(product=product)}

    def link(self, obj: Any, label: str) -> SafeString:
        """Return `label` linked to the admin page of `obj` (plain when it has none, or is not saved)."""
        if obj is None or obj.pk is None:
            return format_html("{}", label)
        try:
            url = reverse(f"admin:catalog_{obj._meta.model_name}_change", args=[obj.pk])
        except NoReverseMatch:
            return format_html("{}", label)
        return format_html('<a href="{}">{}</a>', url, label)

    def option(self, group_code: str, option_code: str) -> tuple[SafeString, str]:
        option = self.options.get((group_code, option_code))
        group = self.groups.get(group_code)
        option_name = option.name if option else option_code
        group_name = group.name if group else group_code
        text = f"{group_name} “{option_name}”"
        return format_html("{} “{}”", self.link(group, group_name), self.link(option, option_name)), text

    def why_link(self, group_code: str, option_code: str) -> SafeString:
        """Link to the draft's "why can this option never be chosen?" page (the minimal set of rules)."""
        url = reverse("configurator:draft_why", args=[self.product.code, group_code, option_code])
        return format_html('<a class="finding-why" href="{}">{}</a>', url, _("Why?"))

    def rules_list(self, codes: Iterable[str]) -> tuple[SafeString, str]:
        codes = [code.strip() for code in codes if code.strip()]
        links = [self.link(self.rules.get(code), code) for code in codes]
        joined = format_html_join(", ", "{}", ((link,) for link in links))
        return joined, ", ".join(codes)

    def part(self, kind: str, index: int, option: int | None) -> tuple[SafeString, str]:
        """Name the part at `kind[index]` of the snapshot (e.g. rules[3] is "rule R4")."""
        items = self.snapshot.get(kind) or []
        item = items[index] if index < len(items) else {}
        code = str(item.get("code", index + 1))
        if kind == "groups" and option is not None:
            options = item.get("options") or []
            option_code = str(options[option].get("code")) if option < len(options) else str(option + 1)
            return self.option(code, option_code)
        parts: dict[str, Mapping[str, Any]] = {
            "groups": self.groups,
            "rules": self.rules,
            "prices": self.prices,
            "parameters": self.parameters,
            "texts": self.texts,
            "sizes": self.sizes,
        }
        found = parts.get(kind, {})
        noun = str(_PART_NOUNS.get(kind, kind))
        name = item.get("name") or item.get("label") or ""
        label = f"{name} [{code}]" if name and name != code else code
        return format_html("{} {}", noun, self.link(found.get(code), label)), f"{noun} {label}"


#: The format's keys in the words of the admin's labels (others are shown as they are).
_FIELD_WORDS = {
    "expr": gettext_lazy("expression"),
    "when": gettext_lazy("condition"),
    "prefer": gettext_lazy("preference"),
    "groups": gettext_lazy("table groups"),
    "rows": gettext_lazy("allowed rows"),
    "bom_quantity": gettext_lazy("BOM quantity"),
    "per": gettext_lazy("per parameter unit"),
}

_PART_NOUNS = {
    "groups": gettext_lazy("group"),
    "rules": gettext_lazy("rule"),
    "prices": gettext_lazy("price rule"),
    "parameters": gettext_lazy("measurement"),
    "texts": gettext_lazy("text field"),
    "sizes": gettext_lazy("size"),
    "sections": gettext_lazy("section"),
}


def _sentence(draft: _Draft, subject: str, message: str) -> tuple[SafeString, str]:
    """Return the finding `subject: message` as a sentence (html, text)."""
    subject = subject.removeprefix(f"{draft.product.code}.").removeprefix("$.")
    if match := _OPTION.match(subject):
        html, text = draft.option(match["group"], match["option"])
        html, text = _option_sentence(draft, html, text, message, bool(match["layer"]))
        if _BECAUSE.match(message):
            html = format_html("{} {}", html, draft.why_link(match["group"], match["option"]))
        return html, text
    if subject == "product":
        if match := _CONFLICT.match(message):
            codes = match["rules"].split(",")
            rules_html, rules_text = draft.rules_list(codes)
            template = ngettext(
                "No configuration satisfies all the rules: rule {} can never hold.",
                "No configuration satisfies all the rules: rules {} contradict each other.",
                len(codes),
            )
            return format_html(template, rules_html), template.format(rules_text)
        return format_html("{}", message), message
    if match := _BASE_LAYER.match(subject):
        url = reverse("admin:catalog_product_change", args=[draft.product.pk]) + "#tab-preview"
        label = _("Base preview layer %(number)d") % {"number": int(match["index"]) + 1}
        detail = match["field"] or ""
        return format_html('<a href="{}">{}</a>{}: {}', url, label, detail, message), f"{label}{detail}: {message}"
    kind, _dot, code = subject.partition(".")
    if kind == "prices" and message == "its condition can never hold: it never applies":
        price = draft.prices.get(code)
        label = f"{price.label} [{code}]" if price and price.label else code
        template = _("Price rule {} never applies: its condition can never hold.")
        return format_html(template, draft.link(price, label)), template.format(label)
    if kind == "parameters" and (match := _NARROW.match(message)):
        parameter = draft.parameters.get(code)
        name = parameter.name if parameter else code
        template = _("{}: the rules allow only {}.")
        return format_html(template, draft.link(parameter, name), match["range"]), template.format(name, match["range"])
    if match := _INDEXED.match(subject):
        option = int(match["option"]) if match["option"] is not None else None
        part_html, part_text = draft.part(match["part"], int(match["index"]), option)
        field = f" ({_FIELD_WORDS.get(match['field'], match['field'])})" if match["field"] else ""
        return format_html("{}{}: {}", part_html, field, message), f"{part_text}{field}: {message}"
    return format_html("{}: {}", subject, message), f"{subject}: {message}"


def _option_sentence(draft: _Draft, html: SafeString, text: str, message: str, layer: bool) -> tuple[SafeString, str]:
    if match := _BECAUSE.match(message):
        codes = [code for code in match["rules"].split(",") if code.strip() != "the group settings"]
        if not codes:
            template = _("{} can never be chosen: the group's settings leave no room for it.")
            return format_html(template, html), template.format(text)
        rules_html, rules_text = draft.rules_list(codes)
        template = ngettext(
            "{} can never be chosen: rule {} forbids it.", "{} can never be chosen: rules {} forbid it.", len(codes)
        )
        return format_html(template, html, rules_html), template.format(text, rules_text)
    if message == "is in every valid configuration (always forced)":
        template = _("{} is in every configuration: the rules leave no other choice.")
        return format_html(template, html), template.format(text)
    if message.startswith(NO_LAYER):
        template = _("{} has no preview layer: when it is chosen the picture lacks this part. Add a layer on its page.")
        return format_html(template, html), template.format(text)
    what = _("{} (preview layer): {}") if layer else "{}: {}"
    return format_html(what, html, message), what.format(text, message)


def plain_findings(
    product: Product, snapshot: Mapping[str, Any], findings: Iterable[tuple[Level, str, str]]
) -> list[PlainFinding]:
    """Return each (level, subject or path, message) of the draft of `product` as a linked sentence."""
    draft = _Draft(product, snapshot)
    plain = []
    for level, subject, message in findings:
        html, text = _sentence(draft, subject, message)
        plain.append(PlainFinding(level, html, text))
    return plain


def findings_list(items: Iterable[PlainFinding], limit: int = 50) -> SafeString:
    """Return findings as an HTML list (the first `limit`, then how many more)."""
    items = list(items)
    html = format_html_join("", "<li>{}</li>", ((item.html,) for item in items[:limit]))
    more = len(items) - limit
    if more > 0:
        html = format_html("{}<li>{}</li>", html, ngettext("and %(n)d more", "and %(n)d more", more) % {"n": more})
    return format_html('<ul class="findings">{}</ul>', html)
