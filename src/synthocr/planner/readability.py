"""The readability guard: the planner bounds combined degradation, so no row is unreadable yet labelled.

Two rules, per specification:

- Geometry. A perspective warp keeps every character at least `min_char_height`
  of its undistorted height and width. The warp's local scale is its Jacobian:
  at points along the line's top, middle and bottom (17 along its length), the
  scale across the line (a character's height) and along it (its width) must
  both reach the bound. A row whose corners fail is drawn again (up to 8 times,
  from the effect's own generator); one that still fails has its magnitude
  reduced by a fifth at a time until it passes. The line's size is estimated
  from its text and font size (0.6 font sizes per character along, 1.2 across;
  1.15 along and 1 across for vertical text), as the warp's reach depends on it.
- Degradation. Blur, motion blur, downscaling, JPEG, gaussian noise, impulse
  noise, worn ink and glare share `degradation_budget`: each costs the share of the damage that
  alone makes a line of its font size unreadable (DEGRADATION_COSTS), and a row
  whose costs add up to more than the budget has every one of them scaled down
  in proportion until they add up to it.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from synthocr.schemas.params import EFFECTS_BY_NAME

ADVANCE = 0.6  # a character's advance along a horizontal line, in font sizes (an average over Latin text)
THICKNESS = 1.2  # a horizontal line's height, in font sizes (ascent plus descent)
VERTICAL_ADVANCE, VERTICAL_THICKNESS = 1.15, 1.0
REDRAWS = 8  # corner draws tried before the magnitude shrinks
SHRINK = 0.8  # the magnitude's factor per step once the redraws are spent

_U = np.linspace(0.0, 1.0, 17)
_V = np.array([0.0, 0.5, 1.0])
_UU, _VV = (a.ravel() for a in np.meshgrid(_U, _V))


def line_size(text_length: NDArray, font_size: NDArray, vertical: NDArray[np.bool_]) -> tuple[NDArray, NDArray]:
    """Estimated width and height in pixels of each row's text frame (before any warp)."""
    n = np.maximum(np.asarray(text_length, np.float64), 1.0)
    fs = np.asarray(font_size, np.float64)
    along = np.where(vertical, VERTICAL_ADVANCE, ADVANCE) * n * fs
    across = np.where(vertical, VERTICAL_THICKNESS, THICKNESS) * fs
    return np.where(vertical, across, along), np.where(vertical, along, across)


def _homographies(quads: NDArray[np.float64]) -> NDArray[np.float64]:
    """(n, 8) coefficients h11 h12 h13 h21 h22 h23 h31 h32 of the homographies taking the unit square's
    corners (clockwise from the top left) to each (n, 4, 2) quad."""
    n = len(quads)
    src = np.array([(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)])
    a = np.zeros((n, 8, 8))
    b = np.zeros((n, 8))
    for k, (u, v) in enumerate(src):
        x, y = quads[:, k, 0], quads[:, k, 1]
        a[:, 2 * k, 0:3] = (u, v, 1.0)
        a[:, 2 * k, 6], a[:, 2 * k, 7] = -u * x, -v * x
        a[:, 2 * k + 1, 3:6] = (u, v, 1.0)
        a[:, 2 * k + 1, 6], a[:, 2 * k + 1, 7] = -u * y, -v * y
        b[:, 2 * k], b[:, 2 * k + 1] = x, y
    return np.asarray(np.linalg.solve(a, b[:, :, None])[:, :, 0], np.float64)


def perspective_scale(
    magnitude: NDArray, corners: NDArray, width: NDArray, height: NDArray, vertical: NDArray[np.bool_]
) -> NDArray[np.float64]:
    """The smallest local scale of a character (its height or its width, as a fraction of the undistorted one)
    anywhere on each row's line under its perspective warp, as renderer/effects/geometric.py makes it.

    `corners` is (n, 8): x and y of each corner's move, clockwise from the top left, in [-1, 1] of the reach.
    """
    w, h = np.asarray(width, np.float64), np.asarray(height, np.float64)
    reach = np.asarray(magnitude, np.float64) * np.maximum(w, h)
    ax, ay = np.minimum(reach, w / 4) / w, np.minimum(reach, h / 4) / h  # the moves as fractions of the frame
    c = np.asarray(corners, np.float64).reshape(-1, 4, 2)
    base = np.array([(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)])
    quads = base + c * np.stack((ax, ay), axis=-1)[:, None, :]
    hm = _homographies(quads)
    h11, h12, h13, h21, h22, h23, h31, h32 = (hm[:, k, None] for k in range(8))
    u, v = _UU[None, :], _VV[None, :]
    den = h31 * u + h32 * v + 1.0
    x, y = (h11 * u + h12 * v + h13) / den, (h21 * u + h22 * v + h23) / den
    xu, xv = (h11 - x * h31) / den, (h12 - x * h32) / den
    yu, yv = (h21 - y * h31) / den, (h22 - y * h32) / den
    aspect = (w / h)[:, None]  # pixels of x per pixel of y in the frame's own units
    along_x = np.hypot(xu, yu / aspect)  # scale of a step along x, in pixels per pixel
    along_y = np.hypot(xv * aspect, yv)  # scale of a step along y
    return np.minimum(along_x, along_y).min(axis=1)


def guard_perspective(
    rng: np.random.Generator,
    magnitude: NDArray,
    corners: NDArray,
    text_length: NDArray,
    font_size: NDArray,
    vertical: NDArray[np.bool_],
    min_scale: NDArray,
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Magnitudes and corners (n, 8) whose warp keeps every character at least `min_scale` of its size.

    Failing rows draw their corners again (up to REDRAWS times), then shrink their magnitude by SHRINK
    until they pass; rows that pass keep their values. Draws happen only for failing rows, one batch
    per round, so a row's values depend only on the rows of its block that fail before it.
    """
    magnitude = np.asarray(magnitude, np.float64).copy()
    corners = np.asarray(corners, np.float64).copy()
    width, height = line_size(text_length, font_size, vertical)
    min_scale = np.asarray(min_scale, np.float64)

    def failing() -> NDArray[np.int64]:
        on = np.flatnonzero(magnitude > 0)
        if not len(on):
            return on
        ok = perspective_scale(magnitude[on], corners[on], width[on], height[on], vertical[on]) >= min_scale[on]
        return on[~ok]

    bad = failing()
    for _ in range(REDRAWS):
        if not len(bad):
            break
        corners[bad] = rng.uniform(-1.0, 1.0, (len(bad), 8))
        bad = failing()
    for _ in range(60):
        if not len(bad):
            break
        magnitude[bad] *= SHRINK
        magnitude[bad[magnitude[bad] < 1e-4]] = 0.0
        bad = failing()
    return magnitude.astype(np.float32), corners.astype(np.float32)


# Per effect: its cost at a strength (and font size); 1 = unreadable on its own at that font size.
DEGRADATION_COSTS: dict[str, str] = {
    "blur_radius": "radius / (0.08 x font size): a blur of about a stroke's width",
    "motion_blur_length": "length / (0.3 x font size)",
    "downscale_factor": "log(factor) / log(font size / 10): the text shrunk to 10 pixels",
    "jpeg_quality": "(70 - quality) / 65 for qualities below 70 (quality 5 costs 1), 0 above",
    "noise_sigma": "sigma / 40 grey levels",
    "salt_pepper_amount": "amount / 0.1 of the pixels",
    "ink_wear_amount": "amount / 0.5 of the ink in worn patches",
    "glare_strength": "strength / 0.8 of the way to white at the glare's centre",
}


# Costs not proportional to the strength: the downscale's is its log, JPEG's falls as the quality rises.
_NOT_LINEAR = frozenset({"downscale_factor", "jpeg_quality"})


def _downscale_span(font_size: NDArray) -> NDArray[np.float64]:
    return np.log(np.maximum(np.asarray(font_size, np.float64) / 10.0, 1.5))


def degradation_costs(columns: Mapping[str, NDArray], font_size: NDArray) -> dict[str, NDArray[np.float64]]:
    """Each degradation effect's cost per row (DEGRADATION_COSTS), 0 where it is off."""
    fs = np.asarray(font_size, np.float64)
    jpeg = np.asarray(columns["jpeg_quality"], np.float64)
    return {
        "blur_radius": np.asarray(columns["blur_radius"], np.float64) / (0.08 * fs),
        "motion_blur_length": np.asarray(columns["motion_blur_length"], np.float64) / (0.3 * fs),
        "downscale_factor": np.log(np.maximum(np.asarray(columns["downscale_factor"], np.float64), 1.0))
        / _downscale_span(fs),
        "jpeg_quality": np.where(jpeg > 0, np.clip((70.0 - jpeg) / 65.0, 0.0, None), 0.0),
        "noise_sigma": np.asarray(columns["noise_sigma"], np.float64) / 40.0,
        "salt_pepper_amount": np.asarray(columns["salt_pepper_amount"], np.float64) / 0.1,
        "ink_wear_amount": np.asarray(columns["ink_wear_amount"], np.float64) / 0.5,
        "glare_strength": np.asarray(columns["glare_strength"], np.float64) / 0.8,
    }


def guard_degradation(columns: dict[str, NDArray], font_size: NDArray, budget: NDArray) -> None:
    """Scale the degradation effects of rows over `budget` down in proportion, in place (DEGRADATION_COSTS).

    Float parameters shrink by the factor; JPEG's quality rises (rounded up) to the scaled cost; the
    downscale factor shrinks in the log. The costs of a guarded row then add up to at most its budget.
    """
    costs = degradation_costs(columns, font_size)
    total = sum(costs.values())
    budget = np.asarray(budget, np.float64)
    over = total > budget
    if not over.any():
        return
    scale = np.where(over, budget / np.maximum(total, 1e-12), 1.0)
    # Float32 rounding must not lift a scaled row above its budget: aim a hair below it.
    scale = np.where(over, scale * (1.0 - 1e-6), 1.0)
    fs = np.asarray(font_size, np.float64)
    for name in [n for n in DEGRADATION_COSTS if n not in _NOT_LINEAR]:  # costs proportional to the strength
        values = np.asarray(columns[name], np.float64)
        scaled = np.where(over, values * scale, values).astype(np.float32)
        # A weakened effect stays on: a strength too small for float32 keeps its least positive value.
        columns[name] = np.where(
            (values > 0) & (scaled == 0), np.float32(np.finfo(np.float32).smallest_subnormal), scaled
        )
    factor = np.asarray(columns["downscale_factor"], np.float64)
    shrunk = np.exp(costs["downscale_factor"] * scale * _downscale_span(fs))
    scaled = np.where(over, np.maximum(shrunk, 1.0), factor).astype(np.float32)
    above_one = np.nextafter(np.float32(1.0), np.float32(2.0))
    columns["downscale_factor"] = np.where((factor > 1.0) & (scaled <= 1.0), above_one, scaled)
    quality = np.asarray(columns["jpeg_quality"], np.float64)
    lifted = np.ceil(70.0 - costs["jpeg_quality"] * scale * 65.0)
    jpeg = np.where(over & (quality > 0), np.clip(np.maximum(lifted, quality), 1, 100), quality)
    columns["jpeg_quality"] = jpeg.astype(EFFECTS_BY_NAME["jpeg_quality"].strength.dtype)
