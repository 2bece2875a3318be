"""Names for the codes the rollups hold, in the merchandiser's language, from a catalog version's model.

Rollups name products, stages, options, fields and rules by code only (they never join the
catalog), so the figures word them with the engine model of the version the filter names,
else of the product's latest published version. A code that model no longer has keeps its
code as its name.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from catalog.models import CatalogVersion
from catalog.selectors import version_latest_for
from configurator.engine.model import Product
from configurator.loading import version_model
from configurator.pages.steps import SUMMARY, make_steps
from insights.stages import CHECKOUT, ORDER, PAGE, stage_codes


def label_version(product: str, version: int | None) -> CatalogVersion | None:
    """Return the catalog version `version` of `product`, else its latest published one, else None."""
    if version is not None:
        found = (
            CatalogVersion.objects.filter(product__code=product, number=version)
            .select_related("product")
            .defer("snapshot")
            .first()
        )
        if found is not None:
            return found
    return version_latest_for(product)


def label_model(product: str, version: int | None) -> tuple[Product | None, int | None]:
    """Return the engine model that names the figures and its version number (None, None without one)."""
    found = label_version(product, version)
    return (version_model(found), found.number) if found else (None, None)


def stage_labels(model: Product | None, language: str) -> dict[str, str]:
    """Return the name of every stage of the model's funnel: its steps', then summary, checkout, order."""
    with translation.override(language):
        labels = {SUMMARY: _("Summary"), CHECKOUT: _("Checkout"), ORDER: _("Order placed")}
        if model is None:
            return labels
        if model.layout == "single":
            return {PAGE: _("Configuration page"), **labels}
        return {step.code: step.name for step in make_steps(model, language)} | labels


def model_stages(model: Product | None) -> list[str]:
    """Return the stage codes of the model's funnel in order (only the closing ones without a model)."""
    return stage_codes(model) if model is not None else [SUMMARY, CHECKOUT, ORDER]


def option_label(model: Product | None, group: str, option: str, language: str) -> tuple[str, str]:
    """Return (group name, option name), each its code when the model lacks it."""
    found = model.group(group) if model else None
    if found is None:
        return group, option
    choice = found.option(option)
    return found.label(language), choice.label(language) if choice else option


def rule_label(model: Product | None, rule: str, language: str) -> str:
    """Return what the rule says (its message, as `reason_message` words it), or who blocked without one."""
    if not rule:
        with translation.override(language):
            return _("The shopper's own earlier choices")
    found = model.rule(rule) if model else None
    return (found.text(language) or rule) if found else rule


def field_label(model: Product | None, field: str, language: str) -> tuple[str, str]:
    """Return (name, kind) of a measurement ("parameter") or a text ("text"); (code, "") when unknown."""
    if model is not None:
        parameter = model.parameter(field)
        if parameter is not None:
            return parameter.label(language), "parameter"
        text = model.text(field)
        if text is not None:
            return text.label(language), "text"
    return field, ""


def choices_pairs(choices: str) -> list[tuple[str, str]]:
    """Split `group=option+option;group=option` into (group, option) pairs, in their order."""
    pairs: list[tuple[str, str]] = []
    for part in choices.split(";"):
        group, _sep, options = part.partition("=")
        pairs.extend((group, option) for option in options.split("+") if option)
    return pairs


def choices_label(model: Product | None, choices: str, language: str) -> str:
    """Word a configuration: its options' names, in catalog order, comma-separated."""
    return ", ".join(option_label(model, group, option, language)[1] for group, option in choices_pairs(choices))
