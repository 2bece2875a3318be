"""Limits on preview layer images, checked wherever an image enters the catalog.

A layer is decoded whole and fitted to the canvas on a look's first render, so its
file size and pixel count bound the time and memory of a preview (a 144 Mpx layer took
20 s and 1.5 GB). The admin (`LayerImageFormField`, `PreviewLayerForm`),
`import_catalog` and publishing (a warning for layers stored before these limits) all
judge an image with `layer_image_problems`. Pillow's own decompression-bomb limit,
set in `CatalogConfig.ready`, stays behind them as a backstop for any decoding.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from catalog.storage import ContentAddressedStorage
from configurator.engine.lint import Finding

# A layer is drawn at the canvas size: pixels beyond twice the canvas are only ever
# thrown away by the resize, while they cost memory and time on every first render.
LAYER_CANVAS_FACTOR = 2


@dataclass(frozen=True)
class ImageHeader:
    """What an image's header says: its format and pixel size."""

    format: str
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


def image_header(content: IO[bytes]) -> ImageHeader:
    """Return the format and size of the image in `content` without decoding its pixels.

    Unlike `Image.open`, no decompression-bomb check applies, so an oversized image is
    named with its size rather than refused as "not an image". Raise
    `UnidentifiedImageError` when no Pillow format recognises the bytes. `content` is
    left at its start.
    """
    Image.init()
    content.seek(0)
    prefix = content.read(16)
    try:
        for name in Image.ID:
            factory, accept = Image.OPEN[name]
            verdict = accept(prefix) if accept is not None else True
            if verdict is not True:  # False, or a string saying why not
                continue
            content.seek(0)
            try:
                image = factory(content, "")
            except (SyntaxError, IndexError, TypeError, struct.error, OSError):
                continue
            return ImageHeader(format=image.format or name, width=image.width, height=image.height)
    finally:
        content.seek(0)
    raise UnidentifiedImageError("not an image Pillow can read")


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}".removesuffix(".0")


def layer_image_problems(*, size: int | None, header: ImageHeader | None, canvas: tuple[int, int] | None) -> list[str]:
    """Return, translated, what makes a layer image too large; [] when it fits.

    `size` is the file's length in bytes, `header` its pixel size and `canvas` the
    preview canvas (width, height) it is drawn on; None skips that check.
    """
    problems: list[str] = []
    max_bytes: int = settings.CATALOG_LAYER_MAX_BYTES
    max_pixels: int = settings.CATALOG_LAYER_MAX_PIXELS
    if size is not None and size > max_bytes:
        problems.append(
            _("This file is %(size)s; at most %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(max_bytes)}
        )
    if header is None:
        return problems
    if header.pixels > max_pixels:
        problems.append(
            _("This image is %(width)d×%(height)d pixels (%(mpx)s Mpx); at most %(limit)s Mpx.")
            % {
                "width": header.width,
                "height": header.height,
                "mpx": _megapixels(header.pixels),
                "limit": _megapixels(max_pixels),
            }
        )
    if canvas is not None:
        most = (canvas[0] * LAYER_CANVAS_FACTOR, canvas[1] * LAYER_CANVAS_FACTOR)
        if header.width > most[0] or header.height > most[1]:
            problems.append(
                _(
                    "This image is %(width)d×%(height)d pixels; the preview canvas is %(canvas_width)d×"
                    "%(canvas_height)d, so at most %(most_width)d×%(most_height)d (twice the canvas)."
                )
                % {
                    "width": header.width,
                    "height": header.height,
                    "canvas_width": canvas[0],
                    "canvas_height": canvas[1],
                    "most_width": most[0],
                    "most_height": most[1],
                }
            )
    return problems


def layer_image_help() -> str:
    """Return the limits as a sentence for the upload field."""
    return _("At most %(size)s and %(mpx)s Mpx, and at most twice the preview canvas in width and height.") % {
        "size": filesizeformat(settings.CATALOG_LAYER_MAX_BYTES),
        "mpx": _megapixels(settings.CATALOG_LAYER_MAX_PIXELS),
    }


def product_layers(product: Mapping[str, Any]) -> Iterable[tuple[str, str, Mapping[str, Any]]]:
    """Yield (JSON path below the product, path by codes, layer) of every preview layer of a product."""
    for l_index, layer in enumerate((product.get("preview") or {}).get("layers") or []):
        yield f"preview.layers[{l_index}]", f"preview.layers[{l_index}]", layer
    for g_index, group in enumerate(product.get("groups", [])):
        for o_index, option in enumerate(group.get("options", [])):
            for l_index, layer in enumerate(option.get("layers") or []):
                path = f"groups[{g_index}].options[{o_index}].layers[{l_index}]"
                yield path, f"groups.{group['code']}.{option['code']}.layers[{l_index}]", layer


def canvas_of(product: Mapping[str, Any]) -> tuple[int, int]:
    """Return the preview canvas (width, height) of a product in the exchange format."""
    preview = product.get("preview") or {}
    return preview.get("width", 800), preview.get("height", 600)


def image_check(content: bytes) -> tuple[ImageHeader | None, list[str]]:
    """Return an image's header and what is wrong with it; it is decoded only if within the limits."""
    try:
        header = image_header(io.BytesIO(content))
    except UnidentifiedImageError:
        return None, ["not an image Pillow can read"]
    problems = layer_image_problems(size=len(content), header=header, canvas=None)
    if problems:
        return header, problems
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        return None, ["not an image Pillow can read"]
    return header, []


#: The start of the warning for an option drawn by no layer (catalog.findings words it for people).
NO_LAYER = "has no preview layer"


def missing_layer_findings(snapshot: Mapping[str, Any]) -> list[Finding]:
    """Warn of the options of a drawn choice group that have no layer of their own.

    A choice group whose other options are drawn replaces their drawing with nothing:
    the product picture loses that part (a new body colour without a layer leaves no
    body). Multi groups add to the picture, so an undrawn option there blanks nothing.
    """
    findings: list[Finding] = []
    for group in snapshot.get("groups", []):
        options = [o for o in group.get("options", []) if o.get("active", True)]
        if group.get("kind") == "multi" or not any(o.get("layers") for o in options):
            continue
        for option in options:
            if not option.get("layers"):
                subject = f"groups.{group['code']}.{option['code']}"
                message = f"{NO_LAYER}: the picture lacks the part its group draws when it is chosen"
                findings.append(Finding("warning", subject, message))
    return findings


def layer_findings(snapshot: Mapping[str, Any]) -> list[Finding]:
    """Warn of options drawn by no layer, and of stored layer images that break today's limits or cannot be read.

    Uploads are checked as they come in; this catches layers stored before the limits
    (or before the canvas was made smaller), which still render, slowly. Not cached
    with the rest of the lint: the files and the limits are not part of the snapshot.
    """
    storage = ContentAddressedStorage()
    findings: list[Finding] = missing_layer_findings(snapshot)
    for _path, subject, layer in product_layers(snapshot):
        name = layer["image"]
        try:
            size = storage.size(name)
            with storage.open(name) as handle:
                header = image_header(handle)
        except (OSError, UnidentifiedImageError) as error:
            findings.append(
                Finding("warning", subject, f"layer image {name} cannot be read ({error}): the preview will not show")
            )
            continue
        problems = layer_image_problems(size=size, header=header, canvas=canvas_of(snapshot))
        if problems:
            findings.append(
                Finding("warning", subject, f"layer image {name}: {' '.join(problems)} Upload a smaller one.")
            )
    return findings


class LayerImageFormField(forms.ImageField):
    """An image upload refused, with its size named, before Pillow decodes it when too large."""

    def to_python(self, data: Any) -> Any:
        if data in self.empty_values or not hasattr(data, "read"):
            return super().to_python(data)
        try:
            header: ImageHeader | None = image_header(data)
        except UnidentifiedImageError:
            header = None  # Django's own check says "Upload a valid image".
        problems = layer_image_problems(size=getattr(data, "size", None), header=header, canvas=None)
        if problems:
            raise forms.ValidationError(problems, code="image_too_large")
        return super().to_python(data)
