"""Text styles: underline and strikethrough rules, an emphasised run of words, a stroke, a drop shadow,
a 3D extrusion and a gradient fill.

Each STYLE renderer returns the LineStyle fields (renderer/linestyle.py) it sets; the
layout draws the rules and the emphasised words, and render_row draws the ink layers
(shadow, extrusion, then stroke) under the text, each from the line's ink coverage on the
layout's canvas, warped with the text, fills the text with its gradient, and marks the
background with a plate or a highlighter stroke. Label semantics (docs/effects.md, "Text
styles"): the label's text never changes; rules, stroke and shadow are not characters. The line's polygon grows by the
layers' reach (`halo`), so it holds all of their ink; the characters' and words' polygons
stay the glyphs' cells, which a stroke or shadow may overlap by a pixel or two.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import cv2
import numpy as np
from numpy.typing import NDArray

from synthocr.color import mix_linear
from synthocr.renderer.imaging import Pixels, gaussian_blur
from synthocr.renderer.linestyle import Emphasis, Gradient, Highlight, Plate, Rule

RGB = tuple[int, int, int]

# Accent inks of an emphasised run, by emphasis_color (0 = the line's own ink): for dark ink, then for
# light ink on a dark ground. The contrast guard moves them in lightness where the background needs it.
ACCENTS_DARK: tuple[RGB, ...] = ((170, 25, 25), (25, 60, 170), (20, 110, 45), (105, 35, 140))
ACCENTS_LIGHT: tuple[RGB, ...] = ((255, 215, 70), (130, 215, 255), (150, 235, 150), (255, 170, 210))
# Highlighter inks by highlight_color: yellow, green, pink, blue, orange (fluorescent markers on white paper).
HIGHLIGHTS: tuple[RGB, ...] = ((255, 238, 50), (120, 240, 110), (255, 120, 200), (100, 205, 255), (255, 170, 60))
TIP = 0.08  # fraction of font size: how far a marker's chisel tip may slant each corner of its stroke


def accent_ink(index: int, light: bool) -> RGB | None:
    """The accent ink of `emphasis_color` index (None: the line's own ink)."""
    if index <= 0:
        return None
    palette = ACCENTS_LIGHT if light else ACCENTS_DARK
    return palette[(index - 1) % len(palette)]


class Stroke(NamedTuple):
    """An outline around the ink, `width` x font size wide, in `color`."""

    width: float
    color: RGB

    def radius(self, size: int) -> float:
        return self.width * size

    def reach(self, size: int) -> tuple[int, int, int, int]:
        r = math.ceil(self.radius(size)) + 1
        return (r, r, r, r)


class Shadow(NamedTuple):
    """The ink (with its stroke) shifted by (dx, dy) x font size, blurred, in grey `tone` at `opacity`."""

    opacity: float
    dx: float
    dy: float
    blur: float
    tone: float

    @property
    def color(self) -> RGB:
        g = int(round(255 * self.tone))
        return (g, g, g)

    def reach(self, size: int) -> tuple[int, int, int, int]:
        dx, dy, spread = self.dx * size, self.dy * size, 3 * self.blur * size
        return (
            max(0, math.ceil(spread - dx)) + 1,
            max(0, math.ceil(spread - dy)) + 1,
            max(0, math.ceil(spread + dx)) + 1,
            max(0, math.ceil(spread + dy)) + 1,
        )


class Extrusion(NamedTuple):
    """The ink (with its stroke) repeated at every pixel along `angle` up to `depth` x font size: the solid
    sides of raised letters, in the ink mixed `shade` of the way towards white (black for light ink)."""

    depth: float
    angle: float  # degrees clockwise from the right (image y points down)
    shade: float

    def offset(self, size: int) -> tuple[float, float]:
        """How far the far end of the sides lies from the text, in pixels (dx, dy)."""
        a = math.radians(self.angle)
        d = self.depth * size
        return d * math.cos(a), d * math.sin(a)

    def reach(self, size: int) -> tuple[int, int, int, int]:
        dx, dy = self.offset(size)
        return (
            max(0, math.ceil(-dx)) + 1,
            max(0, math.ceil(-dy)) + 1,
            max(0, math.ceil(dx)) + 1,
            max(0, math.ceil(dy)) + 1,
        )

    def color(self, ink: RGB, light: bool) -> RGB:
        return _mix(ink, (0, 0, 0) if light else (255, 255, 255), self.shade)


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    r, g, b_ = (int(v) for v in mix_linear(a, b, t))
    return (r, g, b_)


def halo(layers: tuple[Any, ...], size: int) -> tuple[int, int, int, int]:
    """Pixels the ink layers reach beyond the text's ink on each side (left, top, right, bottom)."""
    stroke = [layer.reach(size) for layer in layers if isinstance(layer, Stroke)]
    base = stroke[0] if stroke else (0, 0, 0, 0)
    out = base
    for layer in layers:
        if isinstance(layer, (Shadow, Extrusion)):  # cast by the stroked text
            out = tuple(max(o, b + s) for o, b, s in zip(out, base, layer.reach(size)))  # type: ignore[assignment]
    return out


def stroke_coverage(mask: Pixels, radius: float) -> Pixels:
    """The ink grown by `radius` pixels: coverage falls from full to none over the pixel at that distance
    from the nearest inked pixel (mask >= 128), and holds the ink's own coverage."""
    outside = (mask < 128).astype(np.uint8)
    if not outside.all():
        distance = cv2.distanceTransform(outside, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
        grown = np.clip((radius + 1.0 - distance) * 255.0, 0, 255).astype(np.uint8)
        return np.maximum(mask, grown)
    return mask


def shadow_coverage(mask: Pixels, shadow: Shadow, size: int) -> Pixels:
    """`mask` shifted by the shadow's offset (bilinear), blurred, at the shadow's opacity."""
    h, w = mask.shape
    shift = np.array(((1.0, 0.0, shadow.dx * size), (0.0, 1.0, shadow.dy * size)), np.float64)
    moved = cv2.warpAffine(mask, shift, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    if shadow.blur > 0:
        moved = gaussian_blur(moved, shadow.blur * size)
    return cv2.convertScaleAbs(moved, alpha=shadow.opacity)


def extrusion_coverage(mask: Pixels, extrusion: Extrusion, size: int) -> Pixels:
    """The union of `mask` moved by every whole pixel step along the extrusion's direction up to its depth
    (one grey-level dilation by a line of those steps), the last step moved by the exact sub-pixel offset."""
    dx, dy = extrusion.offset(size)
    steps = max(1, math.ceil(max(abs(dx), abs(dy))))
    r = steps + 1
    kernel = np.zeros((2 * r + 1, 2 * r + 1), np.uint8)
    for k in range(steps + 1):  # dst(p) = max over k of src(p - k * step): the kernel runs against the direction
        kernel[r - round(k * dy / steps), r - round(k * dx / steps)] = 1
    out = cv2.dilate(mask, kernel, anchor=(r, r), borderType=cv2.BORDER_CONSTANT, borderValue=0)
    h, w = mask.shape
    far = np.array(((1.0, 0.0, dx), (0.0, 1.0, dy)), np.float64)
    end = cv2.warpAffine(mask, far, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return np.maximum(out, end)


def ink_layers(layers: tuple[Any, ...], mask: Pixels, size: int, ink: RGB, light: bool) -> list[tuple[Pixels, RGB]]:
    """(coverage, colour) of every layer in drawing order (shadows, extrusions, then the stroke), from the
    text's (h, w) coverage `mask` on the layout's canvas; shadows and extrusions are cast by the stroked
    text, an extrusion's colour follows the line's `ink` (`light`: light ink on a dark ground)."""
    strokes = [layer for layer in layers if isinstance(layer, Stroke)]
    outer = stroke_coverage(mask, strokes[0].radius(size)) if strokes else mask
    out = [(shadow_coverage(outer, layer, size), layer.color) for layer in layers if isinstance(layer, Shadow)]
    out += [
        (extrusion_coverage(outer, layer, size), layer.color(ink, light))
        for layer in layers
        if isinstance(layer, Extrusion)
    ]
    if strokes:
        out.append((outer, strokes[0].color))
    return out


def underline_thickness(thickness: float, gap: float, words: float, rng: np.random.Generator) -> dict[str, Any]:
    """An underline of `thickness` x the font's, moved `gap` x font size down, per word when `words`."""
    return {"rules": (Rule("underline", thickness, gap, bool(words)),)}


def strikethrough_thickness(thickness: float, words: float, rng: np.random.Generator) -> dict[str, Any]:
    """A strikethrough of `thickness` x the font's strikeout size, per word when `words`."""
    return {"rules": (Rule("strikethrough", thickness, 0.0, bool(words)),)}


def emphasis_words(
    count: float, start: float, bold: float, color: float, italic: float, rng: np.random.Generator
) -> dict[str, Any]:
    """`count` consecutive words from `start` (fraction of the words) grown by `bold` x font size, in accent `color`,
    slanted when `italic`."""
    return {"emphasis": Emphasis(int(count), start, bold, int(color), bool(italic))}


def shadow_opacity(
    opacity: float, offset: tuple[float, float], blur: float, tone: float, rng: np.random.Generator
) -> dict[str, Any]:
    """A drop shadow at `opacity`, shifted by `offset` (x, y) x font size, blurred `blur` x font size, grey `tone`."""
    return {"layers": (Shadow(opacity, offset[0], offset[1], blur, tone),)}


def stroke_width(width: float, color: tuple[float, float, float], rng: np.random.Generator) -> dict[str, Any]:
    """An outline `width` x font size wide in the colour (r, g, b)."""
    r, g, b = (int(v) for v in color)
    return {"layers": (Stroke(width, (r, g, b)),)}


def extrusion_depth(depth: float, angle: float, shade: float, rng: np.random.Generator) -> dict[str, Any]:
    """Raised letters: sides `depth` x font size deep along `angle`, the ink mixed `shade` towards white (black)."""
    return {"layers": (Extrusion(depth, angle, shade),)}


def ink_gradient_strength(strength: float, angle: float, color: float, rng: np.random.Generator) -> dict[str, Any]:
    """A gradient fill along `angle`, its far end `strength` of the way to the second colour `color`."""
    return {"gradient": Gradient(strength, angle, int(color))}


def gradient_end(gradient: Gradient, ink: RGB, light: bool) -> RGB:
    """The ink at the gradient's far end, before the contrast guard: the line's ink moved `strength` of the
    way towards a paler (darker, for light ink) shade or an accent colour, in linear light."""
    target = accent_ink(gradient.color, light) or ((0, 0, 0) if light else (255, 255, 255))
    return _mix(ink, target, gradient.strength)


def gradient_fill(
    start: RGB, end: RGB, angle: float, box: tuple[float, float, float, float], area: tuple[int, int, int, int]
) -> Pixels:
    """The (h, w, 3) fill of the image's `area` (x, y, w, h): `start` at the line `box`'s (x0, y0, x1, y1)
    first edge across `angle`, `end` at its last, mixed in linear light in 256 steps between."""
    a = math.radians(angle)
    c, s = math.cos(a), math.sin(a)
    x0, y0, x1, y1 = box
    along = [x * c + y * s for x in (x0, x1) for y in (y0, y1)]
    lo, span = min(along), max(max(along) - min(along), 1e-6)
    x, y, w, h = area
    xs = (np.arange(x, x + w, dtype=np.float32) + 0.5) * np.float32(c)
    ys = (np.arange(y, y + h, dtype=np.float32) + 0.5) * np.float32(s)
    t = np.clip((ys[:, None] + xs[None, :] - np.float32(lo)) * np.float32(255.0 / span), 0, 255)
    palette = mix_linear(start, end, np.linspace(0.0, 1.0, 256))
    return palette[np.rint(t).astype(np.uint8)]


def highlight_opacity(
    opacity: float, words: float, start: float, color: float, height: float, rng: np.random.Generator
) -> dict[str, Any]:
    """A highlighter stroke at `opacity` over `words` words from `start`, `height` x font size across the line,
    in marker `color`; its chisel tips' slant is drawn from the effect's generator."""
    a, b, c, d = (float(v) for v in rng.uniform(-TIP, TIP, 4))
    return {"highlight": Highlight(opacity, int(words), start, int(color), height, (a, b, c, d))}


def highlight_outline(
    highlight: Highlight,
    words: tuple[tuple[float, float], ...],
    middle: float,
    size: int,
    vertical: bool,
) -> NDArray[np.float64] | None:
    """The stroke's four corners (x, y) on the layout's canvas: along the line over the run's words (each
    word's [lo, hi) along it, in logical order) and a tenth of a font size beyond, `height` x font size
    across, centred on `middle`, its ends slanted as a chisel tip; None when the line or the run has no words."""
    n = len(words)
    if highlight.words <= 0 or n == 0:
        return None
    first = max(0, min(int(highlight.start * n), n - highlight.words))
    last = min(n, first + highlight.words) - 1
    run = words[first : last + 1]
    pad = 0.1 * size
    lo, hi = min(w[0] for w in run) - pad, max(w[1] for w in run) + pad
    half = 0.5 * highlight.height * size
    a, b, c, d = (t * size for t in highlight.tips)
    along = ((lo + a, middle - half), (hi + b, middle - half), (hi + c, middle + half), (lo + d, middle + half))
    return np.array([(y, x) if vertical else (x, y) for x, y in along], np.float64)


def plate_outline(box: tuple[float, float, float, float], margin: float, radius: float) -> NDArray[np.float64]:
    """The outline (x, y) of a rectangle `margin` pixels around `box` (x0, y0, x1, y1), its corners rounded by
    `radius` pixels (at most half its shorter side), clockwise from the top left corner's arc."""
    x0, y0, x1, y1 = box[0] - margin, box[1] - margin, box[2] + margin, box[3] + margin
    r = max(0.0, min(radius, (x1 - x0) / 2, (y1 - y0) / 2))
    points: list[tuple[float, float]] = []
    for cx, cy, start in (
        (x0 + r, y0 + r, 180.0),
        (x1 - r, y0 + r, 270.0),
        (x1 - r, y1 - r, 0.0),
        (x0 + r, y1 - r, 90.0),
    ):
        for k in range(7):  # each quarter arc in 6 steps (a corner of radius 0: its point, 7 times)
            t = math.radians(start + 15.0 * k)
            points.append((cx + r * math.cos(t), cy + r * math.sin(t)))
    return np.array(points, np.float64)


def plate_opacity(
    opacity: float, margin: float, radius: float, border: float, shade: float, rng: np.random.Generator
) -> dict[str, Any]:
    """A sign's plate behind the line: `margin` x font size around its box, corners rounded by `radius` x font
    size, a border `border` x font size wide, its colour `shade` of the way from the background's away from
    the ink, at `opacity`."""
    return {"plate": Plate(opacity, margin, radius, border, shade)}


def plate_color(plate: Plate, background: RGB, light: bool) -> RGB:
    """The plate's colour: the background colour mixed `shade` towards white (black under light ink)."""
    return _mix(background, (0, 0, 0) if light else (255, 255, 255), plate.shade)
