"""Backgrounds: procedural paper, noise and gradients, or a crop of an image from the pool."""

from __future__ import annotations

import functools
from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image

from synthocr.renderer.effects.degradation import NORMAL_QUANTILES, random_bytes
from synthocr.renderer.pillow_core import palette_image

RGB = tuple[int, int, int]
Offset = tuple[float, float]  # fractions of the free width and height (background_x, background_y)


_SHADE_ZERO = 128  # an 8-bit shade index holds shade + 128: -128 to +127 grey levels


def _indexed(index: np.ndarray, color: RGB, shades: np.ndarray) -> Image.Image:
    """An RGB image whose pixels are `color` plus `shades[i]` grey levels (rounded half up, clipped)
    for each byte i of the (h, w) `index`.

    The 256 colours are a palette and Pillow expands it: one pass that writes Pillow's own pixel
    format, instead of three lookups, a merge and a copy into Pillow. It is done on Pillow's core
    image where it can (imaging.palette_image).
    """
    palette = np.clip(np.floor(np.add.outer(shades, np.array(color, np.float64)) + 0.5), 0, 255).astype(np.uint8)
    return palette_image(index, palette)


def plain(
    size: tuple[int, int], color: RGB, texture: float, angle: float, offset: Offset, rng: np.random.Generator
) -> Image.Image:
    """A solid colour."""
    return Image.new("RGB", size, color)


def noise(
    size: tuple[int, int], color: RGB, texture: float, angle: float, offset: Offset, rng: np.random.Generator
) -> Image.Image:
    """The colour with fine grey grain (sigma 6 x `texture` grey levels).

    One random byte per pixel picks a quantile of the normal (see degradation.noise_sigma);
    a palette turns it into the colour with that grain added, rounded and clipped.
    """
    w, h = size
    return _indexed(random_bytes(rng, (h, w)), color, NORMAL_QUANTILES * (6.0 * texture))


def paper(
    size: tuple[int, int], color: RGB, texture: float, angle: float, offset: Offset, rng: np.random.Generator
) -> Image.Image:
    """Paper: soft blotches a few dozen pixels wide, plus fibre grain, both scaled by `texture`.

    The texture at strength 1 is cut from a PAPER_TILE-pixel square made once per process, at
    `offset` (a window of one stationary random field looks like a fresh sample of it), and
    `texture` scales it in the palette that tints it; only an image larger than the square gets a
    texture of its own, drawn from `rng`.
    """
    w, h = size
    shades = np.arange(256, dtype=np.float64) - _SHADE_ZERO
    if w <= PAPER_TILE and h <= PAPER_TILE:
        x, y = int(offset[0] * (PAPER_TILE - w)), int(offset[1] * (PAPER_TILE - h))
        return _indexed(_paper_tile()[y : y + h, x : x + w], color, shades * texture)
    return _indexed(_paper_shade((w, h), texture, rng), color, shades)


PAPER_TILE = 1536  # pixels: the side of the square paper texture is cut from


@functools.cache
def _paper_tile() -> np.ndarray:
    """The paper texture at strength 1, the same on every machine (a fixed seed); read only."""
    tile = _paper_shade((PAPER_TILE, PAPER_TILE), 1.0, np.random.default_rng(20260522))
    tile.flags.writeable = False
    return tile


def _paper_shade(size: tuple[int, int], texture: float, rng: np.random.Generator) -> np.ndarray:
    """Paper's shade, one byte per pixel around _SHADE_ZERO: blotches plus grain at strength `texture`.

    The blotches are a coarse random grid (a node every 24 pixels) scaled up bicubically to a
    quarter of the size, then linearly to the whole: as smooth, at a fraction of the cost.
    The grain is one of 256 normal quantiles per pixel, rounded to whole grey levels.
    """
    w, h = size
    cells = rng.standard_normal((max(2, h // 24 + 2), max(2, w // 24 + 2)), np.float32)
    quarter = cv2.resize(cells, (max(2, w // 4), max(2, h // 4)), interpolation=cv2.INTER_CUBIC)
    blotches = cv2.resize(quarter, (w, h), interpolation=cv2.INTER_LINEAR)
    grain_table = np.clip(np.floor(NORMAL_QUANTILES * (2.5 * texture) + (_SHADE_ZERO + 0.5)), 0, 255)
    grain = cv2.LUT(random_bytes(rng, (h, w)), grain_table.astype(np.uint8))
    return cv2.addWeighted(blotches, 7.0 * texture, grain, 1.0, 0.0, dtype=cv2.CV_8U)


def gradient(
    size: tuple[int, int], color: RGB, texture: float, angle: float, offset: Offset, rng: np.random.Generator
) -> Image.Image:
    """A linear shading towards `angle` degrees, up to 20% x `texture` darker at that side."""
    w, h = size
    a = np.deg2rad(angle)
    xs = np.arange(w, dtype=np.float32)[None, :] * np.float32(np.cos(a))
    ys = np.arange(h, dtype=np.float32)[:, None] * np.float32(np.sin(a))
    corners = [x + y for x in (0.0, float(xs[0, -1])) for y in (0.0, float(ys[-1, 0]))]
    lo, hi = min(corners), max(corners)
    # Darkening of 0 at the lowest t, 20% x texture of the colour at the highest: one (h, w) plane
    # of relative shade, scaled into each channel.
    t = xs + ys
    t -= np.float32(lo)
    t *= np.float32(-min(0.2 * texture, 1.0) / max(hi - lo, 1.0))
    t += np.float32(1.0)
    return Image.fromarray(cv2.merge([cv2.convertScaleAbs(t, alpha=float(c)) for c in color]), "RGB")


ProceduralFn = Callable[[tuple[int, int], RGB, float, float, Offset, np.random.Generator], Image.Image]
PROCEDURAL: dict[str, ProceduralFn] = {
    "plain": plain,
    "noise": noise,
    "paper": paper,
    "gradient": gradient,
}


def image_crop(source: Image.Image, size: tuple[int, int], fx: float, fy: float, zoom: float = 1.0) -> Image.Image:
    """A `size` crop of `source` at fractional offset (fx, fy), after zooming it by `zoom` (and up, if too small).

    A zoomed crop resamples only the part of the source it shows (Pillow's resize
    `box`), with the filter positions the whole zoomed source would have: the same
    pixels up to rounding (2 grey levels at most), at a cost that follows the line
    image's size, not the photo's.
    """
    w, h = size
    scale = max(w / source.width, h / source.height, 1.0) * zoom
    if scale <= 1.0:
        x, y = int(fx * (source.width - w)), int(fy * (source.height - h))
        return source.crop((x, y, x + w, y + h))
    zoomed_w, zoomed_h = int(np.ceil(source.width * scale)), int(np.ceil(source.height * scale))
    x, y = int(fx * (zoomed_w - w)), int(fy * (zoomed_h - h))
    sx, sy = source.width / zoomed_w, source.height / zoomed_h  # source pixels per zoomed pixel
    return source.resize((w, h), Image.Resampling.BILINEAR, box=(x * sx, y * sy, (x + w) * sx, (y + h) * sy))
