"""Versions published before cards were stored get their card's texts from their snapshot."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from catalog.models import CatalogVersion

BEFORE = ("catalog", "0005_size_tables_warning_rules")


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_each_versions_card_from_its_snapshot() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    apps = MigrationExecutor(connection).loader.project_state([BEFORE]).apps
    product = apps.get_model("catalog", "Product").objects.create(code="old", name="Old", lead_time_days=14)
    snapshot = {
        "code": "old",
        "name": "Old bike",
        "description": "Steel frame.",
        "translations": {"it": {"name": "Bici vecchia", "description": ""}},
        "currency": "CHF",
        "base_price": "320.50",
        "lead_time_days": 6,
    }
    apps.get_model("catalog", "CatalogVersion").objects.create(
        product=product, number=1, snapshot=snapshot, checksum="x"
    )
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
        version = CatalogVersion.objects.get(product__code="old")
        assert (version.name, version.description, version.currency) == ("Old bike", "Steel frame.", "CHF")
        assert (version.base_price, version.lead_time_days) == (Decimal("320.50"), 6)
        assert version.label("it") == "Bici vecchia" and version.description_in("it") == "Steel frame."
        assert version.card_recipe is None  # found by the product list, once
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
