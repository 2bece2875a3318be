"""Fixtures of the insights tests: a small published product whose parts have part numbers."""

from __future__ import annotations

import pytest

from catalog.models import CatalogVersion
from catalog.selectors import version_latest_for
from catalog.services import catalog_import
from catalog.tests.factories import small_catalog


@pytest.fixture
def bike(db: None) -> CatalogVersion:
    """Publish `bike` (version 1): a base part, two frames sharing one part, a basket made to the rider's height."""
    data = small_catalog()
    product = data["products"][0]
    product["part_number"] = "BK-BASE"
    frame, basket = product["groups"]
    frame["translations"] = {"it": {"name": "Colore del telaio"}}
    for option in frame["options"]:
        option["part_number"] = "BK-FRAME"
    frame["options"][1]["translations"] = {"it": {"name": "Nero"}}
    basket["options"][0].update(part_number="BK-BASKET", bom_quantity="2 * height + 10", bom_unit="cm")
    catalog_import(data, publish=True)
    version = version_latest_for("bike")
    assert version is not None
    return version
