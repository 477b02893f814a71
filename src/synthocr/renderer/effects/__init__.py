"""The effect registries: one name per effect, the same as its plan column and config range.

Effects run in this order: layout spacing (`glyph_overlap_intensity`, inside
layout), then GEOMETRIC warps (chained; pixels resampled once, polygons moved
by the same map), the FRAME crop, MASK effects on the ink, the background,
then IMAGE effects on the composed picture. MASK and IMAGE effects work on uint8 numpy
arrays, so the pixels are converted from and to Pillow once per row, not once per effect.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from synthocr.renderer.effects.degradation import (
    blur_radius,
    downscale_factor,
    jpeg_quality,
    motion_blur_length,
    noise_sigma,
    salt_pepper_amount,
)
from synthocr.renderer.effects.geometric import (
    crop_fraction,
    curvature_arc,
    curvature_sine,
    elastic_amplitude,
    perspective_warp_magnitude,
    rotation_angle,
)
from synthocr.renderer.effects.ink import ink_bleed_radius
from synthocr.renderer.effects.photometric import brightness_offset, contrast_factor, lighting_strength
from synthocr.renderer.geometry import Frame, Warp
from synthocr.renderer.imaging import Pixels

GeometricFn = Callable[[float, np.random.Generator, Frame], Warp]
FrameFn = Callable[[float, np.random.Generator, Frame], tuple[int, int, int, int]]
PixelFn = Callable[[Pixels, float, np.random.Generator], Pixels]  # uint8 arrays in, new arrays out

LAYOUT_EFFECTS: tuple[str, ...] = ("glyph_overlap_intensity",)
GEOMETRIC: dict[str, GeometricFn] = {
    "curvature_arc": curvature_arc,
    "curvature_sine": curvature_sine,
    "elastic_amplitude": elastic_amplitude,
    "perspective_warp_magnitude": perspective_warp_magnitude,
    "rotation_angle": rotation_angle,
}
FRAME: dict[str, FrameFn] = {"crop_fraction": crop_fraction}
MASK: dict[str, PixelFn] = {"ink_bleed_radius": ink_bleed_radius}
IMAGE: dict[str, PixelFn] = {
    "lighting_strength": lighting_strength,
    "contrast_factor": contrast_factor,
    "brightness_offset": brightness_offset,
    "motion_blur_length": motion_blur_length,
    "blur_radius": blur_radius,
    "downscale_factor": downscale_factor,
    "noise_sigma": noise_sigma,
    "salt_pepper_amount": salt_pepper_amount,
    "jpeg_quality": jpeg_quality,
}
# IMAGE effects after which neighbouring pixels are alike (for the choice of PNG row filter).
SMOOTHING: tuple[str, ...] = ("motion_blur_length", "blur_radius", "downscale_factor", "jpeg_quality")
EFFECT_ORDER: tuple[str, ...] = LAYOUT_EFFECTS + tuple(GEOMETRIC) + tuple(FRAME) + tuple(MASK) + tuple(IMAGE)
