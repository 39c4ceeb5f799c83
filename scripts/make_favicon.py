#!/usr/bin/env python
"""Draw tonghu's favicon (issue 18 §9) into tonghu/static/tonghu/: favicon.svg (browsers that read SVG icons) and
favicon.ico (16, 32 and 48 px, for the others and for /favicon.ico). No external asset: the drawing is defined here —
a rounded square in the navbar's blue with a white adult's arm sheltering a child (two heads, one arc) — and the ICO is
rasterised from the same geometry with Pillow. Run again after changing the drawing; the outputs are committed.

    python scripts/make_favicon.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "tonghu" / "static" / "tonghu"
BLUE, WHITE = "#0d6efd", "#ffffff"
# Geometry on a 64-unit canvas.
RADIUS = 14
ADULT_HEAD = (24, 20, 8)      # cx, cy, r
CHILD_HEAD = (40, 33, 6)
ARC_BOX = (12, 18, 52, 58)    # the sheltering arm: the lower-left arc of this ellipse
ARC = (90, 200)               # degrees, clockwise from 3 o'clock (Pillow); the SVG path below is the same arc
STROKE = 6
CHILD_BODY = (33, 41, 47, 55)  # a rounded rectangle

SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" role="img" aria-label="童护">
  <rect width="64" height="64" rx="{RADIUS}" fill="{BLUE}"/>
  <circle cx="{ADULT_HEAD[0]}" cy="{ADULT_HEAD[1]}" r="{ADULT_HEAD[2]}" fill="{WHITE}"/>
  <circle cx="{CHILD_HEAD[0]}" cy="{CHILD_HEAD[1]}" r="{CHILD_HEAD[2]}" fill="{WHITE}"/>
  <rect x="{CHILD_BODY[0]}" y="{CHILD_BODY[1]}" width="{CHILD_BODY[2] - CHILD_BODY[0]}" height="{CHILD_BODY[3] - CHILD_BODY[1]}" rx="5" fill="{WHITE}"/>
  <path d="M32 58 A20 20 0 0 1 12.3 41.2" fill="none" stroke="{WHITE}" stroke-width="{STROKE}" stroke-linecap="round"/>
  <path d="M12.3 41.2 C14 34 18 31 24 31" fill="none" stroke="{WHITE}" stroke-width="{STROKE}" stroke-linecap="round"/>
</svg>
"""


def draw(size: int) -> Image.Image:
    scale = 4  # draw large, then shrink: smooth edges
    s = size * scale / 64
    img = Image.new("RGBA", (size * scale, size * scale), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((0, 0, size * scale - 1, size * scale - 1), radius=RADIUS * s, fill=BLUE)
    for cx, cy, r in (ADULT_HEAD, CHILD_HEAD):
        d.ellipse(((cx - r) * s, (cy - r) * s, (cx + r) * s, (cy + r) * s), fill=WHITE)
    d.rounded_rectangle(tuple(v * s for v in CHILD_BODY), radius=5 * s, fill=WHITE)
    d.arc(tuple(v * s for v in ARC_BOX), ARC[0], ARC[1], fill=WHITE, width=int(STROKE * s))
    d.line(((12.3 * s, 41.2 * s), (16 * s, 34 * s), (24 * s, 31 * s)), fill=WHITE, width=int(STROKE * s), joint="curve")
    return img.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "favicon.svg").write_text(SVG, encoding="utf-8")
    big = draw(48)
    big.save(OUT / "favicon.ico", format="ICO", sizes=[(16, 16), (32, 32), (48, 48)])
    print(f"wrote {OUT / 'favicon.svg'} and {OUT / 'favicon.ico'}")


if __name__ == "__main__":
    main()
