"""Ink effects on the (h, w) uint8 text mask before it meets the background."""

from __future__ import annotations

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
