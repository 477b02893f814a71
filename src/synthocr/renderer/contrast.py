"""The contrast guard at composition: the ink measured against the background actually under the line.

The background's luminance under the line's box is measured (at every other
pixel in each direction: a nearest-neighbour half-size sample), and its 5th
percentile (95th for light ink) is what the ink must stand out from: dark ink
needs (p5 + 0.05) / (ink + 0.05) >= the row's min_contrast (WCAG 2's ratio).
A cheap bound of that percentile on the safe side settles most rows; the rest
are measured exactly. Where it falls short, the ink moves away from the background
(darker, or lighter for light ink; hue kept), and where even black (white) ink
is not enough, the background is faded towards white (black) in steps of a
tenth until it is. Procedural backgrounds were planned to pass (planner/colors.py),
so this changes image backgrounds; the label records the ink used, the contrast
measured (the bound's, where it settled the row: at least the exact one) and
the fade.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from itertools import accumulate
from typing import NamedTuple

import numpy as np
from PIL import Image, ImageChops

from synthocr.color import LINEAR_LEVELS, luminance, with_luminance

_WEIGHTS = (0.2126, 0.7152, 0.0722, 0.0)  # WCAG's, on the gamma-encoded levels: a lower bound of luminance
LEVELS: list[float] = LINEAR_LEVELS.tolist()  # luminance of a grey level
_LUMA = (0.2126, 0.7152, 0.0722)
PERCENTILE = 5.0  # the share (in %) of the background under the line that may contrast less than min_contrast


class InkFit(NamedTuple):
    ink: tuple[int, int, int]
    contrast: float  # WCAG ratio of the ink over the background's worst 5% under the line
    fade: float  # share of the way the background was faded to white (black for light ink), 0 = untouched


def _sample(image: Image.Image, box: tuple[int, int, int, int]) -> Image.Image:
    """Every other pixel of `box` in each direction (one nearest-neighbour resampling pass)."""
    x0, y0, x1, y1 = box
    size = (max(1, (x1 - x0) // 2), max(1, (y1 - y0) // 2))
    return image.resize(size, Image.Resampling.NEAREST, box=box)


def _bound(sample: Image.Image, light: bool) -> float:
    """A cheap bound on the luminance percentile of `_exact`, on the safe side: from below for dark ink
    (WCAG's weights on the gamma-encoded levels: exact for greys, darker for colours, as the sRGB curve
    is convex), from above for light ink (the brightest channel); one 256-bin histogram."""
    if sample.mode == "L":
        level = sample
    elif light:
        r, g, b = sample.split()[:3]
        level = ImageChops.lighter(ImageChops.lighter(r, g), b)
    else:
        level = sample.convert("L", _WEIGHTS)
    counts = list(accumulate(level.histogram()))
    k = bisect_left(counts, counts[-1] * (100.0 - PERCENTILE if light else PERCENTILE) / 100.0)
    k = min(255, k) if light else max(0, k - 1)  # one level down: Pillow rounds the weighted sum
    return LEVELS[k]


def _exact(sample: Image.Image, light: bool) -> float:
    """The luminance of the sample's 5th percentile (95th for light ink), exactly."""
    pixels = np.asarray(sample)
    y = LINEAR_LEVELS[pixels] if pixels.ndim == 2 else LINEAR_LEVELS[pixels] @ np.array(_LUMA)
    return float(np.percentile(y, 100.0 - PERCENTILE if light else PERCENTILE, method="inverted_cdf"))


def _ratio(y_ink: float, y_bg: float, light: bool) -> float:
    """WCAG contrast of the ink over the background, 0 when the ink is on the wrong side of it."""
    if light:
        return (y_ink + 0.05) / (y_bg + 0.05) if y_ink > y_bg else 0.0
    return (y_bg + 0.05) / (y_ink + 0.05) if y_ink < y_bg else 0.0


def fit_ink(
    background: Image.Image,
    box: tuple[float, float, float, float],
    ink: tuple[int, int, int],
    light: bool,
    min_contrast: float,
) -> tuple[InkFit, Image.Image]:
    """The ink (and background) that keep `min_contrast` over the background under `box` (x0, y0, x1, y1).

    Returns the fit and the background, a faded copy where the fit needed one (else the same image).
    """
    w, h = background.size
    x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
    x1, y1 = min(w, math.ceil(box[2])), min(h, math.ceil(box[3]))
    area = (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else (0, 0, w, h)
    y_ink = _LUMA[0] * LEVELS[ink[0]] + _LUMA[1] * LEVELS[ink[1]] + _LUMA[2] * LEVELS[ink[2]]
    sample = _sample(background, area)
    ratio = _ratio(y_ink, _bound(sample, light), light)
    if ratio >= min_contrast:  # the cheap bound settles most rows
        return InkFit(ink, ratio, 0.0), background
    y_bg = _exact(sample, light)
    ratio = _ratio(y_ink, y_bg, light)
    if ratio >= min_contrast:
        return InkFit(ink, ratio, 0.0), background
    target = min_contrast * (y_bg + 0.05) - 0.05 if light else (y_bg + 0.05) / min_contrast - 0.05
    moved = with_luminance(np.array([ink], np.uint8), np.array([target]), np.array([light]))[0]
    ink = (int(moved[0]), int(moved[1]), int(moved[2]))
    y_ink = float(luminance(moved))
    fade, faded = 0.0, background
    end = Image.new(background.mode, background.size, (0, 0, 0) if light else (255, 255, 255))
    while _ratio(y_ink, y_bg, light) < min_contrast and fade < 1.0:
        fade = round(fade + 0.1, 1)
        faded = Image.blend(background, end, fade)
        y_bg = _exact(_sample(faded, area), light)
    return InkFit(ink, _ratio(y_ink, y_bg, light), fade), faded
