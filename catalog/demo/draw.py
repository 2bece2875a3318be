"""Draw the preview layers of the demo catalogs (a city car, a shirt) with Pillow.

Run `python catalog/demo/draw.py` from the repository root after changing a drawing.
Every shape is drawn at `SS` times the 800×600 canvas and scaled down with LANCZOS, so
edges are antialiased. Layers that options tint are grey masks: white takes the full
tint, darker greys are shading, and the alpha channel is the shape.

The pictures are written the way `export_catalog --output` writes them, as
`preview/<content hash>.png` beside the catalog files, and the `layers` of both
catalogs are rewritten to name them; so the demo folder round-trips exactly. The output
is deterministic: the same script gives the same bytes, names and JSON.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import math
import random
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageDraw, ImageFilter

HERE = Path(__file__).resolve().parent
OUT = HERE / "preview"
W, H = 800, 600
SS = 3  # supersampling factor

Point = tuple[float, float]


# -- drawing helpers -----------------------------------------------------------------------


def spline(points: Sequence[Point], closed: bool = True, steps: int = 16) -> list[Point]:
    """Return a smooth Catmull-Rom curve through `points` (in canvas units)."""
    pts = list(points)
    count = len(pts)
    out: list[Point] = []
    last = count if closed else count - 1
    for i in range(last):
        p0 = pts[(i - 1) % count] if closed or i > 0 else pts[0]
        p1, p2 = pts[i], pts[(i + 1) % count]
        p3 = pts[(i + 2) % count] if closed or i + 2 < count else pts[-1]
        for s in range(steps):
            t = s / steps
            t2, t3 = t * t, t * t * t
            out.append(
                tuple(  # type: ignore[arg-type]
                    0.5
                    * (
                        2 * p1[k]
                        + (-p0[k] + p2[k]) * t
                        + (2 * p0[k] - 5 * p1[k] + 4 * p2[k] - p3[k]) * t2
                        + (-p0[k] + 3 * p1[k] - 3 * p2[k] + p3[k]) * t3
                    )
                    for k in (0, 1)
                )
            )
    if not closed:
        out.append(pts[-1])
    return out


def up(points: Iterable[Point]) -> list[Point]:
    return [(x * SS, y * SS) for x, y in points]


def canvas(mode: str = "L", fill: int = 0) -> Image.Image:
    return Image.new(mode, (W * SS, H * SS), fill)


def shape(points: Sequence[Point], smooth: bool = True) -> Image.Image:
    """Return a supersampled L mask of a closed (smoothed) polygon."""
    mask = canvas()
    ImageDraw.Draw(mask).polygon(up(spline(points) if smooth else points), fill=255)
    return mask


def circle(mask: Image.Image, cx: float, cy: float, r: float, fill: int = 255) -> None:
    ImageDraw.Draw(mask).ellipse([(cx - r) * SS, (cy - r) * SS, (cx + r) * SS, (cy + r) * SS], fill=fill)


def line(mask: Image.Image, points: Sequence[Point], width: float, fill: int = 255, smooth: bool = False) -> None:
    pts = up(spline(points, closed=False) if smooth else points)
    ImageDraw.Draw(mask).line(pts, fill=fill, width=max(1, round(width * SS)), joint="curve")


def vgradient(stops: Sequence[tuple[float, int]]) -> Image.Image:
    """Return a supersampled L image whose grey follows (y, grey) stops down the canvas."""
    column = []
    for y in range(H * SS):
        yy = y / SS
        grey = stops[-1][1]
        for (y0, g0), (y1, g1) in itertools.pairwise(stops):
            if yy <= y0:
                grey = g0
                break
            if yy <= y1:
                t = (yy - y0) / (y1 - y0)
                t = t * t * (3 - 2 * t)
                grey = round(g0 + (g1 - g0) * t)
                break
        column.append(grey)
    strip = Image.new("L", (1, H * SS))
    strip.putdata(column)
    return strip.resize((W * SS, H * SS))


def hgradient(stops: Sequence[tuple[float, int]]) -> Image.Image:
    """Return the vertical gradient of `stops` turned to run across the canvas."""
    scaled = [(x * H / W, g) for x, g in stops]
    return (
        vgradient(scaled)
        .transpose(Image.Transpose.ROTATE_90)
        .transpose(Image.Transpose.FLIP_TOP_BOTTOM)
        .resize((W * SS, H * SS))
    )


def down(image: Image.Image) -> Image.Image:
    return image.resize((W, H), Image.Resampling.LANCZOS)


def mask_layer(grey: Image.Image, alpha: Image.Image) -> Image.Image:
    """Return a 800×600 LA grey mask (for tinting) from supersampled grey and alpha."""
    return Image.merge("LA", (down(grey), down(alpha)))


def paint(color: tuple[int, int, int], alpha: Image.Image, opacity: float = 1.0) -> Image.Image:
    """Return an 800×600 RGBA layer of one colour through a supersampled alpha mask."""
    a = down(alpha)
    if opacity < 1:
        a = a.point(lambda v: round(v * opacity))
    return Image.merge("RGBA", (*(Image.new("L", (W, H), c) for c in color), a))


def stack(*layers: Image.Image) -> Image.Image:
    out = Image.new("RGBA", (W, H), (0, 0, 0, 0))
    for layer in layers:
        out.alpha_composite(layer.convert("RGBA"))
    return out


def blur(mask: Image.Image, radius: float) -> Image.Image:
    return mask.filter(ImageFilter.GaussianBlur(radius * SS))


def multiply(a: Image.Image, b: Image.Image) -> Image.Image:
    return ImageChops.multiply(a, b)


def subtract(a: Image.Image, b: Image.Image) -> Image.Image:
    return ImageChops.subtract(a, b)


def union(*masks: Image.Image) -> Image.Image:
    out = masks[0]
    for mask in masks[1:]:
        out = ImageChops.lighter(out, mask)
    return out


# -- the city car (side view, facing left) -------------------------------------------------

GROUND = 470
WHEELS = ((205.0, 408.0), (592.0, 408.0))
TYRE = 62
BODY_OUTLINE = [
    (96, 436), (76, 414), (70, 378), (78, 352), (128, 336), (222, 318), (292, 300), (342, 246),
    (384, 212), (470, 200), (570, 201), (628, 213), (668, 238), (700, 284), (718, 326), (724, 390),
    (716, 434), (640, 442), (400, 444), (170, 442),
]  # fmt: skip
DLO = [(316, 304), (352, 262), (392, 227), (470, 218), (560, 218), (616, 226), (652, 252), (676, 292), (672, 298)]
WINDOW_TOP = [(340, 244), (392, 227), (470, 218), (560, 218), (616, 226), (652, 252)]


def car_body_shape() -> Image.Image:
    body = shape(BODY_OUTLINE)
    for cx, cy in WHEELS:
        circle(body, cx, cy - 4, 72, 0)
    return body


def car_layers() -> dict[str, Image.Image]:
    body = car_body_shape()
    layers: dict[str, Image.Image] = {}

    shadow = canvas()
    ImageDraw.Draw(shadow).ellipse([60 * SS, 452 * SS, 745 * SS, 488 * SS], fill=150)
    for cx, _ in WHEELS:
        ImageDraw.Draw(shadow).ellipse([(cx - 70) * SS, 460 * SS, (cx + 70) * SS, 480 * SS], fill=255)
    layers["car-shadow"] = paint((20, 22, 26), blur(shadow, 9), 0.55)

    arches_fill = canvas()
    for cx, cy in WHEELS:
        circle(arches_fill, cx, cy - 4, 75)  # wider than the cut: no gap at the arch's edge
    layers["car-arches"] = paint((16, 16, 18), multiply(arches_fill, vgradient([(330, 255), (440, 255), (441, 0)])))

    # Body: light on the shoulder and the roof, darker towards the sills; a crisp
    # character line and a soft reflection of the ground along the bottom.
    grey = vgradient([(200, 250), (290, 236), (318, 255), (330, 214), (380, 200), (420, 168), (444, 120)])
    character = canvas()
    line(character, [(100, 352), (300, 318), (480, 312), (700, 318)], 3, 255, smooth=True)
    grey = ImageChops.lighter(grey, blur(character, 1.2).point(lambda v: v))
    crease = canvas()
    line(crease, [(110, 392), (300, 372), (520, 370), (712, 380)], 2, 120, smooth=True)
    grey = subtract(grey, blur(crease, 1.5))
    edge = subtract(body, blur(body, 4))  # a darker rim gives the panels volume
    grey = subtract(grey, edge.point(lambda v: v // 4))
    layers["car-body"] = mask_layer(grey, body)

    roof_zone = shape([(372, 170), (700, 170), (700, 262), (652, 252), (616, 226), (560, 218), (470, 218),
                       (392, 227), (376, 234)], False)  # fmt: skip
    roof = multiply(body, roof_zone)
    roof_grey = vgradient([(195, 255), (214, 225), (230, 190)])
    layers["car-roof"] = mask_layer(roof_grey, roof)

    glass_roof = multiply(roof, shape([(380, 190), (640, 190), (640, 240), (380, 240)], False))
    glass = Image.merge(
        "RGBA",
        (
            Image.new("L", (W, H), 30),
            Image.new("L", (W, H), 38),
            Image.new("L", (W, H), 48),
            down(glass_roof),
        ),
    )
    shine = canvas()
    line(shine, [(400, 210), (620, 206)], 3, 255)
    layers["car-roof-glass"] = stack(glass, paint((230, 236, 245), blur(shine, 1.5), 0.6))

    dlo = shape(DLO)
    cabin = vgradient([(220, 40), (300, 22)])
    layers["car-cabin"] = Image.merge("RGBA", (down(cabin), down(cabin), down(cabin), down(dlo)))

    seats = canvas()
    for x in (420, 560):  # a front and a rear seat back with its headrest
        ImageDraw.Draw(seats).rounded_rectangle([(x - 34) * SS, 262 * SS, (x + 10) * SS, 330 * SS], 14 * SS, fill=255)
        ImageDraw.Draw(seats).rounded_rectangle([(x - 26) * SS, 238 * SS, (x + 2) * SS, 258 * SS], 8 * SS, fill=255)
    seats = multiply(seats, dlo)
    layers["car-seats"] = mask_layer(vgradient([(235, 230), (330, 150)]), seats)

    glass_alpha = multiply(dlo, vgradient([(215, 170), (300, 120)]))
    reflection = canvas()
    ImageDraw.Draw(reflection).polygon(up([(360, 300), (420, 222), (470, 222), (410, 300)]), fill=120)
    ImageDraw.Draw(reflection).polygon(up([(520, 300), (560, 222), (580, 222), (540, 300)]), fill=90)
    layers["car-glass"] = stack(
        Image.merge(
            "RGBA",
            (
                Image.new("L", (W, H), 44),
                Image.new("L", (W, H), 58),
                Image.new("L", (W, H), 72),
                down(glass_alpha),
            ),
        ),
        paint((235, 240, 248), multiply(blur(reflection, 3), dlo), 0.5),
    )

    trim = canvas()
    line(trim, [*DLO, DLO[0]], 4)
    b_pillar = shape([(478, 220), (494, 220), (492, 304), (476, 304)], False)
    c_pillar = shape([(604, 224), (616, 226), (624, 298), (610, 298)], False)
    sill = multiply(body, shape([(150, 426), (660, 426), (660, 450), (150, 450)], False))
    bumper_f = multiply(body, shape([(60, 404), (160, 404), (160, 450), (60, 450)], False))
    bumper_r = multiply(body, shape([(640, 404), (730, 404), (730, 450), (640, 450)], False))
    black = union(trim, b_pillar, c_pillar, sill, bumper_f, bumper_r)
    layers["car-trim"] = paint((24, 25, 28), black)

    lines = canvas()
    line(lines, [(296, 304), (290, 360), (300, 432)], 1.6, smooth=True)  # front door, front edge
    line(lines, [(486, 306), (488, 432)], 1.6)  # between the doors
    line(lines, [(620, 300), (606, 360), (612, 412)], 1.6, smooth=True)  # rear door, rear edge
    line(lines, [(90, 352), (230, 326)], 1.2, smooth=False)  # bonnet shut line
    line(lines, [(692, 290), (712, 352)], 1.2)  # tailgate
    handles = canvas()
    for x in (432, 572):
        ImageDraw.Draw(handles).rounded_rectangle([x * SS, 330 * SS, (x + 30) * SS, 337 * SS], 3 * SS, fill=255)
    mirror = shape([(318, 286), (344, 280), (350, 300), (322, 304)])
    headlight = shape([(82, 350), (134, 340), (150, 352), (92, 370), (76, 366)])
    drl = canvas()
    line(drl, [(88, 360), (140, 349)], 2.2)
    tail = shape([(696, 292), (712, 300), (720, 338), (706, 336)])
    fog = shape([(82, 408), (110, 406), (112, 414), (84, 416)])
    layers["car-details"] = stack(
        paint((10, 10, 12), blur(lines, 0.4), 0.75),
        paint((40, 42, 46), handles, 0.85),
        paint((30, 30, 34), mirror),
        paint((190, 198, 208), headlight),
        paint((250, 252, 255), blur(drl, 0.6)),
        paint((172, 22, 30), tail),
        paint((250, 120, 120), blur(shape([(702, 300), (710, 304), (714, 320), (706, 318)]), 1), 0.7),
        paint((210, 214, 220), fog),
    )

    gloss = canvas()
    line(gloss, [(120, 340), (300, 314), (500, 306), (690, 314)], 5, 255, smooth=True)
    line(gloss, [(400, 205), (600, 205)], 3, 200)
    layers["car-gloss"] = paint((255, 255, 255), multiply(blur(gloss, 5), body), 0.35)

    # The sport pack: a roof spoiler over the tailgate and twin stripes along the sills.
    spoiler = shape([(612, 206), (650, 214), (684, 236), (690, 246), (664, 240), (628, 220)])
    stripes = canvas()
    line(stripes, [(168, 414), (636, 414)], 3)
    line(stripes, [(168, 421), (636, 421)], 3)
    layers["car-sport"] = stack(
        paint(
            (0, 0, 0), blur(spoiler, 2).transform(spoiler.size, Image.Transform.AFFINE, (1, 0, 0, 0, 1, -3 * SS)), 0.3
        ),
        paint((22, 23, 26), spoiler),
        paint((250, 250, 250), multiply(stripes, body), 0.85),
    )

    for code, draw_rim in WHEEL_DESIGNS.items():
        layers[f"car-wheels-{code}"] = wheels(draw_rim)
    return layers


def wheels(draw_rim: Callable[[Image.Image, Image.Image, float, float], None]) -> Image.Image:
    """Return both wheels: tyre and brake behind, then the rim `draw_rim` paints (RGB, alpha)."""
    rgb = Image.new("RGB", (W * SS, H * SS), (0, 0, 0))
    alpha = canvas()
    draw = ImageDraw.Draw(rgb)
    for cx, cy in WHEELS:
        for r, colour in ((TYRE, (26, 26, 28)), (TYRE - 5, (38, 38, 41)), (TYRE - 9, (30, 30, 32))):
            draw.ellipse([(cx - r) * SS, (cy - r) * SS, (cx + r) * SS, (cy + r) * SS], fill=colour)
        circle(alpha, cx, cy, TYRE)
        draw_rim(rgb, alpha, cx, cy)
    out = rgb.resize((W, H), Image.Resampling.LANCZOS).convert("RGBA")
    out.putalpha(down(alpha))
    return out


def _disc(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, colour: tuple[int, int, int]) -> None:
    draw.ellipse([(cx - r) * SS, (cy - r) * SS, (cx + r) * SS, (cy + r) * SS], fill=colour)


def _spokes(
    draw: ImageDraw.ImageDraw,
    cx: float,
    cy: float,
    count: int,
    inner: float,
    outer: float,
    width: float,
    colour: tuple[int, int, int],
    twist: float = 0.0,
    phase: float = -math.pi / 2,
) -> None:
    for i in range(count):
        a = phase + 2 * math.pi * i / count
        b = a + twist
        half = width / 2
        pts = []
        for ang, rad in ((a, inner), (b, outer)):
            nx, ny = -math.sin(ang), math.cos(ang)
            pts.append((cx + rad * math.cos(ang) - nx * half, cy + rad * math.sin(ang) - ny * half))
            pts.append((cx + rad * math.cos(ang) + nx * half, cy + rad * math.sin(ang) + ny * half))
        poly = [pts[0], pts[2], pts[3], pts[1]]
        draw.polygon(up(poly), fill=colour)


def _brake(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    _disc(draw, cx, cy, r - 3, (92, 94, 98))
    _disc(draw, cx, cy, r - 12, (70, 72, 76))
    draw.rounded_rectangle(
        [(cx + r * 0.25) * SS, (cy - r * 0.7) * SS, (cx + r * 0.62) * SS, (cy - r * 0.1) * SS],
        4 * SS,
        fill=(150, 30, 34),
    )


def rim_w15(rgb: Image.Image, alpha: Image.Image, cx: float, cy: float) -> None:
    """15-inch steel wheel behind a silver plastic hubcap with many slots."""
    draw = ImageDraw.Draw(rgb)
    r = 38
    _disc(draw, cx, cy, r, (60, 62, 66))
    _disc(draw, cx, cy, r - 2, (196, 200, 206))
    _disc(draw, cx, cy, r - 6, (170, 174, 180))
    _spokes(draw, cx, cy, 14, 14, r - 8, 4, (70, 72, 76), twist=0.0)
    _disc(draw, cx, cy, 15, (205, 208, 214))
    _disc(draw, cx, cy, 6, (120, 124, 130))


Colour = tuple[int, int, int]


def _alloy(
    rgb: Image.Image,
    cx: float,
    cy: float,
    r: float,
    ring: Colour,
    hub: tuple[Colour, Colour],
    spokes: Callable[..., None],
) -> None:
    """Draw an alloy: brake behind, the rim's ring, `spokes(draw, r)`, then the hub and its cap."""
    draw = ImageDraw.Draw(rgb)
    _brake(draw, cx, cy, r)
    draw.ellipse([(cx - r) * SS, (cy - r) * SS, (cx + r) * SS, (cy + r) * SS], outline=ring, width=4 * SS)
    spokes(draw, r)
    _disc(draw, cx, cy, 12, hub[0])
    _disc(draw, cx, cy, 5.5, hub[1])


def rim_w16(rgb: Image.Image, alpha: Image.Image, cx: float, cy: float) -> None:
    """16-inch five-spoke silver alloy."""

    def spokes(draw: ImageDraw.ImageDraw, r: float) -> None:
        _spokes(draw, cx, cy, 5, 8, r - 2, 12, (196, 200, 206))
        _spokes(draw, cx, cy, 5, 8, r - 2, 4, (228, 231, 236))

    _alloy(rgb, cx, cy, 41, (200, 204, 210), ((206, 210, 216), (80, 82, 88)), spokes)


def rim_w17(rgb: Image.Image, alpha: Image.Image, cx: float, cy: float) -> None:
    """17-inch ten twin-spoke alloy, bright machined finish."""

    def spokes(draw: ImageDraw.ImageDraw, r: float) -> None:
        for offset in (-0.13, 0.13):
            _spokes(draw, cx, cy, 5, 9, r - 2, 6, (214, 218, 224), phase=-math.pi / 2 + offset)

    _alloy(rgb, cx, cy, 45, (214, 218, 224), ((222, 226, 232), (60, 62, 68)), spokes)


def rim_w18(rgb: Image.Image, alpha: Image.Image, cx: float, cy: float) -> None:
    """18-inch multi-spoke sport alloy in dark graphite with polished faces."""

    def spokes(draw: ImageDraw.ImageDraw, r: float) -> None:
        _spokes(draw, cx, cy, 10, 9, r - 2, 7, (62, 64, 70), twist=0.35)
        _spokes(draw, cx, cy, 10, 12, r - 6, 2.2, (176, 180, 188), twist=0.35)

    _alloy(rgb, cx, cy, 49, (66, 68, 74), ((56, 58, 64), (170, 174, 182)), spokes)


WHEEL_DESIGNS = {"w15": rim_w15, "w16": rim_w16, "w17": rim_w17, "w18": rim_w18}


def car_catalog(names: dict[str, str], product: dict[str, Any]) -> None:
    def layer(name: str, z: int, tint: str = "") -> dict[str, Any]:
        return {"image": names[name], "z": z, "tint": tint}

    product["preview"]["layers"] = [
        layer("car-shadow", 0),
        layer("car-arches", 5),
        layer("car-cabin", 16),
        layer("car-glass", 20),
        layer("car-trim", 22),
        layer("car-details", 30),
        layer("car-gloss", 32),
    ]
    groups = {g["code"]: g for g in product["groups"]}
    for option in groups["body_colour"]["options"]:
        option["layers"] = [layer("car-body", 10, option["swatch"])]
    for option in groups["roof"]["options"]:
        if option["code"] == "panoramic":
            option["layers"] = [layer("car-roof-glass", 12)]
        elif option["swatch"]:
            option["layers"] = [layer("car-roof", 12, option["swatch"])]
        else:
            option["layers"] = []  # the body's own colour: the body layer covers the roof
    for option in groups["wheels"]["options"]:
        option["layers"] = [layer(f"car-wheels-{option['code']}", 40)]
    for option in groups["packs"]["options"]:
        option["layers"] = [layer("car-sport", 34)] if option["code"] == "sport" else []
    for option in groups["interior"]["options"]:
        option["layers"] = [layer("car-seats", 18, option["swatch"])]


# -- the shirt (front view) ----------------------------------------------------------------

TORSO = [
    (352, 74), (400, 84), (448, 74), (476, 92), (540, 122), (552, 136), (540, 214), (532, 330), (534, 450),
    (540, 548), (470, 560), (400, 574), (330, 560), (260, 548), (266, 450), (268, 330), (260, 214), (248, 136),
    (260, 122), (324, 92),
]  # fmt: skip
LEFT_SLEEVE = [
    (250, 128),
    (262, 210),
    (258, 330),
    (244, 454),
    (236, 524),
    (182, 522),
    (190, 420),
    (206, 250),
    (226, 150),
]
SHORT_CUT = 252  # where a short sleeve ends (at its outer edge)
BAND = [(346, 66), (400, 60), (454, 66), (458, 92), (400, 100), (342, 92)]
BUTTONS_Y = (136, 196, 256, 316, 376, 436, 500)


def mirror(points: Sequence[Point]) -> list[Point]:
    return [(W - x, y) for x, y in points]


def shirt_silhouette() -> Image.Image:
    return union(shape(TORSO), shape(LEFT_SLEEVE), shape(mirror(LEFT_SLEEVE)), shape(BAND))


def shirt_shading() -> Image.Image:
    """Return the supersampled grey of the fabric: soft folds, darker under arms and hem."""
    grey = vgradient([(60, 250), (140, 255), (400, 246), (560, 226)])
    folds = canvas()
    for points, width, depth in (
        ([(300, 250), (318, 380), (310, 520)], 10, 40),
        ([(500, 250), (484, 380), (492, 520)], 10, 40),
        ([(352, 420), (364, 556)], 8, 30),
        ([(448, 420), (436, 556)], 8, 30),
        ([(224, 180), (214, 320), (208, 440)], 6, 30),
        ([(576, 180), (586, 320), (592, 440)], 6, 30),
    ):
        line(folds, points, width, depth, smooth=True)
    grey = subtract(grey, blur(folds, 6))
    lights = canvas()
    for points in (([(330, 150), (340, 300)]), ([(470, 150), (460, 300)])):
        line(lights, points, 16, 18, smooth=True)
    grey = ImageChops.add(grey, blur(lights, 10))
    silhouette = shirt_silhouette()
    edge = subtract(silhouette, blur(silhouette, 5))
    grey = subtract(grey, edge.point(lambda v: v // 5))
    # the sleeves sit a little behind the body: a soft shadow along the body's sides
    seam = canvas()
    line(seam, [(262, 140), (262, 330), (268, 540)], 4, 70)
    line(seam, [(538, 140), (538, 330), (532, 540)], 4, 70)
    return subtract(grey, blur(seam, 3))


def texture(kind: str) -> Image.Image:
    """Return an 800×600 L weave (255 = no change) to multiply into the fabric's grey."""
    tile = Image.new("L", (W, H), 255)
    px = tile.load()
    if px is None:
        raise RuntimeError("Pillow gave no pixel access to a new image")
    rnd = random.Random(kind)  # deterministic per fabric
    if kind == "stripe":
        for x in range(W):
            if x % 12 in (0, 1, 2, 3, 4):
                for y in range(H):
                    px[x, y] = 176
    elif kind == "oxford":
        for y in range(H):
            for x in range(W):
                px[x, y] = 238 if (x // 2 + y // 2) % 2 else 255
    elif kind == "endonend":
        for y in range(H):
            for x in range(W):
                px[x, y] = 240 if (x + y) % 2 else 255
    elif kind == "twill":
        for y in range(H):
            for x in range(W):
                px[x, y] = 236 if (x + y) % 4 == 0 else 255
    elif kind == "linen":
        for y in range(H):
            row = rnd.choice((255, 255, 248, 240, 232))
            for x in range(W):
                px[x, y] = row if rnd.random() > 0.08 else 226
    return tile


FABRIC_TEXTURES = {
    "poplin_white": "plain",
    "oxford_blue": "oxford",
    "endonend_pink": "endonend",
    "stripe_blue": "stripe",
    "twill_grey": "twill",
    "linen_natural": "linen",
    "poplin_black": "plain",
}


def stitches(mask: Image.Image, points: Sequence[Point], dash: float = 4, gap: float = 3, width: float = 1.0) -> None:
    """Draw a dashed seam along a polyline."""
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = math.hypot(x1 - x0, y1 - y0)
        t = 0.0
        while t < length:
            t1 = min(length, t + dash)
            a, b = t / length, t1 / length
            line(mask, [(x0 + (x1 - x0) * a, y0 + (y1 - y0) * a), (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b)], width)
            t += dash + gap


def outlined(
    fill: Sequence[Point], *, smooth: bool = True, shadow: float = 0.35, lift: float = 0.18, edge: float = 0.55
) -> Image.Image:
    """Return an RGBA overlay that makes a fabric piece stand out: shadow, light, outline."""
    piece = shape(fill, smooth)
    below = blur(piece, 3).transform(piece.size, Image.Transform.AFFINE, (1, 0, -2 * SS, 0, 1, -4 * SS))
    outline = subtract(piece, piece.filter(ImageFilter.MinFilter(3 + 2 * (SS // 2))))
    return stack(
        paint((0, 0, 0), subtract(below, piece), shadow),
        paint((255, 255, 255), piece, lift),
        paint((30, 30, 34), outline, edge),
    )


SHADOW = (40, 40, 44)


def _shadow(silhouette: Image.Image) -> Image.Image:
    """Return the soft drop shadow of a supersampled silhouette, cast down and right."""
    return blur(silhouette, 8).transform(silhouette.size, Image.Transform.AFFINE, (1, 0, -6 * SS, 0, 1, -8 * SS))


def shirt_layers() -> dict[str, Image.Image]:
    layers: dict[str, Image.Image] = {}
    silhouette = shirt_silhouette()

    lower = canvas()
    cut = [(170, SHORT_CUT), (264, SHORT_CUT + 16), (262, 600), (170, 600)]
    ImageDraw.Draw(lower).polygon(up(cut), fill=255)
    ImageDraw.Draw(lower).polygon(up(mirror(cut)), fill=255)
    sleeves = union(shape(LEFT_SLEEVE), shape(mirror(LEFT_SLEEVE)))
    short_silhouette = subtract(silhouette, subtract(multiply(sleeves, lower), shape(TORSO)))
    shadows = {length: _shadow(mask) for length, mask in (("long", silhouette), ("short", short_silhouette))}
    layers["shirt-shadow-long"] = paint(SHADOW, shadows["long"], 0.35)
    layers["shirt-shadow-short"] = paint(SHADOW, shadows["short"], 0.35)

    grey = down(shirt_shading())
    alpha = down(silhouette)
    for kind in FABRIC_TEXTURES.values():
        if f"shirt-fabric-{kind}" in layers:
            continue
        weave = grey if kind == "plain" else ImageChops.multiply(grey, texture(kind))
        layers[f"shirt-fabric-{kind}"] = Image.merge("LA", (weave, alpha))

    # A short sleeve: the long sleeve below the cut is painted over in the background
    # colour (layers cannot borrow the fabric's tint), and a hem is sewn at the cut.
    # The painted-over part gets back the short shirt's shadow, so no seam shows.
    background = (0xF4, 0xF4, 0xF2)
    eraser = multiply(sleeves.filter(ImageFilter.MaxFilter(5)), lower)
    eraser = subtract(eraser, shape(TORSO))
    hem = canvas()
    stitches(hem, [(206, SHORT_CUT - 6), (262, SHORT_CUT + 9)], 5, 3, 1.2)
    stitches(hem, mirror([(206, SHORT_CUT - 6), (262, SHORT_CUT + 9)]), 5, 3, 1.2)
    opening = canvas()
    line(opening, [(204, SHORT_CUT), (262, SHORT_CUT + 14)], 2.2)
    line(opening, mirror([(204, SHORT_CUT), (262, SHORT_CUT + 14)]), 2.2)
    layers["shirt-sleeves-short"] = stack(
        paint(background, eraser),
        paint(SHADOW, multiply(shadows["short"], eraser), 0.35),
        paint((0, 0, 0), hem, 0.45),
        paint((20, 20, 24), opening, 0.55),
    )

    layers["shirt-placket"] = stack(
        paint((0, 0, 0), blur(_lines([[(388, 104), (388, 566)], [(412, 104), (412, 566)]], 1.4), 0.6), 0.35),
        paint((0, 0, 0), _stitched([[(391, 108), (391, 566)], [(409, 108), (409, 566)]]), 0.25),
    )

    layers.update(collars())
    layers.update(cuffs())
    layers.update(pockets())
    layers["shirt-buttons"] = buttons()
    return layers


def _lines(polylines: Iterable[Sequence[Point]], width: float) -> Image.Image:
    mask = canvas()
    for points in polylines:
        line(mask, points, width, smooth=len(points) > 2)
    return mask


def _stitched(polylines: Iterable[Sequence[Point]]) -> Image.Image:
    mask = canvas()
    for points in polylines:
        stitches(mask, points, 4, 3, 1.0)
    return mask


def collars() -> dict[str, Image.Image]:
    """Each collar: the inside of the neck (shaded fabric), then its band and points."""
    neck = shape([(352, 70), (400, 64), (448, 70), (440, 92), (400, 108), (360, 92)])
    inside = paint((0, 0, 0), neck, 0.38)
    band_line = paint((30, 30, 34), _lines([[(352, 72), (400, 104), (448, 72)]], 1.6), 0.5)

    def collar(left_point: Sequence[Point], extra: Iterable[Image.Image] = ()) -> Image.Image:
        return stack(inside, band_line, outlined(left_point), outlined(mirror(left_point)), *extra)

    classic = [(400, 106), (352, 72), (336, 96), (352, 168), (372, 150)]
    button_down = [(400, 106), (352, 72), (338, 100), (350, 178), (374, 158)]
    cutaway = [(400, 106), (352, 72), (326, 92), (318, 140), (338, 140)]
    bd_buttons = canvas()
    for x, y in ((356, 168), (444, 168)):
        circle(bd_buttons, x, y, 4)
    wing_band = [(348, 62), (400, 58), (452, 62), (456, 98), (412, 108), (400, 110), (388, 108), (344, 98)]
    wing_tip = [(396, 108), (380, 110), (372, 128), (392, 122)]
    mandarin_band = [(348, 62), (400, 58), (452, 62), (456, 94), (420, 108), (400, 110), (380, 108), (344, 94)]
    return {
        "shirt-collar-classic": collar(classic),
        "shirt-collar-button_down": collar(button_down, [paint((236, 236, 232), bd_buttons)]),
        "shirt-collar-cutaway": collar(cutaway),
        "shirt-collar-wing": stack(
            paint((0, 0, 0), neck, 0.3),
            outlined(wing_band, lift=0.12),
            paint((0, 0, 0), neck, 0.3),
            outlined(wing_tip, smooth=False),
            outlined(mirror(wing_tip), smooth=False),
        ),
        "shirt-collar-mandarin": stack(
            outlined(mandarin_band, lift=0.1), paint((0, 0, 0), neck, 0.35), _stitch_layer([mandarin_band[3:7]])
        ),
    }


def _stitch_layer(polylines: Iterable[Sequence[Point]]) -> Image.Image:
    return paint((0, 0, 0), _stitched(polylines), 0.3)


def cuffs() -> dict[str, Image.Image]:
    def both(points: Sequence[Point]) -> list[list[Point]]:
        return [list(points), mirror(points)]

    def cuff(top: float, extra: Iterable[Image.Image] = ()) -> Image.Image:
        band = [(182 + (top - 470) * -0.08, top), (242 - (top - 470) * 0.08, top + 2), (236, 524), (182, 522)]
        return stack(
            outlined(band, smooth=False, lift=0.12, shadow=0.2),
            outlined(mirror(band), smooth=False, lift=0.12, shadow=0.2),
            _stitch_layer(both([(band[0][0] + 3, top + 5), (band[1][0] - 3, top + 7)])),
            *extra,
        )

    def dot(points: Iterable[Point], r: float, colour: tuple[int, int, int]) -> Image.Image:
        mask = canvas()
        for x, y in points:
            circle(mask, x, y, r)
        return stack(
            paint((0, 0, 0), blur(mask, 1).transform(mask.size, Image.Transform.AFFINE, (1, 0, -SS, 0, 1, -SS)), 0.4),
            paint(colour, mask),
        )

    holes = canvas()
    for x, y in ((196, 498), (W - 196, 498)):
        ImageDraw.Draw(holes).rounded_rectangle(
            [(x - 6) * SS, (y - 1.5) * SS, (x + 6) * SS, (y + 1.5) * SS], SS, fill=255
        )
    fold = _lines(both([(184, 486), (240, 488)]), 1.4)
    return {
        "shirt-cuffs-single": cuff(470, [dot([(224, 500), (W - 224, 500)], 4, (238, 238, 234))]),
        "shirt-cuffs-double": cuff(
            452, [paint((20, 20, 24), fold, 0.5), dot([(212, 498), (W - 212, 498)], 6, (201, 164, 76))]
        ),
        "shirt-cuffs-convertible": cuff(
            466, [dot([(224, 500), (W - 224, 500)], 4, (238, 238, 234)), paint((30, 30, 34), holes, 0.6)]
        ),
    }


def pockets() -> dict[str, Image.Image]:
    patch = [(440, 238), (502, 238), (502, 300), (471, 312), (440, 300)]
    flap = [(438, 236), (506, 236), (506, 258), (472, 268), (438, 258)]
    btn = canvas()
    for x in (472, W - 472):
        circle(btn, x, 258, 3.5)
    return {
        "shirt-pocket-left": stack(
            outlined(patch, smooth=False, lift=0.1, shadow=0.25), _stitch_layer([[*patch, patch[0]]])
        ),
        "shirt-pocket-two_flap": stack(
            outlined(patch, smooth=False, lift=0.08, shadow=0.2),
            outlined(mirror(patch), smooth=False, lift=0.08, shadow=0.2),
            outlined(flap, smooth=False, lift=0.14, shadow=0.35),
            outlined(mirror(flap), smooth=False, lift=0.14, shadow=0.35),
            paint((236, 236, 232), btn),
        ),
    }


def buttons() -> Image.Image:
    """Return the grey mask of the front buttons (tinted with the button option's colour)."""
    grey = canvas("L", 255)
    alpha = canvas()
    for y in BUTTONS_Y:
        circle(alpha, 400, y, 6)
        circle(grey, 400, y, 6, 190)
        circle(grey, 400, y, 4.8, 250)
        for dx, dy in ((-1.6, -1.6), (1.6, -1.6), (-1.6, 1.6), (1.6, 1.6)):
            circle(grey, 400 + dx, y + dy, 0.9, 60)
    return mask_layer(grey, alpha)


def shirt_catalog(names: dict[str, str], product: dict[str, Any]) -> None:
    def layer(name: str, z: int, tint: str = "") -> dict[str, Any]:
        return {"image": names[name], "z": z, "tint": tint}

    product["preview"]["layers"] = [layer("shirt-placket", 17)]
    groups = {g["code"]: g for g in product["groups"]}
    for option in groups["fabric"]["options"]:
        option["layers"] = [layer(f"shirt-fabric-{FABRIC_TEXTURES[option['code']]}", 10, option["swatch"])]
    for option in groups["sleeves"]["options"]:
        option["layers"] = [layer(f"shirt-shadow-{option['code']}", 0)]
        if option["code"] == "short":
            option["layers"].append(layer("shirt-sleeves-short", 12))
    for option in groups["cuffs"]["options"]:
        name = f"shirt-cuffs-{option['code']}"
        option["layers"] = [layer(name, 14)] if name in names else []
    for option in groups["pocket"]["options"]:
        option["layers"] = [layer(f"shirt-pocket-{option['code']}", 15)]
    for option in groups["collar"]["options"]:
        option["layers"] = [layer(f"shirt-collar-{option['code']}", 16)]
    for option in groups["buttons"]["options"]:
        option["layers"] = [layer("shirt-buttons", 20, option["swatch"])]
    for text in product["texts"]:
        if text["code"] == "monogram":
            text["preview"] = {
                "x": 330,
                "y": 290,
                "size": 22,
                "color": "#1f2a44",
                "font": "script",
                "anchor": "mm",
                "color_from": "monogram_colour",
                "place_from": "monogram_position",
                "places": {
                    "chest": {"x": 330, "y": 290, "size": 22, "anchor": "mm"},
                    "cuff": {"x": 598, "y": 485, "size": 13, "anchor": "mm"},
                    "collar": {"x": 400, "y": 84, "size": 12, "anchor": "mm"},
                },
            }


# -- writing -------------------------------------------------------------------------------


def png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def write_images(layers: dict[str, Image.Image]) -> dict[str, str]:
    """Write each layer as preview/<hash>.png (as an export names it); return name -> path."""
    OUT.mkdir(exist_ok=True)
    names = {}
    for name, image in layers.items():
        content = png_bytes(image)
        stored = f"preview/{hashlib.sha256(content).hexdigest()[:32]}.png"
        (HERE / stored).write_bytes(content)
        names[name] = stored
    return names


def update_catalog(path: Path, fill: Callable[[dict[str, str], dict[str, Any]], None], names: dict[str, str]) -> None:
    data = json.loads(path.read_text())
    for product in data["products"]:
        fill(names, product)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def main() -> None:
    names = write_images(car_layers() | shirt_layers())
    update_catalog(HERE / "city-car.json", car_catalog, names)
    update_catalog(HERE / "shirt.json", shirt_catalog, names)
    used = set(names.values())
    for stale in OUT.glob("*.png"):
        if f"preview/{stale.name}" not in used:
            stale.unlink()
    print(f"{len(names)} layers in {OUT}")


if __name__ == "__main__":
    main()
