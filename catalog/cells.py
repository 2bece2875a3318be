"""How spreadsheet cells read and write: exact decimals, yes/no flags, codes of products and groups.

CSV cells are text; XLSX cells are numbers, booleans or text: every reader takes both, and
says in a sentence naming the value what it cannot read ("'abc' is not an amount"); the
import reports it with the row and column (catalog/spreadsheets.py). XLSX exports get
numbers, CSV exports exact text, so a sheet exported and imported back changes nothing.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from import_export import fields, widgets

from catalog.models import OptionGroup, Product
from configurator.engine.model import measure_str

CENT = Decimal("0.01")


def cell_text(value: Any) -> str:
    """Return a cell as text: XLSX gives numbers and booleans, CSV gives strings."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class TextWidget(widgets.Widget):  # type: ignore[misc]
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return cell_text(value)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return "" if value is None else str(value)


class NumberWidget(widgets.Widget):  # type: ignore[misc]
    """An exact decimal: "12.50" or an XLSX number; XLSX files get numbers, CSV files exact text."""

    def __init__(self, *, money: bool = False, optional: bool = False) -> None:
        super().__init__()
        self.money = money
        self.optional = optional

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Decimal | None:
        text = cell_text(value)
        if not text:
            if self.optional:
                return None
            raise ValueError(_("an amount is required") if self.money else _("a number is required"))
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            problem = _("'%(value)s' is not an amount") if self.money else _("'%(value)s' is not a number")
            raise ValueError(problem % {"value": text})
        return number

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        if value is None:
            return ""
        if kwargs.get("force_native_type"):
            return value
        if self.money and value == value.quantize(CENT):
            return str(value.quantize(CENT))
        return str(value) if self.money else measure_str(value)


class FlagWidget(widgets.Widget):  # type: ignore[misc]
    """Yes or no: 1/0, true/false, yes/no (sì/no); a blank cell is a mistake, not "no"."""

    YES = frozenset({"1", "true", "yes", "y", "x", "sì", "si"})
    NO = frozenset({"0", "false", "no", "n"})

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool:
        text = cell_text(value).lower()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(_("'%(value)s' is not yes or no (write 1 or 0)") % {"value": cell_text(value)})

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        return int(bool(value)) if kwargs.get("force_native_type") else str(int(bool(value)))


class CountWidget(widgets.Widget):  # type: ignore[misc]
    """A whole number; with `optional`, a blank cell is no value (None)."""

    def __init__(self, *, optional: bool = False) -> None:
        super().__init__()
        self.optional = optional

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        text = cell_text(value)
        if not text and self.optional:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or number != number.to_integral_value():
            raise ValueError(_("'%(value)s' is not a whole number") % {"value": text})
        return int(number)

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else str(value)


class ProductWidget(widgets.Widget):  # type: ignore[misc]
    """A product by its code."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Product:
        code = cell_text(value)
        product = Product.objects.filter(code=code).first()
        if product is None:
            raise ValueError(_("no product '%(code)s'") % {"code": code})
        return product

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(getattr(value, "code", value))


class GroupWidget(widgets.Widget):  # type: ignore[misc]
    """An option group by its code, in the product the row's "product" column names."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> OptionGroup:
        code, product = cell_text(value), cell_text((row or {}).get("product"))
        group = OptionGroup.objects.filter(product__code=product, code=code).first()
        if group is None:
            raise ValueError(_("no group '%(group)s' in product '%(product)s'") % {"group": code, "product": product})
        return group

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else str(value.code)


class CheckedField(fields.Field):  # type: ignore[misc]
    """A key column that is checked but not written (an option's product is its group's)."""

    def save(self, instance: Any, row: Any, is_m2m: bool = False, **kwargs: Any) -> None:
        self.clean(row, **kwargs)


class TranslationField(fields.Field):  # type: ignore[misc]
    """One text of one language in the row's `translations` (blank: no translation)."""

    def __init__(self, *, key: str, language: str, column_name: str, widget: widgets.Widget) -> None:
        super().__init__(attribute="translations", column_name=column_name, widget=widget)
        self.key, self.language = key, language

    def get_value(self, instance: Any) -> str:
        return str(((instance.translations or {}).get(self.language) or {}).get(self.key, ""))

    def save(self, instance: Any, row: Any, is_m2m: bool = False, **kwargs: Any) -> None:
        text = self.clean(row, **kwargs)
        translations = {language: dict(texts) for language, texts in (instance.translations or {}).items()}
        if text:
            translations.setdefault(self.language, {})[self.key] = text
        else:
            translations.get(self.language, {}).pop(self.key, None)
        instance.translations = {language: texts for language, texts in translations.items() if texts}
