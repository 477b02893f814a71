"""An emphasised run of words in synthetic italic (`emphasis_italic`): its outlines slanted as FreeType's oblique
slants them (about 12 degrees, about the baseline), its advances and label kept; checked against Pillow shearing
the upright run."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image

from synthocr.analysis.parity import label_problems
from synthocr.assets import BUILTIN_DIRS
from synthocr.renderer.layout import layout_line, layout_mask
from synthocr.renderer.linestyle import Emphasis, LineStyle
from synthocr.renderer.shaping import FontFile, SizedFont

SHEAR = 0x0366A / 0x10000  # FT_GlyphSlot_Oblique's


def _font(name: str, size: int) -> SizedFont:
    path = BUILTIN_DIRS["font"] / name
    return SizedFont(FontFile(str(path), name), size)


def _styled(italic: bool, bold: float = 0.0) -> LineStyle:
    return LineStyle(emphasis=Emphasis(words=1, start=0.5, bold=bold, color=1, italic=italic))


@pytest.mark.parametrize(
    ("name", "text", "direction"),
    [
        ("DejaVuSerif.ttf", "an italic word here", "ltr"),
        ("DejaVuSans.ttf", "Ежедневно вечером", "ltr"),
        ("NotoSansHebrew-Regular.ttf", "שלום עולם יפה", "rtl"),
    ],
)
@pytest.mark.parametrize("bold", [0.0, 0.04])
def test_the_run_is_the_upright_run_sheared_about_its_baseline(name, text, direction, bold):
    font = _font(name, 36)
    upright = layout_line(text, direction, font, _styled(False, bold))
    italic = layout_line(text, direction, font, _styled(True, bold))
    assert [c[:2] for c in upright.clusters] == [c[:2] for c in italic.clusters]  # the same characters
    assert [s[1:] for s in upright.stamps] == [s[1:] for s in italic.stamps]  # the other words where they were
    ours = np.asarray(layout_mask(italic, "accent"), np.float64) / 255
    run = layout_mask(upright, "accent")
    base = upright.origin[1]  # the baseline's row: FreeType slants each outline about it
    width, height = run.size
    best = 0.0
    for dx in np.linspace(-1.0, 1.0, 21):  # Pillow maps output to input: x_in = x_out - dx - SHEAR * (base - y)
        shear = (1.0, SHEAR, -dx - SHEAR * base, 0.0, 1.0, 0.0)
        reference = (
            np.asarray(
                run.transform((width, height), Image.Transform.AFFINE, shear, Image.Resampling.BILINEAR), np.float64
            )
            / 255
        )
        h, w = min(ours.shape[0], reference.shape[0]), min(ours.shape[1], reference.shape[1])
        a, b = ours[:h, :w], reference[:h, :w]
        best = max(best, float(np.minimum(a, b).sum() / np.maximum(a, b).sum()))
    assert best >= 0.9, best
    assert not label_problems(italic, layout_mask(italic))


def test_the_slant_is_freetypes_oblique():
    assert math.degrees(math.atan(SHEAR)) == pytest.approx(12.0, abs=0.05)
