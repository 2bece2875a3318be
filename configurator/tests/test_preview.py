"""The live preview: recipes, keys, tinting, text, the image view and its caches."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image

from catalog.storage import ContentAddressedStorage, content_name
from configurator import preview
from configurator.engine.model import Layer, Product, product_from_dict, product_to_dict
from configurator.engine.schema import check_product
from configurator.engine.selection import Selection


@pytest.fixture(autouse=True)
def _preview_dirs(settings: Any, tmp_path: Path) -> Iterator[None]:
    """Give each test its own media and preview folders and a cold layer cache."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PREVIEW_ROOT = tmp_path / "previews"
    preview._layers.clear()
    yield
    preview._layers.clear()


def _store(image: Image.Image) -> str:
    out = io.BytesIO()
    image.save(out, "PNG")
    content = ContentFile(out.getvalue())
    return ContentAddressedStorage().save(content_name(content, "layer.png"), content)


def _mask() -> str:
    """A white square mask in the middle of a 100×80 canvas, transparent elsewhere."""
    image = Image.new("LA", (100, 80), (0, 0))
    image.paste((255, 255), (30, 20, 70, 60))
    return _store(image)


def _patch(colour: tuple[int, int, int, int]) -> str:
    image = Image.new("RGBA", (100, 80), (0, 0, 0, 0))
    image.paste(colour, (10, 10, 40, 40))
    return _store(image)


def _product(**layers: tuple[Layer, ...]) -> Product:
    """A small product: colour (choice), extras (multi), a monogram drawn on the canvas."""
    data: dict[str, Any] = {
        "code": "mug",
        "name": "Mug",
        "currency": "EUR",
        "base_price": "10.00",
        "groups": [
            {
                "code": "colour",
                "name": "Colour",
                "options": [
                    {"code": "red", "name": "Red", "swatch": "#cc0000"},
                    {"code": "blue", "name": "Blue", "swatch": "#0000cc"},
                ],
            },
            {
                "code": "extras",
                "name": "Extras",
                "kind": "multi",
                "required": False,
                "options": [{"code": "lid", "name": "Lid"}, {"code": "band", "name": "Band"}],
            },
            {
                "code": "place",
                "name": "Place",
                "required": False,
                "options": [{"code": "top", "name": "Top"}, {"code": "bottom", "name": "Bottom"}],
            },
        ],
        "texts": [
            {
                "code": "monogram",
                "name": "Monogram",
                "max_length": 3,
                "preview": {
                    "x": 50,
                    "y": 40,
                    "size": 30,
                    "color": "#000000",
                    "font": "sans-bold",
                    "color_from": "colour",
                    "place_from": "place",
                    "places": {"top": {"x": 50, "y": 15, "size": 12}},
                },
            }
        ],
        "preview": {"width": 100, "height": 80, "background": "#ffffff"},
    }
    for group in data["groups"]:
        for option in group["options"]:
            option["layers"] = _layers_data(layers.get(f"{group['code']}.{option['code']}", ()))
    data["preview"]["layers"] = _layers_data(layers.get("base", ()))
    return product_from_dict(data)


def _layers_data(layers: tuple[Layer, ...]) -> list[dict[str, Any]]:
    return [{"image": layer.image, "z": layer.z, "tint": layer.tint} for layer in layers]


def _selection(texts: dict[str, str] | None = None, **choices: str | list[str]) -> Selection:
    return Selection(
        choices={g: frozenset([o] if isinstance(o, str) else o) for g, o in choices.items()}, texts=texts or {}
    )


def _pixels(content: bytes) -> Image.Image:
    return Image.open(io.BytesIO(content)).convert("RGB")


def _rgb(image: Image.Image, x: int, y: int) -> tuple[int, int, int]:
    pixel = image.getpixel((x, y))
    assert isinstance(pixel, tuple) and len(pixel) == 3, pixel
    return pixel[0], pixel[1], pixel[2]


# -- recipes -------------------------------------------------------------------------------


def test_recipe_has_base_and_chosen_layers_in_z_order() -> None:
    product = _product(
        base=(Layer("base/shadow.png", 0), Layer("base/top.png", 50)),
        **{
            "colour.red": (Layer("red/body.png", 10, "#cc0000"),),
            "colour.blue": (Layer("blue/body.png", 10, "#0000cc"),),
            "extras.lid": (Layer("lid.png", 30),),
            "extras.band": (Layer("band.png", 20), Layer("band-shine.png", 60)),
        },
    )
    recipe = preview.preview_recipe(product, _selection(colour="red", extras=["lid", "band"]))
    assert [(layer.image, layer.tint) for layer in recipe.layers] == [
        ("base/shadow.png", ""),
        ("red/body.png", "#cc0000"),
        ("band.png", ""),
        ("lid.png", ""),
        ("base/top.png", ""),
        ("band-shine.png", ""),
    ]
    other = preview.preview_recipe(product, _selection(colour="blue"))
    assert [layer.image for layer in other.layers] == ["base/shadow.png", "blue/body.png", "base/top.png"]


def test_equal_z_keeps_catalog_order_and_unknown_choices_are_ignored() -> None:
    product = _product(
        base=(Layer("a.png", 5),), **{"extras.lid": (Layer("b.png", 5),), "extras.band": (Layer("c.png", 5),)}
    )
    recipe = preview.preview_recipe(product, _selection(extras=["band", "lid", "nope"], ghost="x"))
    assert [layer.image for layer in recipe.layers] == ["a.png", "b.png", "c.png"]


def test_text_takes_colour_and_place_from_chosen_options() -> None:
    product = _product()
    assert preview.preview_recipe(product, _selection(colour="red")).texts == ()
    assert preview.preview_recipe(product, _selection({"monogram": "  "})).texts == ()
    plain = preview.preview_recipe(product, _selection({"monogram": "AB"})).texts
    assert [(t.text, t.x, t.y, t.size, t.color, t.font) for t in plain] == [("AB", 50, 40, 30, "#000000", "sans-bold")]
    styled = preview.preview_recipe(product, _selection({"monogram": "AB"}, colour="blue", place="top")).texts[0]
    assert (styled.x, styled.y, styled.size, styled.color, styled.anchor) == (50, 15, 12, "#0000cc", "mm")
    # an option without a place keeps the preview's own position
    assert preview.preview_recipe(product, _selection({"monogram": "AB"}, place="bottom")).texts[0].y == 40


def test_same_look_same_key_other_look_other_key() -> None:
    product = _product(**{"colour.red": (Layer("body.png", 1, "#cc0000"),)})
    first = preview.preview_recipe(product, _selection(colour="red", place="bottom"))
    # the place group draws nothing without a monogram: the same look
    assert first.key == preview.preview_recipe(product, _selection(colour="red")).key
    assert len(first.key) == 64
    keys = {
        first.key,
        preview.preview_recipe(product, _selection(colour="blue")).key,
        preview.preview_recipe(product, _selection({"monogram": "A"}, colour="red")).key,
        preview.preview_recipe(product, _selection({"monogram": "B"}, colour="red")).key,
        preview.preview_recipe(product, _selection({"monogram": "B"}, colour="blue")).key,
    }
    assert len(keys) == 5


def test_default_recipe_uses_the_groups_defaults() -> None:
    data = product_to_dict(_product(**{"colour.blue": (Layer("blue.png", 1, "#0000cc"),)}))
    data["groups"][0]["default"] = "blue"
    recipe = preview.default_recipe(product_from_dict(data))
    assert [layer.image for layer in recipe.layers] == ["blue.png"]


# -- the catalog format ----------------------------------------------------------------------


def test_text_preview_options_round_trip_through_the_format() -> None:
    data = product_to_dict(_product())
    assert data["texts"][0]["preview"]["places"] == {"top": {"x": 50, "y": 15, "size": 12, "anchor": None}}
    assert check_product(data) == []
    assert product_to_dict(product_from_dict(data)) == data


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"color_from": "colur"}, "$.texts[0].preview.color_from", "did you mean 'colour'"),
        ({"place_from": "nowhere"}, "$.texts[0].preview.place_from", "unknown group 'nowhere'"),
        ({"places": {"side": {"x": 1, "y": 2}}}, "$.texts[0].preview.places.side", "unknown option 'side'"),
        ({"places": {"top": {"x": 1}}}, "$.texts[0].preview.places.top", "missing required key 'y'"),
        ({"places": {"top": {"x": 1, "y": 2, "anchor": "zz"}}}, "$.texts[0].preview.places.top.anchor", "anchor"),
        ({"place_from": "", "places": {"top": {"x": 1, "y": 2}}}, "$.texts[0].preview.places", "place_from"),
    ],
)
def test_schema_reports_bad_text_preview_options(change: dict[str, Any], path: str, message: str) -> None:
    data = product_to_dict(_product())
    data["texts"][0]["preview"].update(change)
    problems = check_product(data)
    assert [p.path for p in problems] == [path]
    assert message in problems[0].message


# -- rendering -------------------------------------------------------------------------------


def test_tint_colours_a_grey_mask_and_keeps_its_alpha() -> None:
    mask = _mask()
    product = _product(**{"colour.red": (Layer(mask, 1, "#cc2000"),), "colour.blue": (Layer(mask, 1, "#0000cc"),)})
    red = _pixels(preview.preview_render(preview.preview_recipe(product, _selection(colour="red")), "large", "png"))
    assert red.size == (100, 80)
    assert red.getpixel((50, 40)) == (0xCC, 0x20, 0x00)
    assert red.getpixel((5, 5)) == (255, 255, 255)  # outside the mask: the background
    blue = _pixels(preview.preview_render(preview.preview_recipe(product, _selection(colour="blue")), "large", "png"))
    assert blue.getpixel((50, 40)) == (0, 0, 0xCC)


def test_layers_are_composited_in_order_and_small_is_half_size() -> None:
    product = _product(
        base=(Layer(_patch((0, 200, 0, 255)), 2),), **{"extras.lid": (Layer(_patch((200, 0, 0, 255)), 1),)}
    )
    recipe = preview.preview_recipe(product, _selection(extras=["lid"]))
    large = _pixels(preview.preview_render(recipe, "large", "png"))
    assert large.getpixel((25, 25)) == (0, 200, 0)  # the base layer (z 2) covers the lid (z 1)
    small = Image.open(io.BytesIO(preview.preview_render(recipe, "small", "webp")))
    assert small.format == "WEBP" and small.size == (50, 40)


def test_text_is_drawn_where_the_chosen_place_says() -> None:
    product = _product()
    blank = _pixels(preview.preview_render(preview.preview_recipe(product, _selection()), "large", "png"))
    recipe = preview.preview_recipe(product, _selection({"monogram": "MW"}, colour="red"))
    drawn = _pixels(preview.preview_render(recipe, "large", "png"))
    middle = [_rgb(drawn, x, y) for x in range(30, 70) for y in range(30, 50)]
    assert any(r > 150 and g < 80 and b < 80 for r, g, b in middle)  # red letters in the middle
    assert blank.getpixel((50, 40)) == (255, 255, 255)
    top = _pixels(
        preview.preview_render(
            preview.preview_recipe(product, _selection({"monogram": "MW"}, place="top")), "large", "png"
        )
    )
    assert any(top.getpixel((x, y)) != (255, 255, 255) for x in range(35, 65) for y in range(8, 22))
    assert all(top.getpixel((x, y)) == (255, 255, 255) for x in range(30, 70) for y in range(32, 48))


def test_a_layer_of_another_size_is_fitted_to_the_canvas() -> None:
    small = Image.new("RGBA", (50, 40), (0, 0, 0, 0))
    small.paste((0, 0, 255, 255), (25, 0, 50, 40))  # the right half
    product = _product(base=(Layer(_store(small), 1),))
    large = _pixels(preview.preview_render(preview.preview_recipe(product, _selection()), "large", "png"))
    assert large.getpixel((90, 70)) == (0, 0, 255) and large.getpixel((10, 10)) == (255, 255, 255)


def test_a_missing_layer_image_is_reported_not_rendered() -> None:
    recipe = preview.Recipe(100, 80, "#ffffff", (preview.RecipeLayer("preview/missing.png"),))
    with pytest.raises(preview.PreviewUnavailable):
        preview.preview_render(recipe, "large", "png")


# -- addresses and the image view --------------------------------------------------------------


def test_urls_name_both_sizes_and_formats_without_rendering(settings: Any) -> None:
    recipe = preview.preview_recipe(_product(), _selection())
    urls = preview.preview_urls(recipe)
    assert urls.large.webp == f"/preview/{recipe.key}-large.webp"
    assert urls.small.png == f"/preview/{recipe.key}-small.png"
    assert (urls.large.width, urls.large.height, urls.small.width, urls.small.height) == (100, 80, 50, 40)
    assert urls.as_data()["small"]["webp"] == f"/preview/{recipe.key}-small.webp"
    stored = list(Path(settings.PREVIEW_ROOT).rglob("*"))
    assert [p.name for p in stored if p.is_file()] == [f"{recipe.key}.json"]
    assert preview.recipe_load(recipe.key) == recipe


@pytest.mark.parametrize(
    ("fmt", "content_type", "magic"), [("webp", "image/webp", b"RIFF"), ("png", "image/png", b"\x89PNG")]
)
def test_view_serves_the_picture_with_long_cache_headers(
    client: Client, fmt: str, content_type: str, magic: bytes
) -> None:
    product = _product(**{"colour.red": (Layer(_mask(), 1, "#cc0000"),)})
    url = getattr(preview.preview_urls(preview.preview_recipe(product, _selection(colour="red"))).large, fmt)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.content.startswith(magic)
    etag = response["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again["ETag"] == etag and again.content == b""


def test_view_renders_once_then_serves_the_stored_picture(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    urls = preview.preview_urls(preview.preview_recipe(_product(), _selection({"monogram": "A"})))
    calls = []
    real = preview.preview_render

    def counting(*args: Any) -> bytes:
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(preview, "preview_render", counting)
    first = client.get(urls.small.webp).content
    second = client.get(urls.small.webp).content
    assert first == second and len(calls) == 1
    client.get(urls.small.png)
    assert len(calls) == 2


@pytest.mark.parametrize(
    "path",
    [
        "/preview/" + "0" * 64 + "-large.webp",  # well formed, never stored
        "/preview/not-a-key-large.png",
        "/preview/{key}-huge.webp",
        "/preview/{key}-large.gif",
        "/preview/{key}-large.",
        "/preview/{KEY}-large.png",
    ],
)
def test_view_answers_404_for_unknown_key_size_or_format(client: Client, path: str) -> None:
    key = preview.preview_urls(preview.preview_recipe(_product(), _selection())).key
    response = client.get(path.format(key=key, KEY=key.upper()), headers={"If-None-Match": "*"})
    assert response.status_code == 404


def test_view_answers_404_for_a_tampered_recipe(client: Client, settings: Any) -> None:
    recipe = preview.preview_recipe(_product(), _selection())
    urls = preview.preview_urls(recipe)
    stored = Path(settings.PREVIEW_ROOT) / recipe.key[:2] / f"{recipe.key}.json"
    stored.write_text(stored.read_text().replace("#ffffff", "#000000"))
    assert client.get(urls.large.png).status_code == 404


def test_view_answers_404_when_a_layer_image_is_gone(client: Client) -> None:
    recipe = preview.Recipe(100, 80, "#ffffff", (preview.RecipeLayer("preview/gone.png"),))
    assert client.get(preview.preview_urls(recipe).large.png).status_code == 404


@pytest.mark.django_db
def test_demo_products_preview_through_their_published_versions(client: Client) -> None:
    from django.core.management import call_command

    from catalog.models import CatalogVersion
    from configurator.loading import version_model

    call_command("load_demo", stdout=io.StringIO())
    for version in CatalogVersion.objects.all():
        model = version_model(version)
        recipe = preview.default_recipe(model)
        assert len(recipe.layers) >= 5
        response = client.get(preview.preview_urls(recipe).small.webp)
        assert response.status_code == 200
        image = Image.open(io.BytesIO(response.content))
        assert image.size == (model.preview.width // 2, model.preview.height // 2)
