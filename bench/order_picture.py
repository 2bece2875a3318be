"""Time an order's CPU with the picture it keeps: a fresh PNG per order (before) or its look's preview (after).

    .venv/bin/python bench/order_picture.py [--orders 30]

Django is set up on a throwaway SQLite database (bench/http_api.py), the demo catalogs
are imported and published, then shirts are ordered through `order_place`, each with
its own monogram (so each order is a look of its own, as in a shop), measuring the
process's CPU time (`time.process_time`) per order:

- `before`: the picture step as it was, a large PNG drawn for the order and saved
  under a name of its own (`preview_render(…, "large", "png")`);
- `after`: the shop's own step (`orders.services.pictures.order_picture_keep`): the
  look's large WebP preview, which the checkout page had already rendered (done here
  before the clock starts, as the shopper's checkout does), copied into the media store.

Prints the median and mean CPU ms of an order and of its picture step, and the step's
share of the order.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if sys.path[0] == str(Path(__file__).resolve().parent):
    sys.path[0] = str(ROOT)  # import `bench.*` as a package, and never shadow the standard library

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

from orders.samples import shirt_configuration  # noqa: E402

LETTERS = "ABCDEFGHJKLMNPRSTW"


def _monogram(index: int) -> str:
    return LETTERS[index % 18] + LETTERS[index // 18 % 18] + LETTERS[index // 324 % 18]


def _legacy_picture(product: Any, selection: Any) -> Any:
    """The picture step before: a large PNG drawn for each order (saved with the order, under its own name)."""
    from django.core.files.base import ContentFile

    from configurator import preview

    recipe = preview.preview_recipe(product, selection)
    return ContentFile(preview.preview_render(recipe, "large", "png"), name=f"{recipe.key}.png")


def _run(label: str, orders: int, offset: int, picture: Callable[[Any, Any], Any]) -> dict[str, list[float]]:
    from unittest import mock

    from catalog.selectors import version_latest_for
    from configurator import preview
    from configurator.engine.selection import read_selection
    from configurator.loading import version_model
    from orders import services
    from orders.services import ordering

    version = version_latest_for("shirt")
    assert version is not None
    product = version_model(version)
    step: list[float] = []

    def timed_picture(product: Any, selection: Any) -> Any:
        start = time.process_time()
        try:
            return picture(product, selection)
        finally:
            step.append(time.process_time() - start)

    totals: list[float] = []
    customer = services.Customer(name="Ada Lovelace", email="ada@example.com", address="1 Road\nTown")
    with mock.patch.object(ordering, "order_picture_keep", timed_picture):
        for index in range(orders):
            data = shirt_configuration(texts={"monogram": _monogram(offset + index)})
            # The shopper's checkout showed this look: its recipe stored, its large WebP rendered.
            recipe = preview.preview_recipe(product, read_selection(product, data))
            preview.preview_urls(recipe)
            preview.preview_picture(recipe, "large", "webp")
            start = time.process_time()
            services.order_place(version=version, data=data, customer=customer, language="en")
            totals.append(time.process_time() - start)
    print(f"{label}: {orders} orders")
    return {"order": totals, "picture": step}


def _ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:7.1f} ms  mean {statistics.fmean(values) * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=30, help="orders timed per variant (30)")
    args = parser.parse_args()
    from bench.preview import _setup

    _setup()
    from orders.services.pictures import order_picture_keep

    # A few untimed orders first: the engine model, the fonts and the decoded layers are warm in both variants.
    _run("warm-up", 3, 5000, order_picture_keep)
    figures = {
        "before (PNG per order)": _run("before", args.orders, 0, _legacy_picture),
        "after (look's WebP preview)": _run("after", args.orders, 1000, order_picture_keep),
    }
    print()
    for label, samples in figures.items():
        share = sum(samples["picture"]) / sum(samples["order"]) * 100
        print(f"{label:<28} order CPU {_ms(samples['order'])}")
        print(f"{'':<28} picture   {_ms(samples['picture'])}  ({share:.0f} % of the order)")


if __name__ == "__main__":
    main()
