"""The merchandisers' admin: editing, checking rules as typed, publishing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import CatalogVersion, Product, Rule
from catalog.services import catalog_import
from catalog.tests.factories import small_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def bike() -> Product:
    catalog_import(small_catalog())
    return Product.objects.get(code="bike")


@pytest.fixture
def staff(client: Client, merchandiser) -> Client:
    client.force_login(merchandiser)
    return client


def _rule_form(product: Product, **changes: str) -> dict[str, str]:
    data = {
        "product": str(product.pk),
        "code": "R9",
        "kind": "constraint",
        "active": "on",
        "position": "0",
        "expr": "frame = blu -> basket",
        "when": "",
        "prefer": "",
        "table_groups": "",
        "table_rows": "",
        "message": "A message",
        "message_it": "Un messaggio",
    }
    data.update(changes)
    return data


def test_rule_with_a_typo_is_refused_with_a_suggestion(staff: Client, bike: Product) -> None:
    response = staff.post(reverse("admin:catalog_rule_add"), _rule_form(bike))
    assert response.status_code == 200
    assert "unknown option &#x27;blu&#x27; in group &#x27;frame&#x27; — did you mean &#x27;blue&#x27;?" in response.text
    assert not Rule.objects.filter(code="R9").exists()


def test_valid_rule_is_saved_with_its_translation(staff: Client, bike: Product) -> None:
    response = staff.post(reverse("admin:catalog_rule_add"), _rule_form(bike, expr="frame = blue -> basket"))
    assert response.status_code == 302
    rule = Rule.objects.get(code="R9")
    assert rule.translations == {"it": {"message": "Un messaggio"}}


def test_table_rule_is_edited_as_lines(staff: Client, bike: Product) -> None:
    form = _rule_form(bike, kind="table", expr="", table_groups="frame", table_rows="blue\nblack\npink")
    response = staff.post(reverse("admin:catalog_rule_add"), form)
    assert "unknown option &#x27;pink&#x27; in group &#x27;frame&#x27;" in response.text
    form["table_rows"] = "blue\nblack"
    assert staff.post(reverse("admin:catalog_rule_add"), form).status_code == 302
    assert Rule.objects.get(code="R9").rows == [["blue"], ["black"]]


def test_product_page_shows_draft_status_and_history(staff: Client, bike: Product) -> None:
    page = staff.get(reverse("admin:catalog_product_change", args=[bike.pk]))
    assert page.status_code == 200
    assert "Ready to publish; never published." in page.text
    history = staff.get(reverse("admin:catalog_product_history", args=[bike.pk]))
    assert history.status_code == 200


def test_publish_action_creates_a_version(staff: Client, bike: Product) -> None:
    response = staff.post(
        reverse("admin:catalog_product_changelist"),
        {"action": "publish", "_selected_action": [str(bike.pk)]},
        follow=True,
    )
    assert "Published bike version 1." in response.text
    assert CatalogVersion.objects.filter(product=bike, number=1).exists()


def test_publish_action_refuses_a_broken_draft(staff: Client, bike: Product) -> None:
    Rule.objects.filter(code="R1").update(expr="basket -> frame = pink")
    response = staff.post(
        reverse("admin:catalog_product_changelist"),
        {"action": "publish", "_selected_action": [str(bike.pk)]},
        follow=True,
    )
    # Refused: the merchandiser lands on the product's page, the problem in words, linked to the rule.
    assert response.redirect_chain[-1][0] == reverse("admin:catalog_product_change", args=[bike.pk])
    assert "Not published: bike has 1 problem to fix first." in response.text
    rule = Rule.objects.get(code="R1")
    link = f'<a href="{reverse("admin:catalog_rule_change", args=[rule.pk])}">R1</a>'
    assert f"rule {link} (expression): column 19: unknown option &#x27;pink&#x27;" in response.text
    assert not CatalogVersion.objects.exists()


def test_versions_are_read_only_in_the_admin(staff: Client, bike: Product) -> None:
    from catalog.services import catalog_publish

    version = catalog_publish(bike).version
    page = staff.get(reverse("admin:catalog_catalogversion_change", args=[version.pk]))
    assert page.status_code == 200 and "Save" not in page.text.split("submit-row")[-1][:200]
    assert (
        staff.post(reverse("admin:catalog_catalogversion_delete", args=[version.pk]), {"post": "yes"}).status_code
        == 403
    )


def test_shoppers_cannot_open_the_admin(client: Client, shopper) -> None:
    client.force_login(shopper)
    response = client.get(reverse("admin:catalog_product_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
