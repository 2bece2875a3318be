"""A product's draft on the engine: staff try it, and ask why an option can never be chosen.

The draft is what publishing would freeze (`catalog.snapshots.product_as_dict`), held in an
unsaved `CatalogVersion` (no `pk`), so every service that takes a version serves it as it
serves a published one; configurator/loading.py keeps its compiled session by checksum.
A draft with errors (what would refuse its publishing) is never compiled: its findings are
the answer.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from catalog.models import CatalogVersion, Product, snapshot_checksum
from catalog.services import catalog_lint
from catalog.snapshots import product_as_dict
from configurator.engine.lint import Finding
from configurator.engine.model import Rule
from configurator.engine.selection import Selection
from configurator.services.answers import VersionEngine, version_engine


@dataclass(frozen=True)
class Draft:
    """The draft of a product on the engine, or the errors that keep it from compiling."""

    product: Product
    engine: VersionEngine | None
    #: The draft's errors (empty when `engine` is set).
    problems: tuple[Finding, ...] = ()


#: The errors of the drafts seen last, by snapshot checksum: a click reads the draft again, never
#: lints it again (the lint's warnings about layer files, the part it does not cache, are not wanted here).
_errors: OrderedDict[str, tuple[Finding, ...]] = OrderedDict()
_errors_lock = threading.Lock()
MAX_ERRORS = 64


def _draft_errors(product: Product, snapshot: dict[str, Any], checksum: str) -> tuple[Finding, ...]:
    found = _errors.get(checksum)
    if found is None:
        found = tuple(f for f in catalog_lint(product, snapshot) if f.level == "error")
        with _errors_lock:
            _errors[checksum] = found
            while len(_errors) > MAX_ERRORS:
                _errors.popitem(last=False)
    return found


def draft_engine(product: Product) -> Draft:
    """Return the draft of `product` with its (cached) engine, or its errors when it has any."""
    snapshot = product_as_dict(product)
    checksum = snapshot_checksum(snapshot)
    problems = _draft_errors(product, snapshot, checksum)
    if problems:
        return Draft(product=product, engine=None, problems=problems)
    version = CatalogVersion(product=product, number=0, snapshot=snapshot, checksum=checksum)
    return Draft(product=product, engine=version_engine(version))


@dataclass(frozen=True)
class Exclusion:
    """Why an option of the draft can never be chosen, whatever the shopper picks."""

    #: False when some configuration has the option (nothing forbids it).
    excluded: bool
    #: The option is switched off: shoppers never see it.
    inactive: bool = False
    #: A minimal set of rules that together forbid it: drop any one and the rest no longer do.
    rules: tuple[Rule, ...] = ()


def draft_exclusion(engine: VersionEngine, group: str, option: str) -> Exclusion:
    """Say whether `group = option` can ever be chosen on `engine` and, if not, which rules forbid it.

    The group and the option must exist in the engine's product.
    """
    found = engine.product.group(group)
    choice = found.option(option) if found is not None else None
    if choice is None:
        raise ValueError(f"{group}.{option} is not an option of {engine.product.code}")
    if not choice.active:
        return Exclusion(excluded=True, inactive=True)
    reasons = engine.session.explain(Selection(), group, option)
    rules = tuple(rule for reason in reasons if reason.rule and (rule := engine.product.rule(reason.rule)))
    if rules:
        return Exclusion(excluded=True, rules=rules)
    # Nothing to explain: either it is possible, or the group's own settings (its count) forbid it.
    state = next(g for g in engine.session.propagate(Selection()).groups if g.code == group)
    available = next(o.available for o in state.options if o.code == option)
    return Exclusion(excluded=not available)
