"""Saving a configuration under a short code, and opening it again on the current catalog."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from catalog.models import CatalogVersion
from catalog.selectors import version_latest_cached
from configurator.engine.model import Product
from configurator.engine.selection import Selection
from configurator.forms import read_page_input
from configurator.loading import version_model, version_serving, version_session
from configurator.models import SavedConfiguration, configuration_fingerprint
from configurator.money import format_money


@dataclass(frozen=True)
class SavedState:
    """A saved configuration as it stands on the current catalog version."""

    saved: SavedConfiguration
    version: CatalogVersion
    selection: Selection
    #: What changed since it was saved, in words (empty when nothing did).
    changes: list[str] = field(default_factory=list)
    total_then: Decimal = Decimal("0")
    total_now: Decimal = Decimal("0")

    @property
    def version_changed(self) -> bool:
        return self.version.pk != self.saved.version_id


def configuration_save(version: CatalogVersion, selection: Selection) -> SavedConfiguration:
    """Store `selection` with its price on `version` under a new random code, or return its existing code.

    The same configuration on the same version is one row (a unique fingerprint), so
    saving it twice, or from two tabs at once, gives one code: the loser of a race
    reads the winner's row after its insert fails.
    """
    product = version_model(version)
    data = selection.as_data(frozenset(g.code for g in product.groups if g.kind == "multi"))
    fingerprint = configuration_fingerprint(version.pk, data)
    existing = SavedConfiguration.objects.filter(fingerprint=fingerprint).first()
    if existing is not None:
        return existing
    price = version_session(version).price(selection, "en")
    for _attempt in range(5):  # 80-bit codes: a clash is all but impossible, and never an error
        try:
            with transaction.atomic():
                return SavedConfiguration.objects.create(
                    product=version.product,
                    version=version,
                    data=data,
                    fingerprint=fingerprint,
                    total=price.total,
                    currency=price.currency,
                )
        except IntegrityError:
            existing = SavedConfiguration.objects.filter(fingerprint=fingerprint).first()
            if existing is not None:
                return existing
    raise RuntimeError("could not draw a free configuration code")


def _data_pairs(data: dict[str, Any]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for group, value in (data.get("selections") or {}).items():
        values = value if isinstance(value, list) else [value or ""]
        pairs.extend((group, str(v)) for v in values or [""])
    pairs.extend((code, str(value)) for code, value in (data.get("parameters") or {}).items())
    pairs.extend((code, str(value)) for code, value in (data.get("texts") or {}).items())
    return pairs


def _name(product: Product, code: str, language: str) -> str:
    thing = product.group(code) or product.parameter(code) or product.text(code)
    return thing.label(language) if thing is not None else code


def configuration_restore(saved: SavedConfiguration) -> SavedState:
    """Open `saved` on the product's version being served, dropping what no longer fits and saying so."""
    language = get_language() or "en"
    # The saved version is protected from deletion, so there is always a latest. Served as the page
    # serves it: the newest version ready (one published a moment ago compiles in the background).
    current = version_serving(version_latest_cached(saved.product.code) or saved.version)
    product = version_model(current)
    before = version_model(saved.version)
    page = read_page_input(product, _data_pairs(saved.data))
    changes = [
        _("%(name)s: your choice is no longer offered and was removed.") % {"name": _name(before, code, language)}
        for code in page.errors
    ]
    selection = page.selection
    session = version_session(current)
    result = session.propagate(selection, reasons=False)
    if not result.valid:
        for reason in result.conflict:
            if reason.selection is not None:
                selection = selection.without(reason.selection)
                changes.append(
                    _("%(name)s: no longer goes with your other choices and was removed.")
                    % {"name": _name(product, reason.selection[1], language)}
                )
    price = session.price(selection, language)
    if current.pk != saved.version_id and price.total != saved.total:
        changes.append(
            _("The price changed from %(then)s to %(now)s.")
            % {
                "then": format_money(saved.total, saved.currency, language),
                "now": format_money(price.total, price.currency, language),
            }
        )
    return SavedState(
        saved=saved,
        version=current,
        selection=selection,
        changes=changes,
        total_then=saved.total,
        total_now=price.total,
    )
