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
from configurator.engine.model import product_from_dict, product_to_dict


def _texts(obj: Any) -> dict[str, Any]:
    return {"name": obj.name, "description": obj.description, "translations": obj.translations}


def _layer(layer: PreviewLayer) -> dict[str, Any]:
    return {"image": layer.image.name, "z": layer.z, "tint": layer.tint}


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

    data: dict[str, Any] = {
        "code": product.code,
        **_texts(product),
        "currency": product.currency,
        "base_price": str(product.base_price),
        "part_number": product.part_number,
        "lead_time_days": product.lead_time_days,
        "layout": product.layout,
        "active": product.active,
        "sections": [{"code": s.code, "name": s.name, "translations": s.translations} for s in product.sections.all()],
        "groups": [
            {
                "code": g.code,
                **_texts(g),
                "kind": g.kind,
                "required": g.required,
                "min": g.min_count,
                "max": g.max_count,
                "section": g.section.code if g.section else "",
                "display": g.display,
                "default": _group_default(g),
                "options": [
                    {
                        "code": o.code,
                        **_texts(o),
                        "price": str(o.price),
                        "part_number": o.part_number,
                        "bom_quantity": o.bom_quantity,
                        "bom_unit": o.bom_unit,
                        "active": o.active,
                        "swatch": o.swatch,
                        "layers": [_layer(layer) for layer in layers_by_option.get(o.id, [])],
                    }
                    for o in g.options.all()
                ],
            }
            for g in groups
        ],
        "parameters": [_parameter(p) for p in product.parameters.select_related("section")],
        "texts": [
            {
                "code": t.code,
                **_texts(t),
                "max_length": t.max_length,
                "charset": t.charset,
                "required": t.required,
                "section": t.section.code if t.section else "",
                "preview": t.preview,
            }
            for t in product.texts.select_related("section")
        ],
        "rules": [_rule(rule) for rule in product.rules.all()],
        "prices": [
            {
                "code": p.code,
                "when": p.when,
                "amount": str(p.amount),
                "per": p.per,
                "label": p.label,
                "translations": p.translations,
            }
            for p in product.prices.all()
        ],
        "preview": {
            "width": product.preview_width,
            "height": product.preview_height,
            "background": product.preview_background,
            "layers": [_layer(layer) for layer in layers_by_option.get(None, [])],
        },
        "sizes": [
            {"code": s.code, "name": s.name, "translations": s.translations, "values": s.values}
            for s in product.sizes.all()
        ],
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
        "code": parameter.code,
        "name": parameter.name,
        "description": parameter.description,
        "translations": {lang: texts for lang, texts in translations.items() if texts},
        "unit": parameter.unit,
        "min": str(parameter.min_value),
        "max": str(parameter.max_value),
        "step": str(parameter.step),
        "default": None if parameter.default is None else str(parameter.default),
        "section": parameter.section.code if parameter.section else "",
        "guide": guide,
    }


def _group_default(group: OptionGroup) -> str | list[str] | None:
    codes = [o.code for o in group.options.all() if o.is_default]
    if group.kind == OptionGroup.Kind.MULTI:
        return codes
    return codes[0] if codes else None


def _rule(rule: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"code": rule.code, "kind": rule.kind, "message": rule.message}
    data.update(active=rule.active, translations=rule.translations)
    if rule.kind in ("constraint", "warning"):
        data["expr"] = rule.expr
    elif rule.kind == "table":
        data.update(groups=rule.groups, rows=rule.rows)
    else:
        data.update(when=rule.when, prefer=rule.prefer)
    return data
