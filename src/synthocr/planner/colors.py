"""Ink and background colours: a mode and a palette per row, colours drawn in them, contrast made to hold.

A procedural background is not one colour: texture makes parts of it darker or
lighter. The planner knows how much (`texture_reach`), so it checks the ink
against the background's worst part under the line, as the renderer measures
it (the 5th percentile of luminance for dark ink, the 95th for light ink), and
moves the ink's lightness, then if need be the background's, until the WCAG
contrast ratio reaches the row's `min_contrast`. Image backgrounds are measured
by the renderer, which knows the crop.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from synthocr.color import contrast_ratio, lch_to_srgb, luminance, with_luminance
from synthocr.planner.samplers import sample_choice
from synthocr.schemas.colors import (
    BACKGROUND_COLOR_NAMES,
    BACKGROUND_COLORS,
    DARK_BACKGROUND,
    DEFAULT_BACKGROUND_COLOR_WEIGHTS,
    DEFAULT_INK_COLOR_WEIGHTS,
    INK_COLOR_NAMES,
    INK_COLORS,
    LIGHT_INKS,
    Palette,
)

_P95 = 1.645  # standard normal quantile of the 5th / 95th percentile


def sample_palette_colors(rng: np.random.Generator, palettes: Sequence[Palette], which: NDArray) -> NDArray[np.uint8]:
    """One sRGB colour per row, (n, 3), drawn in the row's palette (`which` indexes `palettes`).

    Four uniforms per row (box, L*, C*, h), drawn for every row at once, so a row's colour
    depends only on its own draws and palette.
    """
    n = len(which)
    u = rng.random((n, 4))
    lightness, chroma, hue = np.empty(n), np.empty(n), np.empty(n)
    for k, palette in enumerate(palettes):
        rows = np.flatnonzero(which == k)
        if not len(rows):
            continue
        box_index = np.minimum((u[rows, 0] * len(palette.boxes)).astype(np.int64), len(palette.boxes) - 1)
        for b, box in enumerate(palette.boxes):
            sel = rows[box_index == b]
            lightness[sel] = box.lightness[0] + u[sel, 1] * (box.lightness[1] - box.lightness[0])
            chroma[sel] = box.chroma[0] + u[sel, 2] * (box.chroma[1] - box.chroma[0])
            hue[sel] = (box.hue[0] + u[sel, 3] * (box.hue[1] - box.hue[0])) % 360.0
    return lch_to_srgb(lightness, chroma, hue)


def texture_reach(kind: NDArray, texture: NDArray) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """How far a procedural background's 5th / 95th luminance percentile lies from its colour.

    Returns (grey levels added or removed at the extremes, darkening factor of the far side). Noise
    grain is sigma 6 x texture, paper's blotches 7 and its grain 2.5 (independent), and a gradient's
    far side is 20% x texture darker (renderer/effects/backgrounds.py); plain and image rows get 0
    (an image is measured by the renderer).
    """
    texture = np.asarray(texture, np.float64)
    sigma = np.select([kind == "noise", kind == "paper"], [6.0 * texture, np.hypot(7.0, 2.5) * texture], 0.0)
    factor = np.where(kind == "gradient", 1.0 - np.minimum(0.2 * texture, 1.0), 1.0)
    return _P95 * sigma, factor


def worst_background(
    background: NDArray, light_ink: NDArray[np.bool_], reach: NDArray, factor: NDArray
) -> NDArray[np.float64]:
    """Luminance of the background's part that contrasts least with the ink: the darker extreme for dark ink,
    the lighter one for light ink."""
    bg = np.asarray(background, np.float64)
    darker = np.clip(bg * factor[:, None] - reach[:, None], 0, 255)
    lighter = np.clip(bg + reach[:, None], 0, 255)
    return luminance(np.rint(np.where(light_ink[:, None], lighter, darker)).astype(np.uint8))


def fit_contrast(
    ink: NDArray[np.uint8],
    background: NDArray[np.uint8],
    light_ink: NDArray[np.bool_],
    reach: NDArray,
    factor: NDArray,
    min_contrast: NDArray,
) -> tuple[NDArray[np.uint8], NDArray[np.uint8]]:
    """Ink and background colours whose worst contrast reaches `min_contrast`, changing only rows below it.

    First the ink moves away from the background (darker, or lighter for light ink), hue kept; where
    even black (white) ink is not enough, the background moves the other way, a quarter of the
    remaining way to white (black) at a time, until it is (all the way at the tenth step).
    """
    ink, background = ink.copy(), background.copy()
    y_bg = worst_background(background, light_ink, reach, factor)
    low = contrast_ratio(luminance(ink), y_bg) < min_contrast
    low |= np.where(light_ink, luminance(ink) <= y_bg, luminance(ink) >= y_bg)  # the wrong way round
    if low.any():
        target = np.where(light_ink, min_contrast * (y_bg + 0.05) - 0.05, (y_bg + 0.05) / min_contrast - 0.05)
        ink[low] = with_luminance(ink[low], target[low], light_ink[low])
    for step in range(1, 11):
        y_ink, y_bg = luminance(ink), worst_background(background, light_ink, reach, factor)
        low = (contrast_ratio(y_ink, y_bg) < min_contrast) | np.where(light_ink, y_ink <= y_bg, y_ink >= y_bg)
        if not low.any():
            break
        end = np.where(light_ink[low, None], 0.0, 255.0)
        bg = background[low].astype(np.float64)
        background[low] = np.rint(bg + (end - bg) * (1.0 if step == 10 else 0.25)).astype(np.uint8)
    return ink, background


def _names(column: Any) -> NDArray[np.object_]:
    """A planned dictionary column, (values, codes) or an array of names (after requests), as names."""
    if isinstance(column, tuple):
        return np.array(column[0], dtype=object)[column[1]]
    return np.asarray(column, dtype=object)


def _cumulative(rows: list[list[float]]) -> NDArray[np.float64]:
    cum = np.cumsum(np.array(rows, np.float64), axis=1)
    cum /= cum[:, -1:]
    cum[:, -1] = 1.0
    return cum


def choose_color_modes(rng: np.random.Generator, specs: Sequence[Any], spec_idx: NDArray[np.int64]) -> dict[str, Any]:
    """The ink colour mode, background palette and min_contrast of every row, from its spec's weights.

    Light ink (light on dark) always gets the dark palette; the weights choose among the others.
    """
    ink_w = [
        [float((s.ink_color_weights or DEFAULT_INK_COLOR_WEIGHTS).get(m, 0.0)) for m in INK_COLOR_NAMES] for s in specs
    ]
    bg_names = [p.name for p in BACKGROUND_COLORS]
    bg_w = [
        [float((s.background_color_weights or DEFAULT_BACKGROUND_COLOR_WEIGHTS).get(m, 0.0)) for m in bg_names]
        for s in specs
    ]
    ink = sample_choice(rng, _cumulative(ink_w)[spec_idx])
    background = sample_choice(rng, _cumulative(bg_w)[spec_idx])
    light = np.isin(ink, [INK_COLOR_NAMES.index(m) for m in LIGHT_INKS])
    background = np.where(light, BACKGROUND_COLOR_NAMES.index(DARK_BACKGROUND.name), background)
    return {
        "ink_color": (list(INK_COLOR_NAMES), ink),
        "background_color": (list(BACKGROUND_COLOR_NAMES), background),
        "min_contrast": np.array([s.min_contrast for s in specs], np.float32)[spec_idx],
    }


def draw_colors(rng: np.random.Generator, columns: dict[str, Any]) -> None:
    """ink_r/g/b and background_r/g/b of every row, in place: drawn in the row's mode and palette, then fitted
    to its min_contrast against the worst part of its procedural background (fit_contrast)."""
    ink_names, bg_names = _names(columns["ink_color"]), _names(columns["background_color"])
    ink_which = np.array([INK_COLOR_NAMES.index(m) for m in ink_names], np.int64)
    bg_which = np.array([BACKGROUND_COLOR_NAMES.index(m) for m in bg_names], np.int64)
    ink = sample_palette_colors(rng, INK_COLORS, ink_which)
    background = sample_palette_colors(rng, (*BACKGROUND_COLORS, DARK_BACKGROUND), bg_which)
    light = np.isin(ink_names, list(LIGHT_INKS))
    reach, factor = texture_reach(_names(columns["background_kind"]), columns["background_texture"])
    ink, background = fit_contrast(
        ink, background, light, reach, factor, np.asarray(columns["min_contrast"], np.float64)
    )
    for k, channel in enumerate("rgb"):
        columns[f"ink_{channel}"] = ink[:, k]
        columns[f"background_{channel}"] = background[:, k]


# How an outline's colour relates to its ink: a share of rows of each kind (draw_stroke_colors).
STROKE_CONTRASTING = 0.6  # the rest: a deeper shade of the ink
_MIN_STROKE_CONTRAST = 3.0  # a contrasting outline stands this far (WCAG ratio) from its ink at least


def draw_stroke_colors(rng: np.random.Generator, columns: dict[str, Any], lo: NDArray, hi: NDArray) -> None:
    """stroke_r/g/b of every row whose outline is on (stroke_width > 0), in place, from its ink and background
    (after draw_colors): a contrasting outline (share STROKE_CONTRASTING: a near-white one around dark ink,
    a near-black one around light ink, at least max(min_contrast, 3) from the ink), else a deeper shade of
    the ink (darker for dark ink, lighter for light ink: further from the background than the ink, so it
    keeps at least the ink's contrast with it). Each channel is then held in the row's [lo, hi]
    (stroke_color_min/max), so a narrow range still pins the colour. Rows without an outline keep
    the neutral 0.
    """
    n = len(columns["stroke_width"])
    u = rng.random((n, 4))  # kind, lightness, chroma, depth of shade: four draws for every row
    on = np.asarray(columns["stroke_width"]) != 0
    stroke = np.zeros((n, 3), np.uint8)
    if on.any():
        ink = np.column_stack([np.asarray(columns[f"ink_{c}"], np.uint8) for c in "rgb"])[on]
        light = np.isin(_names(columns["ink_color"])[on], list(LIGHT_INKS))
        u_on = u[on]
        y_ink = luminance(ink)
        # Contrasting: near-black (L* 4-22) around light ink, near-white (L* 88-99) around dark ink, greyish.
        lightness = np.where(light, 4.0 + 18.0 * u_on[:, 1], 88.0 + 11.0 * u_on[:, 1])
        contrasting = lch_to_srgb(lightness, 12.0 * u_on[:, 2], 360.0 * u_on[:, 3])
        floor = np.maximum(np.asarray(columns["min_contrast"], np.float64)[on], _MIN_STROKE_CONTRAST)
        y_c = luminance(contrasting)
        weak = contrast_ratio(y_c, y_ink) < floor
        if weak.any():  # moved further from the ink (toward white around dark ink, black around light ink)
            target = np.where(light, (y_ink + 0.05) / floor - 0.05, floor * (y_ink + 0.05) - 0.05)
            contrasting[weak] = with_luminance(contrasting[weak], target[weak], ~light[weak])
        # Shade: the ink's own hue, its luminance scaled down 30-70% (dark ink) or moved 30-70% of the way
        # to white (light ink).
        depth = 0.3 + 0.4 * u_on[:, 3]
        shade = with_luminance(ink, np.where(light, y_ink + depth * (1.0 - y_ink), y_ink * (1.0 - depth)), light)
        chosen = np.where((u_on[:, 0] < STROKE_CONTRASTING)[:, None], contrasting, shade)
        stroke[on] = np.clip(chosen, np.asarray(lo)[on, None], np.asarray(hi)[on, None]).astype(np.uint8)
    for k, channel in enumerate("rgb"):
        columns[f"stroke_{channel}"] = stroke[:, k]
