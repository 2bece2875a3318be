"""Exporting: the exchange format round trip loses nothing."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import jsonschema
import pytest
from django.core.management import call_command
from PIL import Image

from catalog.models import PreviewLayer
from catalog.services import catalog_import, catalog_parse
from catalog.tests.factories import small_catalog

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
DEMOS = sorted((ROOT / "catalog" / "demo").glob("*.json"))


def _export(*codes: str) -> dict:  # type: ignore[type-arg]
    out = StringIO()
    call_command("export_catalog", *codes, stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize("path", DEMOS, ids=lambda p: p.name)
def test_demo_catalog_round_trips_exactly(path: Path) -> None:
    original = json.loads(path.read_text())
    catalog_import(catalog_parse(path.read_bytes()), base_dir=path.parent)
    exported = _export(original["products"][0]["code"])
    assert exported == original
    # and importing the export changes nothing
    catalog_import(catalog_parse(json.dumps(exported)))
    assert _export(original["products"][0]["code"]) == original


def test_round_trip_fills_defaults_then_is_stable() -> None:
    catalog_import(small_catalog())
    first = _export("bike")
    assert first["products"][0]["groups"][1]["required"] is False
    assert first["products"][0]["parameters"][0]["default"] == "175"
    catalog_import(catalog_parse(json.dumps(first)))
    assert _export("bike") == first


def test_layer_images_travel_with_the_file(tmp_path: Path) -> None:
    source = tmp_path / "in"
    (source / "art").mkdir(parents=True)
    Image.new("RGBA", (20, 10), (200, 30, 30, 255)).save(source / "art" / "body.png")
    data = small_catalog()
    data["products"][0]["groups"][0]["options"][0]["layers"] = [{"image": "art/body.png", "z": 10, "tint": "#112233"}]
    (source / "bike.json").write_text(json.dumps(data))
    call_command("import_catalog", str(source / "bike.json"))
    layer = PreviewLayer.objects.get()
    assert layer.option is not None
    assert str(layer.image.name).startswith("preview/") and layer.option.code == "blue"

    out = tmp_path / "out" / "bike.json"
    out.parent.mkdir()
    call_command("export_catalog", "bike", "--output", str(out), stderr=StringIO())
    exported = json.loads(out.read_text())
    image = exported["products"][0]["groups"][0]["options"][0]["layers"][0]["image"]
    assert (out.parent / image).read_bytes() == (source / "art" / "body.png").read_bytes()
    call_command("import_catalog", str(out))
    assert PreviewLayer.objects.get().image.name == layer.image.name


@pytest.mark.parametrize("path", DEMOS, ids=lambda p: p.name)
def test_demo_catalogs_follow_the_published_json_schema(path: Path) -> None:
    schema = json.loads((ROOT / "docs" / "catalog-format.schema.json").read_text())
    jsonschema.validate(json.loads(path.read_text()), schema)


def test_json_schema_rejects_what_the_importer_rejects() -> None:
    schema = json.loads((ROOT / "docs" / "catalog-format.schema.json").read_text())
    data = small_catalog()
    data["products"][0]["groups"][0]["kind"] = "several"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)
