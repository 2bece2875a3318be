"""Recount the option pairs of every product from orders and saved configurations (the beat task's work)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from configurator.models import SavedConfiguration
from orders.models import Order
from personalisation.cooccurrence.counting import Item, basket_counts, count_pairs
from personalisation.cooccurrence.pairs import pairs_changed
from personalisation.models.cooccurrence import OptionPair

_CHUNK = 5000


def _configurations() -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Yield (product code, request-shaped configuration) of every order and saved configuration."""
    yield from Order.objects.values_list("product_code", "configuration").iterator(chunk_size=_CHUNK)
    yield from SavedConfiguration.objects.values_list("product__code", "data").iterator(chunk_size=_CHUNK)


def cooccurrence_refresh(*, min_support: int | None = None) -> dict[str, int]:
    """Recount every product's option pairs and replace its rows; return the pairs kept per product.

    Each product's rows are replaced in one transaction, so the page reads either the old
    pairs or the new ones. A product with no configuration left loses its pairs. Running it
    again on the same orders writes the same pairs: it can be repeated or run twice at once.
    """
    support = settings.COOCCURRENCE_MIN_SUPPORT if min_support is None else min_support
    counted = basket_counts(_configurations())
    kept = {code: cooccurrence_replace(code, baskets, min_support=support) for code, baskets in counted.items()}
    for code in OptionPair.objects.exclude(product_code__in=counted).values_list("product_code", flat=True).distinct():
        kept[code] = cooccurrence_replace(code, Counter(), min_support=support)
    return kept


def cooccurrence_replace(code: str, baskets: Mapping[frozenset[Item], int], *, min_support: int) -> int:
    """Replace the option pairs of product `code` with those counted in `baskets`; return how many."""
    now = timezone.now()
    rows = [
        OptionPair(
            product_code=code,
            if_group=rule.if_item[0],
            if_option=rule.if_item[1],
            then_group=rule.then_item[0],
            then_option=rule.then_item[1],
            together=rule.together,
            if_count=rule.if_count,
            then_count=rule.then_count,
            baskets=rule.baskets,
            confidence=rule.confidence,
            lift=rule.lift,
            computed_at=now,
        )
        for rule in count_pairs(baskets, min_support=min_support)
    ]
    with transaction.atomic():
        OptionPair.objects.filter(product_code=code).delete()
        OptionPair.objects.bulk_create(rows, batch_size=1000)
        pairs_changed(code)
    return len(rows)
