"""Photometric effects on the composed image: uneven lighting, contrast and brightness."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageChops


def _lut(image: Image.Image, fn) -> Image.Image:
    """`fn` of each 0-255 level, applied to every band through one lookup table.

    The table is computed with numpy (rounded half up, clipped) and handed to
    Image.point as whole numbers, which applies it in C without converting the image.
    """
    table = np.clip(np.floor(fn(np.arange(256, dtype=np.float64)) + 0.5), 0, 255).astype(np.uint8)
    return image.point(table.tolist() * len(image.getbands()))


def lighting_strength(image: Image.Image, strength: float, rng: np.random.Generator) -> Image.Image:
    """Uneven lighting: a smooth shading (a ramp, a vignette or a soft shadow edge), `strength` darker at most.

    The shading is drawn on a coarse 16 x 16 grid and scaled up, so the cost does
    not depend on the image's size.
    """
    if strength == 0:
        return image
    n = 16
    ys, xs = np.mgrid[0:n, 0:n].astype(np.float64) / (n - 1)
    kind = int(rng.integers(0, 3))
    angle = rng.uniform(0, 2 * math.pi)
    if kind == 0:  # light from one side
        t = (xs - 0.5) * math.cos(angle) + (ys - 0.5) * math.sin(angle)
        shade = (t - t.min()) / max(float(t.max() - t.min()), 1e-9)
    elif kind == 1:  # a bright spot, darker towards the corners
        cx, cy = rng.uniform(0.2, 0.8, 2)
        shade = np.hypot(xs - cx, ys - cy)
        shade /= max(float(shade.max()), 1e-9)
    else:  # the soft edge of a shadow across the image
        offset = rng.uniform(-0.3, 0.3)
        d = (xs - 0.5) * math.cos(angle) + (ys - 0.5) * math.sin(angle) - offset
        shade = 1.0 / (1.0 + np.exp(-d / 0.06))
    field = np.rint(255.0 * (1.0 - strength * shade)).astype(np.uint8)
    light = Image.fromarray(field, "L").resize(image.size, Image.Resampling.BILINEAR)
    return ImageChops.multiply(image, light.convert(image.mode) if image.mode != "L" else light)


def contrast_factor(image: Image.Image, factor: float, rng: np.random.Generator) -> Image.Image:
    """Contrast scaled by `factor` about mid-grey 128 (1 = unchanged; < 1 faded, > 1 harsher)."""
    if factor == 1:
        return image
    return _lut(image, lambda v: 128 + (v - 128) * factor)


def brightness_offset(image: Image.Image, offset: float, rng: np.random.Generator) -> Image.Image:
    """`offset` grey levels added to every pixel and channel, clipped to 0-255 (0 = unchanged)."""
    if offset == 0:
        return image
    return _lut(image, lambda v: v + offset)
