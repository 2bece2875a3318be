"""A group's option order by language, in the catalog: import, export, snapshot and the admin."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from catalog.models import OptionGroup, Product
from catalog.services import CatalogError, catalog_import, catalog_publish
from catalog.snapshots import product_as_dict
from catalog.tests.factories import small_catalog
from catalog.tests.test_studio import _form_data

pytestmark = pytest.mark.django_db


def _catalog(order: Any) -> dict[str, Any]:
    catalog = copy.deepcopy(small_catalog())
    catalog["products"][0]["groups"][0]["order"] = order
    return catalog


@pytest.fixture
def bike() -> Product:
    catalog_import(_catalog({"it": ["black"]}))
    return Product.objects.get(code="bike")


@pytest.fixture
def staff(client: Client, merchandiser) -> Client:
    client.force_login(merchandiser)
    return client


def test_import_stores_the_order_and_snapshot_and_export_give_it_back(bike: Product, tmp_path) -> None:
    assert OptionGroup.objects.get(product=bike, code="frame").order == {"it": ["black"]}
    snapshot = product_as_dict(bike)
    assert snapshot["groups"][0]["order"] == {"it": ["black"]}
    assert "order" not in snapshot["groups"][1]
    published = catalog_publish(bike).version
    assert published.snapshot["groups"][0]["order"] == {"it": ["black"]}
    out = tmp_path / "bike.json"
    call_command("export_catalog", "bike", output=str(out))
    exported = json.loads(out.read_text())
    assert exported["products"][0]["groups"][0]["order"] == {"it": ["black"]}
    catalog_import(exported)
    assert product_as_dict(bike) == snapshot


def test_import_refuses_an_unknown_code_with_its_path_and_changes_nothing(bike: Product) -> None:
    with pytest.raises(CatalogError) as caught:
        catalog_import(_catalog({"it": ["blak"]}))
    assert [str(p) for p in caught.value.problems] == [
        "$.products[0].groups[0].order.it[0]: unknown option 'blak' — did you mean 'black'?"
    ]
    assert OptionGroup.objects.get(product=bike, code="frame").order == {"it": ["black"]}


def test_importing_without_the_key_clears_the_order(bike: Product) -> None:
    catalog_import(small_catalog())
    assert OptionGroup.objects.get(product=bike, code="frame").order == {}


def _group_page(staff: Client, bike: Product) -> tuple[str, Any]:
    frame = OptionGroup.objects.get(product=bike, code="frame")
    url = reverse("admin:catalog_optiongroup_change", args=[frame.pk])
    return url, staff.get(url)


def test_the_group_page_shows_the_italian_order_and_saves_a_new_one(staff: Client, bike: Product) -> None:
    url, page = _group_page(staff, bike)
    assert "Order in Italian" in page.text
    assert page.context["adminform"].form["order_it"].value() == "black"
    response = staff.post(url, _form_data(page) | {"order_it": "black, blue"})
    assert response.status_code == 302
    assert OptionGroup.objects.get(product=bike, code="frame").order == {"it": ["black", "blue"]}
    response = staff.post(url, _form_data(staff.get(url)) | {"order_it": ""})
    assert response.status_code == 302
    assert OptionGroup.objects.get(product=bike, code="frame").order == {}


def test_the_group_page_refuses_unknown_codes_naming_them(staff: Client, bike: Product) -> None:
    url, page = _group_page(staff, bike)
    response = staff.post(url, _form_data(page) | {"order_it": "blue\ngreen\nblue"})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["order_it"] == [
        "unknown option 'green'",
        "option 'blue' is named twice",
    ]
    assert OptionGroup.objects.get(product=bike, code="frame").order == {"it": ["black"]}


def test_an_option_added_on_the_same_page_may_be_named(staff: Client, bike: Product) -> None:
    url, page = _group_page(staff, bike)
    data = _form_data(page)
    rows = int(data["options-TOTAL_FORMS"])
    new = {f"options-{rows}-{key}": value for key, value in {"code": "red", "name": "Red", "position": "3"}.items()}
    new |= {f"options-{rows}-price": "0.00", f"options-{rows}-bom_quantity": "1", f"options-{rows}-bom_unit": "pcs"}
    new |= {f"options-{rows}-active": "on", "options-TOTAL_FORMS": str(rows + 1)}
    response = staff.post(url, data | new | {"order_it": "red\nblack"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert OptionGroup.objects.get(product=bike, code="frame").order == {"it": ["red", "black"]}


def test_saving_the_product_page_keeps_the_groups_orders(staff: Client, bike: Product) -> None:
    url = reverse("admin:catalog_product_change", args=[bike.pk])
    response = staff.post(url, _form_data(staff.get(url)))
    assert response.status_code == 302
    assert OptionGroup.objects.get(product=bike, code="frame").order == {"it": ["black"]}
