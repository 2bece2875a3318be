"""Media and previews stores from the environment: local folders, or one S3-compatible bucket."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from config.env import env_media_storages

VARIABLES = (
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "AWS_S3_REGION_NAME",
    "AWS_S3_ACCESS_KEY_ID",
    "AWS_S3_SECRET_ACCESS_KEY",
    "AWS_S3_ADDRESSING_STYLE",
    "MEDIA_STORAGE_PREFIX",
    "PREVIEW_STORAGE_PREFIX",
)


@pytest.fixture(autouse=True)
def _clean(monkeypatch: Any) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def _minio(monkeypatch: Any) -> None:
    monkeypatch.setenv("AWS_STORAGE_BUCKET_NAME", "shop-media")
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "http://minio.internal:9000")
    monkeypatch.setenv("AWS_S3_REGION_NAME", "eu-south-1")
    monkeypatch.setenv("AWS_S3_ACCESS_KEY_ID", "shop")
    monkeypatch.setenv("AWS_S3_SECRET_ACCESS_KEY", "not-a-real-secret")
    monkeypatch.setenv("AWS_S3_ADDRESSING_STYLE", "path")


def test_without_a_bucket_media_and_previews_are_local_folders() -> None:
    assert env_media_storages() == {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "previews": {"BACKEND": "configurator.storage.PreviewFileStorage"},
    }


def test_a_bucket_holds_media_and_previews_under_two_prefixes(monkeypatch: Any) -> None:
    _minio(monkeypatch)
    stores = env_media_storages()
    media, previews = stores["default"], stores["previews"]
    assert media["BACKEND"] == previews["BACKEND"] == "storages.backends.s3.S3Storage"
    assert media["OPTIONS"]["location"] == "media" and previews["OPTIONS"]["location"] == "previews"
    assert media["OPTIONS"]["bucket_name"] == "shop-media"
    assert media["OPTIONS"]["endpoint_url"] == "http://minio.internal:9000"
    # The backend takes these options as they are (no request is made to build it or sign an address).
    storage = import_string(media["BACKEND"])(**media["OPTIONS"])
    address = urlsplit(storage.url("orders/previews/abc-large.webp"))
    assert (address.scheme, address.netloc) == ("http", "minio.internal:9000")
    assert address.path == "/shop-media/media/orders/previews/abc-large.webp"  # path-style, under the prefix
    assert "Signature=" in address.query or "X-Amz-Signature=" in address.query  # the bucket stays private


def test_prefixes_can_be_chosen(monkeypatch: Any) -> None:
    _minio(monkeypatch)
    monkeypatch.setenv("MEDIA_STORAGE_PREFIX", "/shop/media/")
    monkeypatch.setenv("PREVIEW_STORAGE_PREFIX", "shop/previews")
    stores = env_media_storages()
    assert stores["default"]["OPTIONS"]["location"] == "shop/media"
    assert stores["previews"]["OPTIONS"]["location"] == "shop/previews"


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("AWS_S3_ENDPOINT_URL", "minio.internal:9000", "AWS_S3_ENDPOINT_URL"),
        ("AWS_S3_ADDRESSING_STYLE", "sideways", "AWS_S3_ADDRESSING_STYLE"),
        ("PREVIEW_STORAGE_PREFIX", "media", "PREVIEW_STORAGE_PREFIX"),
    ],
)
def test_a_bad_value_names_its_variable(monkeypatch: Any, variable: str, value: str, named: str) -> None:
    _minio(monkeypatch)
    monkeypatch.setenv(variable, value)
    with pytest.raises(ImproperlyConfigured, match=named):
        env_media_storages()


def test_an_endpoint_without_a_bucket_is_refused_not_ignored(monkeypatch: Any) -> None:
    monkeypatch.setenv("AWS_S3_ENDPOINT_URL", "http://minio.internal:9000")
    with pytest.raises(ImproperlyConfigured, match="AWS_STORAGE_BUCKET_NAME"):
        env_media_storages()
