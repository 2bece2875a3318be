"""A product's lead time travels through the catalog format, the admin's draft and the engine's model."""

from __future__ import annotations

import pytest

from catalog.models import Product
from catalog.services import CatalogError, catalog_import, catalog_publish
from catalog.snapshots import product_as_dict
from catalog.tests.factories import small_catalog
from configurator.loading import version_model

pytestmark = pytest.mark.django_db


def test_the_lead_time_is_imported_exported_and_published() -> None:
    data = small_catalog()
    data["products"][0]["lead_time_days"] = 21
    catalog_import(data)
    product = Product.objects.get(code="bike")
    assert product.lead_time_days == 21
    assert product_as_dict(product)["lead_time_days"] == 21
    version = catalog_publish(product).version
    assert version_model(version).lead_time_days == 21


def test_a_product_without_a_lead_time_takes_14_working_days() -> None:
    catalog_import(small_catalog())
    assert product_as_dict(Product.objects.get(code="bike"))["lead_time_days"] == 14


@pytest.mark.parametrize(("value", "message"), [(-1, "at least 0"), (400, "at most 365"), ("10", "whole number")])
def test_a_wrong_lead_time_names_the_field(value: object, message: str) -> None:
    data = small_catalog()
    data["products"][0]["lead_time_days"] = value
    with pytest.raises(CatalogError) as error:
        catalog_import(data)
    assert any("lead_time_days" in str(p) and message in str(p) for p in error.value.problems)
