"""What the catalog's admin forms offer: a colour with its picker, the sections a part may go in."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from catalog.models import Section


class ColourInput(forms.TextInput):
    """A colour as text (#c0392b, or empty where optional) with a colour picker beside it.

    The picker has no name: the text is what is sent, so an optional colour may stay
    empty (a picker alone always holds one). static/admin-studio/colour.js keeps both in step.
    """

    class Media:
        js = ["admin-studio/colour.js"]
        css = {"all": ["admin-studio/studio.css"]}

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"size": 8, "maxlength": 7, "placeholder": "#rrggbb", **(attrs or {})})

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        text = super().render(name, value, attrs, renderer)
        colour = value if isinstance(value, str) and len(value) == 7 and value.startswith("#") else "#000000"
        empty = "" if value else " is-empty"
        return format_html(
            '<span class="colour-field">{}<input type="color" data-colour-picker class="colour-picker{}" '
            'value="{}" aria-label="{}" tabindex="-1"></span>',
            text,
            empty,
            colour.lower(),
            _("Pick a colour"),
        )


def _section_and_product(section: Section) -> str:
    return f"{section.name} — {section.product.name}"


def scope_sections(form: forms.BaseForm, product_id: int | None) -> None:
    """Offer in `form`'s section dropdown only the sections of the product.

    A part not yet in a product: on its own page (a product dropdown beside) every
    section, named with its product; in the product's page the inline scopes them.
    """
    field = form.fields.get("section")
    if not isinstance(field, forms.ModelChoiceField):
        return
    if product_id is not None:
        field.queryset = Section.objects.filter(product_id=product_id)
    elif "product" in form.fields:
        field.label_from_instance = _section_and_product  # type: ignore[method-assign,assignment]
        field.queryset = Section.objects.select_related("product")
