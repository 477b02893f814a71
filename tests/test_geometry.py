"""Homographies: solved from four point pairs, inverted, and refused when degenerate."""

from __future__ import annotations

import numpy as np
import pytest

from synthocr.renderer.geometry import apply_homography, homography_from_points, invert

SRC = np.array([[0, 0], [310, 0], [310, 42], [0, 42]], np.float64)


def test_homography_takes_the_points_where_asked_and_back():
    rng = np.random.default_rng(3)
    for _ in range(20):
        dst = SRC + rng.uniform(-9, 9, (4, 2))
        m = homography_from_points(SRC, dst)
        assert np.allclose(apply_homography(m, SRC), dst, atol=1e-9)
        assert np.allclose(apply_homography(invert(m), dst), SRC, atol=1e-9)


def test_degenerate_point_sets_are_refused():
    collinear = np.array([[0, 0], [1, 1], [2, 2], [3, 3]], np.float64)
    with pytest.raises(ValueError):
        homography_from_points(collinear, SRC)
    with pytest.raises(ValueError):
        invert(np.zeros((3, 3)))
