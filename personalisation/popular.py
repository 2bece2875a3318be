"""Popular builds and pinned presets, re-validated on the current catalog version (background work).

`starting_points_refresh` counts the builds of a product's orders by their style choices
alone (option groups: measurements and texts such as a monogram are a person's, never
shared), re-validates the most ordered and the merchandisers' pinned presets on the
product's latest version, and stores what stands as that version's `StartingPoint` rows.
A build the new version no longer allows is repaired (what is no longer offered or no
longer goes with the rest is left to the catalog's defaults) and says so; one that cannot
be completed is dropped. A shopper's request only reads the rows (personalisation.starting).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from catalog.models import CatalogVersion
from catalog.selectors import version_latest_for
from configurator.engine.model import Product
from configurator.engine.rules import references
from configurator.engine.selection import Selection
from configurator.loading import version_model
from configurator.services import VersionEngine, configuration_first_look, version_engine
from orders.models import Order, OrderStatus
from personalisation.caching import forget_on_commit
from personalisation.models.popular import PinnedPreset, StartingPoint

logger = logging.getLogger(__name__)

#: At most this many popular builds are offered, the most ordered (ties: by their choices).
POPULAR_LIMIT = 3
#: The most ordered builds re-validated in one refresh: repaired builds may merge, so more than the limit.
CANDIDATES = 30

#: A build's style choices: (group, options) pairs, sorted, the options sorted (empty: decided "none").
StyleKey = tuple[tuple[str, tuple[str, ...]], ...]


def style_key(configuration: Mapping[str, Any]) -> StyleKey:
    """Return the style choices of an order's configuration (its "selections"); measurements and texts never."""
    pairs = []
    for group, value in (configuration.get("selections") or {}).items():
        options = value if isinstance(value, list) else [value] if value else []
        pairs.append((str(group), tuple(sorted(str(o) for o in options))))
    return tuple(sorted(pairs))


@dataclass(frozen=True)
class Counted:
    """The orders of one set of style choices: how many, and the newest version they were placed on."""

    key: StyleKey
    orders: int
    version_id: int


def popular_counts(code: str) -> list[Counted]:
    """Return product `code`'s ordered builds, most ordered first (rejected orders left out)."""
    counts: Counter[StyleKey] = Counter()
    versions: dict[StyleKey, int] = {}
    rows = (
        Order.objects.filter(product_code=code)
        .exclude(status=OrderStatus.REJECTED)
        .values_list("catalog_version_id", "configuration")
        .iterator(chunk_size=2000)
    )
    for version_id, configuration in rows:
        key = style_key(configuration if isinstance(configuration, dict) else {})
        counts[key] += 1
        versions[key] = max(versions.get(key, 0), version_id)
    # Ties by the choices themselves, so a refresh of the same orders gives the same builds.
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [Counted(key, count, versions[key]) for key, count in ordered]


@dataclass
class Repaired:
    """A build as it stands on the current version: complete and valid, and what had to change."""

    choices: dict[str, frozenset[str]]
    #: (kind, group, option) of each change: kind "gone" (no longer offered) or "clash" (no longer goes).
    changes: list[tuple[str, str, str]] = field(default_factory=list)

    def fingerprint(self) -> StyleKey:
        return tuple(sorted((g, tuple(sorted(o))) for g, o in self.choices.items()))


def personal_groups(engine: VersionEngine) -> frozenset[str]:
    """Return the option groups that go with a text field (a monogram's position and colour): a person's."""
    groups: set[str] = set()
    for _code, _message, expr in engine.session.checker.constraints:
        found = references(expr)
        if found.texts:
            groups |= found.groups
    return frozenset(groups)


def build_repair(engine: VersionEngine, choices: Mapping[str, Any]) -> Repaired | None:
    """Re-validate style `choices` on `engine`'s version: the complete build, repaired, or None.

    An option no longer offered, or no longer going with the others, is dropped and its group
    completed with the catalog's defaults; None when the rest cannot be completed. Groups that
    go with a text field are left out: without its text (a monogram) they are not a style.
    """
    product = engine.product
    kept: dict[str, frozenset[str]] = {}
    changes: list[tuple[str, str, str]] = []
    personal = personal_groups(engine)
    for code, value in choices.items():
        if code in personal:
            continue
        group = product.group(code)
        options = list(value) if isinstance(value, list | tuple) else [value] if value else []
        offered = [o for o in options if group is not None and (opt := group.option(o)) is not None and opt.active]
        changes += [("gone", code, o) for o in options if o not in offered]
        if group is not None and (len(offered) == len(options) or group.kind == "multi"):
            kept[code] = frozenset(offered)
    selection = Selection(choices=kept)
    for _attempt in range(len(kept) + 1):
        result = engine.session.propagate(selection, reasons=False)
        if result.valid:
            break
        clashing = [r.selection[1] for r in result.conflict if r.selection is not None and r.selection[0] == "group"]
        if not clashing:
            return None
        for code in clashing:
            changes += [("clash", code, o) for o in sorted(selection.choices.get(code, ()))]
            selection = selection.without(("group", code))
    completion = engine.session.complete(selection, parameters=False)
    if completion.configuration is None:
        return None
    return Repaired(dict(completion.configuration.choices), changes)


def _option_name(products: list[Product], group_code: str, option_code: str, language: str) -> str:
    """Name an option as the newest of `products` that has it names it (a removed option's old name)."""
    for product in products:
        group = product.group(group_code)
        option = group.option(option_code) if group is not None else None
        if option is not None:
            return option.label(language)
    return option_code


def adapted_sentences(changes: list[tuple[str, str, str]], products: list[Product]) -> dict[str, list[str]]:
    """Say in every language of the shop what re-validation changed ("Sunroof is no longer offered")."""
    sentences: dict[str, list[str]] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            out = []
            for kind, group, option in changes:
                name = _option_name(products, group, option, language)
                if kind == "gone":
                    out.append(_("%(option)s is no longer offered") % {"option": name})
                else:
                    out.append(_("%(option)s no longer goes with the other choices") % {"option": name})
            sentences[language] = out
    return sentences


def _highlights(product: Product, choices: Mapping[str, frozenset[str]], first: Selection | None) -> list[list[str]]:
    """Return the [group, option] pairs that set a build apart from the first look, in the product's order."""
    looks = first.choices if first is not None else {}
    return [
        [group.code, option.code]
        for group in product.groups
        if choices.get(group.code, frozenset()) != looks.get(group.code, frozenset())
        for option in group.options
        if option.code in choices.get(group.code, ())
    ]


def _point(
    version: CatalogVersion, engine: VersionEngine, repaired: Repaired, products: list[Product], **fields: Any
) -> StartingPoint:
    selection = Selection(choices=repaired.choices)
    price = engine.session.price(selection, "en")
    multi = frozenset(g.code for g in engine.product.groups if g.kind == "multi")
    return StartingPoint(
        version=version,
        choices=selection.as_data(multi)["selections"],
        highlights=_highlights(engine.product, repaired.choices, configuration_first_look(version)),
        adapted=adapted_sentences(repaired.changes, products),
        total=price.total,
        currency=price.currency,
        **fields,
    )


def _presets(version: CatalogVersion, engine: VersionEngine) -> list[StartingPoint]:
    points = []
    for preset in PinnedPreset.objects.filter(product_id=version.product_id, active=True).order_by("position", "id"):
        repaired = build_repair(engine, preset.choices)
        if repaired is None:
            logger.info("personalisation: preset %s dropped: it cannot be built on version %s", preset.pk, version)
            continue
        points.append(_point(version, engine, repaired, [engine.product], kind="preset", preset=preset))
    return points


def _popular(version: CatalogVersion, engine: VersionEngine, taken: set[StyleKey]) -> list[StartingPoint]:
    """Return the most ordered builds as they stand on `version`, merged where repairs make them one."""
    merged: dict[StyleKey, tuple[int, Repaired, int]] = {}
    for counted in popular_counts(version.product.code)[:CANDIDATES]:
        repaired = build_repair(engine, dict(counted.key))
        if repaired is None:
            continue
        key = repaired.fingerprint()
        if key in taken:
            continue
        orders, first, first_version = merged.get(key, (0, repaired, counted.version_id))
        merged[key] = (orders + counted.orders, first, first_version)
    best = sorted(merged.values(), key=lambda item: -item[0])[:POPULAR_LIMIT]
    points = []
    for orders, repaired, version_id in best:
        before = version_model(CatalogVersion.objects.get(pk=version_id)) if repaired.changes else engine.product
        points.append(_point(version, engine, repaired, [engine.product, before], kind="popular", orders=orders))
    return points


def cache_key(version_id: int) -> str:
    return f"personalisation:starting-points:{version_id}"


def starting_points_refresh(code: str) -> int:
    """Compute product `code`'s starting points on its latest version and store them; return how many.

    Idempotent: the version's rows are replaced in one transaction, and the page's cached
    copy is dropped when it commits.
    """
    version = version_latest_for(code)
    if version is None:
        return 0
    engine = version_engine(version)
    presets = _presets(version, engine)
    taken = {Repaired(_read_choices(p.choices)).fingerprint() for p in presets}
    points = presets + _popular(version, engine, taken)
    for position, point in enumerate(points):
        point.position = position
    with transaction.atomic():
        StartingPoint.objects.filter(version=version).delete()
        StartingPoint.objects.bulk_create(points)
        forget_on_commit(cache_key(version.pk))
    return len(points)


def _read_choices(data: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    return {g: frozenset(v if isinstance(v, list) else [v] if v else []) for g, v in data.items()}


def starting_points_enqueue(code: str) -> None:
    """Ask a worker to refresh product `code`'s starting points once the current transaction commits.

    A broker that is down costs a warning, never the publish or the preset's save: the
    beat task refreshes every product again later.
    """

    def send() -> None:
        try:
            current_app.send_task("personalisation.tasks.starting_points_refresh", args=[code], retry=False)
        except Exception:
            logger.warning("could not ask a worker to refresh the starting points of %s", code, exc_info=True)

    transaction.on_commit(send)


def version_published(sender: type[Any], instance: CatalogVersion, created: bool = False, **kwargs: Any) -> None:
    """Refresh a product's starting points when a version of it is published (connected in apps.py).

    A signal, as the catalog's own cache forgetting: every way of publishing (the admin,
    the schedule, an import, a rollback) creates a version row.
    """
    if created and not kwargs.get("raw"):
        starting_points_enqueue(instance.product.code)
