"""The effect registry: one function per declared effect (schemas/effects.py), under the effect's name.

The stage of each effect and the order within a stage come from the declarations;
the renderer runs them as: LAYOUT spacing and STYLE values (rules, emphasised words,
ink layers under the text) handed to the layout, GEOMETRIC warps
(chained; pixels resampled once, polygons moved by the same map), the FRAME
crop, MASK effects on the ink, the background (and the contrast guard), PAGE
effects on the paper, the ink, OVERLAY marks over it, then IMAGE effects on the
composed picture. Each function takes the effect's parameters in declared order
(a parameter of several columns as one tuple), then the effect's own generator
(for high-dimensional texture only), then what its stage works on. MASK and IMAGE
effects work on uint8 numpy arrays, so the pixels are converted from and to
Pillow once per row, not once per effect.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from synthocr.renderer.effects.clutter import neighbour_lines, pen_mark_width, stamp_opacity, table_rule_width
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
    slant_angle,
)
from synthocr.renderer.effects.ink import ink_bleed_radius, ink_wear_amount
from synthocr.renderer.effects.layout import glyph_overlap_intensity, letter_spacing, word_spacing
from synthocr.renderer.effects.page import (
    PageContext,
    fibre_density,
    fleck_density,
    laid_lines_strength,
    show_through_opacity,
    stain_opacity,
)
from synthocr.renderer.effects.photometric import brightness_offset, contrast_factor, glare_strength, lighting_strength
from synthocr.renderer.effects.scanner import (
    binarize_amount,
    crease_strength,
    dust_density,
    halftone_amount,
    vignette_strength,
)
from synthocr.renderer.effects.style import (
    emphasis_words,
    extrusion_depth,
    highlight_opacity,
    ink_gradient_strength,
    plate_opacity,
    shadow_opacity,
    strikethrough_thickness,
    stroke_width,
    underline_thickness,
)
from synthocr.schemas.params import EFFECTS

# Stage by stage, what the renderer passes after the parameters and the generator:
#   layout and style: nothing, return LineStyle fields (renderer/linestyle.py); geometric: the Frame, returns a Warp;
#   frame: the Frame, returns (top, right, bottom, left) pixels cut; mask: the (h, w) ink coverage first,
#   returns a new one; page (the background, before the ink) and overlay (the composed image, before the
#   image effects): the pixels first and the PageContext last, return new pixels; image: the composed
#   pixels first, returns new pixels.
RENDERERS: dict[str, Callable[..., Any]] = {
    "glyph_overlap_intensity": glyph_overlap_intensity,
    "letter_spacing": letter_spacing,
    "word_spacing": word_spacing,
    "underline_thickness": underline_thickness,
    "strikethrough_thickness": strikethrough_thickness,
    "emphasis_words": emphasis_words,
    "shadow_opacity": shadow_opacity,
    "stroke_width": stroke_width,
    "extrusion_depth": extrusion_depth,
    "ink_gradient_strength": ink_gradient_strength,
    "highlight_opacity": highlight_opacity,
    "plate_opacity": plate_opacity,
    "slant_angle": slant_angle,
    "curvature_arc": curvature_arc,
    "curvature_sine": curvature_sine,
    "elastic_amplitude": elastic_amplitude,
    "perspective_warp_magnitude": perspective_warp_magnitude,
    "rotation_angle": rotation_angle,
    "crop_fraction": crop_fraction,
    "ink_bleed_radius": ink_bleed_radius,
    "ink_wear_amount": ink_wear_amount,
    "fibre_density": fibre_density,
    "fleck_density": fleck_density,
    "laid_lines_strength": laid_lines_strength,
    "stain_opacity": stain_opacity,
    "show_through_opacity": show_through_opacity,
    "table_rule_width": table_rule_width,
    "neighbour_lines": neighbour_lines,
    "stamp_opacity": stamp_opacity,
    "pen_mark_width": pen_mark_width,
    "lighting_strength": lighting_strength,
    "glare_strength": glare_strength,
    "vignette_strength": vignette_strength,
    "contrast_factor": contrast_factor,
    "brightness_offset": brightness_offset,
    "halftone_amount": halftone_amount,
    "crease_strength": crease_strength,
    "dust_density": dust_density,
    "motion_blur_length": motion_blur_length,
    "blur_radius": blur_radius,
    "downscale_factor": downscale_factor,
    "noise_sigma": noise_sigma,
    "salt_pepper_amount": salt_pepper_amount,
    "binarize_amount": binarize_amount,
    "jpeg_quality": jpeg_quality,
}


def _stage(stage: str) -> dict[str, Callable[..., Any]]:
    """The renderers of one stage, in declared order."""
    return {e.name: RENDERERS[e.name] for e in EFFECTS if e.stage == stage}


LAYOUT = _stage("layout")
STYLE = _stage("style")
GEOMETRIC = _stage("geometric")
FRAME = _stage("frame")
MASK = _stage("mask")
PAGE = _stage("page")
OVERLAY = _stage("overlay")
IMAGE = _stage("image")
__all__ = [
    "EFFECT_ORDER",
    "FRAME",
    "GEOMETRIC",
    "IMAGE",
    "LAYOUT",
    "MASK",
    "OVERLAY",
    "PAGE",
    "RENDERERS",
    "SMOOTHING",
    "STYLE",
    "PageContext",
]

# IMAGE effects after which neighbouring pixels are alike (for the choice of PNG row filter).
SMOOTHING: tuple[str, ...] = ("motion_blur_length", "blur_radius", "downscale_factor", "jpeg_quality")
EFFECT_ORDER: tuple[str, ...] = tuple(e.name for e in EFFECTS)
