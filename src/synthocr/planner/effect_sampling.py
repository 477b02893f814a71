"""Effect sampling: every declared parameter of every effect drawn into its plan column(s), per block of rows.

Each effect draws from its own generator, keyed by (config seed, block, effect
name), so adding an effect or a parameter to one never changes the draws of
another, and a row's values never depend on how the plan is chunked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from synthocr.planner.readability import guard_perspective
from synthocr.planner.samplers import sample_range
from synthocr.schemas.colors import LIGHT_INKS
from synthocr.schemas.params import EFFECTS, VERTICAL_DIRECTIONS, Effect


@dataclass(frozen=True)
class EffectRanges:
    """One effect's configured ranges for a block of rows: per parameter name, the row's min and max."""

    lo: Mapping[str, NDArray[np.float64]]
    hi: Mapping[str, NDArray[np.float64]]
    probability: NDArray[np.float64]  # share of rows the effect is applied to, per row
    min_char_height: NDArray[np.float64]  # the readability guard's bound, per row (planner/readability.py)


# (rng, effect, its ranges, the layout columns sampled so far) -> plan columns of the effect.
EffectSampler = Callable[[np.random.Generator, Effect, EffectRanges, Mapping[str, NDArray]], dict[str, NDArray]]


def sample_effect(
    rng: np.random.Generator, effect: Effect, ranges: EffectRanges, layout: Mapping[str, NDArray]
) -> dict[str, NDArray]:
    """Every parameter drawn uniformly in its row's range; rows left out (share 1 - probability) get the
    strength's neutral value. The other parameters are drawn for every row (so a request file that turns
    the effect on for a row finds them drawn); `neutralise` clears them where the strength is neutral."""
    n = len(ranges.probability)
    skipped = rng.random(n) >= ranges.probability
    out: dict[str, NDArray] = {}
    for p in effect.params:
        for col in p.column_names:
            out[col] = sample_range(rng, p, ranges.lo[p.name], ranges.hi[p.name])
    out[effect.name][skipped] = effect.neutral
    return out


def sample_perspective(
    rng: np.random.Generator, effect: Effect, ranges: EffectRanges, layout: Mapping[str, NDArray]
) -> dict[str, NDArray]:
    """The perspective warp, drawn as any effect, then held by the readability guard: every character keeps
    at least `min_char_height` of its height and width (planner/readability.py)."""
    out = sample_effect(rng, effect, ranges, layout)
    corners = effect.params[1].column_names
    texts = layout["text"]
    lengths = np.fromiter(map(len, texts), np.float64, len(texts))
    names, codes = layout["text_direction"]
    vertical = np.isin(np.asarray(codes), [k for k, name in enumerate(names) if name in VERTICAL_DIRECTIONS])
    magnitude, moved = guard_perspective(
        rng,
        out[effect.name],
        np.column_stack([out[c] for c in corners]),
        lengths,
        layout["font_size"],
        vertical,
        ranges.min_char_height,
    )
    out[effect.name] = magnitude
    for k, col in enumerate(corners):
        out[col] = moved[:, k]
    return out


# One sampler per declared effect (tests/test_effect_parity.py keeps this in step with EFFECTS). An effect
# whose values depend on others or on the row's text gets its own function here.
EFFECT_SAMPLERS: dict[str, EffectSampler] = {
    "glyph_overlap_intensity": sample_effect,
    "letter_spacing": sample_effect,
    "word_spacing": sample_effect,
    "underline_thickness": sample_effect,
    "strikethrough_thickness": sample_effect,
    "emphasis_words": sample_effect,
    "shadow_opacity": sample_effect,
    "stroke_width": sample_effect,
    "extrusion_depth": sample_effect,
    "ink_gradient_strength": sample_effect,
    "highlight_opacity": sample_effect,
    "plate_opacity": sample_effect,
    "slant_angle": sample_effect,
    "curvature_arc": sample_effect,
    "curvature_sine": sample_effect,
    "elastic_amplitude": sample_effect,
    "perspective_warp_magnitude": sample_perspective,
    "rotation_angle": sample_effect,
    "crop_fraction": sample_effect,
    "ink_bleed_radius": sample_effect,
    "ink_wear_amount": sample_effect,
    "fibre_density": sample_effect,
    "fleck_density": sample_effect,
    "laid_lines_strength": sample_effect,
    "stain_opacity": sample_effect,
    "show_through_opacity": sample_effect,
    "table_rule_width": sample_effect,
    "neighbour_lines": sample_effect,
    "stamp_opacity": sample_effect,
    "pen_mark_width": sample_effect,
    "lighting_strength": sample_effect,
    "glare_strength": sample_effect,
    "vignette_strength": sample_effect,
    "contrast_factor": sample_effect,
    "brightness_offset": sample_effect,
    "halftone_amount": sample_effect,
    "crease_strength": sample_effect,
    "dust_density": sample_effect,
    "motion_blur_length": sample_effect,
    "blur_radius": sample_effect,
    "downscale_factor": sample_effect,
    "noise_sigma": sample_effect,
    "salt_pepper_amount": sample_effect,
    "binarize_amount": sample_effect,
    "jpeg_quality": sample_effect,
}


def effect_key(name: str) -> int:
    """A stable 64-bit number for an effect's name (its generator's key; not Python's salted hash)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


def sample_effects(
    seed: int,
    block: int,
    ranges: Callable[[Effect], EffectRanges],
    layout: Mapping[str, NDArray],
) -> dict[str, NDArray]:
    """Every effect's columns for one block of rows, in declared order."""
    out: dict[str, NDArray] = {}
    for effect in EFFECTS:
        rng = np.random.default_rng([seed, block, effect_key(effect.name)])
        out.update(EFFECT_SAMPLERS[effect.name](rng, effect, ranges(effect), layout))
    return out


def neutralise(columns: dict[str, NDArray]) -> None:
    """In rows where an effect's strength is neutral, every other parameter of it becomes neutral too, in place:
    a row's columns then say plainly that the effect is off (after requests have set their values)."""
    for effect in EFFECTS:
        if len(effect.params) == 1:
            continue
        off = np.asarray(columns[effect.name]) == effect.neutral
        if not off.any():
            continue
        for p in effect.params[1:]:
            for col in p.column_names:
                values = np.array(columns[col], copy=True)
                values[off] = p.neutral
                columns[col] = values


def drop_highlights_on_dark_grounds(columns: dict[str, NDArray]) -> None:
    """No highlighter stroke on rows of light ink on a dark ground (a marker is drawn on paper), in place;
    `neutralise` then clears its other columns."""
    names, codes = columns["ink_color"]
    light = np.isin(np.asarray(codes), [k for k, name in enumerate(names) if name in LIGHT_INKS])
    if light.any():
        values = np.array(columns["highlight_opacity"], copy=True)
        values[light] = 0.0
        columns["highlight_opacity"] = values
