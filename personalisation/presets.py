"""Checking a pinned preset against the product's latest catalog version, as the admin saves it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from catalog.models import Product
from catalog.selectors import version_latest_for
from configurator.engine.model import Group
from configurator.engine.selection import Selection
from configurator.services import reason_message, version_engine


def _group_problems(group: Group, value: Any) -> tuple[list[str], frozenset[str]]:
    """Return what is wrong with `value` as `group`'s options, and the options it names."""
    if value is None or value == "":
        values: list[Any] = []
    elif isinstance(value, str):
        values = [value]
    elif isinstance(value, list):
        values = value
    else:
        return [_("%(group)s: give an option code, a list of option codes or null.") % {"group": group.label("en")}], (
            frozenset()
        )
    problems = []
    for code in values:
        option = group.option(code) if isinstance(code, str) else None
        if option is None:
            problems.append(_("%(group)s has no option “%(option)s”.") % {"group": group.label("en"), "option": code})
        elif not option.active:
            problems.append(
                _("%(group)s: %(option)s is no longer offered.")
                % {"group": group.label("en"), "option": option.label("en")}
            )
    if group.kind == "choice" and len(values) > 1:
        problems.append(
            _("%(group)s takes one option, not %(count)d.") % {"group": group.label("en"), "count": len(values)}
        )
    return problems, frozenset(str(v) for v in values)


def preset_problems(product: Product, choices: Any) -> list[str]:
    """Return what keeps `choices` from being a preset of `product`'s latest version (empty: it can be built).

    Each problem names the group and the option; groups left out are completed with the
    catalog's defaults, so the choices must leave a complete configuration possible.
    """
    if not isinstance(choices, dict):
        return [_('Give the choices as an object of group codes, e.g. {"fabric": "oxford_blue"}.')]
    version = version_latest_for(product.code)
    if version is None:
        return [_("The product has no published version yet: publish it before pinning presets.")]
    engine = version_engine(version)
    problems: list[str] = []
    picked: dict[str, frozenset[str]] = {}
    for code, value in choices.items():
        group = engine.product.group(code)
        if group is None:
            problems.append(_("There is no group “%(group)s” in this product.") % {"group": code})
            continue
        found, options = _group_problems(group, value)
        problems += found
        picked[code] = options
    if problems:
        return problems
    selection = Selection(choices=picked)
    result = engine.session.propagate(selection)
    if not result.valid:
        reasons = "; ".join(reason_message(engine.product, r, selection, "en") for r in result.conflict)
        return [_("These choices do not go together: %(reasons)s.") % {"reasons": reasons}]
    if engine.session.complete(selection, parameters=False).configuration is None:
        return [_("No complete configuration has these choices.")]
    return []
