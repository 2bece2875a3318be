"""Orders are rate-limited per client (API and web checkout), and the order page is never cached (audit F6, F15)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from rest_framework.test import APIClient

from catalog.models import CatalogVersion
from config.settings import RATELIMIT_RATES
from configurator import preview_expiry
from orders import services
from orders.models import Order
from orders.tests.conftest import CUSTOMER
from orders.tests.test_views import _checkout_url, _form_data

LIMITED = {"RATELIMIT_ENABLE": True, "RATELIMIT_RATES": {**RATELIMIT_RATES, "orders": "2/hour"}}


def test_placing_orders_through_the_api_is_throttled(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    api = APIClient()
    body = {"product": "shirt", **config, "customer": dict(CUSTOMER)}
    with override_settings(**LIMITED):
        answers = [
            api.post("/api/v1/orders", body, format="json", headers={"Idempotency-Key": f"k{i}"}) for i in range(3)
        ]
    assert [a.status_code for a in answers] == [201, 201, 429]
    assert int(answers[-1]["Retry-After"]) >= 1 and answers[-1]["Content-Type"] == "application/json"
    assert Order.objects.count() == 2


def test_placing_orders_through_the_checkout_is_throttled_but_the_form_still_shows(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    url = _checkout_url(shirt, config, _step="summary")
    with override_settings(**LIMITED):
        placed = []
        for _ in range(3):
            form = client.get(url).context["form"]
            placed.append(client.post(url, _form_data(form)))
        shown = client.get(url)
    assert [p.status_code for p in placed] == [302, 302, 429]
    assert "Please wait" in placed[-1].text and int(placed[-1]["Retry-After"]) >= 1
    assert shown.status_code == 200  # looking at the checkout is not placing an order
    assert Order.objects.count() == 2


def test_the_order_page_is_never_stored_by_a_browser_or_proxy(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    placement = services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en")
    page = client.get(placement.order.get_absolute_url())
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] and "private" in page["Cache-Control"]


@pytest.fixture
def stores(settings: Any, tmp_path: Any) -> None:
    """Media and previews in folders of the test's own (before the demo catalogs store their layer images)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PREVIEW_ROOT = tmp_path / "previews"


def test_an_order_keeps_its_picture_when_every_preview_expires(
    stores: None, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    order = services.order_place(version=shirt, data=config, customer=CUSTOMER, language="en").order
    assert order.preview_image
    preview_expiry.previews_expire(max_age_days=0, max_bytes=0)
    # Orders copy their look's picture into the media store when placed: the previews store is not theirs.
    with order.preview_image.open("rb") as picture:
        assert picture.read(12)[8:] == b"WEBP"
