"""The effect registry: one function per declared effect (schemas/effects.py), under the effect's name.

The stage of each effect and the order within a stage come from the declarations;
the renderer runs them as: LAYOUT values handed to the layout, GEOMETRIC warps
(chained; pixels resampled once, polygons moved by the same map), the FRAME
crop, MASK effects on the ink, the background, then IMAGE effects on the
composed picture. Each function takes the effect's parameters in declared order
(a parameter of several columns as one tuple), then the effect's own generator
(for high-dimensional texture only), then what its stage works on. MASK and IMAGE
effects work on uint8 numpy arrays, so the pixels are converted from and to
Pillow once per row, not once per effect.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
from synthocr.renderer.effects.layout import glyph_overlap_intensity
from synthocr.renderer.effects.photometric import brightness_offset, contrast_factor, lighting_strength
from synthocr.schemas.params import EFFECTS

# Stage by stage, what the renderer passes after the parameters and the generator:
#   layout: nothing, returns the layout's argument; geometric: the Frame, returns a Warp;
#   frame: the Frame, returns (top, right, bottom, left) pixels cut; mask: the (h, w) ink coverage first,
#   returns a new one; image: the composed pixels first, returns new pixels.
RENDERERS: dict[str, Callable[..., Any]] = {
    "glyph_overlap_intensity": glyph_overlap_intensity,
    "curvature_arc": curvature_arc,
    "curvature_sine": curvature_sine,
    "elastic_amplitude": elastic_amplitude,
    "perspective_warp_magnitude": perspective_warp_magnitude,
    "rotation_angle": rotation_angle,
    "crop_fraction": crop_fraction,
    "ink_bleed_radius": ink_bleed_radius,
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


def _stage(stage: str) -> dict[str, Callable[..., Any]]:
    """The renderers of one stage, in declared order."""
    return {e.name: RENDERERS[e.name] for e in EFFECTS if e.stage == stage}


LAYOUT = _stage("layout")
GEOMETRIC = _stage("geometric")
FRAME = _stage("frame")
MASK = _stage("mask")
IMAGE = _stage("image")
# IMAGE effects after which neighbouring pixels are alike (for the choice of PNG row filter).
SMOOTHING: tuple[str, ...] = ("motion_blur_length", "blur_radius", "downscale_factor", "jpeg_quality")
EFFECT_ORDER: tuple[str, ...] = tuple(e.name for e in EFFECTS)
