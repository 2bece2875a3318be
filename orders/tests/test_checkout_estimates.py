"""The checkout refuses measurements that are still estimates from a standard size."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.test import Client
from django.urls import reverse

from catalog.models import CatalogVersion
from configurator.engine.selection import read_selection, selection_pairs
from configurator.loading import version_model
from orders.models import Order


def _url(version: CatalogVersion, config: dict[str, Any], **state: str) -> str:
    product = version_model(version)
    pairs = selection_pairs(product, read_selection(product, config)) + list(state.items())
    return reverse("orders:checkout", args=["shirt"]) + "?" + urlencode(pairs)


def test_unconfirmed_estimates_are_refused_with_a_way_back_that_keeps_them(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    url = _url(shirt, config, _size="M", _estimated="neck,chest")
    response = client.get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Some measurements are still estimates from a standard size: check Neck, Chest, then order." in page
    assert "_estimated=neck%2Cchest" in page and "_size=M" in page
    post = client.post(url, {"name": "Ada", "email": "ada@example.com", "address": "London"})
    assert post.status_code == 400 and not Order.objects.exists()


def test_confirmed_measurements_reach_the_checkout(
    client: Client, shirt: CatalogVersion, config: dict[str, Any]
) -> None:
    assert client.get(_url(shirt, config, _size="M", _estimated="")).status_code == 200
