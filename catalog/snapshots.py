"""Read a draft product from the database as one product object of the exchange format.

The same dictionary is what `export_catalog` writes and what publishing freezes in a
`CatalogVersion`, so "what a version contains" and "what an export contains" can
never drift apart. Each read costs a fixed number of queries, whatever the size.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Prefetch

from catalog.models import Option, OptionGroup, Parameter, PreviewLayer, Product
from configurator.engine.fields import (
    GROUP,
    LAYER,
    OPTION,
    PARAMETER,
    PREVIEW,
    PRICE,
    PRODUCT,
    RULE,
    RULE_KIND_KEYS,
    SECTION_PART,
    SIZE,
    TEXT_PART,
    row_json,
)
from configurator.engine.model import product_from_dict, product_to_dict


def _layer(layer: PreviewLayer) -> dict[str, Any]:
    return {**row_json(LAYER, layer), "image": layer.image.name}  # the stored name, not the file


def product_as_dict(product: Product) -> dict[str, Any]:
    """Return the draft of `product` in the exchange format, canonical and complete."""
    groups = list(
        OptionGroup.objects.filter(product=product)
        .select_related("section")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("position", "id")))
    )
    layers_by_option: dict[int | None, list[PreviewLayer]] = defaultdict(list)
    for layer in PreviewLayer.objects.filter(product=product).order_by("z", "id"):
        layers_by_option[layer.option_id].append(layer)

    def option(o: Option) -> dict[str, Any]:
        return {**row_json(OPTION, o), "layers": [_layer(layer) for layer in layers_by_option.get(o.id, [])]}

    data: dict[str, Any] = {
        **row_json(PRODUCT, product),
        "sections": [row_json(SECTION_PART, s) for s in product.sections.all()],
        "groups": [
            {**row_json(GROUP, g), "default": _group_default(g), "options": [option(o) for o in g.options.all()]}
            for g in groups
        ],
        "parameters": [_parameter(p) for p in product.parameters.select_related("section")],
        "texts": [row_json(TEXT_PART, t) for t in product.texts.select_related("section")],
        "rules": [_rule(rule) for rule in product.rules.all()],
        "prices": [row_json(PRICE, p) for p in product.prices.all()],
        "preview": {
            **row_json(PREVIEW, product),
            "layers": [_layer(layer) for layer in layers_by_option.get(None, [])],
        },
        "sizes": [{**row_json(SIZE, s), "values": s.values} for s in product.sizes.all()],
    }
    # One canonical form: the engine model's writer decides key order and defaults.
    return product_to_dict(product_from_dict(data))


#: The key a parameter's `translations` keeps its guide's text under, per language.
GUIDE_TEXT = "guide_text"


def _parameter(parameter: Parameter) -> dict[str, Any]:
    """A parameter in the exchange format; its guide's translated text moves into `guide`."""
    translations = {lang: dict(texts) for lang, texts in parameter.translations.items()}
    guide_translations = {
        lang: {"text": texts.pop(GUIDE_TEXT)} for lang, texts in translations.items() if GUIDE_TEXT in texts
    }
    guide = (
        {"image": parameter.guide_image, "text": parameter.guide_text, "translations": guide_translations}
        if parameter.guide_image
        else None
    )
    return {
        **row_json(PARAMETER, parameter),
        "translations": {lang: texts for lang, texts in translations.items() if texts},
        "guide": guide,
    }


def _group_default(group: OptionGroup) -> str | list[str] | None:
    codes = [o.code for o in group.options.all() if o.is_default]
    if group.kind == OptionGroup.Kind.MULTI:
        return codes
    return codes[0] if codes else None


def _rule(rule: Any) -> dict[str, Any]:
    """A rule with only the keys of its kind (a draft row keeps the others, blank)."""
    others = frozenset().union(*RULE_KIND_KEYS.values()) - RULE_KIND_KEYS[rule.kind]
    return {key: value for key, value in row_json(RULE, rule).items() if key not in others}
