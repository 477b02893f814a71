"""Ink effects on the (h, w) uint8 text mask before it meets the background."""

from __future__ import annotations

from statistics import NormalDist

import cv2
import numpy as np

from synthocr.renderer.imaging import Pixels, gaussian_blur

_DARKEN = np.array([min(255, int(v * 1.8)) for v in range(256)], np.uint8)  # a halo 1.8x the blurred coverage


def ink_bleed_radius(mask: Pixels, radius: float, rng: np.random.Generator) -> Pixels:
    """Ink spreading into the paper by about `radius` pixels: a soft, darkened halo around strokes."""
    if radius == 0:
        return mask
    halo = cv2.LUT(gaussian_blur(mask, radius), _DARKEN)
    return np.maximum(mask, halo)


GRAIN = 0.3  # fine noise added to how much ink is kept: ragged patch edges, specks where the ink thins
EDGE = 0.5  # standard deviations of the patches' field over which the ink goes from whole to its floor
FLOOR = 0.15  # the share of its ink a worn patch keeps: faint, never gone, so no letter vanishes from its label


def ink_wear_amount(mask: Pixels, amount: float, scale: float, rng: np.random.Generator) -> Pixels:
    """About `amount` of the ink's area in worn patches `scale` pixels across, where it thins out to FLOOR.

    A smooth noise field (white noise blurred by `scale`, scaled to unit deviation) is drawn from the
    effect's generator; where it rises above its (1 - amount) quantile the ink fades, over EDGE deviations,
    to FLOOR of itself, and a fine grain (blurred by 0.7 px) roughens the edges of the patches.
    """
    if amount == 0 or not mask.any():
        return mask
    h, w = mask.shape
    smooth = gaussian_blur(rng.standard_normal((h, w)).astype(np.float32), scale)
    field = smooth / np.float32(max(float(smooth.std()), 1e-6))
    fine = gaussian_blur(rng.standard_normal((h, w)).astype(np.float32), 0.7)
    grain = fine / np.float32(max(float(fine.std()), 1e-6))
    threshold = NormalDist().inv_cdf(1.0 - min(amount, 0.999))
    keep = np.clip(1.0 - (field - np.float32(threshold)) / np.float32(EDGE) + np.float32(GRAIN) * grain, FLOOR, 1.0)
    return (mask * keep + 0.5).astype(np.uint8)
