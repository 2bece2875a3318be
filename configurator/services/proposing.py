"""Proposals from guided answers, on a published version's model (engine: guiding.py).

A proposal compiles the product rewritten with the answers' limits and preferences, so
the answer for one version and one set of answers is kept (the few answer combinations
of a questionnaire are asked again and again).
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from configurator.engine.guiding import Proposal, propose, usable
from configurator.services.answers import VersionEngine

_kept: OrderedDict[tuple[object, ...], Proposal | None] = OrderedDict()
_lock = threading.Lock()
MAX_KEPT = 256


def configuration_propose(
    engine: VersionEngine, limits: tuple[str, ...], preferences: tuple[str, ...]
) -> Proposal | None:
    """Return the proposal for the answers' `limits` and `preferences` on `engine`'s version.

    Expressions that do not parse on this version (an option since dropped), or that name a
    measurement or a text, are left out: the proposal's `honoured` says False for them.
    None only when the product has no configuration at all.
    """
    version = engine.version
    key = (version.pk, version.checksum, limits, preferences)
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    product = engine.product
    kept_limits = tuple(t for t in limits if usable(product, t))
    kept_preferences = tuple(t for t in preferences if usable(product, t))
    found = propose(product, kept_limits, kept_preferences)
    if found is not None:
        lookup = dict(zip((*kept_limits, *kept_preferences), found.honoured, strict=True))
        found = Proposal(found.selection, tuple(lookup.get(t, False) for t in (*limits, *preferences)))
    with _lock:
        _kept[key] = found
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)
    return found
