"""The golden rows: fixed plan rows covering every effect, rendered by test_effects_golden.py and regenerate_goldens.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from helpers import builtin_font_sha1
from synthocr.renderer.assets import RenderAssets
from synthocr.renderer.compose import render_row
from synthocr.schemas.params import EFFECT_PARAMS, PARAMS_BY_NAME
from synthocr.schemas.plan import BUILTIN_ROOT, PLAN_SCHEMA

PERSPECTIVE_CORNERS = PARAMS_BY_NAME["perspective_corner"].column_names
GOLDEN_DIR = Path(__file__).parent / "golden"

MAX_MEAN_ABS_DIFF = 2.0  # grey levels, over all pixels and channels
FAR_OFF = 48  # grey levels: a pixel further off than this is "far off"
MAX_FAR_OFF_SHARE = 0.01  # font rasterisation drifts between versions; a changed look moves far more

BASE: dict[str, Any] = {
    "image_id": 0,
    "spec": "golden",
    "seed": 20240611,
    "text": "Golden 42",
    "text_direction": "ltr",
    "language": "",
    "corpus_file": "latin.txt",
    "corpus_line": 0,
    "template": "",
    "font": "DejaVuSans.ttf",
    "font_instance": "",
    "text_case": "as_is",
    "combine_upright_digits": 0,
    "fallback_fonts": "",
    "fallback_sha1": "",
    "background_kind": "plain",
    "background_file": "",
    "background_x": 0.5,
    "background_y": 0.5,
    "font_size": 28,
    "padding_top": 6,
    "padding_right": 8,
    "padding_bottom": 6,
    "padding_left": 8,
    "background_texture": 1.0,
    "background_angle": 30.0,
    "background_scale": 1.0,
    "ink_color": "dark",
    "background_color": "cream",
    "min_contrast": 3.0,
    "ink_r": 20,
    "ink_g": 24,
    "ink_b": 40,
    "background_r": 235,
    "background_g": 230,
    "background_b": 220,
    "color_mode": "RGB",
    "output_name": "golden",
    **{col: p.neutral for p in EFFECT_PARAMS for col in p.column_names},
}

CASES: dict[str, dict[str, Any]] = {
    "latin_plain": {"text": "Hamburgefonstiv"},
    "latin_italic": {"text": "Quod erat demonstrandum", "font": "DejaVuSerif.ttf", "slant_angle": 12.0},
    "latin_paper_tilted": {
        "text": "Quick brown fox",
        "font": "DejaVuSerif.ttf",
        "background_kind": "paper",
        "rotation_angle": 4.0,
        "perspective_warp_magnitude": 0.04,
        **dict(zip(PERSPECTIVE_CORNERS, (0.6, -0.4, -0.8, 0.3, 0.5, 0.9, -0.2, -0.7))),
        "background_x": 0.3,
        "background_y": 0.8,
        "blur_radius": 0.6,
        "noise_sigma": 5.0,
        "glyph_overlap_intensity": 0.04,
    },
    "arabic_arc_lit": {
        "text": "في المساء الجميل",
        "text_direction": "rtl",
        "curvature_arc": 0.08,
        "lighting_strength": 0.4,
        "lighting_kind": 2,
        "lighting_angle": 120.0,
        "lighting_x": 0.6,
        "lighting_y": 0.4,
        "background_kind": "gradient",
    },
    "hebrew_wave_faded": {
        "text": "שלום 123 עולם",
        "text_direction": "rtl",
        "curvature_sine": 0.25,
        "curvature_sine_wavelength": 0.8,
        "curvature_sine_phase": 70.0,
        "elastic_amplitude": 0.05,
        "contrast_factor": 0.6,
        "brightness_offset": 20.0,
    },
    "vertical_motion": {
        "text": "ABCDE",
        "text_direction": "ttb",
        "font": "DejaVuSans-Bold.ttf",
        "motion_blur_length": 5.0,
        "motion_blur_angle": 35.0,
        "background_kind": "noise",
    },
    "gray_degraded": {
        "text": "scan copy 1998",
        "font": "DejaVuSansMono.ttf",
        "color_mode": "L",
        "ink_bleed_radius": 1.0,
        "downscale_factor": 2.0,
        "salt_pepper_amount": 0.02,
        "jpeg_quality": 40,
        "crop_fraction": 0.15,
        "crop_top": 0.9,
        "crop_right": 0.2,
        "crop_bottom": 0.6,
        "crop_left": 1.0,
    },
    "glossy_card": {
        "text": "Member since 2019",
        "font": "DejaVuSans.ttf",
        "font_size": 30,
        "background_kind": "gradient",
        "glare_strength": 0.5,
        "glare_x": 0.3,
        "glare_y": 0.4,
        "glare_size": 0.6,
        "glare_stretch": 3.0,
        "glare_angle": 20.0,
    },
    "street_sign": {
        "text": "Baker Street",
        "font": "DejaVuSans-Bold.ttf",
        "font_size": 34,
        "background_kind": "gradient",
        "background_r": 120,
        "background_g": 130,
        "background_b": 120,
        "ink_r": 245,
        "ink_g": 245,
        "ink_b": 240,
        "ink_color": "light_on_dark",
        "background_color": "dark",
        "padding_top": 14,
        "padding_bottom": 14,
        "padding_left": 14,
        "padding_right": 14,
        "rotation_angle": 4.0,
        "plate_opacity": 1.0,
        "plate_margin": 0.3,
        "plate_radius": 0.2,
        "plate_border": 0.05,
        "plate_shade": 0.5,
    },
    "highlighted_note": {
        "text": "read pages 12-18 first",
        "font": "DejaVuSerif.ttf",
        "font_size": 28,
        "background_kind": "paper",
        "rotation_angle": -2.0,
        "highlight_opacity": 0.55,
        "highlight_words": 2,
        "highlight_start": 0.3,
        "highlight_color": 0,
        "highlight_height": 0.95,
    },
    "worn_receipt": {
        "text": "TOTAL 12.50 EUR",
        "font": "DejaVuSansMono.ttf",
        "font_size": 30,
        "background_kind": "paper",
        "ink_wear_amount": 0.35,
        "ink_wear_scale": 3.0,
    },
    "paper_scan": {
        "text": "Received 12 May 1987",
        "font": "DejaVuSerif.ttf",
        "background_kind": "paper",
        "background_color": "cream",
        "padding_top": 12,
        "padding_bottom": 12,
        "fibre_density": 8.0,
        "fibre_length": 14.0,
        "fibre_darkness": 0.2,
        "fleck_density": 6.0,
        "fleck_size": 2.0,
        "laid_lines_strength": 0.05,
        "laid_lines_spacing": 4.0,
        "laid_lines_angle": 90.0,
        "stain_opacity": 0.3,
        "stain_x": 0.8,
        "stain_y": 0.3,
        "stain_radius": 1.2,
        "stain_ring": 1.0,
        "show_through_opacity": 0.2,
        "show_through_offset": 0.3,
        "show_through_blur": 1.5,
        "vignette_strength": 0.3,
        "vignette_x": 0.4,
        "vignette_y": 0.5,
        "crease_strength": 0.2,
        "crease_position": 0.6,
        "crease_angle": 75.0,
        "crease_width": 4.0,
        "dust_density": 3.0,
        "dust_size": 2.5,
    },
    "form_clutter": {
        "text": "Total due 1,284.50",
        "font": "DejaVuSansMono.ttf",
        "padding_top": 14,
        "padding_bottom": 14,
        "table_rule_width": 1.5,
        "table_rule_sides": 15,
        "table_rule_gap": 0.1,
        "table_rule_tone": 0.3,
        "neighbour_lines": 3,
        "neighbour_gap": -0.1,
        "neighbour_shift": 0.4,
        "stamp_opacity": 0.6,
        "stamp_word": 0,
        "stamp_x": 0.7,
        "stamp_y": 0.5,
        "stamp_angle": -12.0,
        "stamp_size": 1.4,
        "stamp_color": 0,
        "pen_mark_width": 2.0,
        "pen_mark_kind": 2,
        "pen_mark_x": 0.3,
        "pen_mark_y": 0.5,
        "pen_mark_size": 1.2,
        "pen_mark_color": 0,
    },
    "fax_halftone": {
        "text": "FAX 0044 20 7946 0321",
        "font": "DejaVuSans.ttf",
        "halftone_amount": 0.6,
        "halftone_period": 3.5,
        "halftone_angle": 45.0,
        "binarize_amount": 1.0,
        "binarize_offset": 10.0,
        "binarize_noise": 10.0,
    },
    "styled_invoice": {
        "text": "Invoice total due now",
        "font": "DejaVuSerif.ttf",
        "font_size": 30,
        "letter_spacing": 0.08,
        "word_spacing": 0.3,
        "underline_thickness": 1.3,
        "underline_gap": 0.03,
        "underline_words": 1,
        "emphasis_words": 2,
        "emphasis_start": 0.3,
        "emphasis_bold": 0.04,
        "emphasis_color": 1,
    },
    "styled_scene": {
        "text": "SALE 50% off",
        "font": "DejaVuSans-Bold.ttf",
        "font_size": 36,
        "background_kind": "gradient",
        "ink_r": 250,
        "ink_g": 245,
        "ink_b": 235,
        "ink_color": "light_on_dark",
        "background_color": "dark",
        "background_r": 60,
        "background_g": 70,
        "background_b": 110,
        "rotation_angle": 3.0,
        "strikethrough_thickness": 1.2,
        "strikethrough_words": 0,
        "shadow_opacity": 0.6,
        "shadow_dx": 0.06,
        "shadow_dy": 0.08,
        "shadow_blur": 0.03,
        "shadow_tone": 0.0,
        "stroke_width": 0.05,
        "stroke_r": 200,
        "stroke_g": 30,
        "stroke_b": 40,
    },
    "raised_sign": {
        "text": "OPEN 24h Café",
        "font": "DejaVuSans-Bold.ttf",
        "font_size": 40,
        "background_kind": "plain",
        "ink_r": 30,
        "ink_g": 40,
        "ink_b": 120,
        "background_r": 235,
        "background_g": 225,
        "background_b": 200,
        "extrusion_depth": 0.08,
        "extrusion_angle": 60.0,
        "extrusion_shade": 0.5,
        "ink_gradient_strength": 0.9,
        "ink_gradient_angle": 90.0,
        "ink_gradient_color": 1,
    },
}


def golden_row(name: str) -> dict[str, Any]:
    """The full plan row of one golden case, columns in plan order."""
    row = {**BASE, **CASES[name], "output_name": name}
    row["font_sha1"] = builtin_font_sha1(row["font"])
    assert set(row) == set(PLAN_SCHEMA.names), "golden rows must have exactly the plan columns"
    return row


def golden_assets() -> RenderAssets:
    return RenderAssets({"font": BUILTIN_ROOT, "corpus": BUILTIN_ROOT, "background": ""})


def render_golden(name: str, assets: RenderAssets) -> Image.Image:
    image, _ = render_row(golden_row(name), assets)
    return image


def golden_difference(image: Image.Image, golden: Image.Image) -> tuple[float, float] | None:
    """(mean absolute difference, share of pixels more than FAR_OFF off) of a render against its golden,
    or None when their modes or sizes differ."""
    if image.mode != golden.mode or image.size != golden.size:
        return None
    diff = np.abs(np.asarray(image, np.int16) - np.asarray(golden, np.int16))
    return float(diff.mean()), float((diff > FAR_OFF).mean())


def within_tolerance(difference: tuple[float, float] | None) -> bool:
    """Whether a golden_difference is small enough for the render to count as the golden's look."""
    return difference is not None and difference[0] <= MAX_MEAN_ABS_DIFF and difference[1] <= MAX_FAR_OFF_SHARE
