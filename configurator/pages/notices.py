"""The notices that answer the page's actions: choose anyway, finish for me, start from a size.

The services return what happened in domain types (the engine's `Change`s, its `Completion`);
these functions word it in the shopper's language, so views only pass the words along.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from configurator.engine.model import Option, Product
from configurator.engine.resolving import Change
from configurator.engine.search import Completion
from configurator.engine.selection import Selection
from configurator.pages.wording import measure_words

#: A notice: its level ("success", "info", "warning", "error") and its sentence.
Notice = tuple[str, str]


def _option_names(product: Product, group_code: str, codes: tuple[str, ...], language: str) -> str:
    group = product.group(group_code)
    if group is None:
        return ", ".join(codes)
    names = [option.label(language) for code in codes if (option := group.option(code)) is not None]
    return ", ".join(names) or _("none")


def change_words(product: Product, change: Change, language: str) -> str:
    """Say what one change of "choose anyway" did: "Trim level: Essential → Style", "Neck: 40,5 cm → 41 cm"."""
    kind, code = change.key
    if kind == "group":
        target = product.group(code)
        name = target.label(language) if target else code
        before = _option_names(product, code, change.before, language)
        after = _option_names(product, code, change.after, language)
    elif kind == "parameter":
        parameter = product.parameter(code)
        name = parameter.label(language) if parameter else code
        unit = parameter.unit if parameter else ""
        before = measure_words(Decimal(change.before[0]), unit) if change.before else "—"
        after = measure_words(Decimal(change.after[0]), unit) if change.after else "—"
    else:
        text = product.text(code)
        name = text.label(language) if text else code
        before, after = (change.before[0] if change.before else "—"), _("cleared")
    return _("%(name)s: %(before)s → %(after)s") % {"name": name, "before": before, "after": after}


def wanted_notice(product: Product, option: Option, changes: tuple[Change, ...] | None, language: str) -> Notice:
    """Answer "choose `option` anyway": chosen, with what else changed; `changes` None: no configuration has it."""
    name = option.label(language)
    if changes is None:
        return ("error", _("%(option)s cannot be built with any configuration.") % {"option": name})
    text = _("%(option)s is now chosen.") % {"option": name}
    if changes:
        words = "; ".join(change_words(product, change, language) for change in changes)
        text += " " + _("To make it possible we also changed: %(changes)s.") % {"changes": words}
    return ("success", text)


def finished_notice(product: Product, completion: Completion, language: str) -> Notice:
    """Answer "finish for me": completed, naming the measurements and texts still the shopper's to give."""
    finished: Selection | None = completion.configuration
    if finished is None:
        return ("error", _("Some of your choices do not go together; change them before we can finish."))
    text = _("We completed your configuration with our recommendations. Check it below.")
    needed = [p.label(language) for p in product.parameters if p.code not in finished.parameters]
    needed += [t.label(language) for t in product.texts if t.code in completion.texts_needed]
    if needed:
        text += " " + _("Still to fill in: %(fields)s.") % {"fields": ", ".join(needed)}
    return ("success", text)


def size_filled_notice(size_name: str, count: int) -> Notice:
    """Answer "start from size M": how many measurements were filled in as estimates to check."""
    if not count:
        return (
            "info",
            _("Every measurement is already yours: nothing was filled in from size %(size)s.") % {"size": size_name},
        )
    text = ngettext(
        "We filled in %(count)d measurement from size %(size)s: check it before ordering.",
        "We filled in %(count)d measurements from size %(size)s: check each one before ordering.",
        count,
    ) % {"count": count, "size": size_name}
    return ("info", text)
