"""Backgrounds: procedural paper, noise and gradients, or a crop of an image from the pool."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
from PIL import Image

from synthocr.renderer.effects.degradation import NORMAL_QUANTILES, random_bytes

RGB = tuple[int, int, int]


def _tinted(shade: np.ndarray, color: RGB) -> Image.Image:
    """An RGB image of `color` plus the (h, w) float32 grey `shade` in every channel, rounded and clipped."""
    pixels = cv2.add(cv2.merge([shade, shade, shade]), (*map(float, color), 0.0), dtype=cv2.CV_8U)
    return Image.fromarray(pixels, "RGB")


def _grain(shape: tuple[int, int], sigma: float, rng: np.random.Generator) -> np.ndarray:
    """Gaussian grain of standard deviation `sigma` grey levels, as float32 (see degradation.noise_sigma)."""
    return cv2.LUT(random_bytes(rng, shape), (NORMAL_QUANTILES * sigma).astype(np.float32))


def plain(size: tuple[int, int], color: RGB, texture: float, angle: float, rng: np.random.Generator) -> Image.Image:
    """A solid colour."""
    return Image.new("RGB", size, color)


def noise(size: tuple[int, int], color: RGB, texture: float, angle: float, rng: np.random.Generator) -> Image.Image:
    """The colour with fine grey grain (sigma 6 x `texture` grey levels).

    One random byte per pixel picks a quantile of the normal (see degradation.noise_sigma);
    a table per channel turns it into that channel's level, grain added, rounded and clipped.
    """
    w, h = size
    grain = NORMAL_QUANTILES * (6.0 * texture)
    tables = np.clip(np.floor(np.add.outer(grain, np.array(color, np.float64)) + 0.5), 0, 255).astype(np.uint8)
    draws = random_bytes(rng, (h, w))
    return Image.fromarray(cv2.LUT(cv2.merge([draws, draws, draws]), tables[:, None, :]), "RGB")


def paper(size: tuple[int, int], color: RGB, texture: float, angle: float, rng: np.random.Generator) -> Image.Image:
    """Paper: soft blotches a few dozen pixels wide, plus fibre grain, both scaled by `texture`.

    The blotches are a coarse random grid (a node every 24 pixels) scaled up bicubically to a
    quarter of the size, then linearly to the whole: as smooth, at a fraction of the cost.
    """
    w, h = size
    cells = rng.standard_normal((max(2, h // 24 + 2), max(2, w // 24 + 2)), np.float32)
    quarter = cv2.resize(cells, (max(2, w // 4), max(2, h // 4)), interpolation=cv2.INTER_CUBIC)
    shade = cv2.resize(quarter, (w, h), interpolation=cv2.INTER_LINEAR)
    shade *= np.float32(7.0 * texture)
    shade += _grain((h, w), 2.5 * texture, rng)
    return _tinted(shade, color)


def gradient(size: tuple[int, int], color: RGB, texture: float, angle: float, rng: np.random.Generator
             ) -> Image.Image:
    """A linear shading towards `angle` degrees, up to 20% x `texture` darker at that side."""
    w, h = size
    a = np.deg2rad(angle)
    xs = np.arange(w, dtype=np.float32)[None, :] * np.float32(np.cos(a))
    ys = np.arange(h, dtype=np.float32)[:, None] * np.float32(np.sin(a))
    corners = [x + y for x in (0.0, float(xs[0, -1])) for y in (0.0, float(ys[-1, 0]))]
    lo, hi = min(corners), max(corners)
    # Darkening of 0 at the lowest t, 20% x texture of the colour at the highest: one (h, w) plane
    # of relative shade, then multiplied into each channel.
    t = xs + ys
    t -= np.float32(lo)
    t *= np.float32(-min(0.2 * texture, 1.0) / max(hi - lo, 1.0))
    t += np.float32(1.0)
    pixels = cv2.multiply(cv2.merge([t, t, t]), (*map(float, color), 0.0), dtype=cv2.CV_8U)
    return Image.fromarray(pixels, "RGB")


ProceduralFn = Callable[[tuple[int, int], RGB, float, float, np.random.Generator], Image.Image]
PROCEDURAL: dict[str, ProceduralFn] = {
    "plain": plain,
    "noise": noise,
    "paper": paper,
    "gradient": gradient,
}


def image_crop(source: Image.Image, size: tuple[int, int], fx: float, fy: float, zoom: float = 1.0
               ) -> Image.Image:
    """A `size` crop of `source` at fractional offset (fx, fy), after zooming it by `zoom` (and up, if too small)."""
    w, h = size
    scale = max(w / source.width, h / source.height, 1.0) * zoom
    if scale > 1.0:
        source = source.resize((int(np.ceil(source.width * scale)), int(np.ceil(source.height * scale))),
                               Image.Resampling.BILINEAR)
    x = int(fx * (source.width - w))
    y = int(fy * (source.height - h))
    return source.crop((x, y, x + w, y + h))
