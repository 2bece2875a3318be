"""The shopper's checkout and order pages."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from catalog.models import CatalogVersion, Product
from catalog.services import catalog_publish
from configurator.engine.selection import read_selection, selection_pairs
from configurator.loading import version_model
from orders import services
from orders.models import Order
from orders.tests.conftest import CUSTOMER

CUSTOMER_FORM = {"name": "Ada Lovelace", "email": "ada@example.com", "address": "12 St James's Square, London"}


def _checkout_url(version: CatalogVersion, config: dict[str, Any], language: str = "en", **extra: str) -> str:
    product = version_model(version)
    pairs = selection_pairs(product, read_selection(product, config)) + list(extra.items())
    with translation.override(language):
        return reverse("orders:checkout", args=["shirt"]) + "?" + urlencode(pairs)


def _form_data(form: Any) -> dict[str, str]:
    """Return what a shopper sends from the checkout form: the customer fields and the form's hidden fields."""
    return {
        **CUSTOMER_FORM,
        **{key: str(form.initial[key]) for key in ("idempotency", "quoted_version", "quoted_total")},
    }


def test_checkout_shows_summary_price_and_form(client: Client, shirt: CatalogVersion, config: dict[str, Any]) -> None:
    response = client.get(_checkout_url(shirt, config, _step="summary"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Blue Oxford" in page and "102 cm" in page and "“JS”" in page
    assert "Monogram embroidery" in page and "€" in page
    assert 'name="email"' in page and 'name="idempotency"' in page


def test_placing_redirects_to_the_order_page_with_its_history(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    url = _checkout_url(shirt, config)
    data = _form_data(client.get(url).context["form"])
    response = client.post(url, data)
    order = Order.objects.get()
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert "your order is placed" in client.get(response["Location"]).content.decode()
    assert client.post(url, data).status_code == 302 and Order.objects.count() == 1  # a double click
    services.order_status_set(order_id=order.pk, status="in_production", source="factory:test")
    page = client.get(order.get_absolute_url()).content.decode()
    assert order.number in page and "In production" in page and "Placed" in page and "Blue Oxford" in page


def test_customer_field_errors_are_shown(client: Client, shirt: CatalogVersion, config: dict[str, Any]) -> None:
    url = _checkout_url(shirt, config)
    response = client.post(url, {"name": " ", "email": "nope", "address": "x", "idempotency": "bad"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"name", "email", "address"} <= set(errors)
    assert not Order.objects.exists()


def test_incomplete_configuration_links_back_to_the_configurator(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    config["selections"]["collar"] = "wing"
    config["selections"]["cuffs"] = "single"
    response = client.get(_checkout_url(shirt, config))
    assert response.status_code == 400
    page = response.content.decode()
    assert "A wing collar is formal wear" in page
    assert 'href="/p/shirt/?fabric=oxford_blue' in page
    response = client.post(_checkout_url(shirt, config), {**CUSTOMER_FORM, "idempotency": "x"})
    assert response.status_code == 400 and not Order.objects.exists()


def test_bad_values_in_the_link_are_explained_not_a_500(client: Client, shirt: CatalogVersion) -> None:
    url = reverse("orders:checkout", args=["shirt"]) + "?chest=huge&collar=bowtie"
    response = client.get(url)
    assert response.status_code == 400
    assert "Chest: this value cannot be read" in response.text
    assert "Collar: this choice is not one we offer" in response.text
    assert client.get(reverse("orders:checkout", args=["yacht"])).status_code == 404


def test_italian_checkout_links_back_in_italian(client: Client, shirt: CatalogVersion) -> None:
    response = client.get("/it/orders/checkout/shirt/?fabric=oxford_blue")
    assert response.status_code == 400 and 'href="/it/p/shirt/?fabric=oxford_blue"' in response.content.decode()


def test_order_page_needs_the_secret_link(client: Client, shirt: CatalogVersion, config: dict[str, Any]) -> None:
    order = services.order_place(
        version=shirt,
        data=config,
        customer=services.Customer(
            name=CUSTOMER_FORM["name"], email=CUSTOMER_FORM["email"], address=CUSTOMER_FORM["address"]
        ),
        language="en",
    ).order
    assert client.get(order.get_absolute_url()).status_code == 200
    assert client.get(reverse("orders:detail", args=[order.number, "wrong-key"])).status_code == 404


def test_checkout_in_italian(client: Client, shirt: CatalogVersion, config: dict[str, Any]) -> None:
    url = _checkout_url(shirt, config, "it")
    assert url.startswith("/it/orders/checkout/shirt/?")
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ricamo del monogramma" in page and "Torace" in page and "€\u00a0" in page


def test_italian_checkout_and_order_page_write_measurements_with_a_decimal_comma(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    config["parameters"]["neck"] = "40.5"
    url = _checkout_url(shirt, config, "it")
    response = client.get(url)
    assert "<dt>Collo</dt><dd>40,5 cm</dd>" in response.content.decode()
    assert client.post(url, _form_data(response.context["form"])).status_code == 302
    page = client.get(Order.objects.get().get_absolute_url()).content.decode()
    assert "<dt>Collo</dt><dd>40,5 cm</dd>" in page and "40.5" not in page


def test_a_price_changed_by_a_new_catalog_version_is_shown_before_the_order_is_placed(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    url = _checkout_url(shirt, config)
    data = _form_data(client.get(url).context["form"])
    product = Product.objects.get(code="shirt")
    product.base_price += 50
    product.save()
    catalog_publish(product)  # while the shopper fills in the form

    response = client.post(url, data)
    assert response.status_code == 200 and not Order.objects.exists()
    assert "The catalog changed while you were ordering" in response.text
    then, now = Decimal(data["quoted_total"]), Decimal(data["quoted_total"]) + 50
    assert f"the total is now €{now:,.2f} instead of €{then:,.2f}" in response.text  # old and new, stated
    shown = response.context["form"].data
    assert shown["quoted_version"] == "2" and Decimal(shown["quoted_total"]) == Decimal(data["quoted_total"]) + 50

    response = client.post(url, dict(shown.items()))  # the shopper saw the new price and orders again
    order = Order.objects.get()
    assert response.status_code == 302 and order.total == Decimal(data["quoted_total"]) + 50
    assert order.catalog_version.number == 2


def test_a_form_without_its_quote_shows_the_price_instead_of_ordering(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    url = _checkout_url(shirt, config)
    data = _form_data(client.get(url).context["form"])
    del data["quoted_version"]  # a page from before quotes, or an altered one
    response = client.post(url, {**data, "quoted_total": "0.01"})
    assert response.status_code == 200 and not Order.objects.exists()
    assert "The catalog changed while you were ordering" in response.text
    assert client.post(url, dict(response.context["form"].data.items())).status_code == 302
    assert Order.objects.count() == 1


@pytest.mark.parametrize("forged", ["1e1000", "NaN", "-Infinity", "1e27", "12.345", "-0", "-5.00"])
def test_a_forged_quoted_total_gets_the_plain_catalog_message_not_an_error(
    client: Client, shirt: CatalogVersion, config: dict[str, Any], forged: str
) -> None:
    url = _checkout_url(shirt, config)
    data = _form_data(client.get(url).context["form"])
    response = client.post(url, {**data, "quoted_total": forged})
    assert response.status_code == 200 and not Order.objects.exists()
    assert "The catalog changed while you were ordering: please check your order and place it again." in response.text
    assert "instead of" not in response.text


def test_the_order_page_polls_its_status_while_the_order_moves(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    order = services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en").order
    status_url = reverse("orders:status", args=[order.number, order.access_key])
    page = client.get(order.get_absolute_url()).text
    assert f'hx-get="{status_url}?since=placed" hx-trigger="every 3s"' in page
    assert 'aria-live="polite"' in page
    assert client.get(f"{status_url}?since=placed").status_code == 204  # nothing new: htmx swaps nothing
    services.order_status_set(order_id=order.pk, status="accepted", source="factory:test")
    fragment = client.get(f"{status_url}?since=placed").text
    assert "Accepted by the workshop" in fragment and '?since=accepted" hx-trigger="every 60s"' in fragment
    assert 'id="order-history" hx-swap-oob="true"' in fragment
    services.order_status_set(order_id=order.pk, status="shipped", source="factory:test")
    final = client.get(f"{status_url}?since=accepted").text
    assert "has left our workshop" in final and "hx-trigger" not in final  # final: the polling stops
    assert "hx-trigger" not in client.get(order.get_absolute_url()).text


@pytest.mark.parametrize(
    ("status", "trigger"),
    [("placed", "every 3s"), ("accepted", "every 60s"), ("in_production", "every 60s"), ("shipped", None)],
)
def test_the_order_page_polls_often_only_while_the_workshop_has_to_answer(
    client: Client, shirt: CatalogVersion, config: dict[str, Any], status: str, trigger: str | None
) -> None:
    order = services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en").order
    Order.objects.filter(pk=order.pk).update(status=status)
    triggers = re.findall(r'hx-trigger="([^"]+)"', client.get(order.get_absolute_url()).text)
    assert triggers == ([trigger] if trigger else [])


def test_checkout_fields_name_their_help_and_errors_by_existing_ids_and_autocomplete(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    url = _checkout_url(shirt, config)
    data = {**_form_data(client.get(url).context["form"]), "name": " ", "email": "nope", "address": "short"}
    page = client.post(url, data).text
    described = re.findall(r'aria-describedby="([^"]+)"', page)
    assert described and all(f'id="{ref}"' in page for refs in described for ref in refs.split())
    assert 'id="id_address_helptext"' in page and 'id="id_email_error"' in page
    for name, token in (("name", "name"), ("email", "email"), ("address", "street-address")):
        assert re.search(rf'name="{name}"[^>]*autocomplete="{token}"|autocomplete="{token}"[^>]*name="{name}"', page)


def test_checkout_shows_the_picture_and_the_dispatch_date(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    page = client.get(_checkout_url(shirt, config)).text
    picture = r'<img src="/preview/[0-9a-f]{64}-large\.png"[^>]*alt="Your Made-to-measure shirt as configured"'
    assert re.search(picture, page)
    assert "Made in 10 working days" in page


def test_a_tampered_selection_says_what_is_wrong_in_words_with_a_way_back(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    url = _checkout_url(shirt, config).replace("fabric=oxford_blue", "fabric=not-a-fabric")
    response = client.post(url, {**CUSTOMER_FORM, "idempotency": "x"})
    assert response.status_code == 400 and not Order.objects.exists()
    assert "<li>Fabric: this choice is not one we offer (the link may be damaged). Choose again.</li>" in response.text
    back = re.search(r'<a class="button primary" href="(/p/shirt/\?[^"]+)">Back to the configurator</a>', response.text)
    assert back and "fabric=" not in back.group(1) and "collar=classic" in back.group(1)  # the rest is kept


def test_a_multi_group_is_named_once_and_the_notes_are_on_the_order_page(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    summary = {
        "product_name": "Shirt",
        "options": [
            {"group": "packs", "group_name": "Option packs", "option": "a", "name": "City"},
            {"group": "packs", "group_name": "Option packs", "option": "b", "name": "Winter"},
        ],
    }
    order = services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en", notes="No pocket.")
    Order.objects.filter(pk=order.order.pk).update(summary=summary)
    page = client.get(order.order.get_absolute_url()).text
    assert page.count("<dt>Option packs</dt>") == 1 and "<dd>City</dd><dd>Winter</dd>" in page
    assert "Notes for the workshop" in page and "No pocket." in page


def test_a_rejection_tells_the_shopper_in_words_not_the_workshops_own_note(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    order = services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en").order
    services.order_status_set(
        order_id=order.pk, status="rejected", reason="Fabric batch 7731 short, ask supplier", source="factory:test"
    )
    page = client.get(order.get_absolute_url()).text
    assert "Fabric batch 7731" not in page  # the workshop's note is for staff (the admin shows it)
    assert "our customer service will contact you" in page
