"""Ink effects on the text mask before it meets the background."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageChops, ImageFilter

_DARKEN = [min(255, int(v * 1.8)) for v in range(256)]  # a halo 1.8x the blurred coverage, capped


def ink_bleed_radius(mask: Image.Image, radius: float, rng: np.random.Generator) -> Image.Image:
    """Ink spreading into the paper by about `radius` pixels: a soft, darkened halo around strokes."""
    if radius == 0:
        return mask
    halo = mask.filter(ImageFilter.GaussianBlur(radius)).point(_DARKEN)
    return ImageChops.lighter(mask, halo)
