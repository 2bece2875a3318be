"""Change many draft prices at once: by a percentage or a fixed amount, previewed, then applied.

The admin's "Change prices…" action (options' prices, price rules' amounts) computes the
same lines for the preview and for applying; applying recomputes them from the rows as
they are then, locked, refuses the whole change if the prices moved since the preview or if
any price would become negative or too large, and writes every price in one transaction
with history ("bulk price change", by the user). Publishing stays a step of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

CENT = Decimal("0.01")
#: The change reason of the history records a price change writes.
CHANGE_REASON = "bulk price change"


@dataclass(frozen=True)
class PriceChange:
    """Add `value` percent (kind "percent") or `value` in the product's currency (kind "amount")."""

    kind: Literal["percent", "amount"]
    value: Decimal

    def applied_to(self, price: Decimal) -> Decimal:
        """Return `price` changed, rounded half up to cents."""
        new = price * (100 + self.value) / 100 if self.kind == "percent" else price + self.value
        return new.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PriceLine:
    """One row's price before and after the change."""

    pk: int
    product: str
    label: str
    name: str
    old: Decimal
    new: Decimal

    @property
    def difference(self) -> Decimal:
        return self.new - self.old


def _product_code(row: Any) -> str:
    product = row.product if hasattr(row, "product") else row.group.product
    return str(product.code)


def price_lines(rows: Iterable[models.Model], field: str, change: PriceChange) -> list[PriceLine]:
    """Return each row's `field` before and after `change`, in the order given."""
    lines = []
    for row in rows:
        old = getattr(row, field)
        name = str(getattr(row, "name", "") or getattr(row, "label", ""))
        lines.append(PriceLine(row.pk, _product_code(row), str(row), name, old, change.applied_to(old)))
    return lines


def price_problems(lines: Iterable[PriceLine], model: type[models.Model], field: str) -> list[str]:
    """Return why the change cannot be applied: prices that would turn negative or not fit the field."""
    negative = [f"{line.product}: {line.label}" for line in lines if line.new < 0 <= line.old]
    problems = []
    if negative:
        problems.append(_("These prices would become negative: %(items)s.") % {"items": ", ".join(negative)})
    model_field = model._meta.get_field(field)
    for line in lines:
        try:
            model_field.run_validators(line.new)  # type: ignore[union-attr]
        except ValidationError as error:
            problems.append(f"{line.product}: {line.label}: {' '.join(error.messages)}")
    return problems


def prices_change(
    queryset: models.QuerySet[Any],
    *,
    field: str,
    change: PriceChange,
    user: Any,
    expected: Mapping[int, Decimal] | None = None,
) -> list[PriceLine]:
    """Apply `change` to `field` of every row of `queryset`, all or nothing; return the lines applied.

    With `expected` (row id -> the old price the preview showed), refuse if any price moved
    since. Raise ValidationError listing every problem; nothing is written then.
    """
    model = queryset.model
    with transaction.atomic():
        rows = list(queryset.select_for_update(of=("self",)).order_by("pk"))
        lines = price_lines(rows, field, change)
        if expected is not None and {line.pk: line.old for line in lines} != dict(expected):
            raise ValidationError(_("Prices changed since the preview; check the new preview."))
        problems = price_problems(lines, model, field)
        if problems:
            raise ValidationError(problems)
        changed = []
        for row, line in zip(rows, lines, strict=True):
            if line.new != line.old:
                setattr(row, field, line.new)
                changed.append(row)
        if changed:
            bulk_update_with_history(changed, model, [field], default_user=user, default_change_reason=CHANGE_REASON)
    return lines
