"""The product page a merchandiser can work in (issue 18, item 4): scoped dropdowns, rule kinds,
findings in words with links, a refused publish kept on the page, undrawn options, history."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from catalog.models import CatalogVersion, Option, OptionGroup, Parameter, PreviewLayer, Product, Rule, Section
from catalog.services import catalog_import, catalog_publish
from catalog.storage import ContentAddressedStorage, content_name
from catalog.tests.factories import small_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def bike() -> Product:
    catalog_import(small_catalog())
    return Product.objects.get(code="bike")


@pytest.fixture
def car() -> Product:
    """A second product with its own "Exterior" section."""
    catalog = small_catalog()
    product = copy.deepcopy(catalog["products"][0])
    product.update(code="car", name="Car", sections=[{"code": "exterior", "name": "Exterior"}])
    for group in product["groups"]:
        group.pop("section", None)
    catalog["products"] = [product]
    catalog_import(catalog)
    return Product.objects.get(code="car")


@pytest.fixture
def staff(client: Client, merchandiser: Any) -> Client:
    client.force_login(merchandiser)
    return client


def _form_data(response: Any) -> dict[str, Any]:
    """Return what the admin page in `response` posts back unchanged: its form and every inline formset.

    Only the fields the page shows, as a browser would send them.
    """
    data: dict[str, Any] = {}
    page = response.content.decode()

    def add(form: Any) -> None:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if f'name="{key}"' not in page:
                continue
            if value is True:
                data[key] = "on"
            elif value is None or value is False:
                continue
            elif hasattr(field, "queryset") and hasattr(value, "pk"):
                data[key] = str(value.pk)
            else:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return data


# -- dropdowns limited to the product ---------------------------------------------------------------


def test_the_product_page_offers_only_its_own_sections(staff: Client, bike: Product, car: Product) -> None:
    page = staff.get(reverse("admin:catalog_product_change", args=[bike.pk]))
    formset = next(f.formset for f in page.context["inline_admin_formsets"] if f.formset.prefix == "groups")
    assert [s.code for s in formset.forms[0].fields["section"].queryset] == ["look"]


def test_a_group_put_in_another_products_section_is_refused_naming_the_field(
    staff: Client, bike: Product, car: Product
) -> None:
    frame = OptionGroup.objects.get(product=bike, code="frame")
    url = reverse("admin:catalog_optiongroup_change", args=[frame.pk])
    page = staff.get(url)
    assert [s.code for s in page.context["adminform"].form.fields["section"].queryset] == ["look"]
    data = _form_data(page) | {"section": str(Section.objects.get(product=car).pk)}
    response = staff.post(url, data)
    assert response.status_code == 200
    assert "section" in response.context["adminform"].form.errors
    assert OptionGroup.objects.get(pk=frame.pk).section == Section.objects.get(product=bike)


def test_a_new_group_in_another_products_section_is_refused_by_the_model(
    staff: Client, bike: Product, car: Product
) -> None:
    exterior = Section.objects.get(product=car)
    page = staff.get(reverse("admin:catalog_optiongroup_add"))
    # A new group has no product yet: every section is offered, named with its product.
    assert "Exterior — Car" in page.text
    data = _form_data(page) | {
        "product": str(bike.pk),
        "code": "bell",
        "name": "Bell",
        "kind": "choice",
        "display": "radio",
        "position": "0",
        "section": str(exterior.pk),
    }
    response = staff.post(reverse("admin:catalog_optiongroup_add"), data)
    assert response.status_code == 200
    [error] = response.context["adminform"].form.errors["section"]
    assert error == "The section “Exterior” belongs to Car (car), not to City bike (bike): choose one of its own."
    assert not OptionGroup.objects.filter(code="bell").exists()


def test_parameters_and_layers_of_another_product_are_refused_on_save(bike: Product, car: Product) -> None:
    height = Parameter.objects.get(product=bike)
    height.section = Section.objects.get(product=car)
    with pytest.raises(ValidationError) as caught:
        height.full_clean()
    assert list(caught.value.message_dict) == ["section"]
    layer = PreviewLayer(product=car, option=Option.objects.get(group__product=bike, code="blue"), image="x.png")
    with pytest.raises(ValidationError) as caught:
        layer.full_clean()
    assert caught.value.message_dict["option"] == ["The option “Blue” belongs to City bike (bike), not to Car (car)."]


# -- rule fields by kind ------------------------------------------------------------------------------


def _rule(product: Product, **changes: str) -> dict[str, str]:
    data = {"product": str(product.pk), "code": "R9", "kind": "constraint", "active": "on", "position": "0"}
    data |= {"expr": "", "when": "", "prefer": "", "table_groups": "", "table_rows": "", "message": "m"}
    return data | changes


def test_a_field_of_another_kind_left_filled_is_refused_by_name(staff: Client, bike: Product) -> None:
    url = reverse("admin:catalog_rule_add")
    response = staff.post(url, _rule(bike, kind="default", expr="basket", prefer="frame = black"))
    assert response.context["adminform"].form.errors["expr"] == [
        "'expr' belongs to constraint and warning rules, not default rules"
    ]
    response = staff.post(url, _rule(bike, kind="constraint", expr="basket", table_groups="frame"))
    assert "table_groups" in response.context["adminform"].form.errors
    assert not Rule.objects.filter(code="R9").exists()
    assert staff.post(url, _rule(bike, kind="default", prefer="frame = black")).status_code == 302


def test_the_kind_dropdown_tells_the_page_which_fields_each_kind_uses(staff: Client, bike: Product) -> None:
    page = staff.get(reverse("admin:catalog_rule_add"))
    assert 'data-kind-fields="{&quot;constraint&quot;: [&quot;expr&quot;]' in page.text
    assert "admin-studio/rule-kind.js" in page.text


# -- findings in words, publishing --------------------------------------------------------------------


def test_findings_read_as_sentences_linking_what_they_name(staff: Client, bike: Product) -> None:
    Rule.objects.filter(code="R1").update(expr="frame != black")
    page = staff.get(reverse("admin:catalog_product_change", args=[bike.pk]))
    black = Option.objects.get(code="black")
    frame = OptionGroup.objects.get(product=bike, code="frame")
    rule = Rule.objects.get(code="R1")
    assert (
        f'<a href="/admin/catalog/optiongroup/{frame.pk}/change/">Frame colour</a> '
        f'“<a href="/admin/catalog/option/{black.pk}/change/">Black</a>” can never be chosen: '
        f'rule <a href="/admin/catalog/rule/{rule.pk}/change/">R1</a> forbids it. '
        '<a class="finding-why" href="/p/bike/draft/why/frame/black/">Why?</a>'
    ) in page.text
    assert "can never be selected (because of" not in page.text


def test_publishing_warnings_are_in_words_too(staff: Client, bike: Product) -> None:
    Rule.objects.filter(code="R1").update(expr="frame != black")
    response = staff.post(
        reverse("admin:catalog_product_changelist"),
        {"action": "publish", "_selected_action": [str(bike.pk)]},
        follow=True,
    )
    assert "Published with warnings:" in response.text
    assert "“<a" in response.text and "can never be chosen: rule" in response.text
    assert "Published bike version 1." in response.text


def test_save_and_publish_refused_stays_on_the_page_and_keeps_the_draft(staff: Client, bike: Product) -> None:
    url = reverse("admin:catalog_product_change", args=[bike.pk])
    data = _form_data(staff.get(url))
    rule = next(key for key, value in data.items() if value == "R1" and key.startswith("rules-"))
    data[rule.replace("-code", "-expr")] = "frame = blue and frame = black"
    response = staff.post(url, data | {"_publish": "1"}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    assert "Not published: bike has 1 problem to fix first." in response.text
    assert "Your changes are saved in the draft" in response.text
    assert "No configuration satisfies all the rules: rule" in response.text
    assert Rule.objects.get(code="R1").expr == "frame = blue and frame = black"
    assert not CatalogVersion.objects.exists()


# -- options with no layer of their own ---------------------------------------------------------------


def _layer(product: Product, option: Option | None) -> None:
    content = ContentFile(
        b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
        b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
    )
    layer = PreviewLayer(product=product, option=option, z=1)
    layer.image.name = ContentAddressedStorage().save(content_name(content, "dot.gif"), content)
    layer.save()


def test_an_option_left_undrawn_among_drawn_ones_is_a_warning(
    staff: Client, bike: Product, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path
    _layer(bike, Option.objects.get(code="blue"))
    result = catalog_publish(bike)
    assert [(w.subject, w.message.split(":")[0]) for w in result.warnings] == [
        ("groups.frame.black", "has no preview layer")
    ]
    page = staff.get(reverse("admin:catalog_product_change", args=[bike.pk]))
    assert "</a>” has no preview layer: when it is chosen the picture lacks this part." in page.text
    _layer(bike, Option.objects.get(code="black"))
    assert catalog_publish(bike).warnings == ()


# -- history ------------------------------------------------------------------------------------------


def test_the_history_lists_field_changes_of_the_product_and_its_parts(staff: Client, bike: Product) -> None:
    url = reverse("admin:catalog_product_change", args=[bike.pk])
    data = _form_data(staff.get(url))
    data["base_price"] = "519.00"
    rule = next(key for key, value in data.items() if value == "R1" and key.startswith("rules-"))
    data[rule.replace("-code", "-expr")] = "basket -> frame != black"
    assert staff.post(url, data).status_code == 302
    black = Option.objects.get(code="black")
    option_url = reverse("admin:catalog_option_change", args=[black.pk])
    option_data = _form_data(staff.get(option_url)) | {"price": "25.00"}
    assert staff.post(option_url, option_data).status_code == 302
    history = staff.get(reverse("admin:catalog_product_history", args=[bike.pk]))
    rows = history.text.split("<tbody>")[1].split("</tr>")
    assert "<strong>price:</strong> <del>20.00</del> → <ins>25.00</ins>" in rows[0]  # newest first
    assert "merchandiser" in rows[0]
    text = history.text
    assert (
        "<strong>expression:</strong> <del>basket -&gt; frame = blue</del> → <ins>basket -&gt; frame != black</ins>"
        in text
    )
    assert "<strong>base price:</strong> <del>499.00</del> → <ins>519.00</ins>" in text


def test_a_base_layer_finding_links_to_the_preview_tab(staff: Client, bike: Product) -> None:
    PreviewLayer.objects.create(product=bike, image="preview/0123456789abcdef0123456789abcdef.png")
    page = staff.get(reverse("admin:catalog_product_change", args=[bike.pk]))
    url = reverse("admin:catalog_product_change", args=[bike.pk])
    assert f'<a href="{url}#tab-preview">Base preview layer 1</a>: layer image preview/0123' in page.text


def test_saving_the_product_page_keeps_translations_its_inlines_do_not_show(staff: Client, bike: Product) -> None:
    OptionGroup.objects.filter(code="frame").update(
        translations={"it": {"name": "Colore del telaio", "description": "Scegli il colore"}}
    )
    url = reverse("admin:catalog_product_change", args=[bike.pk])
    assert staff.post(url, _form_data(staff.get(url))).status_code == 302
    # The groups' table shows the Italian name only; the Italian description is kept, not wiped.
    assert OptionGroup.objects.get(code="frame").translations == {
        "it": {"name": "Colore del telaio", "description": "Scegli il colore"}
    }


def test_the_product_page_links_to_trying_and_comparing_the_draft(staff: Client, bike: Product) -> None:
    url = reverse("admin:catalog_product_change", args=[bike.pk])
    assert '<a href="/p/bike/draft/">Try the draft</a>' in staff.get(url).text
    assert "Compare the draft" not in staff.get(url).text, "nothing published yet: nothing to compare with"
    catalog_publish(bike)
    assert '<a href="/admin/catalog/catalogversion/compare/bike/draft/">' in staff.get(url).text
