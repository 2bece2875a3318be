"""Compare two snapshots of a product (exchange-format dicts) into changes people can read.

`snapshot_diff(old, new)` is pure: it reads no database and writes nothing, so the admin's
Compare page, the rollback confirmation, the version list's summary and `catalog_diff`
all describe a change the same way. Parts are matched by code (options by group and
code); preview layers, which have no code, by image and occurrence. A key this module
does not know yet (a field added to the format) is still compared, under its own name.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.utils.translation import pgettext_lazy as p_

Snapshot = Mapping[str, Any]


class Action(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


#: Parts in the order a page lists them: key → (label, plural label, counter for summaries).
PARTS: dict[str, tuple[Any, Any, Callable[[int], str]]] = {
    "product": (
        p_("part", "Product"),
        p_("parts", "Product"),
        lambda n: ngettext("%(n)d product field", "%(n)d product fields", n),
    ),
    "section": (
        p_("part", "Section"),
        p_("parts", "Sections"),
        lambda n: ngettext("%(n)d section", "%(n)d sections", n),
    ),
    "group": (p_("part", "Group"), p_("parts", "Groups"), lambda n: ngettext("%(n)d group", "%(n)d groups", n)),
    "option": (p_("part", "Option"), p_("parts", "Options"), lambda n: ngettext("%(n)d option", "%(n)d options", n)),
    "parameter": (
        p_("part", "Parameter"),
        p_("parts", "Parameters"),
        lambda n: ngettext("%(n)d parameter", "%(n)d parameters", n),
    ),
    "text": (
        p_("part", "Text field"),
        p_("parts", "Text fields"),
        lambda n: ngettext("%(n)d text field", "%(n)d text fields", n),
    ),
    "rule": (p_("part", "Rule"), p_("parts", "Rules"), lambda n: ngettext("%(n)d rule", "%(n)d rules", n)),
    "price": (
        p_("part", "Price rule"),
        p_("parts", "Price rules"),
        lambda n: ngettext("%(n)d price rule", "%(n)d price rules", n),
    ),
    "size": (p_("part", "Size"), p_("parts", "Sizes"), lambda n: ngettext("%(n)d size", "%(n)d sizes", n)),
    "layer": (
        p_("part", "Preview layer"),
        p_("parts", "Preview layers"),
        lambda n: ngettext("%(n)d preview layer", "%(n)d preview layers", n),
    ),
}

#: JSON key → label. Keys missing here are shown as written.
FIELDS: dict[str, Any] = {
    "name": gettext_lazy("name"),
    "description": gettext_lazy("description"),
    "currency": gettext_lazy("currency"),
    "base_price": gettext_lazy("base price"),
    "part_number": gettext_lazy("part number"),
    "lead_time_days": gettext_lazy("lead time (working days)"),
    "layout": gettext_lazy("layout"),
    "active": gettext_lazy("active"),
    "kind": gettext_lazy("kind"),
    "required": gettext_lazy("required"),
    "min": gettext_lazy("minimum"),
    "max": gettext_lazy("maximum"),
    "section": gettext_lazy("section (step)"),
    "display": gettext_lazy("display"),
    "default": gettext_lazy("default"),
    "price": gettext_lazy("price"),
    "bom_quantity": gettext_lazy("BOM quantity"),
    "bom_unit": gettext_lazy("BOM unit"),
    "swatch": gettext_lazy("swatch colour"),
    "unit": gettext_lazy("unit"),
    "step": gettext_lazy("step"),
    "guide": gettext_lazy("measuring guide"),
    "max_length": gettext_lazy("maximum length"),
    "charset": gettext_lazy("allowed characters"),
    "preview": gettext_lazy("preview placement"),
    "expr": gettext_lazy("expression"),
    "groups": gettext_lazy("table groups"),
    "rows": gettext_lazy("table rows"),
    "when": gettext_lazy("when"),
    "prefer": gettext_lazy("prefer"),
    "message": gettext_lazy("message to shoppers"),
    "amount": gettext_lazy("amount"),
    "per": gettext_lazy("per parameter unit"),
    "label": gettext_lazy("label"),
    "values": gettext_lazy("measurements"),
    "width": gettext_lazy("preview width"),
    "height": gettext_lazy("preview height"),
    "background": gettext_lazy("preview background"),
    "image": gettext_lazy("image"),
    "z": gettext_lazy("z-order"),
    "tint": gettext_lazy("tint"),
    "order": gettext_lazy("order"),
}


@dataclass(frozen=True)
class Change:
    """One difference: a part added or removed, or one field of it changed (old → new)."""

    part: str
    action: Action
    subject: str
    field: str = ""
    old: str = ""
    new: str = ""

    def __str__(self) -> str:
        if self.action == Action.ADDED:
            text = _("%(subject)s added") % {"subject": self.subject}
            return f"{text}: {self.new}" if self.new else text
        if self.action == Action.REMOVED:
            return _("%(subject)s removed") % {"subject": self.subject}
        return f"{self.subject}: {self.field} {self.old} → {self.new}"


def snapshot_diff(old: Snapshot, new: Snapshot) -> list[Change]:
    """Return what changed from `old` to `new`, part by part in PARTS order, fields in file order."""
    changes = list(_product_changes(old, new))
    for part, key in (("section", "sections"), ("group", "groups"), ("parameter", "parameters")):
        changes += _list_changes(part, old.get(key) or [], new.get(key) or [], _subject_named(part))
    changes += _option_changes(old, new)
    changes += _list_changes("text", old.get("texts") or [], new.get("texts") or [], _subject_named("text"))
    changes += _list_changes("rule", old.get("rules") or [], new.get("rules") or [], _subject_coded("rule"))
    changes += _list_changes("price", old.get("prices") or [], new.get("prices") or [], _subject_price)
    changes += _list_changes("size", old.get("sizes") or [], new.get("sizes") or [], _subject_named("size"))
    changes += _layer_changes(old, new)
    order = list(PARTS)
    return sorted(changes, key=lambda change: order.index(change.part))


def changes_by_part(changes: Sequence[Change]) -> list[tuple[str, list[Change]]]:
    """Group `changes` under their part's label, in PARTS order, leaving out parts with none."""
    grouped: dict[str, list[Change]] = {}
    for change in changes:
        grouped.setdefault(change.part, []).append(change)
    return [(str(PARTS[part][1]), grouped[part]) for part in PARTS if part in grouped]


def diff_summary(changes: Sequence[Change]) -> str:
    """Count the parts touched, e.g. "3 options, 1 rule" ("no changes" when there are none)."""
    subjects: dict[str, set[str]] = {}
    for change in changes:
        # The product is one subject: count its fields instead.
        subjects.setdefault(change.part, set()).add(change.field if change.part == "product" else change.subject)
    if not subjects:
        return _("no changes")
    counts = {part: len(subjects[part]) for part in PARTS if part in subjects}
    return ", ".join(PARTS[part][2](n) % {"n": n} for part, n in counts.items())


# -- parts -------------------------------------------------------------------------------------

_NESTED = {"options", "layers"}  # compared as parts of their own


def _product_changes(old: Snapshot, new: Snapshot) -> Iterator[Change]:
    subject = _("Product %(name)s (%(code)s)") % {"name": new.get("name", ""), "code": new.get("code", "")}
    skip = {"code", "sections", "groups", "parameters", "texts", "rules", "prices", "sizes", "preview"}
    yield from _field_changes("product", subject, _without(old, skip), _without(new, skip))
    old_preview, new_preview = old.get("preview") or {}, new.get("preview") or {}
    yield from _field_changes("product", subject, _without(old_preview, {"layers"}), _without(new_preview, {"layers"}))


def _list_changes(
    part: str, old: Sequence[Snapshot], new: Sequence[Snapshot], subject: Any, container: str = ""
) -> Iterator[Change]:
    """Compare two lists of parts that have codes: added, removed, changed fields, order."""
    old_by_code = {item["code"]: item for item in old}
    new_by_code = {item["code"]: item for item in new}
    for item in new:
        if item["code"] not in old_by_code:
            yield Change(part, Action.ADDED, subject(item), new=_gist(part, item))
    for item in old:
        if item["code"] not in new_by_code:
            yield Change(part, Action.REMOVED, subject(item))
    for item in new:
        before = old_by_code.get(item["code"])
        if before is not None:
            yield from _field_changes(part, subject(item), _without(before, _NESTED), _without(item, _NESTED))
    kept_old = [item["code"] for item in old if item["code"] in new_by_code]
    kept_new = [item["code"] for item in new if item["code"] in old_by_code]
    if kept_old != kept_new:
        where = container or str(PARTS[part][1])
        yield Change(part, Action.CHANGED, where, str(FIELDS["order"]), _codes(kept_old), _codes(kept_new))


def _option_changes(old: Snapshot, new: Snapshot) -> Iterator[Change]:
    """Compare each group's options; a removed group's options are removed with it."""
    old_groups = {group["code"]: group for group in old.get("groups") or []}
    new_groups = {group["code"]: group for group in new.get("groups") or []}
    for code in [*new_groups, *(c for c in old_groups if c not in new_groups)]:
        group = new_groups.get(code) or old_groups[code]

        def subject(option: Snapshot, group: Snapshot = group) -> str:
            return _option_subject(group, option)

        before = (old_groups.get(code) or {}).get("options") or []
        after = (new_groups.get(code) or {}).get("options") or []
        container = _("Options of %(group)s") % {"group": group.get("name") or code}
        yield from _list_changes("option", before, after, subject, container)


def _layer_changes(old: Snapshot, new: Snapshot) -> Iterator[Change]:
    """Compare preview layers: the product's base layers and each option's, matched by image."""
    owners = [(_("base picture"), (old.get("preview") or {}), (new.get("preview") or {}))]
    old_options = {(g["code"], o["code"]): o for g in old.get("groups") or [] for o in g.get("options") or []}
    for group in new.get("groups") or []:
        for option in group.get("options") or []:
            before = old_options.get((group["code"], option["code"]))
            if before is not None:
                owners.append((_option_subject(group, option), before, option))
    for owner, before, after in owners:
        old_layers = _by_image(before.get("layers") or [])
        new_layers = _by_image(after.get("layers") or [])
        for key, layer in new_layers.items():
            subject = _("Layer %(image)s of %(owner)s") % {"image": key[0], "owner": owner}
            if key not in old_layers:
                yield Change("layer", Action.ADDED, subject, new=_layer_gist(layer))
            else:
                yield from _field_changes("layer", subject, old_layers[key], layer)
        for key in old_layers.keys() - new_layers.keys():
            yield Change("layer", Action.REMOVED, _("Layer %(image)s of %(owner)s") % {"image": key[0], "owner": owner})


# -- fields ------------------------------------------------------------------------------------


def _field_changes(part: str, subject: str, old: Snapshot, new: Snapshot) -> Iterator[Change]:
    """Compare fields one by one; dictionaries (translations, guide, values) key by key."""
    for path, before, after in _leaf_pairs((), old, new):
        if before != after:
            yield Change(part, Action.CHANGED, subject, _field_label(path), _value(before), _value(after))


def _leaf_pairs(path: tuple[str, ...], old: Any, new: Any) -> Iterator[tuple[tuple[str, ...], Any, Any]]:
    if isinstance(old, Mapping) or isinstance(new, Mapping):
        old_map = old if isinstance(old, Mapping) else {}
        new_map = new if isinstance(new, Mapping) else {}
        for key in [*old_map, *(k for k in new_map if k not in old_map)]:
            yield from _leaf_pairs((*path, key), old_map.get(key), new_map.get(key))
    else:
        yield path, old, new


def _field_label(path: tuple[str, ...]) -> str:
    """Name a field: `name`, `name (it)` for a translation, `guide › image` for a nested key."""
    if path and path[0] == "translations" and len(path) == 3:
        return f"{_label(path[2])} ({path[1]})"
    return " › ".join(_label(key) for key in path)


def _label(key: str) -> str:
    return str(FIELDS[key]) if key in FIELDS else key.replace("_", " ")


def _value(value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(("(" + ", ".join(map(str, v)) + ")") if isinstance(v, list) else str(v) for v in value)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


# -- naming ------------------------------------------------------------------------------------


def _subject_named(part: str) -> Any:
    def subject(item: Snapshot) -> str:
        return f"{PARTS[part][0]} {item.get('name') or item['code']} ({item['code']})"

    return subject


def _subject_coded(part: str) -> Any:
    def subject(item: Snapshot) -> str:
        return f"{PARTS[part][0]} {item['code']}"

    return subject


def _subject_price(item: Snapshot) -> str:
    label = item.get("label")
    return f"{PARTS['price'][0]} {item['code']}" + (f" ({label})" if label else "")


def _option_subject(group: Snapshot, option: Snapshot) -> str:
    group_name, option_name = group.get("name") or group["code"], option.get("name") or option["code"]
    return f"{PARTS['option'][0]} {group_name} › {option_name} ({option['code']})"


def _gist(part: str, item: Snapshot) -> str:
    """Say in a few words what an added part is."""
    if part == "rule":
        kind = item.get("kind")
        if kind == "table":
            return _("table over %(groups)s") % {"groups": ", ".join(item.get("groups") or [])}
        if kind == "default":
            return _("when %(when)s prefer %(prefer)s") % {
                "when": item.get("when") or "—",
                "prefer": item.get("prefer"),
            }
        return str(item.get("expr", ""))
    if part == "price":
        when = item.get("when") or _("always")
        return f"{when}: {item.get('amount')}" + (f" × {item['per']}" if item.get("per") else "")
    if part == "option":
        return f"{_label('price')} {item.get('price', '0.00')}"
    if part == "parameter":
        return f"{item.get('min')}–{item.get('max')} {item.get('unit', '')}".strip()
    return ""


def _layer_gist(layer: Snapshot) -> str:
    tint = f", {_label('tint')} {layer['tint']}" if layer.get("tint") else ""
    return f"{_label('z')} {layer.get('z', 0)}{tint}"


def _by_image(layers: Sequence[Snapshot]) -> dict[tuple[str, int], Snapshot]:
    """Key layers by image and occurrence (the same image twice is two layers)."""
    seen: dict[str, int] = {}
    keyed = {}
    for layer in layers:
        image = str(layer.get("image", ""))
        seen[image] = seen.get(image, 0) + 1
        keyed[(image, seen[image])] = layer
    return keyed


def _without(data: Mapping[str, Any], keys: set[str]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in keys}


def _codes(codes: Sequence[str]) -> str:
    return ", ".join(codes)
