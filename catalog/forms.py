"""Admin forms: translated texts as plain fields, rules checked as they are typed.

Rules and price conditions are parsed against the product's draft (its saved groups,
options, parameters and text fields) when the form is validated, so a merchandiser
sees "unknown option 'blu' in group 'body' — did you mean 'blue'?" on the field
itself, not later at publishing time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from catalog.images import image_header, layer_image_help, layer_image_problems
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
from catalog.services import guide_image_missing
from catalog.widgets import ColourInput, scope_sections
from configurator.engine.model import measure_str
from configurator.engine.rules import GroupInfo, Vocabulary
from configurator.engine.schema import (
    Problem,
    check_guide,
    check_order,
    check_price,
    check_quantity,
    check_rule,
    check_size,
)

OTHER_LANGUAGES = [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def draft_vocabulary(product: Product) -> Vocabulary:
    """Return what rules of `product` may refer to, from its saved draft."""
    groups: dict[str, GroupInfo] = {}
    options: dict[int, list[str]] = {}
    for group_id, code in Option.objects.filter(group__product=product).values_list("group_id", "code"):
        options.setdefault(group_id, []).append(code)
    for group in OptionGroup.objects.filter(product=product):
        groups[group.code] = GroupInfo(
            kind="multi" if group.kind == OptionGroup.Kind.MULTI else "choice",
            required=group.required,
            options=tuple(options.get(group.pk, ())),
        )
    return Vocabulary(
        groups=groups,
        parameters=frozenset(Parameter.objects.filter(product=product).values_list("code", flat=True)),
        texts=frozenset(TextField.objects.filter(product=product).values_list("code", flat=True)),
    )


class TranslatedForm(forms.ModelForm):  # type: ignore[type-arg]
    """Show `translations[lang][key]` as ordinary fields named `<key>_<lang>`.

    Subclasses are decorated with `@translatable(...)`, which declares the fields.
    """

    translated: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translations = getattr(self.instance, "translations", None) or {}
        for key in self.translated:
            for code, _language in OTHER_LANGUAGES:
                self.initial.setdefault(f"{key}_{code}", translations.get(code, {}).get(key, ""))

    def clean(self) -> dict[str, Any]:
        """The cleaned data (Django's `clean` may be declared to return None; ours never does)."""
        super().clean()
        return self.cleaned_data

    def save(self, commit: bool = True) -> Any:
        translations = {lang: dict(texts) for lang, texts in (self.instance.translations or {}).items()}
        for key in self.translated:
            for code, _language in OTHER_LANGUAGES:
                if self.is_bound and self.add_prefix(f"{key}_{code}") not in self.data:
                    continue  # not on this page (an inline shows fewer): keep the translation as it is
                value = self.cleaned_data.get(f"{key}_{code}", "").strip()
                if value:
                    translations.setdefault(code, {})[key] = value
                else:
                    translations.get(code, {}).pop(key, None)
        self.instance.translations = {lang: texts for lang, texts in translations.items() if texts}
        return super().save(commit)


F = TypeVar("F", bound=type[TranslatedForm])


def translatable(*keys: str) -> Callable[[F], F]:
    """Declare a `<key>_<lang>` field for each key and each non-default language."""

    def decorate(cls: F) -> F:
        cls.translated = keys
        for key in keys:
            for code, language in OTHER_LANGUAGES:
                long = key in ("description", "guide_text")
                widget = forms.Textarea(attrs={"rows": 2}) if long else forms.TextInput
                label = f"{key.replace('_', ' ').capitalize()} ({language})"
                field = forms.CharField(label=label, required=False, widget=widget)
                cls.declared_fields[f"{key}_{code}"] = field
                cls.base_fields[f"{key}_{code}"] = field
        return cls

    return decorate


class ProductPartForm(forms.ModelForm):  # type: ignore[type-arg]
    """A part placed in one of its product's sections: only those are offered (the model refuses others)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scope_sections(self, getattr(self.instance, "product_id", None))


def _add_problems(form: forms.BaseForm, problems: list[Problem], fields: dict[str, str]) -> None:
    for problem in problems:
        head = problem.path.split(".")[0].split("[")[0]
        field = fields.get(head)
        form.add_error(
            field if field in form.fields else None,
            f"{problem.path}: {problem.message}" if field is None else problem.message,
        )


@translatable("name", "description")
class ProductForm(TranslatedForm):
    class Meta:
        model = Product
        exclude = ["translations"]
        widgets = {"preview_background": ColourInput}


@translatable("name")
class SectionForm(TranslatedForm):
    class Meta:
        model = Section
        exclude = ["translations"]


def _order_field(language: object) -> forms.CharField:
    return forms.CharField(
        label=format_lazy(_("Order in {language}"), language=language),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Option codes to show first in this language, one per line or comma separated; "
            "the other options follow in their usual order."
        ),
    )


def _with_option_order[T: type[forms.ModelForm]](cls: T) -> T:  # type: ignore[type-arg]
    """Declare an `order_<lang>` field for each non-default language (the admin shows declared fields)."""
    for code, language in OTHER_LANGUAGES:
        field = _order_field(language)
        cls.declared_fields[f"order_{code}"] = field
        cls.base_fields[f"order_{code}"] = field
    return cls


@_with_option_order
@translatable("name", "description")
class OptionGroupForm(ProductPartForm, TranslatedForm):
    """A group; per other language, the option codes shown first (`order_<lang>`), one per line or comma separated."""

    class Meta:
        model = OptionGroup
        exclude = ["translations", "order"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        order = self.instance.order or {}
        for code, _language in OTHER_LANGUAGES:
            self.initial.setdefault(f"order_{code}", "\n".join(order.get(code, ())))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        order = {lang: list(codes) for lang, codes in (self.instance.order or {}).items()}
        typed = {}
        for lang, _language in OTHER_LANGUAGES:
            if self.is_bound and self.add_prefix(f"order_{lang}") not in self.data:
                continue  # not on this page (the groups inline): keep the order as it is
            text = data.get(f"order_{lang}", "")
            typed[lang] = [code.strip() for code in text.replace(",", "\n").splitlines() if code.strip()]
            order.pop(lang, None)
        if typed:
            _add_problems(self, check_order(typed, self._option_codes()), {lang: f"order_{lang}" for lang in typed})
        self.instance.order = {**order, **{lang: codes for lang, codes in typed.items() if codes}}
        return data

    def _option_codes(self) -> list[str]:
        """The group's option codes as this page saves them: its option rows when submitted, else the saved ones.

        The options inline posts its rows under the prefix `options` (the relation's name).
        """
        rows = self.data.get("options-TOTAL_FORMS") if self.is_bound else None
        if rows is None or not str(rows).isdigit():
            return list(self.instance.options.values_list("code", flat=True)) if self.instance.pk else []
        return [
            code
            for index in range(int(rows))
            if (code := str(self.data.get(f"options-{index}-code", "")).strip())
            and not self.data.get(f"options-{index}-DELETE")
        ]


@translatable("name", "description")
class OptionForm(TranslatedForm):
    class Meta:
        model = Option
        exclude = ["translations"]
        widgets = {"swatch": ColourInput}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        group = data.get("group") or getattr(self.instance, "group", None)
        quantity = data.get("bom_quantity")
        if group is not None and quantity:
            _add_problems(
                self, check_quantity(quantity, draft_vocabulary(group.product)), {"bom_quantity": "bom_quantity"}
            )
        return data


@translatable("name", "description", "guide_text")
class ParameterForm(ProductPartForm, TranslatedForm):
    """A parameter; its measuring guide's picture must be one of the site's static files."""

    class Meta:
        model = Parameter
        exclude = ["translations"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        image = data.get("guide_image") or ""
        if image:
            _add_problems(self, check_guide({"image": image}), {"image": "guide_image"})
            if "guide_image" not in self.errors and guide_image_missing(image):
                self.add_error("guide_image", _("No static file '%(image)s' (under static/).") % {"image": image})
        elif data.get("guide_text"):
            self.add_error("guide_image", _("A measuring guide needs a picture."))
        return data


def _bounds(parameter: Parameter) -> dict[str, Decimal]:
    return {"min": parameter.min_value, "max": parameter.max_value, "step": parameter.step}


#: Parameters as a size is checked against them: code, min, max and step, as text.
ParameterBounds = list[dict[str, str]]


def parameter_bounds(parameters: Iterable[Parameter]) -> ParameterBounds:
    """Return `parameters` in the form `check_size` reads."""
    return [{"code": p.code, **{key: measure_str(value) for key, value in _bounds(p).items()}} for p in parameters]


def submitted_parameter_bounds(formset: forms.BaseModelFormSet | None) -> ParameterBounds | None:  # type: ignore[type-arg]
    """Return the parameters a product form submits (added, changed, kept), or None when some are invalid.

    None leaves the sizes unchecked: the parameter rows show their own errors and nothing is saved.
    """
    if formset is None or not formset.is_valid():
        return None
    kept = [form for form in formset.forms if form.has_changed() or form.instance.pk]
    return parameter_bounds(form.instance for form in kept if not form.cleaned_data.get("DELETE"))


@translatable("name")
class SizeForm(TranslatedForm):
    """A standard size; its measurements are typed one per line ("neck = 40") and checked
    against the product's parameters: every one given, each in its range and on its grid."""

    values_text = forms.CharField(
        label=_("Measurements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "style": "font-family: monospace"}),
        help_text=_("One measurement per line, parameter code = value, e.g. neck = 40."),
    )

    class Meta:
        model = Size
        exclude = ["translations", "values"]

    def __init__(
        self, *args: Any, parameters: Callable[[], ParameterBounds | None] | None = None, **kwargs: Any
    ) -> None:
        # In the product's page, the parameters submitted beside the sizes (ProductAdmin); else the saved ones.
        self.submitted_parameters = parameters
        super().__init__(*args, **kwargs)
        values = self.instance.values or {}
        self.initial.setdefault("values_text", "\n".join(f"{code} = {value}" for code, value in values.items()))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        values: dict[str, str] = {}
        for number, line in enumerate((data.get("values_text") or "").splitlines(), start=1):
            if not line.strip():
                continue
            code, equals, value = line.partition("=")
            if not equals or not code.strip() or not value.strip():
                self.add_error("values_text", _("Line %(number)d: write code = value.") % {"number": number})
                return data
            values[code.strip()] = value.strip()
        self.instance.values = values
        if not data.get("code"):
            return data
        if self.submitted_parameters is not None:
            parameters = self.submitted_parameters()
        else:
            product = data.get("product") or getattr(self.instance, "product", None)
            parameters = parameter_bounds(product.parameters.all()) if product is not None else None
        if parameters is None:
            return data
        size = {"code": data["code"], "name": data.get("name") or data["code"], "values": values}
        _add_problems(self, check_size(size, parameters), {"values": "values_text", "code": "code"})
        return data


@translatable("name", "description")
class TextFieldForm(ProductPartForm, TranslatedForm):
    class Meta:
        model = TextField
        exclude = ["translations"]


#: The form fields each kind of rule uses; the others stay empty (the format refuses them: schema.check_rule).
RULE_KIND_FIELDS: dict[str, tuple[str, ...]] = {
    Rule.Kind.CONSTRAINT: ("expr",),
    Rule.Kind.WARNING: ("expr",),
    Rule.Kind.TABLE: ("table_groups", "table_rows"),
    Rule.Kind.DEFAULT: ("when", "prefer"),
}
#: A rule's form field by the key the format and its checker use.
_RULE_KEYS = {"expr": "expr", "when": "when", "prefer": "prefer", "groups": "table_groups", "rows": "table_rows"}


@translatable("message")
class RuleForm(TranslatedForm):
    """A rule; a table's groups and rows are edited as text, one row per line.

    Only the fields of the rule's kind are shown (static/admin-studio/rule-kind.js reads
    `data-kind-fields` on the kind's dropdown); one of another kind left filled is refused
    on save, naming it, rather than silently dropped or kept unused.
    """

    table_groups = forms.CharField(
        label=_("Table groups"), required=False, help_text=_("Group codes separated by commas, e.g. engine, gearbox.")
    )
    table_rows = forms.CharField(
        label=_("Allowed rows"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "style": "font-family: monospace"}),
        help_text=_("One allowed combination per line, option codes separated by commas."),
    )

    class Meta:
        model = Rule
        exclude = ["translations", "groups", "rows"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2, "cols": 80, "style": "font-family: monospace"})
            for name in ("expr", "when", "prefer")
        }

    class Media:
        js = ["admin-studio/rule-kind.js"]
        css = {"all": ["admin-studio/studio.css"]}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("table_groups", ", ".join(self.instance.groups or []))
        self.initial.setdefault("table_rows", "\n".join(", ".join(row) for row in self.instance.rows or []))
        if "kind" in self.fields:
            kinds = {str(kind): list(fields) for kind, fields in RULE_KIND_FIELDS.items()}
            self.fields["kind"].widget.attrs["data-kind-fields"] = json.dumps(kinds)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        groups = [code.strip() for code in (data.get("table_groups") or "").split(",") if code.strip()]
        rows = [
            [value.strip() for value in line.split(",")]
            for line in (data.get("table_rows") or "").splitlines()
            if line.strip()
        ]
        self.instance.groups, self.instance.rows = (groups, rows) if data.get("kind") == Rule.Kind.TABLE else ([], [])
        product = data.get("product") or getattr(self.instance, "product", None)
        if product is None or not data.get("kind") or not data.get("code"):
            return data
        # Every field given, of the kind or not: the checker refuses those of another kind by name.
        rule = {"code": data["code"], "kind": data["kind"]}
        rule.update(
            {key: (data.get(field) or "") for key, field in _RULE_KEYS.items() if (data.get(field) or "").strip()}
        )
        if groups or data["kind"] == Rule.Kind.TABLE:
            rule.update(groups=groups, rows=rows)
        if data["kind"] in (Rule.Kind.CONSTRAINT, Rule.Kind.WARNING):
            rule.setdefault("expr", "")
        elif data["kind"] == Rule.Kind.DEFAULT:
            rule.setdefault("prefer", "")
        _add_problems(self, check_rule(rule, draft_vocabulary(product)), _RULE_KEYS)
        return data


@translatable("label")
class PriceRuleForm(TranslatedForm):
    class Meta:
        model = PriceRule
        exclude = ["translations"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        product = data.get("product") or getattr(self.instance, "product", None)
        if product is not None and data.get("code") and data.get("amount") is not None:
            price = {
                "code": data["code"],
                "amount": str(data["amount"]),
                "when": data.get("when", ""),
                "per": data.get("per", ""),
            }
            _add_problems(self, check_price(price, draft_vocabulary(product)), {"when": "when", "per": "per"})
        return data


class PreviewLayerForm(forms.ModelForm):  # type: ignore[type-arg]
    """A preview layer; its image may be at most twice the product's preview canvas.

    Too large a file or too many pixels are refused by the image field itself, before
    Pillow decodes the upload (`LayerImageFormField`).
    """

    class Meta:
        model = PreviewLayer
        fields = ["image", "z", "tint"]
        widgets = {"tint": ColourInput}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["image"].help_text = layer_image_help()

    def clean(self) -> dict[str, Any]:
        super().clean()
        image = self.cleaned_data.get("image")
        product = self._product()
        # Only a new upload: a stored layer that no longer fits is a publishing warning.
        if image is not None and "image" in self.changed_data and product is not None:
            problems = layer_image_problems(
                size=None,
                header=image_header(image),
                canvas=(product.preview_width, product.preview_height),
            )
            for problem in problems:
                self.add_error("image", problem)
        return self.cleaned_data

    def _product(self) -> Product | None:
        """The product the layer is drawn for: its own, or (on an option's page) its option's."""
        layer: PreviewLayer = self.instance
        if layer.product_id is not None:
            return layer.product
        if layer.option_id is not None:
            return layer.option.group.product
        return None
