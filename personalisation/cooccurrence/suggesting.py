"""What "often chosen with" offers on the configurator page for the step the shopper is on.

The shopper's own choices (not the first look's suggestions still standing) lead to
the options of the step's groups that shoppers who chose the same ordered with them,
by lift above 1, then confidence. Only options the engine shows available on the
version served, active and not chosen, are candidates: a suggestion is never a dead end.
Nothing is offered to a shopper who sends Do-Not-Track or Global Privacy Control, or who
switched personalisation off on their "My data" page (`returning.history_off`).
"""

from __future__ import annotations

from collections.abc import Set

from django.http import HttpRequest
from django.utils.translation import gettext as _

from configurator.engine.model import Product
from configurator.engine.selection import Selection
from configurator.engine.states import Propagation
from configurator.pages.page import ConfiguratorPage, StepView
from configurator.services import ConfigurationAnswer
from personalisation.cooccurrence.counting import Item, Suggestion, suggest
from personalisation.cooccurrence.page import OftenChosenItem, OftenChosenView
from personalisation.cooccurrence.pairs import pairs_from
from personalisation.returning import history_off

#: At most this many options are offered on a step.
LIMIT = 3


def available_options(product: Product, propagation: Propagation, selection: Selection, groups: Set[str]) -> set[Item]:
    """Return the options of `groups` the engine shows available, active and not chosen."""
    found = set()
    for state in propagation.groups:
        group = product.group(state.code)
        if state.code not in groups or group is None:
            continue
        chosen = selection.choices.get(state.code, frozenset())
        for option in state.options:
            known = group.option(option.code)
            if option.available and option.code not in chosen and known is not None and known.active:
                found.add((state.code, option.code))
    return found


def shoppers_choices(steps: list[StepView]) -> set[Item]:
    """Return the options the shopper chose: a first-look suggestion still standing is the shop's, not theirs."""
    return {(g.code, o.code) for s in steps for g in s.groups if not g.suggested for o in g.options if o.checked}


def often_chosen(
    request: HttpRequest, product: Product, answer: ConfigurationAnswer, page: ConfiguratorPage, language: str
) -> OftenChosenView | None:
    """Return what to offer on the step `page` shows (every step on the one-page layout).

    `answer` is the engine's for the page's selection. None: nothing to offer, or the shopper refuses it.
    """
    shown = page.steps if page.one_page else [page.step]
    groups = {g.code for s in shown for g in s.groups}
    if not groups or history_off(request):
        return None
    chosen = shoppers_choices(page.steps)
    if not chosen:
        return None
    candidates = available_options(product, answer.propagation, answer.selection, groups)
    if not candidates:
        return None
    found = suggest(pairs_from(product.code, chosen), chosen, candidates, limit=LIMIT)
    items = tuple(item for s in found if (item := _item(product, s, language)) is not None)
    return OftenChosenView(items) if items else None


def _item(product: Product, suggestion: Suggestion, language: str) -> OftenChosenItem | None:
    """Word one suggestion (None if either option is not the product's: never the case for the page's own)."""
    group = product.group(suggestion.item[0])
    because_group = product.group(suggestion.because[0])
    option = group.option(suggestion.item[1]) if group is not None else None
    because = because_group.option(suggestion.because[1]) if because_group is not None else None
    if group is None or option is None or because is None:
        return None
    why = _("Chosen by %(percent)d%% of people who picked %(option)s.") % {
        "percent": round(100 * suggestion.confidence),
        "option": because.label(language),
    }
    return OftenChosenItem(
        group=group.code,
        option=option.code,
        group_name=group.label(language),
        name=option.label(language),
        price=option.price,
        swatch=option.swatch,
        why=why,
    )
