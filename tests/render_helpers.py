"""Test helpers for rendered rows: strong and neutral effect values, clean rows, ink masks and polygon rasters."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from helpers import builtin_font_sha1
from synthocr.schemas.params import EFFECT_PARAMS, EFFECTS, EFFECTS_BY_NAME

NEUTRAL = {col: p.neutral for p in EFFECT_PARAMS for col in p.column_names}  # every column of every effect
STRONG = {
    "glyph_overlap_intensity": 0.15,
    "letter_spacing": 0.3,
    "word_spacing": 0.8,
    "underline_thickness": 1.5,
    "strikethrough_thickness": 1.5,
    "emphasis_words": 2,
    "shadow_opacity": 0.7,
    "stroke_width": 0.06,
    "extrusion_depth": 0.08,
    "ink_gradient_strength": 1.0,
    "highlight_opacity": 0.6,
    "plate_opacity": 1.0,
    "curvature_arc": 0.1,
    "curvature_sine": 0.3,
    "elastic_amplitude": 0.08,
    "perspective_warp_magnitude": 0.1,
    "slant_angle": 14.0,
    "rotation_angle": 12.0,
    "crop_fraction": 0.3,
    "ink_bleed_radius": 1.5,
    "ink_wear_amount": 0.4,
    "fibre_density": 12.0,
    "fleck_density": 12.0,
    "laid_lines_strength": 0.15,
    "stain_opacity": 0.5,
    "show_through_opacity": 0.4,
    "table_rule_width": 2.0,
    "neighbour_lines": 3,
    "stamp_opacity": 0.8,
    "pen_mark_width": 2.5,
    "lighting_strength": 0.5,
    "glare_strength": 0.6,
    "vignette_strength": 0.5,
    "contrast_factor": 0.5,
    "brightness_offset": -40.0,
    "halftone_amount": 1.0,
    "crease_strength": 0.3,
    "dust_density": 6.0,
    "motion_blur_length": 6.0,
    "blur_radius": 1.5,
    "downscale_factor": 2.5,
    "noise_sigma": 20.0,
    "salt_pepper_amount": 0.05,
    "binarize_amount": 1.0,
    "jpeg_quality": 20,
}


_SPREAD = (0.3, 0.8, 0.55, 0.1, 0.9, 0.25, 0.7, 0.4)  # where in its default range each column of a parameter sits
# Other parameters the tests set for an effect to show in a small test image (neighbouring lines need a
# small gap to reach into a few pixels of padding; a stain centred on the image).
SHOWN = {
    "neighbour_gap": -0.4,
    "stain_x": 0.5,
    "stain_y": 0.5,
    "stamp_x": 0.5,
    "stamp_y": 0.5,
    "table_rule_sides": 15,
    "table_rule_gap": 0.05,
}


def switched_on(name: str, strength: float) -> dict:
    """The columns of effect `name` at `strength`, its other parameters at fixed values inside their default
    ranges (spread, so that a perspective's corners move apart and a lighting kind is not always 0)."""
    out: dict = {name: strength}
    for p in EFFECTS_BY_NAME[name].params[1:]:
        lo, hi = p.default
        for k, col in enumerate(p.column_names):
            value = SHOWN.get(col, lo + _SPREAD[k % len(_SPREAD)] * (hi - lo))
            out[col] = int(round(value)) if p.is_int else value
    return out


def clean(row: dict, **changes) -> dict:
    """The row on a plain background with every effect off, then `changes`; an effect that `changes` turns on
    gets its other parameters from `switched_on` unless `changes` sets them."""
    if "font" in changes and "font_sha1" not in changes:  # a built-in font, with the fingerprint a plan records
        changes["font_sha1"] = builtin_font_sha1(changes["font"])
    out = {**row, **NEUTRAL, "background_kind": "plain", "background_file": "", **changes}
    for e in EFFECTS:
        if out[e.name] != e.neutral:
            out.update({k: v for k, v in switched_on(e.name, out[e.name]).items() if k not in changes})
    return out


def ink_mask(image: Image.Image, row: dict) -> np.ndarray:
    """Pixels closer to the ink colour than to the background colour."""
    pixels = np.asarray(image.convert("RGB"), np.float32)
    ink = np.array([row["ink_r"], row["ink_g"], row["ink_b"]], np.float32)
    bg = np.array([row["background_r"], row["background_g"], row["background_b"]], np.float32)
    return np.linalg.norm(pixels - ink, axis=2) < np.linalg.norm(pixels - bg, axis=2)


def raster(size, polygons, grow: int = 1) -> np.ndarray:
    mask = Image.new("L", size, 0)
    draw = ImageDraw.Draw(mask)
    for poly in polygons:
        draw.polygon([tuple(p) for p in poly], fill=255, outline=255, width=1 + 2 * grow)
    return np.asarray(mask) > 0


def mostly_inside(polygon, size) -> bool:
    """At least 60% of the polygon's area lies inside the image."""
    pts = np.asarray(polygon)
    x0, y0 = np.floor(pts.min(axis=0)).astype(int) - 1
    x1, y1 = np.ceil(pts.max(axis=0)).astype(int) + 1
    mask = Image.new("1", (int(x1 - x0), int(y1 - y0)), 0)
    ImageDraw.Draw(mask).polygon([(x - x0, y - y0) for x, y in pts], fill=1)
    area = np.asarray(mask)
    inside = area[max(0, -y0) : max(0, size[1] - y0), max(0, -x0) : max(0, size[0] - x0)]  # 0 when wholly past an edge
    return inside.sum() >= 0.6 * max(area.sum(), 1)


GEOMETRY_CASES = {
    "plain": {},
    "rotation_angle": {"rotation_angle": 17.0},
    "slant_angle": {"slant_angle": 14.0},
    "slant_angle_back": {"slant_angle": -30.0},
    "perspective_warp_magnitude": {"perspective_warp_magnitude": 0.08},
    "glyph_overlap_intensity": {"glyph_overlap_intensity": 0.12},
    "curvature_arc": {"curvature_arc": 0.12},
    "curvature_arc_down": {"curvature_arc": -0.2},
    "curvature_sine": {"curvature_sine": 0.4},
    "elastic_amplitude": {"elastic_amplitude": 0.1},
    "crop_fraction": {
        "crop_fraction": 0.4,
        "padding_top": 0,
        "padding_right": 0,
        "padding_bottom": 0,
        "padding_left": 0,
    },
    "all": {
        "slant_angle": 10.0,
        "rotation_angle": -9.0,
        "perspective_warp_magnitude": 0.05,
        "glyph_overlap_intensity": 0.05,
        "curvature_arc": -0.05,
        "curvature_sine": 0.1,
        "elastic_amplitude": 0.04,
        "crop_fraction": 0.1,
    },
}

# Marked and ligated text in the bundled fonts made for it, rendered besides the tiny plan's rows.
MARKED = [
    {"text": "كَتَبَ مُحَمَّدٌ لله الأطفال", "text_direction": "rtl", "font": "NotoNaskhArabic-Regular.ttf"},
    {"text": "שָׁלוֹם בְּרֵאשִׁית בָּרָא", "text_direction": "rtl", "font": "NotoSansHebrew-Regular.ttf"},
    {"text": "office ﬁne re\u0301sume\u0301", "text_direction": "ltr", "font": "DejaVuSans.ttf"},
]
