"""The effect registries: one name per effect, the same as its plan column and config range.

Effects run in this order: layout spacing (`glyph_overlap_intensity`, inside
layout), then GEOMETRIC (composed into one mapping of pixels and polygons),
then MASK effects on the ink, the background, then IMAGE effects.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from synthocr.renderer.effects.geometric import perspective_warp_magnitude, rotation_angle
from synthocr.renderer.effects.ink import ink_bleed_radius
from synthocr.renderer.effects.photometric import blur_radius, jpeg_quality, noise_sigma

GeometricFn = Callable[[float, np.random.Generator, float, float], NDArray[np.float64]]
ImageFn = Callable[[Image.Image, float, np.random.Generator], Image.Image]

LAYOUT_EFFECTS: tuple[str, ...] = ("glyph_overlap_intensity",)
GEOMETRIC: dict[str, GeometricFn] = {
    "perspective_warp_magnitude": perspective_warp_magnitude,
    "rotation_angle": rotation_angle,
}
MASK: dict[str, ImageFn] = {"ink_bleed_radius": ink_bleed_radius}
IMAGE: dict[str, ImageFn] = {
    "blur_radius": blur_radius,
    "noise_sigma": noise_sigma,
    "jpeg_quality": jpeg_quality,
}
EFFECT_ORDER: tuple[str, ...] = LAYOUT_EFFECTS + tuple(GEOMETRIC) + tuple(MASK) + tuple(IMAGE)
