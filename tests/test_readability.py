"""The readability guard: perspective keeps characters at least min_char_height, degradations share a budget."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from render_helpers import clean
from synthocr.config import config_from_dict
from synthocr.planner.plan import plan_batch
from synthocr.planner.readability import (
    degradation_costs,
    guard_degradation,
    guard_perspective,
    line_size,
    perspective_scale,
)
from synthocr.renderer.compose import render_row

FLOATS = st.floats(0.0, 1.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 40),
    magnitude=st.floats(0.0, 0.3),
    min_scale=st.floats(0.3, 0.95),
    font_size=st.integers(8, 120),
    length=st.integers(1, 80),
    vertical=st.booleans(),
)
def test_guarded_perspective_keeps_every_character(seed, n, magnitude, min_scale, font_size, length, vertical):
    rng = np.random.default_rng(seed)
    mags = rng.uniform(0, magnitude, n)
    corners = rng.uniform(-1, 1, (n, 8))
    lengths, sizes = np.full(n, length), np.full(n, font_size)
    flags = np.full(n, vertical)
    mag2, corners2 = guard_perspective(rng, mags, corners, lengths, sizes, flags, np.full(n, min_scale))
    width, height = line_size(lengths, sizes, flags)
    on = mag2 > 0
    if on.any():
        scale = perspective_scale(mag2[on], corners2[on], width[on], height[on], flags[on])
        assert (scale >= min_scale - 1e-6).all()
    # Rows that passed as drawn keep their values; the guard only ever weakens a warp.
    before = perspective_scale(mags, corners, width, height, flags)
    kept = before >= min_scale
    assert np.allclose(mag2[kept], mags[kept].astype(np.float32)) and (mag2 <= mags.astype(np.float32) + 1e-7).all()


@settings(max_examples=80, deadline=None)
@given(
    blur=FLOATS,
    motion=FLOATS,
    down=FLOATS,
    jpeg=st.integers(0, 100),
    noise=FLOATS,
    salt=FLOATS,
    wear=FLOATS,
    glare=FLOATS,
    font_size=st.integers(6, 200),
    budget=st.floats(0.05, 3.0),
)
def test_degradations_share_the_budget(blur, motion, down, jpeg, noise, salt, wear, glare, font_size, budget):
    columns = {
        "blur_radius": np.array([blur * 20], np.float32),
        "motion_blur_length": np.array([motion * 40], np.float32),
        "downscale_factor": np.array([1 + down * 7], np.float32),
        "jpeg_quality": np.array([jpeg], np.int16),
        "noise_sigma": np.array([noise * 100], np.float32),
        "salt_pepper_amount": np.array([salt * 0.3], np.float32),
        "ink_wear_amount": np.array([wear * 0.9], np.float32),
        "glare_strength": np.array([glare * 0.9], np.float32),
    }
    before = {k: v.copy() for k, v in columns.items()}
    fs = np.array([font_size])
    total_before = sum(degradation_costs(before, fs).values())[0]
    guard_degradation(columns, fs, np.array([budget]))
    costs = degradation_costs(columns, fs)
    assert sum(costs.values())[0] <= budget + 1e-5
    if total_before <= budget:
        assert all(np.array_equal(columns[k], before[k]) for k in columns)
    else:  # every effect weakened, none turned off nor made stronger
        for k, v in columns.items():
            neutral = 1.0 if k == "downscale_factor" else 0.0
            assert (v == neutral) == (before[k] == neutral) or k == "jpeg_quality", k
        assert columns["jpeg_quality"][0] >= before["jpeg_quality"][0]


def test_default_mild_rows_are_not_touched(tiny_dict):
    """The built-in mild ranges stay within the budget: the guard changes nothing there."""
    tiny_dict["total_images"] = 300
    plan = plan_batch(config_from_dict(tiny_dict)).to_pandas()
    costs = degradation_costs({c: plan[c].to_numpy() for c in plan.columns}, plan.font_size.to_numpy())
    assert (sum(costs.values()) <= 1.0).all()


def test_a_harsh_spec_is_held_to_its_budget(tiny_dict):
    tiny_dict["total_images"] = 200
    for spec in tiny_dict["specifications"]:
        spec.update(
            blur_radius_min=1.0,
            blur_radius_max=4.0,
            noise_sigma_min=10.0,
            noise_sigma_max=40.0,
            jpeg_quality_min=5,
            jpeg_quality_max=40,
            downscale_factor_min=1.5,
            downscale_factor_max=3.0,
            degradation_budget=1.2,
        )
    plan = plan_batch(config_from_dict(tiny_dict)).to_pandas()
    costs = degradation_costs({c: plan[c].to_numpy() for c in plan.columns}, plan.font_size.to_numpy())
    assert (sum(costs.values()) <= 1.2 + 1e-5).all()
    assert (plan.blur_radius > 0).all() and (plan.jpeg_quality > 0).all()  # weakened, never dropped


@pytest.mark.slow
def test_rendered_characters_keep_min_char_height(tiny_dict, tiny_assets):
    """Independently of the guard's own estimate: rendered label polygons under the planned perspective keep at
    least min_char_height (less a small tolerance for the estimated line size) of their unwarped height."""
    tiny_dict["total_images"] = 60
    for spec in tiny_dict["specifications"]:
        spec.update(perspective_warp_magnitude_min=0.1, perspective_warp_magnitude_max=0.3, min_char_height=0.7)
    plan = plan_batch(config_from_dict(tiny_dict))
    worst = 1.0
    for row in plan.to_pylist():
        row = clean(
            row,
            perspective_warp_magnitude=row["perspective_warp_magnitude"],
            **{f"perspective_{a}{k}": row[f"perspective_{a}{k}"] for k in range(4) for a in "xy"},
        )
        _, warped = render_row(row, tiny_assets)
        _, flat = render_row(clean(row), tiny_assets)
        for a, b in zip(warped.chars, flat.chars):
            pa, pb = np.array(a.polygon), np.array(b.polygon)
            ha = (np.linalg.norm(pa[3] - pa[0]) + np.linalg.norm(pa[2] - pa[1])) / 2
            hb = (np.linalg.norm(pb[3] - pb[0]) + np.linalg.norm(pb[2] - pb[1])) / 2
            worst = min(worst, ha / hb)
    assert worst >= 0.7 - 0.05, worst
