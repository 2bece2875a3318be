"""The live preview: Pillow composites the look of a configuration.

A look is first described as a `Recipe` (canvas, layer images with their tints in
z-order, texts with their drawing attributes). Its `key`, a SHA-256 of the canonical
recipe, names every picture of that look: the same look anywhere (another shopper,
another process, another catalog version with the same art) has the same key, so it is
rendered once. `preview_urls` only stores the recipe and names the pictures; the image
view renders a picture on its first request (`preview_file`) and keeps it in the
previews store (`STORAGES["previews"]`: settings.PREVIEW_ROOT, or a bucket shared by
every server), content-addressed, for every later request and every other server.

Files there are derived and may go at any time: on the local disk each use renews a
file's modification time (at most hourly), which `configurator.preview_expiry` reads to
remove what is no longer used. Orders copy their look's picture into the media store.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from catalog.storage import ContentAddressedStorage
from configurator.engine.model import PREVIEW_MAX_SIDE, Option, Product, TextField
from configurator.engine.selection import Selection

logger = logging.getLogger(__name__)

SIZES: dict[str, int] = {"large": 1, "small": 2}  # the divisor of the canvas size
FORMATS: dict[str, str] = {"webp": "image/webp", "png": "image/png"}

# Part of every key: changing how recipes are drawn must change every address, since
# browsers keep a picture for a year.
RENDERER = "configurator-preview/1"
KEY = re.compile(r"[0-9a-f]{64}\Z")
COLOUR = re.compile(r"#[0-9a-fA-F]{6}\Z")
_ANCHORS = frozenset(a + b for a in "lmr" for b in "tmbas")


class PreviewUnavailable(Exception):
    """A recipe refers to a layer image that cannot be read (missing media file)."""


# -- recipes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecipeLayer:
    """A stored layer image (content-addressed name) and its tint ('' for none)."""

    image: str
    tint: str = ""


@dataclass(frozen=True)
class RecipeText:
    """One text as drawn: its string and every attribute that changes the pixels."""

    text: str
    x: int
    y: int
    size: int
    color: str
    font: str
    anchor: str


@dataclass(frozen=True)
class Recipe:
    """Everything that shows in a preview, and nothing else."""

    width: int
    height: int
    background: str
    layers: tuple[RecipeLayer, ...] = ()
    texts: tuple[RecipeText, ...] = ()

    def as_data(self) -> dict[str, Any]:
        """Return the canonical JSON-able form (what the key hashes and what is stored)."""
        return {
            "renderer": RENDERER,
            "width": self.width,
            "height": self.height,
            "background": self.background.lower(),
            "layers": [[layer.image, layer.tint.lower()] for layer in self.layers],
            "texts": [asdict(text) | {"color": text.color.lower()} for text in self.texts],
        }

    @cached_property
    def key(self) -> str:
        """Return the SHA-256 hex digest of the canonical recipe: same look, same key."""
        canonical = json.dumps(self.as_data(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()

    @classmethod
    def from_data(cls, data: Any) -> Recipe | None:
        """Rebuild a recipe from `as_data` output; return None for anything malformed."""
        try:
            if data["renderer"] != RENDERER:
                return None
            recipe = cls(
                width=_int(data["width"], 1, PREVIEW_MAX_SIDE),
                height=_int(data["height"], 1, PREVIEW_MAX_SIDE),
                background=_colour(data["background"]),
                layers=tuple(RecipeLayer(image=_str(image), tint=_colour(tint, "")) for image, tint in data["layers"]),
                texts=tuple(
                    RecipeText(
                        text=_str(t["text"]),
                        x=_int(t["x"], -10000, 10000),
                        y=_int(t["y"], -10000, 10000),
                        size=_int(t["size"], 1, 1000),
                        color=_colour(t["color"]),
                        font=_str(t["font"]),
                        anchor=_str(t["anchor"]),
                    )
                    for t in data["texts"]
                ),
            )
        except (KeyError, TypeError, ValueError):
            return None
        return recipe


def _int(value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(value)
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(value)
    return value


def _colour(value: Any, empty: str | None = None) -> str:
    if value == "" and empty is not None:
        return empty
    if not isinstance(value, str) or not COLOUR.match(value):
        raise ValueError(value)
    return value


def _chosen(product: Product, selection: Selection, group_code: str) -> Iterator[Option]:
    """Yield the chosen options of a group, in catalog order (sets have no stable order)."""
    group = product.group(group_code)
    chosen = selection.choices.get(group_code, frozenset())
    if group is None or not chosen:
        return
    yield from (option for option in group.options if option.code in chosen)


def _text(product: Product, selection: Selection, field: TextField) -> RecipeText | None:
    preview = field.preview
    string = selection.texts.get(field.code, "")
    if preview is None or not string.strip():
        return None
    color = preview.color
    if preview.color_from:
        color = next((o.swatch for o in _chosen(product, selection, preview.color_from) if o.swatch), color)
    x, y, size, anchor = preview.x, preview.y, preview.size, preview.anchor
    if preview.place_from:
        for option in _chosen(product, selection, preview.place_from):
            place = preview.place(option.code)
            if place is not None:
                x, y = place.x, place.y
                size = place.size or size
                anchor = place.anchor or anchor
                break
    return RecipeText(text=string, x=x, y=y, size=size, color=color, font=preview.font, anchor=anchor)


def preview_recipe(product: Product, selection: Selection) -> Recipe:
    """Return what the preview of `selection` shows.

    The product's base layers and the layers of every chosen option (multi groups
    too), sorted by z (stable: at equal z, base first, then groups and options in
    catalog order, then each option's own order); then every text field with a
    `preview` and a non-empty text, coloured and placed as the options chosen in its
    `color_from` and `place_from` groups say. Unknown groups or options are ignored.
    """
    layers = list(product.preview.layers)
    for group in product.groups:
        for option in _chosen(product, selection, group.code):
            layers.extend(option.layers)
    layers.sort(key=lambda layer: layer.z)
    texts = tuple(t for t in (_text(product, selection, field) for field in product.texts) if t is not None)
    return Recipe(
        width=product.preview.width,
        height=product.preview.height,
        background=product.preview.background,
        layers=tuple(RecipeLayer(image=layer.image, tint=layer.tint) for layer in layers),
        texts=texts,
    )


def default_selection(product: Product) -> Selection:
    """Return the selection of every group's default options (the product's default look)."""
    return Selection(choices={g.code: frozenset(g.default) for g in product.groups if g.default})


def default_recipe(product: Product) -> Recipe:
    """Return the recipe of the product's default look, e.g. for a product card."""
    return preview_recipe(product, default_selection(product))


# -- addresses -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewImage:
    """One size of a preview: its pixel size and its two addresses."""

    width: int
    height: int
    webp: str
    png: str


@dataclass(frozen=True)
class PreviewUrls:
    """The addresses of a look at both sizes; `dataclasses.asdict` makes it JSON."""

    key: str
    large: PreviewImage
    small: PreviewImage

    def as_data(self) -> dict[str, Any]:
        return asdict(self)


def preview_store() -> Storage:
    """Return the store of recipes and pictures (STORAGES["previews"]: PREVIEW_ROOT or a bucket)."""
    return storages["previews"]


def stored_name(key: str, suffix: str) -> str:
    """Return the stored name of `key`'s recipe (`.json`) or picture (`-large.webp`)."""
    # Two-letter fan-out keeps directories small when there are many looks.
    return f"{key[:2]}/{key}{suffix}"


def _used(name: str) -> bool:
    """Record a use of `name` for expiry where the store can; return False when it is not there."""
    store = preview_store()
    touch = getattr(store, "touch", None)
    if touch is not None:
        used: bool = touch(name)
        return used
    return store.exists(name)


def _touch(name: str) -> None:
    """Record a use of `name`, just read, where the store keeps uses (the local disk); else nothing."""
    touch = getattr(preview_store(), "touch", None)
    if touch is not None:
        touch(name)


def _read(name: str) -> bytes | None:
    """Return the bytes stored as `name`, or None when it is not (or no longer) there."""
    try:
        with preview_store().open(name, "rb") as handle:
            content: bytes = handle.read()
    except FileNotFoundError:
        return None
    return content


def recipe_save(recipe: Recipe) -> bool:
    """Store `recipe` under its key (once), so any process can render it later; return True if new."""
    name = stored_name(recipe.key, ".json")
    if _used(name):
        return False
    preview_store().save(name, ContentFile(json.dumps(recipe.as_data(), sort_keys=True).encode()))
    return True


def recipe_stored(recipe: Recipe) -> bool:
    """Return True if `recipe` is already stored (its look was shown before and has not expired)."""
    return preview_store().exists(stored_name(recipe.key, ".json"))


def recipe_load(key: str) -> Recipe | None:
    """Return the stored recipe of `key`, or None when unknown, unreadable or not matching."""
    if not KEY.match(key):
        return None
    name = stored_name(key, ".json")
    content = _read(name)
    if content is None:
        return None
    try:
        data = json.loads(content)
    except ValueError:
        return None
    _touch(name)
    recipe = Recipe.from_data(data)
    # A file whose content does not hash to its name is not trusted (edited, corrupt).
    return recipe if recipe is not None and recipe.key == key else None


def image_size(recipe: Recipe, size: str) -> tuple[int, int]:
    """Return the pixel size of the `size` picture of `recipe`."""
    divisor = SIZES[size]
    return max(1, recipe.width // divisor), max(1, recipe.height // divisor)


def preview_urls(recipe: Recipe) -> PreviewUrls:
    """Store the recipe and return the addresses of its pictures (nothing is rendered)."""
    recipe_save(recipe)
    images = {}
    for size in SIZES:
        width, height = image_size(recipe, size)
        urls = {fmt: reverse("preview-image", kwargs={"key": recipe.key, "size": size, "fmt": fmt}) for fmt in FORMATS}
        images[size] = PreviewImage(width=width, height=height, webp=urls["webp"], png=urls["png"])
    return PreviewUrls(key=recipe.key, large=images["large"], small=images["small"])


# -- rendering -----------------------------------------------------------------------------

_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
    Path("/Library/Fonts"),
)
# Catalog font names and the DejaVu faces that draw them; DejaVu has no script face,
# its serif italic is the closest to an embroidered monogram.
_FONT_FILES = {
    "serif": "DejaVuSerif.ttf",
    "serif-bold": "DejaVuSerif-Bold.ttf",
    "sans": "DejaVuSans.ttf",
    "sans-serif": "DejaVuSans.ttf",
    "sans-bold": "DejaVuSans-Bold.ttf",
    "mono": "DejaVuSansMono.ttf",
    "monospace": "DejaVuSansMono.ttf",
    "script": "DejaVuSerif-BoldItalic.ttf",
}


@lru_cache(maxsize=64)
def _font(name: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    filename = _FONT_FILES.get(name.lower(), _FONT_FILES["serif"])
    for folder in _FONT_DIRS:
        if (folder / filename).is_file():
            return ImageFont.truetype(str(folder / filename), size)
    # Without DejaVu (a bare container, macOS): Pillow's bundled font, still scalable.
    return ImageFont.load_default(size=size)


#: A prepared layer: where its cropped image goes on the canvas, or None if it is empty.
_Prepared = tuple[tuple[int, int], Image.Image | None]


class _LayerCache:
    """Decoded, tinted and scaled layers, cropped to what they cover, by a byte budget.

    Stored names are content-addressed, so an entry is never stale; only memory bounds
    the cache.
    """

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.used = 0
        self.entries: OrderedDict[tuple[str, str, tuple[int, int]], _Prepared] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, image: str, tint: str, size: tuple[int, int]) -> _Prepared:
        """Return the layer `image` tinted with `tint` and fitted to a canvas of `size`."""
        key = (image, tint, size)
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
                return entry
        entry = _prepare(image, tint, size)
        with self.lock:
            if key not in self.entries:
                self.entries[key] = entry
                self.used += _cost(entry[1])
                while self.used > self.budget and len(self.entries) > 1:
                    _, (_, old) = self.entries.popitem(last=False)
                    self.used -= _cost(old)
        return entry

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.used = 0


def _cost(image: Image.Image | None) -> int:
    return 0 if image is None else image.width * image.height * 4


_layers = _LayerCache(budget=128 * 1024 * 1024)


def _open(name: str) -> Image.Image:
    storage = ContentAddressedStorage()
    try:
        with storage.open(name) as handle:
            image = Image.open(handle)
            image.load()
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError) as error:
        raise PreviewUnavailable(f"layer image {name!r} cannot be read: {error}") from None
    return image.convert("RGBA")


def _tinted(image: Image.Image, tint: str) -> Image.Image:
    """Colour a grey mask: each channel is the tint times the grey level; alpha is kept."""
    red, green, blue = (int(tint[i : i + 2], 16) for i in (1, 3, 5))
    grey = image.convert("L")
    # Three lookup tables applied by Pillow in C: far faster than per-pixel arithmetic.
    channels = [grey.point([value * level // 255 for value in range(256)]) for level in (red, green, blue)]
    return Image.merge("RGBA", (*channels, image.getchannel("A")))


def _prepare(name: str, tint: str, size: tuple[int, int]) -> _Prepared:
    image = _open(name)
    if image.size != size:
        # Layers are drawn for the canvas: the small size, or a layer of another size, is fitted.
        image = image.resize(size, Image.Resampling.LANCZOS)
    box = image.getchannel("A").getbbox()
    if box is None:
        return (0, 0), None
    # Cropped to what it covers, a wheel layer costs a wheel's pixels, not a canvas (and
    # tinting after the crop works on those pixels only).
    image = image.crop(box)
    return (box[0], box[1]), _tinted(image, tint) if tint else image


def _compose(recipe: Recipe, size: str) -> Image.Image:
    divisor = SIZES[size]
    pixels = image_size(recipe, size)
    canvas = Image.new("RGBA", pixels, recipe.background)
    for layer in recipe.layers:
        offset, image = _layers.get(layer.image, layer.tint, pixels)
        if image is not None:
            canvas.alpha_composite(image, dest=offset)
    if recipe.texts:
        draw = ImageDraw.Draw(canvas)
        for text in recipe.texts:
            font = _font(text.font, max(4, round(text.size / divisor)))
            anchor = text.anchor if text.anchor in _ANCHORS else "mm"
            draw.text((text.x / divisor, text.y / divisor), text.text, fill=text.color, font=font, anchor=anchor)
    return canvas


def preview_render(recipe: Recipe, size: str, fmt: str) -> bytes:
    """Render `recipe` at `size` ('large', 'small') as `fmt` ('webp', 'png') and return the bytes.

    Raise `PreviewUnavailable` when a layer image cannot be read or the canvas is larger
    than the shop draws (a version published before that bound), `KeyError` for an
    unknown size or format.
    """
    if fmt not in FORMATS:
        raise KeyError(fmt)
    if max(recipe.width, recipe.height) > PREVIEW_MAX_SIDE:
        raise PreviewUnavailable(f"canvas {recipe.width}×{recipe.height} is over {PREVIEW_MAX_SIDE} pixels a side")
    image = _compose(recipe, size).convert("RGB")
    out = io.BytesIO()
    if fmt == "webp":
        # method 1 encodes an 800×600 look in ~15 ms; method 4 (the default) takes three
        # times longer to save a fifth of the bytes, which the year-long caching makes moot.
        image.save(out, "WEBP", quality=85, method=1)
    else:
        image.save(out, "PNG", compress_level=3)
    return out.getvalue()


def preview_file(key: str, size: str, fmt: str) -> bytes | None:
    """Return the bytes of picture `key`/`size`/`fmt`, rendering and storing it when first asked.

    Return None when the key, size or format is unknown or the recipe's layer images
    cannot be read; nothing is then stored.
    """
    content = preview_stored(key, size, fmt)
    if content is not None:
        return content
    if size not in SIZES or fmt not in FORMATS or not KEY.match(key):
        return None
    recipe = recipe_load(key)
    if recipe is None:
        return None
    try:
        return preview_picture(recipe, size, fmt)
    except PreviewUnavailable as error:
        logger.warning("preview %s not rendered: %s", key, error)
        return None


def preview_picture(recipe: Recipe, size: str, fmt: str) -> bytes:
    """Return the bytes of `recipe`'s `size`/`fmt` picture: the stored one, else rendered now and stored.

    Raise `PreviewUnavailable` when it must be rendered and cannot be (see `preview_render`).
    """
    content = preview_stored(recipe.key, size, fmt)
    if content is None:
        content = preview_render(recipe, size, fmt)
        preview_store().save(stored_name(recipe.key, f"-{size}.{fmt}"), ContentFile(content))
    return content


def preview_stored(key: str, size: str, fmt: str) -> bytes | None:
    """Return the bytes of picture `key`/`size`/`fmt` if it is already rendered (a use), else None."""
    if size not in SIZES or fmt not in FORMATS or not KEY.match(key):
        return None
    name = stored_name(key, f"-{size}.{fmt}")
    content = _read(name)
    if content is not None:
        _touch(name)
    return content
