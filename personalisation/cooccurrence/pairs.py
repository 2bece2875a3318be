"""The stored option pairs as the configurator page reads them: once per process, until they change.

A click must not pay for a query (bench/suggestions.py: a few ms on SQLite under load), so
each process keeps every product's pairs with lift above 1, indexed by the option that
leads. The shared cache holds a stamp per product (when its pairs were counted); the recount
deletes it when it commits, and a process whose stamp differs reads the pairs again. The
stamp expires after STAMP_SECONDS, which bounds how long a process can miss a recount
(a read racing the recount's commit).
"""

from __future__ import annotations

import threading
from collections.abc import Set

from personalisation.caching import cache_keep, cache_read, forget_on_commit
from personalisation.cooccurrence.counting import Item, PairRule
from personalisation.models.cooccurrence import OptionPair

STAMP_SECONDS = 300
_EMPTY = "none"

_pairs: dict[str, tuple[str, dict[Item, list[PairRule]]]] = {}
_lock = threading.Lock()


def _stamp_key(product_code: str) -> str:
    return f"personalisation:cooccurrence:{product_code}"


def pairs_changed(product_code: str) -> None:
    """Make every process read the pairs of `product_code` again once the current transaction commits."""
    forget_on_commit(_stamp_key(product_code))


def _load(product_code: str) -> tuple[str, dict[Item, list[PairRule]]]:
    """Read the product's pairs with lift above 1 and their stamp, in one query (one recount's rows)."""
    fields = ("if_group", "if_option", "then_group", "then_option", "together", "if_count", "then_count", "baskets")
    rows = OptionPair.objects.filter(product_code=product_code, lift__gt=1).values_list(*fields, "computed_at")
    leading: dict[Item, list[PairRule]] = {}
    counted = None
    for if_group, if_option, then_group, then_option, together, if_count, then_count, baskets, at in rows:
        rule = PairRule((if_group, if_option), (then_group, then_option), together, if_count, then_count, baskets)
        leading.setdefault(rule.if_item, []).append(rule)
        counted = at if counted is None else max(counted, at)
    return (counted.isoformat() if counted is not None else _EMPTY), leading


def pairs_from(product_code: str, chosen: Set[Item]) -> list[PairRule]:
    """Return the pairs of `product_code` with lift above 1 that a `chosen` option leads."""
    stamp = cache_read(_stamp_key(product_code))
    held = _pairs.get(product_code)
    if held is None or stamp is None or held[0] != stamp:
        held = _load(product_code)
        with _lock:
            _pairs[product_code] = held
        cache_keep(_stamp_key(product_code), held[0], STAMP_SECONDS, only_new=True)
    leading = held[1]
    return [rule for item in chosen for rule in leading.get(item, ())]
