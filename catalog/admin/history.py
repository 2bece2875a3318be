"""A product's history with its parts: who changed which field of what, from what to what.

django-simple-history keeps a record per save of the product and of each of its parts
(groups, options, rules, prices, …), but the product's history page lists only the
product's own records, and a save on its page rarely changes the product itself. Here
the records of the product and of every part it has or had are merged, newest first,
and each is compared with the record before it (`diff_against`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.paginator import Page, Paginator
from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from catalog.models import (
    Option,
    OptionGroup,
    Parameter,
    PreviewLayer,
    PriceRule,
    Product,
    Rule,
    Section,
    Size,
    TextField,
)

#: The parts whose history rows name their product.
PARTS: tuple[type[Model], ...] = (Section, OptionGroup, Parameter, Size, TextField, Rule, PriceRule, PreviewLayer)
#: Fields every save touches: not a change a merchandiser made.
IGNORED = frozenset({"updated_at"})
ACTIONS = {"+": _("added"), "~": _("changed"), "-": _("deleted")}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    """One saved record: when, by whom, what (with a link while it exists) and its field changes."""

    date: datetime
    user: Any
    kind: str
    name: str
    url: str
    action: str
    changes: tuple[FieldChange, ...]


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return Truncator(str(value)).chars(80)


def _changes(record: Any) -> tuple[FieldChange, ...]:
    """Return what `record` changed from the object's record before it (nothing when added or deleted whole)."""
    previous = record.prev_record if record.history_type == "~" else None
    if previous is None:
        return ()
    labels = {f.name: str(f.verbose_name) for f in record.instance_type._meta.fields}
    delta = record.diff_against(previous, excluded_fields=IGNORED, foreign_keys_are_objs=True)
    return tuple(FieldChange(labels.get(c.field, c.field), _shown(c.old), _shown(c.new)) for c in delta.changes)


def _url(record: Any) -> str:
    """Return the admin page of the object a record is about ("" once deleted, or without a page)."""
    model = record.instance_type
    if record.history_type == "-" or not model.objects.filter(pk=record.id).exists():
        return ""
    try:
        return reverse(f"admin:catalog_{model._meta.model_name}_change", args=[record.id])
    except NoReverseMatch:
        return ""


def _name(record: Any) -> str:
    try:
        return str(record.history_object)
    except ObjectDoesNotExist:  # an option whose group is gone names it
        return str(getattr(record, "code", record.id))


def _entry(record: Any) -> HistoryEntry:
    return HistoryEntry(
        date=record.history_date,
        user=record.history_user,
        kind=str(record.instance_type._meta.verbose_name),
        name=_name(record),
        url=_url(record),
        action=str(ACTIONS.get(record.history_type, record.history_type)),
        changes=_changes(record),
    )


def product_history(
    product: Product, page: str | int | None, per_page: int = 50
) -> tuple[list[HistoryEntry], Page[tuple[datetime, int, type[Model]]]]:
    """Return one page of the history of `product` and its parts, newest first, and the page for the paginator."""
    own = Product.history.filter(id=product.pk).values_list("history_date", "history_id")
    keys: list[tuple[datetime, int, type[Model]]] = [(date, history_id, Product) for date, history_id in own]
    for model in PARTS:
        rows = model.history.filter(product_id=product.pk)  # type: ignore[attr-defined]
        keys += [(date, history_id, model) for date, history_id in rows.values_list("history_date", "history_id")]
    groups = OptionGroup.history.filter(product_id=product.pk).values_list("id", flat=True).distinct()
    options = Option.history.filter(group_id__in=list(groups)).values_list("history_date", "history_id")
    keys += [(date, history_id, Option) for date, history_id in options]
    keys.sort(key=lambda key: (key[0], key[1]), reverse=True)
    current = Paginator(keys, per_page).get_page(page)
    entries = []
    for _date, history_id, model in current.object_list:
        record = model.history.select_related("history_user").get(history_id=history_id)  # type: ignore[attr-defined]
        entry = _entry(record)
        # A save of the product's page saves the product even when only its parts changed: nothing to show.
        if entry.changes or record.history_type != "~":
            entries.append(entry)
    return entries, current
