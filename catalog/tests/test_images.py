"""Limits on preview layer images and the preview canvas, wherever they enter the catalog."""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image

from catalog.images import image_header, layer_image_problems
from catalog.models import Option, PreviewLayer, Product
from catalog.services import CatalogError, catalog_import, catalog_lint, catalog_publish
from catalog.storage import ContentAddressedStorage, content_name
from catalog.tests.factories import small_catalog
from configurator import preview
from configurator.engine.model import PREVIEW_MAX_SIDE

pytestmark = pytest.mark.django_db

HUGE = "This image is 12000×12000 pixels (144 Mpx); at most 16 Mpx."


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PREVIEW_ROOT = tmp_path / "previews"
    preview._layers.clear()
    yield
    preview._layers.clear()


@pytest.fixture(scope="module")
def huge_png() -> bytes:
    """A 12000×12000 single-colour PNG: 144 Mpx in about 18 KB."""
    return _png(Image.new("1", (12000, 12000)))


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _noise(width: int, height: int) -> bytes:
    """A PNG that does not compress: about one byte per pixel."""
    return _png(Image.frombytes("L", (width, height), os.urandom(width * height)))


@pytest.fixture
def bike() -> Product:
    catalog_import(small_catalog())
    return Product.objects.get(code="bike")


@pytest.fixture
def staff(client: Client, merchandiser: Any) -> Client:
    client.force_login(merchandiser)
    return client


def _upload_option_layer(staff: Client, option: Option, content: bytes) -> Any:
    """Post the option's admin page as it is, plus one new layer with `content` as its image."""
    url = reverse("admin:catalog_option_change", args=[option.pk])
    form = staff.get(url).context["adminform"].form
    data: dict[str, Any] = {}
    for name, value in form.initial.items():
        if value is True:
            data[name] = "on"
        elif value is not None and value is not False:
            data[name] = str(value)
    data |= {
        "layers-TOTAL_FORMS": "1",
        "layers-INITIAL_FORMS": "0",
        "layers-MIN_NUM_FORMS": "0",
        "layers-MAX_NUM_FORMS": "1000",
        "layers-0-image": SimpleUploadedFile("layer.png", content, content_type="image/png"),
        "layers-0-z": "1",
        "layers-0-tint": "",
    }
    return staff.post(url, data)


def _blue(bike: Product) -> Option:
    return Option.objects.get(group__product=bike, code="blue")


# -- the admin ------------------------------------------------------------------------------


def test_the_admin_accepts_a_layer_within_the_limits(staff: Client, bike: Product) -> None:
    response = _upload_option_layer(staff, _blue(bike), _png(Image.new("RGBA", (800, 600))))
    assert response.status_code == 302
    assert PreviewLayer.objects.get().product == bike


def test_the_admin_refuses_a_144_megapixel_layer_naming_its_size(staff: Client, bike: Product, huge_png: bytes) -> None:
    response = _upload_option_layer(staff, _blue(bike), huge_png)
    assert response.status_code == 200
    assert HUGE in response.text
    assert not PreviewLayer.objects.exists()


def test_the_admin_refuses_a_layer_file_over_the_size_limit(staff: Client, bike: Product, settings: Any) -> None:
    settings.CATALOG_LAYER_MAX_BYTES = 100 * 1024
    response = _upload_option_layer(staff, _blue(bike), _noise(400, 300))
    assert response.status_code == 200
    assert re.search(r"This file is 11\d\.\d\xa0KB; at most 100\.0\xa0KB\.", response.text)
    assert not PreviewLayer.objects.exists()


def test_the_admin_refuses_a_layer_far_larger_than_the_preview_canvas(staff: Client, bike: Product) -> None:
    response = _upload_option_layer(staff, _blue(bike), _png(Image.new("1", (2000, 1000))))
    assert response.status_code == 200
    assert (
        "This image is 2000×1000 pixels; the preview canvas is 800×600, so at most 1600×1200 (twice the canvas)."
        in response.text
    )
    assert not PreviewLayer.objects.exists()


def test_the_upload_field_states_the_limits(staff: Client, bike: Product) -> None:
    page = staff.get(reverse("admin:catalog_option_change", args=[_blue(bike).pk]))
    assert "At most 8.0\xa0MB and 16 Mpx, and at most twice the preview canvas in width and height." in page.text


def test_a_preview_canvas_larger_than_the_renderer_draws_is_refused(bike: Product) -> None:
    bike.preview_width = PREVIEW_MAX_SIDE + 1
    with pytest.raises(ValidationError) as caught:
        bike.full_clean()
    assert caught.value.message_dict["preview_width"] == ["Ensure this value is less than or equal to 4096."]
    bike.preview_width = PREVIEW_MAX_SIDE
    bike.full_clean()


# -- import_catalog -------------------------------------------------------------------------


def _catalog_with_layer(tmp_path: Path, content: bytes, **preview: Any) -> dict[str, Any]:
    (tmp_path / "layer.png").write_bytes(content)
    data = small_catalog()
    data["products"][0]["preview"] = {"width": 800, "height": 600, **preview, "layers": [{"image": "layer.png"}]}
    return data


def test_import_refuses_a_144_megapixel_layer(tmp_path: Path, huge_png: bytes) -> None:
    with pytest.raises(CatalogError) as caught:
        catalog_import(_catalog_with_layer(tmp_path, huge_png), base_dir=tmp_path)
    assert [str(p) for p in caught.value.problems] == [f"$.products[0].preview.layers[0].image: 'layer.png': {HUGE}"]
    assert not Product.objects.exists()


def test_import_refuses_a_layer_far_larger_than_its_canvas(tmp_path: Path) -> None:
    content = _png(Image.new("1", (1000, 1000)))
    with pytest.raises(CatalogError) as caught:
        catalog_import(_catalog_with_layer(tmp_path, content, width=400, height=300), base_dir=tmp_path)
    assert "the preview canvas is 400×300, so at most 800×600" in str(caught.value.problems[0])


def test_import_refuses_a_canvas_larger_than_the_renderer_draws(tmp_path: Path) -> None:
    data = _catalog_with_layer(tmp_path, _png(Image.new("1", (800, 600))), width=5000, height=3750)
    with pytest.raises(CatalogError) as caught:
        catalog_import(data, base_dir=tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        "$.products[0].preview.width: must be at most 4096, not 5000",
    ]


def test_the_catalog_file_schema_states_the_canvas_limit() -> None:
    schema = json.loads((Path(__file__).parents[2] / "docs" / "catalog-format.schema.json").read_text())
    product = schema["properties"]["products"]["items"]["properties"]["preview"]["properties"]
    assert product["width"]["maximum"] == product["height"]["maximum"] == PREVIEW_MAX_SIDE


# -- publishing -----------------------------------------------------------------------------


def _store_layer_unchecked(product: Product, content: bytes) -> PreviewLayer:
    """Store a layer as one uploaded before the limits was: no validation."""
    storage = ContentAddressedStorage()
    upload = ContentFile(content)
    name = storage.save(content_name(upload, "old.png"), upload)
    layer = PreviewLayer(product=product, z=0)
    layer.image.name = name
    layer.save()
    return layer


def test_publishing_warns_of_a_layer_stored_before_the_limits(bike: Product, huge_png: bytes) -> None:
    layer = _store_layer_unchecked(bike, huge_png)
    result = catalog_publish(bike)
    assert result.created
    assert [f"{w.subject}: {w.message}" for w in result.warnings] == [
        f"preview.layers[0]: layer image {layer.image.name}: {HUGE} This image is 12000×12000 pixels; the preview"
        " canvas is 800×600, so at most 1600×1200 (twice the canvas). Upload a smaller one."
    ]
    assert [f.subject for f in catalog_lint(bike)] == ["preview.layers[0]"]


def test_publishing_warns_of_a_layer_whose_file_is_missing(bike: Product) -> None:
    PreviewLayer.objects.create(product=bike, image="preview/0123456789abcdef0123456789abcdef.png")
    warnings = catalog_publish(bike).warnings
    assert [w.subject for w in warnings] == ["preview.layers[0]"]
    assert "cannot be read" in warnings[0].message and "the preview will not show" in warnings[0].message


# -- the renderer ---------------------------------------------------------------------------


def test_the_renderer_refuses_to_decode_a_layer_over_pillows_limit(bike: Product) -> None:
    # 6000×6000 (36 Mpx) is over twice Pillow's limit as the catalog sets it (16.8 Mpx):
    # the preview is unavailable at once rather than decoded for seconds.
    layer = _store_layer_unchecked(bike, _png(Image.new("1", (6000, 6000))))
    layers = (preview.RecipeLayer(str(layer.image.name)),)
    recipe = preview.Recipe(width=800, height=600, background="#ffffff", layers=layers)
    with pytest.raises(preview.PreviewUnavailable, match="decompression bomb"):
        preview.preview_render(recipe, "large", "png")


def test_the_limit_message_is_translated(huge_png: bytes) -> None:
    with translation.override("it"):
        problems = layer_image_problems(size=None, header=image_header(io.BytesIO(huge_png)), canvas=None)
    assert problems == ["Questa immagine è di 12000×12000 pixel (144 Mpx); al massimo 16 Mpx."]
