"""Golden images: a few fixed rows rendered and compared with checked-in PNGs, with a tolerance.

Regenerate them on purpose only: `.venv/bin/python tests/regenerate_goldens.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from synthocr.renderer.assets import RenderAssets
from synthocr.renderer.compose import render_row
from synthocr.schemas.params import EFFECT_PARAMS, EFFECTS, PARAMS_BY_NAME
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
    "corpus_file": "latin.txt",
    "corpus_line": 0,
    "font": "DejaVuSans.ttf",
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
}


def golden_row(name: str) -> dict[str, Any]:
    """The full plan row of one golden case, columns in plan order."""
    row = {**BASE, **CASES[name], "output_name": name}
    assert set(row) == set(PLAN_SCHEMA.names), "golden rows must have exactly the plan columns"
    return row


def golden_assets() -> RenderAssets:
    return RenderAssets({"font": BUILTIN_ROOT, "corpus": BUILTIN_ROOT, "background": ""})


def render_golden(name: str, assets: RenderAssets) -> Image.Image:
    image, _ = render_row(golden_row(name), assets)
    return image


def test_golden_cases_turn_on_every_effect():
    on = {k for case in CASES.values() for k, v in case.items() if k in BASE and BASE[k] != v}
    assert {e.name for e in EFFECTS} <= on
    assert sorted(p.stem for p in GOLDEN_DIR.glob("*.png")) == sorted(CASES), (
        "golden PNGs and CASES differ; run `.venv/bin/python tests/regenerate_goldens.py`"
    )


@pytest.fixture(scope="module")
def assets() -> RenderAssets:
    return golden_assets()


@pytest.mark.parametrize("name", list(CASES))
def test_render_matches_golden(name, assets, tmp_path):
    image = render_golden(name, assets)
    with Image.open(GOLDEN_DIR / f"{name}.png") as golden:
        golden.load()
        assert image.mode == golden.mode and image.size == golden.size, (
            f"{name}: {image.mode} {image.size} vs golden {golden.mode} {golden.size}"
        )
        ours = np.asarray(image, np.int16)
        want = np.asarray(golden, np.int16)
    diff = np.abs(ours - want)
    mean, far = float(diff.mean()), float((diff > FAR_OFF).mean())
    if mean > MAX_MEAN_ABS_DIFF or far > MAX_FAR_OFF_SHARE:
        out = tmp_path / f"{name}_diff.png"
        Image.fromarray(np.clip(diff * 4, 0, 255).astype(np.uint8)).save(out)
        image.save(tmp_path / f"{name}_rendered.png")
        pytest.fail(
            f"{name}: mean abs diff {mean:.2f} (max {MAX_MEAN_ABS_DIFF}), {far:.2%} of pixels "
            f"more than {FAR_OFF} off (max {MAX_FAR_OFF_SHARE:.0%}); diff image: {out}"
        )
