"""Draw the demo shirt's measuring guides as small flat SVG pictures, one per measurement.

Run `python catalog/demo/guides.py` from the repository root after changing a drawing.
The pictures carry no words (one picture serves every language: the catalog's translated
guide text sits beside it) and use the demo art's flat shapes and palette: a neutral
figure, the shirt in navy outline where the measurement is taken on the garment, and the
tape in amber. The output is deterministic.
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "static" / "guides" / "shirt"
SKIN, SHADE, NAVY, TAPE, PAPER = "#e3cdb8", "#c9ad94", "#1f2a44", "#e39b2d", "#f4f4f2"

FIGURE = f"""
  <rect width="200" height="240" rx="12" fill="{PAPER}"/>
  <circle cx="100" cy="34" r="19" fill="{SKIN}"/>
  <rect x="90" y="48" width="20" height="20" rx="4" fill="{SHADE}"/>
  <path d="M52 72 Q100 56 148 72 L140 150 Q138 176 136 206 L64 206 Q62 176 60 150 Z" fill="{SKIN}"/>
  <path d="M52 72 Q40 76 38 96 L28 178 L42 180 L56 104 Z" fill="{SHADE}"/>
  <path d="M148 72 Q160 76 162 96 L172 178 L158 180 L144 104 Z" fill="{SHADE}"/>
  <circle cx="35" cy="186" r="8" fill="{SKIN}"/>
  <circle cx="165" cy="186" r="8" fill="{SKIN}"/>"""

SHIRT = f"""
  <path d="M54 72 Q100 60 146 72 L160 96 L170 176 L154 178 L144 110 L140 150 Q139 180 138 208
           L62 208 Q61 180 60 150 L56 110 L46 178 L30 176 L40 96 Z"
        fill="none" stroke="{NAVY}" stroke-width="3" stroke-linejoin="round"/>
  <path d="M88 64 L100 80 L112 64" fill="none" stroke="{NAVY}" stroke-width="3" stroke-linejoin="round"/>"""


def tape_loop(cy: float, rx: float, ry: float) -> str:
    """A tape around the body: the back half dashed, the front half solid."""
    return (
        f'\n  <path d="M{100 - rx} {cy} A{rx} {ry} 0 0 1 {100 + rx} {cy}" fill="none" stroke="{TAPE}"'
        ' stroke-width="3" stroke-dasharray="4 3"/>'
        f'\n  <path d="M{100 - rx} {cy} A{rx} {ry} 0 0 0 {100 + rx} {cy}" fill="none" stroke="{TAPE}"'
        ' stroke-width="5" stroke-linecap="round"/>'
    )


def tape_line(x1: float, y1: float, x2: float, y2: float) -> str:
    """A straight tape with a dot at each end (where it starts and stops)."""
    return (
        f'\n  <line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{TAPE}" stroke-width="5" stroke-linecap="round"/>'
        f'\n  <circle cx="{x1}" cy="{y1}" r="5" fill="{NAVY}"/><circle cx="{x2}" cy="{y2}" r="5" fill="{NAVY}"/>'
    )


GUIDES: dict[str, str] = {
    "neck": FIGURE + tape_loop(60, 14, 5),
    "chest": FIGURE + tape_loop(96, 45, 7),
    "waist": FIGURE + tape_loop(146, 40, 6),
    "arm": FIGURE + tape_line(150, 72, 166, 184),
    "sleeve": FIGURE + SHIRT + tape_line(146, 72, 162, 178),
    "shirt_length": FIGURE + SHIRT + tape_line(100, 66, 100, 208),
}


def svg(body: str) -> str:
    return f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 240" width="200" height="240">{body}\n</svg>\n'


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, body in GUIDES.items():
        (OUT / f"{name}.svg").write_text(svg(body), encoding="utf-8")


if __name__ == "__main__":
    main()
