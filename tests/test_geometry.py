"""Homographies (solved from four point pairs, inverted, refused when degenerate) and label boxes of lines that are only moved."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import builtin_font_sha1
from synthocr.renderer.geometry import apply_homography, homography_from_box, invert

SRC = np.array([[0, 0], [310, 0], [310, 42], [0, 42]], np.float64)


def test_homography_takes_the_box_where_asked_and_back():
    rng = np.random.default_rng(3)
    for _ in range(20):
        dst = SRC + rng.uniform(-9, 9, (4, 2))
        m = homography_from_box(310.0, 42.0, dst.tolist())
        assert np.allclose(apply_homography(m, SRC), dst, atol=1e-9)
        assert np.allclose(apply_homography(invert(m), dst), SRC, atol=1e-9)
        inside = rng.uniform(0, 1, (50, 2)) * (310.0, 42.0)  # and it is a projective map: lines stay lines
        mapped = apply_homography(m, np.concatenate((inside, (inside + SRC[2]) / 2)))
        assert np.allclose(apply_homography(m, (inside + SRC[2]) / 2), mapped[50:])
    assert np.allclose(homography_from_box(310.0, 42.0, SRC.tolist()), np.eye(3))  # the box itself: identity


def test_degenerate_point_sets_are_refused():
    collinear = [[0, 0], [1, 1], [2, 2], [3, 3]]
    with pytest.raises(ValueError):
        homography_from_box(310.0, 42.0, collinear)
    with pytest.raises(ValueError):  # top-left, top-right and bottom-left on one line, the rest not
        homography_from_box(310.0, 42.0, [[0, 0], [10, 0], [10, 5], [5, 0]])
    with pytest.raises(ValueError):
        homography_from_box(0.0, 42.0, SRC.tolist())
    with pytest.raises(ValueError):
        invert(np.zeros((3, 3)))


LINES = [
    ("ltr", "Quick brown fox, 42 jumps!", "DejaVuSans.ttf"),
    ("ltr", "Ёжик в тумане  ", "DejaVuSerif.ttf"),
    ("rtl", "مرحبا بالعالم 123 سلام", "DejaVuSans.ttf"),
    ("rtl", "שלום עולם 2024", "DejaVuSans-Bold.ttf"),
    ("ttb", "Vertical text", "DejaVuSansMono.ttf"),
]


@pytest.mark.parametrize("direction,text,font", LINES)
def test_box_geometry_equals_the_array_geometry_bit_for_bit(direction, text, font, tiny_assets):
    """A layout that is only moved gets the same regions, to the last bit (compared by repr),
    from plain floats as from Geometry's arrays mapped through the same translation."""
    from synthocr.renderer.geometry import BoxGeometry, Geometry, Warp
    from synthocr.renderer.layout import layout_line

    assets = tiny_assets
    vertical = direction == "ttb"
    for size, overlap in ((17, 0.0), (31, 0.2)):
        layout = layout_line(text, direction, assets.font(font, builtin_font_sha1(font), size), overlap)
        b = layout.line
        # Moves that put the line's corner exactly on 0 (-0.0 and 0.0 appear), and ones that clip it.
        for (tx, ty), (dx, dy), (w, h) in [
            ((-int(b.x0), -int(b.y0)), (0, 0), (400, 60)),
            ((-b.x0, -b.y0), (0, 0), (999, 999)),
            ((-b.x0, -b.y0), (3, 2), (999, 999)),
            ((5, -7), (-40, -3), (80, 12)),
        ]:
            move = Warp.homography(np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]], np.float64))
            arrays = Geometry.from_layout(layout, vertical).map_points(move.forward)
            boxes = BoxGeometry(layout, vertical, ((tx, ty),))
            assert boxes.line_bounds() == arrays.line_bounds()
            expected = arrays.shifted(dx, dy).regions(w, h)
            got = boxes.shifted(dx, dy).regions(w, h)
            assert repr((got.chars, got.words, got.line)) == repr((expected.chars, expected.words, expected.line))
            assert repr(got.points.tolist()) == repr(expected.points.tolist())
            assert repr(got.bboxes.tolist()) == repr(expected.bboxes.tolist())
            assert repr(got.baseline.tolist()) == repr(expected.baseline.tolist())
            assert len(text.split()) < len(got.chars) <= len(text.replace(" ", ""))  # a ligature is one cluster
            assert len(got.words) == len(text.split())
