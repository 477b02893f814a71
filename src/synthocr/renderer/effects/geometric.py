"""Geometric effects: each gives a 3x3 projective matrix; the renderer composes and applies them once."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from synthocr.renderer.geometry import homography_from_points


def _about_centre(m: NDArray[np.float64], cx: float, cy: float) -> NDArray[np.float64]:
    to = np.array([[1, 0, -cx], [0, 1, -cy], [0, 0, 1]], np.float64)
    back = np.array([[1, 0, cx], [0, 1, cy], [0, 0, 1]], np.float64)
    return back @ m @ to


def rotation_angle(angle: float, rng: np.random.Generator, width: float, height: float) -> NDArray[np.float64]:
    """Counter-clockwise rotation by `angle` degrees about the text's centre (0 = identity)."""
    if angle == 0:
        return np.eye(3)
    a = math.radians(angle)
    c, s = math.cos(a), math.sin(a)
    # y points down in images, so a counter-clockwise turn on screen is (c, s; -s, c).
    return _about_centre(np.array([[c, s, 0], [-s, c, 0], [0, 0, 1]], np.float64), width / 2, height / 2)


def perspective_warp_magnitude(magnitude: float, rng: np.random.Generator, width: float, height: float
                               ) -> NDArray[np.float64]:
    """Each corner of the text moved by up to `magnitude` x the text's size, a random direction each."""
    if magnitude == 0:
        return np.eye(3)
    src = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float64)
    # Scale by the larger side so short lines tilt visibly, but keep corners from crossing.
    reach = magnitude * max(width, height)
    jitter = rng.uniform(-1.0, 1.0, (4, 2)) * np.array([min(reach, width / 4), min(reach, height / 4)])
    return homography_from_points(src, src + jitter)
