"""Backgrounds: procedural paper, noise and gradients, or a crop of an image from the pool."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image

RGB = tuple[int, int, int]


def _from_array(pixels: np.ndarray) -> Image.Image:
    """An RGB image of float32 levels, rounded half up and clipped (in place: `pixels` is consumed)."""
    pixels += np.float32(0.5)
    np.clip(pixels, 0, 255, out=pixels)
    return Image.fromarray(pixels.astype(np.uint8), "RGB")


def plain(size: tuple[int, int], color: RGB, rng: np.random.Generator) -> Image.Image:
    """A solid colour."""
    return Image.new("RGB", size, color)


def noise(size: tuple[int, int], color: RGB, rng: np.random.Generator) -> Image.Image:
    """The colour with fine grey grain (sigma 6 grey levels)."""
    w, h = size
    grain = rng.standard_normal((h, w, 1), np.float32)
    grain *= np.float32(6.0)
    return _from_array(grain + np.asarray(color, np.float32))


def paper(size: tuple[int, int], color: RGB, rng: np.random.Generator) -> Image.Image:
    """Paper: soft blotches a few dozen pixels wide, plus fibre grain."""
    w, h = size
    cells = rng.standard_normal((max(2, h // 24 + 2), max(2, w // 24 + 2)), np.float32)
    blotches = np.asarray(Image.fromarray(cells, "F").resize((w, h), Image.Resampling.BICUBIC), np.float32)
    grain = rng.standard_normal((h, w), np.float32)
    grain *= np.float32(2.5)
    shade = blotches * np.float32(7.0)
    shade += grain
    return _from_array(shade[:, :, None] + np.asarray(color, np.float32))


def gradient(size: tuple[int, int], color: RGB, rng: np.random.Generator) -> Image.Image:
    """A linear shading in a random direction, up to 20% darker at one side."""
    w, h = size
    angle = rng.uniform(0, 2 * np.pi)
    xs = np.arange(w, dtype=np.float32)[None, :]
    ys = np.arange(h, dtype=np.float32)[:, None]
    t = xs * np.cos(angle) + ys * np.sin(angle)
    t = (t - t.min()) / max(float(t.max() - t.min()), 1.0)
    shade = 1.0 - 0.2 * t[:, :, None]
    return _from_array(np.asarray(color, np.float32) * shade)


PROCEDURAL: dict[str, Callable[[tuple[int, int], RGB, np.random.Generator], Image.Image]] = {
    "plain": plain,
    "noise": noise,
    "paper": paper,
    "gradient": gradient,
}


def image_crop(source: Image.Image, size: tuple[int, int], fx: float, fy: float) -> Image.Image:
    """A `size` crop of `source` at fractional offset (fx, fy), scaled up first if it is too small."""
    w, h = size
    scale = max(w / source.width, h / source.height, 1.0)
    if scale > 1.0:
        source = source.resize((int(np.ceil(source.width * scale)), int(np.ceil(source.height * scale))),
                               Image.Resampling.BILINEAR)
    x = int(fx * (source.width - w))
    y = int(fy * (source.height - h))
    return source.crop((x, y, x + w, y + h))
