"""Catalog files for tests: a small valid product and a large one with big tables."""

from __future__ import annotations

import copy
import itertools
import random
from typing import Any

from configurator.engine.model import FORMAT

SMALL: dict[str, Any] = {
    "format": FORMAT,
    "products": [
        {
            "code": "bike",
            "name": "City bike",
            "translations": {"it": {"name": "Bici da città"}},
            "currency": "EUR",
            "base_price": "499.00",
            "sections": [{"code": "look", "name": "Look", "translations": {"it": {"name": "Aspetto"}}}],
            "groups": [
                {
                    "code": "frame",
                    "name": "Frame colour",
                    "kind": "choice",
                    "required": True,
                    "section": "look",
                    "default": "blue",
                    "options": [
                        {"code": "blue", "name": "Blue", "price": "0.00", "part_number": "BK-FR-BLU"},
                        {"code": "black", "name": "Black", "price": "20.00", "part_number": "BK-FR-BLK"},
                    ],
                },
                {
                    "code": "basket",
                    "name": "Basket",
                    "kind": "choice",
                    "required": False,
                    "options": [{"code": "wicker", "name": "Wicker", "price": "35.00"}],
                },
            ],
            "parameters": [
                {
                    "code": "height",
                    "name": "Rider height",
                    "unit": "cm",
                    "min": "150",
                    "max": "200",
                    "step": "1",
                    "default": "175",
                }
            ],
            "texts": [{"code": "tag", "name": "Name tag", "max_length": 10, "charset": "A-Za-z "}],
            "rules": [
                {
                    "code": "R1",
                    "kind": "constraint",
                    "expr": "basket -> frame = blue",
                    "message": "Baskets come on blue frames.",
                },
                {
                    "code": "T1",
                    "kind": "table",
                    "groups": ["frame"],
                    "rows": [["blue"], ["black"]],
                    "message": "Frames.",
                },
            ],
            "prices": [{"code": "P1", "when": "frame = blue and basket", "amount": "-10.00", "label": "Bundle"}],
        }
    ],
}


def small_catalog() -> dict[str, Any]:
    """Return a fresh copy of a small valid catalog (product `bike`)."""
    return copy.deepcopy(SMALL)


def large_catalog(*, tables: int = 4, rows: int = 50_000, columns: int = 4, seed: int = 7) -> dict[str, Any]:
    """Return a catalog of one product whose tables each hold `rows` allowed rows."""
    rng = random.Random(seed)
    width = 24  # options per group: 24**4 = 331,776 combinations to draw rows from
    groups = [
        {
            "code": f"g{g}",
            "name": f"Group {g}",
            "kind": "choice",
            "required": True,
            "options": [
                {"code": f"v{o}", "name": f"Value {o}", "price": f"{o}.00", "part_number": f"P-{g}-{o}"}
                for o in range(width)
            ],
        }
        for g in range(tables + columns)
    ]
    all_rows = list(itertools.product(range(width), repeat=columns))
    rules = []
    for t in range(tables):
        codes = [f"g{t + c}" for c in range(columns)]
        chosen = sorted(rng.sample(all_rows, rows))
        rules.append(
            {
                "code": f"T{t}",
                "kind": "table",
                "groups": codes,
                "rows": [[f"v{value}" for value in row] for row in chosen],
                "message": f"Table {t}",
            }
        )
    return {
        "format": FORMAT,
        "products": [
            {"code": "big", "name": "Big", "currency": "EUR", "base_price": "1.00", "groups": groups, "rules": rules}
        ],
    }


def listed_products(count: int, *, prefix: str = "p") -> list[Any]:
    """Create `count` listed products, each with one published version carrying its card fields.

    Rows are written directly (no solver, no history): for tests and benchmarks of the product
    list, which reads nothing else. Return the versions.
    """
    from decimal import Decimal

    from catalog.models import CatalogVersion, Product
    from configurator.preview import Recipe

    recipe = Recipe(width=800, height=600, background="#f0f0f0").as_data()
    products = Product.objects.bulk_create(
        Product(code=f"{prefix}{n:04d}", name=f"Product {n}", position=n) for n in range(count)
    )
    return CatalogVersion.objects.bulk_create(
        CatalogVersion(
            product=product,
            number=1,
            snapshot={"code": product.code},
            checksum=f"{product.code}-1",
            name=product.name,
            description=f"Made to order, number {n}.",
            translations={"it": {"name": f"Prodotto {n}"}},
            currency="EUR",
            base_price=Decimal("100.00") + n,
            lead_time_days=10,
            card_recipe=recipe,
        )
        for n, product in enumerate(products)
    )
