"""Snapshots: what publishing freezes stays byte-for-byte what it was.

A version's checksum decides whether a draft changed since it was published, so a
change to how a snapshot is read (catalog.snapshots, the field table) must not alter
the snapshot of an unchanged catalog: published products would look edited.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.models import Product, snapshot_checksum
from catalog.services import catalog_import, catalog_parse
from catalog.snapshots import product_as_dict
from catalog.tests.factories import small_catalog

pytestmark = pytest.mark.django_db
DEMO = Path(__file__).resolve().parents[1] / "demo"

#: The checksums of the demo catalogs' snapshots, as published before the field table (the city
#: car's since its body colour got an Italian option order).
DEMO_CHECKSUMS = {
    "city-car.json": "ff5e86150e8d452ff949fa6e819a9864f26ed983392ca7e2951c2326661b8423",
    "shirt.json": "383a23a78514734c06c985fdfabd7b55d3cb5d061474e31dab65f05afb30b0cc",
}


@pytest.mark.parametrize("name", sorted(DEMO_CHECKSUMS))
def test_demo_snapshot_after_import_is_unchanged(name: str) -> None:
    path = DEMO / name
    (result,) = catalog_import(catalog_parse(path.read_bytes()), base_dir=path.parent)
    assert snapshot_checksum(product_as_dict(result.product)) == DEMO_CHECKSUMS[name]


def test_a_group_without_an_option_order_snapshots_as_before_the_key_existed() -> None:
    """An empty `order` is left out, so drafts that set none publish as "unchanged" after the upgrade."""
    path = DEMO / "city-car.json"
    data = catalog_parse(path.read_bytes())
    for group in data["products"][0]["groups"]:
        group.pop("order", None)
    (result,) = catalog_import(data, base_dir=path.parent)
    snapshot = product_as_dict(result.product)
    assert all("order" not in group for group in snapshot["groups"])
    assert snapshot_checksum(snapshot) == "eacf94408320918a762532747f6980e979cf53ada48dcb494001825dbc2a48f5"


def test_snapshot_of_a_sparse_file_fills_the_same_defaults() -> None:
    catalog_import(small_catalog())
    snapshot = product_as_dict(Product.objects.get(code="bike"))
    option = snapshot["groups"][0]["options"][0]
    assert (option["bom_unit"], option["bom_quantity"], option["active"], option["swatch"]) == ("pcs", "1", True, "")
    assert snapshot_checksum(snapshot) == "7cf7c0617ba725f84633316e64f6ba064132a68187f9da17c5a1cb016fa9e7bb"
