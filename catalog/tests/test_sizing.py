"""Made-to-measure catalog data: size tables, measuring guides and warning rules.

In the exchange format (a lossless round trip, errors naming the size and the field)
and in the merchandisers' admin (checked as typed).
"""

from __future__ import annotations

import copy
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from catalog.models import Parameter, Product, Rule, Size
from catalog.services import CatalogError, catalog_import, catalog_publish
from catalog.tests.factories import small_catalog

pytestmark = pytest.mark.django_db

GUIDE = {"image": "guides/shirt/neck.svg", "text": "Around the neck.", "translations": {"it": {"text": "Intorno."}}}


def _sized() -> dict[str, Any]:
    data = small_catalog()
    product = data["products"][0]
    product["parameters"][0]["guide"] = copy.deepcopy(GUIDE)
    product["sizes"] = [
        {"code": "S", "name": "Small", "translations": {"it": {"name": "Piccola"}}, "values": {"height": "160"}},
        {"code": "L", "name": "Large", "values": {"height": "190"}},
    ]
    product["rules"].append(
        {"code": "W1", "kind": "warning", "expr": "height <= 195", "message": "Very tall: check your height."}
    )
    return data


def _export(code: str) -> dict[str, Any]:
    out = StringIO()
    call_command("export_catalog", code, stdout=out)
    product: dict[str, Any] = json.loads(out.getvalue())["products"][0]
    return product


def test_sizes_guides_and_warnings_round_trip() -> None:
    catalog_import(_sized())
    product = _export("bike")
    assert product["parameters"][0]["guide"] == GUIDE
    assert product["sizes"] == [
        {"code": "S", "name": "Small", "translations": {"it": {"name": "Piccola"}}, "values": {"height": "160"}},
        {"code": "L", "name": "Large", "translations": {}, "values": {"height": "190"}},
    ]
    warning = next(rule for rule in product["rules"] if rule["code"] == "W1")
    assert warning["kind"] == "warning" and warning["expr"] == "height <= 195"
    assert "it" not in product["parameters"][0]["translations"]  # the guide's text stays in the guide
    catalog_import({"format": "configurator-catalog/1", "products": [product]})
    assert _export("bike") == product


def test_a_size_off_its_parameters_range_or_grid_is_refused_naming_size_and_field() -> None:
    data = _sized()
    sizes = data["products"][0]["sizes"]
    sizes[0]["values"]["height"] = "149"
    sizes[1]["values"]["height"] = "175.5"
    sizes.append({"code": "XL", "name": "XL", "values": {}})
    with pytest.raises(CatalogError) as caught:
        catalog_import(data)
    problems = {p.path: p.message for p in caught.value.problems}
    assert problems["$.products[0].sizes[0].values.height"] == "size 'S': height 149 is outside 150–200"
    assert problems["$.products[0].sizes[1].values.height"] == "size 'L': height 175.5 is not on the grid (150 + k × 1)"
    assert problems["$.products[0].sizes[2].values"] == "size 'XL' gives no value for 'height'"
    assert not Product.objects.exists()


def test_a_size_naming_an_unknown_measurement_or_no_number_is_refused() -> None:
    data = _sized()
    data["products"][0]["sizes"][0]["values"].update(heigth="170", height="tall")
    with pytest.raises(CatalogError) as caught:
        catalog_import(data)
    problems = {p.path: p.message for p in caught.value.problems}
    assert problems["$.products[0].sizes[0].values.heigth"].startswith("size 'S': unknown parameter 'heigth'")
    assert "did you mean 'height'?" in problems["$.products[0].sizes[0].values.heigth"]
    assert problems["$.products[0].sizes[0].values.height"].startswith("size 'S': height: 'tall' is not a decimal")


def test_a_guide_picture_that_is_not_a_static_file_is_refused() -> None:
    data = _sized()
    data["products"][0]["parameters"][0]["guide"]["image"] = "guides/shirt/knee.svg"
    with pytest.raises(CatalogError) as caught:
        catalog_import(data)
    assert [str(p) for p in caught.value.problems] == [
        "$.products[0].parameters[0].guide.image: guide picture 'guides/shirt/knee.svg' is not a static file"
        " (looked in static/)"
    ]


def test_a_warning_rule_is_published_but_never_constrains() -> None:
    data = _sized()
    data["products"][0]["rules"][-1]["expr"] = "false"  # would make a constraint unsatisfiable
    (result,) = catalog_import(data)
    published = catalog_publish(result.product)
    assert published.created and not [f for f in published.warnings if "never" in f.message]


@pytest.fixture
def staff(client: Client, merchandiser: Any) -> Client:
    client.force_login(merchandiser)
    return client


def test_admin_refuses_a_size_with_a_value_off_the_grid_naming_size_and_field(staff: Client) -> None:
    catalog_import(_sized())
    bike = Product.objects.get(code="bike")
    form = {"product": str(bike.pk), "position": "0", "code": "M", "name": "Medium", "name_it": "Media"}
    response = staff.post(reverse("admin:catalog_size_add"), {**form, "values_text": "height = 175.5"})
    assert response.status_code == 200
    assert "size &#x27;M&#x27;: height 175.5 is not on the grid (150 + k × 1)" in response.text
    response = staff.post(reverse("admin:catalog_size_add"), {**form, "values_text": "weight = 70"})
    assert "size &#x27;M&#x27; gives no value for &#x27;height&#x27;" in response.text
    assert not Size.objects.filter(code="M").exists()
    assert staff.post(reverse("admin:catalog_size_add"), {**form, "values_text": "height = 175"}).status_code == 302
    size = Size.objects.get(code="M")
    assert (size.values, size.translations) == ({"height": "175"}, {"it": {"name": "Media"}})


def test_admin_checks_a_guide_picture_and_keeps_its_italian_text(staff: Client) -> None:
    catalog_import(_sized())
    parameter = Parameter.objects.get(code="height")
    url = reverse("admin:catalog_parameter_change", args=[parameter.pk])
    form = {
        "product": str(parameter.product_id),
        "position": "0",
        "code": "height",
        "name": "Rider height",
        "unit": "cm",
        "min_value": "150",
        "max_value": "200",
        "step": "1",
        "guide_image": "guides/shirt/knee.svg",
        "guide_text": "Stand against a wall.",
        "guide_text_it": "In piedi contro un muro.",
    }
    response = staff.post(url, form)
    assert "No static file &#x27;guides/shirt/knee.svg&#x27; (under static/)." in response.text
    assert staff.post(url, {**form, "guide_image": "guides/shirt/neck.svg"}).status_code == 302
    guide = _export("bike")["parameters"][0]["guide"]
    assert guide == {
        "image": "guides/shirt/neck.svg",
        "text": "Stand against a wall.",
        "translations": {"it": {"text": "In piedi contro un muro."}},
    }


def test_admin_accepts_a_warning_rule_and_checks_its_expression(staff: Client) -> None:
    catalog_import(_sized())
    bike = Product.objects.get(code="bike")
    form = {
        "product": str(bike.pk),
        "code": "W2",
        "kind": "warning",
        "active": "on",
        "position": "0",
        "expr": "heigt <= 190",
        "message": "Tall",
        "message_it": "Alto",
    }
    response = staff.post(reverse("admin:catalog_rule_add"), form)
    assert "did you mean &#x27;height&#x27;?" in response.text
    assert staff.post(reverse("admin:catalog_rule_add"), {**form, "expr": "height <= 190"}).status_code == 302
    assert Rule.objects.get(code="W2").kind == Rule.Kind.WARNING


def _change_data(page: Any) -> dict[str, Any]:
    """The product page's form as the browser would send it back unchanged, every inline included."""
    data: dict[str, Any] = {}
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue
            data[bound.html_name] = "on" if value is True else value
    return data


def test_admin_accepts_a_new_parameter_and_its_size_values_in_one_save(staff: Client) -> None:
    catalog_import(_sized())
    bike = Product.objects.get(code="bike")
    url = reverse("admin:catalog_product_change", args=[bike.pk])
    data = _change_data(staff.get(url))
    count = int(data["parameters-TOTAL_FORMS"])
    new = {"position": "9", "code": "weight", "name": "Weight", "unit": "kg", "min_value": "40"}
    data.update({f"parameters-{count}-{key}": value for key, value in new.items()})
    data.update({f"parameters-{count}-max_value": "150", f"parameters-{count}-step": "1"})
    data[f"parameters-{count}-default"] = "70"
    data["parameters-TOTAL_FORMS"] = str(count + 1)
    sizes = int(data["sizes-TOTAL_FORMS"])
    for number in range(sizes):  # every size gives every measurement, the new one too
        data[f"sizes-{number}-values_text"] += "\nweight = 70"
    data.update({f"sizes-{sizes}-position": "5", f"sizes-{sizes}-code": "XL", f"sizes-{sizes}-name": "Extra large"})
    data[f"sizes-{sizes}-values_text"] = "height = 195\nweight = 90"
    data["sizes-TOTAL_FORMS"] = str(sizes + 1)
    response = staff.post(url, data)
    errors = response.context and [e for f in response.context["inline_admin_formsets"] for e in f.formset.errors]
    assert response.status_code == 302, errors
    assert Size.objects.get(product=bike, code="XL").values == {"height": "195", "weight": "90"}
    assert Parameter.objects.filter(product=bike, code="weight").exists()


def test_admin_checks_a_size_against_a_parameter_changed_in_the_same_save(staff: Client) -> None:
    catalog_import(_sized())
    bike = Product.objects.get(code="bike")
    url = reverse("admin:catalog_product_change", args=[bike.pk])
    data = _change_data(staff.get(url))
    [number] = [k.split("-")[1] for k, v in data.items() if k.startswith("parameters-") and v == "height"]
    data[f"parameters-{number}-max_value"] = "180"  # Large (190) is now out of range
    response = staff.post(url, data)
    assert response.status_code == 200
    assert "height 190 is" in response.text and Parameter.objects.get(product=bike, code="height").max_value != 180
