"""The first look's suggestions: which still stand, how the page marks them.

A shopper arriving with an empty configuration sees a complete look built from the
catalog's defaults (`services.configuration_first_look`), every choice marked
"Suggested". A suggestion stands while its group holds the suggested options: it never
stands in the shopper's way (an option only suggestions exclude stays offered, and
choosing it suggests again around it: `services.configuration_refit`). For the stepper,
a suggestion is not the shopper's decision while its step is shown; once the shopper has
seen it and moved on from the step, it counts as accepted.
"""

from __future__ import annotations

from collections.abc import Set

from django.utils.translation import gettext as _

from configurator.engine.selection import Selection
from configurator.forms import PageInput
from configurator.pages.page import StepView


def standing_suggestions(
    page: PageInput, selection: Selection, steps: list[StepView], *, shown: Set[str]
) -> dict[str, frozenset[str]]:
    """Return the suggestions that still stand, and mark their groups on `steps`.

    `shown` names the steps shown now; a visited step not among them has been left, and
    its suggestions count as decided for the stepper.
    """
    standing = {}
    for step in steps:
        left = step.code in page.seen and step.code not in shown
        for group in step.groups:
            options = page.suggested.get(group.code)
            if options is not None and selection.choices.get(group.code) == options:
                standing[group.code] = options
                group.suggested = True
                group.suggestion_pending = not left
    _give_way(steps, frozenset(standing))
    return standing


def _give_way(steps: list[StepView], standing: frozenset[str]) -> None:
    """Offer the options only standing suggestions exclude: choosing one suggests again around it."""
    for step in steps:
        for group in step.groups:
            for option in group.options:
                if not option.available and option.excluded_by and option.excluded_by <= standing:
                    option.available, option.reason, option.can_force = True, "", False


def suggestion_notices(suggested: dict[str, frozenset[str]]) -> list[tuple[str, str]]:
    """Say once, while any suggestion stands, what the "Suggested" marks mean."""
    if not suggested:
        return []
    text = _("We started you with a look from our recommendations, marked “Suggested”. Change anything you like.")
    return [("info", text)]
