"""Backgrounds: procedural paper, noise and gradients, or a crop of an image from the pool."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PIL import Image

RGB = tuple[int, int, int]


def _from_planes(planes: list[np.ndarray]) -> Image.Image:
    """An RGB image from 3 (h, w) planes of float levels, rounded half up and clipped (the planes are consumed).

    Grey shading is computed once and added to each channel's level as its own contiguous plane:
    numpy is several times slower on (h, w, 3) arrays broadcast from (h, w, 1).
    """
    bands = []
    for plane in planes:
        plane += 0.5
        np.clip(plane, 0, 255, out=plane)
        bands.append(Image.fromarray(plane.astype(np.uint8), "L"))
    return Image.merge("RGB", bands)


def plain(size: tuple[int, int], color: RGB, texture: float, angle: float, rng: np.random.Generator) -> Image.Image:
    """A solid colour."""
    return Image.new("RGB", size, color)


def noise(size: tuple[int, int], color: RGB, texture: float, angle: float, rng: np.random.Generator) -> Image.Image:
    """The colour with fine grey grain (sigma 6 x `texture` grey levels)."""
    w, h = size
    grain = rng.standard_normal((h, w), np.float32)
    grain *= np.float32(6.0 * texture)
    return _from_planes([grain + np.float32(c) for c in color])


def paper(size: tuple[int, int], color: RGB, texture: float, angle: float, rng: np.random.Generator) -> Image.Image:
    """Paper: soft blotches a few dozen pixels wide, plus fibre grain, both scaled by `texture`."""
    w, h = size
    cells = rng.standard_normal((max(2, h // 24 + 2), max(2, w // 24 + 2)), np.float32)
    blotches = np.asarray(Image.fromarray(cells, "F").resize((w, h), Image.Resampling.BICUBIC), np.float32)
    grain = rng.standard_normal((h, w), np.float32)
    grain *= np.float32(2.5 * texture)
    shade = blotches * np.float32(7.0 * texture)
    shade += grain
    return _from_planes([shade + np.float32(c) for c in color])


def gradient(size: tuple[int, int], color: RGB, texture: float, angle: float, rng: np.random.Generator
             ) -> Image.Image:
    """A linear shading towards `angle` degrees, up to 20% x `texture` darker at that side."""
    w, h = size
    a = np.deg2rad(angle)
    xs = np.arange(w, dtype=np.float32)[None, :]
    ys = np.arange(h, dtype=np.float32)[:, None]
    t = xs * np.float32(np.cos(a)) + ys * np.float32(np.sin(a))
    t = (t - t.min()) / max(float(t.max() - t.min()), 1.0)
    shade = 1.0 - np.float32(min(0.2 * texture, 1.0)) * t
    return _from_planes([np.float32(c) * shade for c in color])


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
