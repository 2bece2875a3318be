"""What the configurator shows a shopper who arrives: "Start from a popular build".

Reads the starting points the background task stored for the version served (pinned
presets first, then popular builds), cached until the task replaces them; computes
nothing about orders. Each says why it is there, and each link opens the configurator
with the build's choices, decided, for the shopper to adapt.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from configurator import preview
from configurator.engine.selection import Selection, SelectionError, read_selection
from configurator.money import format_money
from configurator.pages import configure_url
from configurator.services import VersionEngine
from personalisation.caching import cached
from personalisation.models.popular import StartingPoint
from personalisation.popular import cache_key

#: How long a version's starting points stay cached; a refresh drops them at once.
CACHE_SECONDS = 600


@dataclass(frozen=True)
class StartingPointView:
    """One starting point as the page shows it."""

    name: str
    #: "preset" or "popular".
    kind: str
    #: "Ordered by 12 people" (popular builds), else "".
    orders: str
    price: str
    url: str
    preview: preview.PreviewUrls
    why: str
    #: What re-validation on the current catalog changed, in words ("" when nothing).
    adapted: str


def _rows(version_id: int) -> list[dict[str, Any]]:
    def read() -> list[dict[str, Any]]:
        return [
            dict(row)
            for row in StartingPoint.objects.filter(version_id=version_id)
            .order_by("position")
            .values(
                "kind",
                "choices",
                "orders",
                "highlights",
                "adapted",
                "total",
                "currency",
                "preset__name",
                "preset__name_it",
                "preset__languages",
            )
        ]

    return cached(cache_key(version_id), CACHE_SECONDS, read)


def _name(engine: VersionEngine, row: dict[str, Any], language: str) -> str:
    if row["kind"] == StartingPoint.Kind.PRESET:
        italian = language == "it" and row["preset__name_it"]
        return str(row["preset__name_it"] if italian else row["preset__name"])
    names = []
    for group_code, option_code in row["highlights"][:4]:
        group = engine.product.group(group_code)
        option = group.option(option_code) if group is not None else None
        if option is not None:
            names.append(option.label(language))
    return " · ".join(names) or _("Our recommended look")


def _view(engine: VersionEngine, row: dict[str, Any], selection: Selection, language: str) -> StartingPointView:
    popular = row["kind"] == StartingPoint.Kind.POPULAR
    if popular:
        count = int(row["orders"])
        orders = ngettext("Ordered by %(count)d person", "Ordered by %(count)d people", count) % {"count": count}
        why = _("Why you see this: it is among the builds shoppers order most; counted from orders, not from you.")
    else:
        orders = ""
        why = _("Why you see this: our team picked it as a good place to start.")
    sentences = (row["adapted"] or {}).get(language) or []
    adapted = _("Adapted to our current catalog: %(changes)s.") % {"changes": "; ".join(sentences)} if sentences else ""
    return StartingPointView(
        name=_name(engine, row, language),
        kind=row["kind"],
        orders=orders,
        price=format_money(Decimal(row["total"]), row["currency"], language),
        url=configure_url(engine.product, selection),
        preview=preview.preview_urls(preview.preview_recipe(engine.product, selection)),
        why=why,
        adapted=adapted,
    )


def starting_points(engine: VersionEngine, language: str) -> list[StartingPointView]:
    """Return the starting points to offer on `engine`'s version in `language`: presets first, then popular."""
    views = []
    for row in _rows(engine.version.pk):
        languages = row["preset__languages"] or []
        if row["kind"] == StartingPoint.Kind.PRESET and languages and language not in languages:
            continue
        try:
            selection = read_selection(engine.product, {"selections": row["choices"]})
        except SelectionError:
            continue  # stored for this very version, so never expected: offer nothing rather than a dead end
        views.append(_view(engine, row, selection, language))
    return views
