"""Page effects: what the paper holds before the ink meets it: fibres, laid lines, recycled flecks, stains, show-through.

Each takes the background's (h, w, 3) uint8 pixels, the effect's parameters, its
generator (for the positions of many small things: fibres, flecks) and the
PageContext, and returns new pixels; the input is never written to. They run
after the contrast guard measured the background, so they never move the ink.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import cv2
import numpy as np

from synthocr.renderer.imaging import Pixels, gaussian_blur

RGB = tuple[int, int, int]


class PageContext(NamedTuple):
    """What page and overlay effects know of the line: its box and size, its colours, and its ink coverage.

    `box` is the line polygon's bounds (x0, y0, x1, y1) in image pixels; `thickness` the line's height
    across its direction (its width for vertical text); `mask()` the text's (h, w) coverage in image
    pixels, 0-255, made on first use.
    """

    box: tuple[float, float, float, float]
    thickness: float
    vertical: bool
    ink: RGB
    paper: RGB
    font_size: int
    mask: Callable[[], Pixels]


def _touched(field: np.ndarray) -> tuple[slice, slice] | None:
    """The rows and columns of the smallest box holding every non-zero value of an (h, w) field (None: none)."""
    x, y, w, h = cv2.boundingRect(
        (field != 0).view(np.uint8) if field.dtype == np.bool_ else (field != 0).astype(np.uint8)
    )
    return (slice(y, y + h), slice(x, x + w)) if w and h else None


_UNIT = 128  # shade's factor in 8 bits: 128 is x1, up to x1.99 (a highlight); steps of 1/128


def shade(pixels: Pixels, darkness: np.ndarray) -> Pixels:
    """`pixels` times (1 - darkness), darkness an (h, w) float32 field (< 0 brightens), rounded and clipped.

    The factor is taken in steps of 1/128 (a level at most off at white) and applied by one 8-bit multiply,
    only within the box the field touches (fibres and specks cover little of an image).
    """
    box = _touched(darkness)
    if box is None:
        return pixels
    factor = np.clip(np.rint((1.0 - darkness[box]) * _UNIT), 0, 255).astype(np.uint8)
    part = np.ascontiguousarray(pixels[box])
    if pixels.ndim == 3:
        factor = cv2.merge([factor] * pixels.shape[2])
    out = pixels.copy()
    out[box] = cv2.multiply(part, factor, scale=1.0 / _UNIT, dtype=cv2.CV_8U)
    return out


def tint(pixels: Pixels, coverage: np.ndarray, color: tuple[float, float, float]) -> Pixels:
    """`color` laid over `pixels` with the (h, w) float32 `coverage` (0-1) as its alpha (only the box it touches
    is computed)."""
    box = _touched(coverage)
    if box is None:
        return pixels
    part = pixels[box]
    alpha = coverage[box][:, :, None] if pixels.ndim == 3 else coverage[box]
    target = np.array(color if pixels.ndim == 3 else (sum(color) / 3,), np.float32)
    out = pixels.copy()
    out[box] = np.clip(part + (target - part) * alpha + 0.5, 0, 255).astype(np.uint8)
    return out


def scatter_count(rng: np.random.Generator, density: float, h: int, w: int) -> int:
    """How many of a scattered kind of thing (fibres, flecks, specks) an h x w image holds at `density` per
    10,000 px²: a Poisson draw, 0 (and no draw) at density 0."""
    return int(rng.poisson(density * h * w / 10_000.0)) if density > 0 else 0


def fibre_density(
    pixels: Pixels, density: float, length: float, darkness: float, rng: np.random.Generator, page: PageContext
) -> Pixels:
    """Fibres in the paper: about `density` thin curved strands per 10,000 px², each about `length` pixels
    long and up to `darkness` (a fraction of the paper's level) darker (0 density = unchanged).

    Where they lie, their bends and their shades come from the generator: a field of many small things.
    """
    h, w = pixels.shape[:2]
    n = scatter_count(rng, density, h, w)
    if n == 0:
        return pixels
    start = rng.random((n, 2)) * (w, h)
    heading = rng.uniform(0, 2 * math.pi, n)
    bend = rng.normal(0, 0.6, n)
    lengths = length * rng.uniform(0.5, 1.5, n)
    shades = rng.uniform(0.35, 1.0, n)
    # Every fibre's six points at once, then one anti-aliased drawing call per shade (four shades).
    steps = np.linspace(0.0, 1.0, 6)
    angle = heading[:, None] + bend[:, None] * steps
    seg = (lengths / (len(steps) - 1))[:, None]
    xy = start[:, None, :] + np.cumsum(np.stack((np.cos(angle), np.sin(angle)), axis=-1) * seg[:, :, None], axis=1)
    curves = np.rint(xy * 4).astype(np.int32)
    level = np.minimum((shades - 0.35) / 0.65 * 4, 3).astype(np.int64)
    coverage = np.zeros((h, w), np.float32)
    for k in range(4):
        chosen = [curves[i] for i in np.flatnonzero(level == k)]
        if chosen:
            cv2.polylines(coverage, chosen, False, 0.35 + 0.65 * (k + 0.5) / 4, 1, cv2.LINE_AA, 2)
    return shade(pixels, coverage * np.float32(darkness))


def laid_lines_strength(
    pixels: Pixels, strength: float, spacing: float, angle: float, rng: np.random.Generator, page: PageContext
) -> Pixels:
    """Laid paper: fine parallel lines every `spacing` pixels along the direction `angle` degrees (from the
    x axis, clockwise as y grows down; the lines run across it: 0 makes them vertical), and fainter chain
    lines across them every 24 spacings, up to `strength` (a fraction of the paper's level) darker (0 =
    unchanged)."""
    if strength == 0:
        return pixels
    h, w = pixels.shape[:2]
    a = math.radians(angle)
    # Each pattern is periodic across its lines: tabulated over one period (256 steps) and looked up by
    # the pixel's phase, instead of a cosine and an exponential per pixel.
    phase = np.arange(256, dtype=np.float32) / 256
    laid_table = np.float32(0.8 * strength) * (0.5 + 0.5 * np.cos(2 * np.pi * phase)) ** 6
    chain_table = np.float32(0.6 * strength) * np.exp(-(((phase - 0.5) * 24) ** 2) / np.float32(2 * 0.8**2))
    xs, ys = np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32)[:, None]
    u = np.add(xs * np.float32(math.cos(a) / spacing), ys * np.float32(math.sin(a) / spacing))
    v = np.add(xs * np.float32(-math.sin(a) / (24 * spacing)), ys * np.float32(math.cos(a) / (24 * spacing)))
    laid = laid_table[(np.floor(u * 256).astype(np.int64)) & 255]
    chain = chain_table[(np.floor(v * 256).astype(np.int64)) & 255]
    return shade(pixels, laid + chain)


_FLECK_COLORS = np.array(
    [(60, 55, 50), (110, 90, 70), (70, 80, 130), (140, 60, 60), (90, 110, 80), (40, 40, 40)], np.float32
)


def fleck_density(pixels: Pixels, density: float, size: float, rng: np.random.Generator, page: PageContext) -> Pixels:
    """Recycled paper: about `density` small coloured flecks per 10,000 px², up to `size` pixels across
    (0 density = unchanged); their places, sizes and colours come from the generator."""
    h, w = pixels.shape[:2]
    n = scatter_count(rng, density, h, w)
    if n == 0:
        return pixels
    centres = np.rint(rng.random((n, 2)) * (w, h) * 4).astype(np.int32)
    axes = np.maximum(1, np.rint(rng.uniform(0.25, 0.5, (n, 2)) * size * 4)).astype(np.int32)  # half-axes, 1/4 px
    angles = rng.uniform(0, 180, n)
    colors = rng.integers(0, len(_FLECK_COLORS), n)
    alphas = rng.uniform(0.3, 0.8, n)
    # One pass for every fleck: each one's colour (times its opacity) and its opacity, drawn anti-aliased into
    # two canvases; the paper is then blended with them once (flecks rarely overlap).
    paint = np.zeros((h, w, 3), np.float32)
    coverage = np.zeros((h, w), np.float32)
    for k in range(n):
        centre, half = (int(centres[k, 0]), int(centres[k, 1])), (int(axes[k, 0]), int(axes[k, 1]))
        color = (_FLECK_COLORS[colors[k]] * alphas[k]).tolist()
        cv2.ellipse(paint, centre, half, float(angles[k]), 0, 360, color, -1, cv2.LINE_AA, 2)
        cv2.ellipse(coverage, centre, half, float(angles[k]), 0, 360, float(alphas[k]), -1, cv2.LINE_AA, 2)
    box = _touched(coverage)
    if box is None:
        return pixels
    part = pixels[box].astype(np.float32)
    alpha = np.minimum(coverage[box], 1.0)
    ink = paint[box] if pixels.ndim == 3 else paint[box].mean(axis=2)
    if pixels.ndim == 3:
        alpha = alpha[:, :, None]
    out = pixels.copy()
    out[box] = np.clip(part * (1.0 - alpha) + ink + 0.5, 0, 255).astype(np.uint8)
    return out


_STAIN = (150.0, 112.0, 62.0)  # coffee and foxing brown


def stain_opacity(
    pixels: Pixels,
    opacity: float,
    center: tuple[float, float],
    radius: float,
    ring: float,
    rng: np.random.Generator,
    page: PageContext,
) -> Pixels:
    """A stain of `opacity` (0 = unchanged): a brown blotch or a coffee ring centred at `center` (fractions of
    width and height), `radius` image heights across; `ring` 0 is a soft blotch, 1 a dark rim around a pale
    inside. Its ragged edge (a few waves around it, their phases from the generator) and its mottling come
    from the generator."""
    if opacity == 0:
        return pixels
    h, w = pixels.shape[:2]
    r = max(radius * h, 2.0)
    # Drawn at a quarter of the size (the stain is soft) and scaled up.
    full_w, full_h = w, h
    w, h = max(2, w // 4), max(2, h // 4)
    r, cx, cy = r / 4, center[0] * w, center[1] * h
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    theta = np.arctan2(ys - np.float32(cy), xs - np.float32(cx))
    edge = np.ones_like(theta)
    for k, amp in ((3, 0.06), (5, 0.04), (9, 0.025), (17, 0.012)):
        edge += np.float32(amp) * np.sin(np.float32(k) * theta + np.float32(rng.uniform(0, 2 * math.pi)))
    d = np.sqrt((xs - np.float32(cx)) ** 2 + (ys - np.float32(cy)) ** 2) / (np.float32(r) * edge)
    cells = rng.uniform(0.75, 1.0, (max(2, h // 3), max(2, w // 3))).astype(np.float32)
    mottle = cv2.resize(cells, (w, h), interpolation=cv2.INTER_CUBIC)
    blotch = np.clip((1.0 - d) * 4.0, 0.0, 1.0) * mottle
    rim = np.exp(-(((d - 0.97) / 0.05) ** 2))
    coverage = (np.float32(1 - ring) * blotch + np.float32(ring) * (0.2 * blotch + rim)) * np.float32(opacity)
    coverage = cv2.resize(
        np.clip(coverage, 0.0, 1.0).astype(np.float32), (full_w, full_h), interpolation=cv2.INTER_LINEAR
    )
    return tint(pixels, coverage, _STAIN)


def show_through_opacity(
    pixels: Pixels, opacity: float, offset: float, blur: float, rng: np.random.Generator, page: PageContext
) -> Pixels:
    """Text on the back of the sheet showing through: the line's own ink, mirrored left to right (top to
    bottom for vertical text), moved `offset` line heights across the line, blurred by `blur` pixels and
    darkening the paper by up to `opacity` (0 = unchanged)."""
    if opacity == 0:
        return pixels
    mask = page.mask()
    mirrored = mask[::-1] if page.vertical else mask[:, ::-1]
    shift = int(round(offset * page.thickness))
    if abs(shift) >= mirrored.shape[1 if page.vertical else 0]:
        return pixels  # moved past the image's far side: none of it shows (and the slices below would not fit)
    moved = np.zeros_like(mirrored)
    if page.vertical:
        if shift >= 0:
            moved[:, shift:] = mirrored[:, : mirrored.shape[1] - shift]
        else:
            moved[:, :shift] = mirrored[:, -shift:]
    elif shift >= 0:
        moved[shift:] = mirrored[: mirrored.shape[0] - shift]
    else:
        moved[:shift] = mirrored[-shift:]
    soft = gaussian_blur(moved, blur) if blur > 0 else moved
    return shade(pixels, soft.astype(np.float32) * np.float32(0.7 * opacity / 255.0))
