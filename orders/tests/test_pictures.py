"""Orders' pictures and media: one file per look, reused from the preview, served with DEBUG off, any store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.core.files.storage import storages
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from catalog.models import CatalogVersion, PreviewLayer
from config.env import env_media_storages
from configurator import preview, preview_expiry
from configurator.engine.selection import read_selection
from configurator.loading import version_model
from orders import services
from orders.models import Order
from orders.tests.conftest import CUSTOMER

WEBP = (b"RIFF", b"WEBP")


@pytest.fixture(autouse=True)
def _stores(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PREVIEW_ROOT = tmp_path / "previews"
    preview._layers.clear()


def _is_webp(content: bytes) -> bool:
    return (content[:4], content[8:12]) == WEBP


def _place(version: CatalogVersion, config: dict[str, Any], name: str = "Ada Lovelace") -> Order:
    customer = services.Customer(name=name, email=CUSTOMER["email"], address=CUSTOMER["address"])
    return services.order_place(version=version, data=config, customer=customer, language="en").order


def _picture_name(order: Order) -> str:
    name = order.preview_image.name
    assert name
    return name


def _look_picture(version: CatalogVersion, config: dict[str, Any], client: Client) -> bytes:
    """Show the look as the checkout does (its recipe stored) and fetch its large WebP picture."""
    product = version_model(version)
    urls = preview.preview_urls(preview.preview_recipe(product, read_selection(product, config)))
    response = client.get(urls.large.webp)
    assert response.status_code == 200
    return response.content


def test_an_order_keeps_the_preview_the_shopper_saw_and_draws_nothing(
    shirt: CatalogVersion, config: dict[str, Any], client: Client
) -> None:
    seen = _look_picture(shirt, config, client)
    with mock.patch.object(preview, "preview_render", side_effect=AssertionError("an order drew a picture")):
        first = _place(shirt, config)
        second = _place(shirt, config, name="Grace Hopper")
    assert first.preview_image.name == second.preview_image.name  # one file per look
    assert _picture_name(first).endswith("-large.webp")
    with first.preview_image.open("rb") as picture:
        assert picture.read() == seen


def test_an_order_of_a_look_never_shown_renders_its_preview_once(shirt: CatalogVersion, config: dict[str, Any]) -> None:
    order = _place(shirt, config)
    with order.preview_image.open("rb") as picture:
        assert _is_webp(picture.read())
    key = _picture_name(order).rsplit("/", 1)[1].removesuffix("-large.webp")
    assert preview.preview_stored(key, "large", "webp") is not None  # the shop's pages reuse it too


def test_erasing_one_order_keeps_the_picture_another_order_of_the_look_shows(
    shirt: CatalogVersion, config: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    first, second = _place(shirt, config), _place(shirt, config, name="Grace Hopper")
    name = _picture_name(first)
    with django_capture_on_commit_callbacks(execute=True):
        services.order_anonymise(order=first, actor="shopper")
    assert storages["default"].exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        services.order_anonymise(order=second, actor="shopper")
    assert not storages["default"].exists(name)  # the last order of the look erased: its picture goes


@override_settings(DEBUG=False)
def test_with_debug_off_the_order_picture_is_served_only_at_the_orders_secret_link(
    shirt: CatalogVersion, config: dict[str, Any], client: Client
) -> None:
    order = _place(shirt, config)
    url = reverse("orders:picture", args=[order.number, order.access_key])
    page = client.get(order.get_absolute_url()).content.decode()
    assert f'<img src="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert _is_webp(response.content)
    assert response["Cache-Control"].startswith("private")
    assert client.get(url, headers={"If-None-Match": response["ETag"]}).status_code == 304
    assert client.get(reverse("orders:picture", args=[order.number, "wrong-key"])).status_code == 404
    # The media address of the same file is for staff who may see personal data, not for anyone.
    media = "/media/" + _picture_name(order)
    assert client.get(media).status_code == 404


@override_settings(DEBUG=False)
def test_with_debug_off_layer_images_are_public_and_orders_pictures_need_the_permission(
    shirt: CatalogVersion, config: dict[str, Any], client: Client, customer_service: User, viewer: User
) -> None:
    layer = PreviewLayer.objects.filter(product__code="shirt").first()
    assert layer is not None
    response = client.get(layer.image.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "immutable" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert client.get("/media/preview/../orders/x.webp").status_code == 404
    assert client.get("/media/secret.txt").status_code == 404
    order = _place(shirt, config)
    media = "/media/" + _picture_name(order)
    client.force_login(viewer)
    assert client.get(media).status_code == 404  # Viewers see no personal data, and the picture shows a monogram
    client.force_login(customer_service)
    assert client.get(media).status_code == 200


IN_MEMORY = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "previews": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}


@pytest.fixture(params=["memory", "s3"])
def store(request: pytest.FixtureRequest, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Media and previews in stores that are no folder: in memory, or an S3 bucket (moto) configured from the env."""
    static = {"staticfiles": settings.STORAGES["staticfiles"]}
    if request.param == "memory":
        settings.STORAGES = {**IN_MEMORY, **static}
        yield request.param
        return
    moto = pytest.importorskip("moto", reason="moto (requirements-dev.txt) is not installed")
    boto3 = pytest.importorskip("boto3")

    for name, value in {
        "AWS_STORAGE_BUCKET_NAME": "shop-media",
        "AWS_S3_REGION_NAME": "eu-south-1",
        "AWS_S3_ACCESS_KEY_ID": "testing",
        "AWS_S3_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    with moto.mock_aws():
        boto3.client("s3", region_name="eu-south-1").create_bucket(
            Bucket="shop-media", CreateBucketConfiguration={"LocationConstraint": "eu-south-1"}
        )
        settings.STORAGES = {**env_media_storages(), **static}
        yield request.param


def test_layer_images_previews_and_orders_pictures_work_over_a_store_that_is_not_a_folder(
    store: str, shirt: CatalogVersion, config: dict[str, Any], client: Client, settings: Any
) -> None:
    # Nothing reached the disk: the demo's layer images, the previews and the order's picture are in the stores.
    seen = _look_picture(shirt, config, client)
    order = _place(shirt, config)
    assert not Path(settings.MEDIA_ROOT).exists() and not Path(settings.PREVIEW_ROOT).exists()
    assert storages["default"].listdir("preview")[1]  # the layer images
    layer = PreviewLayer.objects.filter(product__code="shirt")[0].image.url
    if store == "s3":  # the admin's link is then the bucket's own address, signed: the bucket stays private
        assert "shop-media" in layer and "Signature=" in layer
    else:
        assert client.get(layer).status_code == 200
    report = preview_expiry.previews_expire(max_age_days=0, max_bytes=0)
    assert report.removed_files >= 2 and report.kept_files == 0
    # The order's picture is the media store's, which expiry never touches.
    response = client.get(reverse("orders:picture", args=[order.number, order.access_key]))
    assert response.status_code == 200 and response.content == seen
    # The preview comes back from its page's recipe, rendered from the layer images in the store.
    assert _look_picture(shirt, config, client) == seen
