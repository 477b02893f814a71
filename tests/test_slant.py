"""Synthetic italic (`slant_angle`): the line sheared about its middle, its label sheared with it; checked
against Pillow shearing the upright line's image."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image

from golden_cases import golden_assets, golden_row
from render_helpers import clean
from synthocr.renderer.compose import render_row


def _coverage(angle: float) -> tuple[np.ndarray, object]:
    """The line's ink coverage (0..1, from the grey levels between background and ink) and its label."""
    row = clean(golden_row("latin_plain"), slant_angle=angle, font_size=40)
    image, label = render_row(row, golden_assets())
    pixels = np.asarray(image.convert("L"), np.float64)
    ink, ground = (
        np.mean([row["ink_r"], row["ink_g"], row["ink_b"]]),
        np.mean([row["background_r"], row["background_g"], row["background_b"]]),
    )
    return np.clip((ground - pixels) / (ground - ink), 0.0, 1.0), label


def _crop(a: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(a > 0.1)
    return a[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def _soft_iou(a: np.ndarray, b: np.ndarray) -> float:
    h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
    a, b = a[:h, :w], b[:h, :w]
    return float(np.minimum(a, b).sum() / np.maximum(a, b).sum())


@pytest.mark.parametrize("angle", [12.0, -8.0, 30.0])
def test_the_line_is_the_upright_line_sheared_as_pillow_shears_it(angle):
    """Pillow's affine transform of the upright line, at the best sub-pixel offset along the line (the two
    shear about rows a fraction of a pixel apart): the same ink, as coverage."""
    upright, _ = _coverage(0.0)
    ours = _crop(_coverage(angle)[0])
    t = math.tan(math.radians(angle))
    h, w = upright.shape
    pad = math.ceil(abs(t) * h / 2) + 2
    source = Image.fromarray(upright.astype(np.float32), "F")
    best = 0.0
    for dx in np.linspace(-1.0, 1.0, 21):  # output to input: x_in = x_out - pad - dx - t * (h/2 - y)
        shear = (1.0, t, -pad - dx - t * h / 2, 0.0, 1.0, 0.0)
        reference = _crop(
            np.asarray(source.transform((w + 2 * pad, h), Image.Transform.AFFINE, shear, Image.Resampling.BILINEAR))
        )
        best = max(best, _soft_iou(ours, reference))
    assert best >= 0.97, (angle, best)


def test_each_characters_polygon_leans_with_its_letter():
    _, label = _coverage(14.0)
    t = math.tan(math.radians(14.0))
    for char in label.chars:
        (x0, y0), (x1, _), (x2, y2), (x3, _) = char.polygon  # clockwise from the top left
        assert x0 - x3 == pytest.approx(t * (y2 - y0), abs=0.05)  # the left edge leans right going up
        assert x1 - x2 == pytest.approx(t * (y2 - y0), abs=0.05)
