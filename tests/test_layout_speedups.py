"""Render-speed shortcuts keep the pixels: cached cluster masks stamp exactly what draw.text draws."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from synthocr.assets import resolve_root
from synthocr.renderer.assets import RenderAssets
from synthocr.renderer.compose import render_row
from synthocr.renderer.layout import _stamp, render_cluster_mask
from synthocr.schemas.plan import BUILTIN_ROOT, asset_roots, plan_metadata

FONT_DIR = resolve_root("font", BUILTIN_ROOT)
ZWJ = "\u200d"
CLUSTERS = [
    ("g", False), ("W", False), ("é", False), ("e\u0301", False), ("Ж", False), ("λ", False), ("1", False),
    ("ש", True), (ZWJ + "ل" + ZWJ, True), ("م" + ZWJ, True), (ZWJ + "ة", True),
]
# Fractions around the rounding thresholds (31.5/64, 32.5/64), both halves and the ends of a pixel.
FRACTIONS = [0.0, 0.01, 0.25, 31.4 / 64, 31.6 / 64, 0.5, 32.4 / 64, 32.6 / 64, 0.75, 0.99]


@pytest.mark.parametrize("font_name", ["DejaVuSans.ttf", "DejaVuSerif.ttf"])
def test_stamped_cluster_equals_draw_text(font_name):
    font = ImageFont.truetype(str(FONT_DIR / font_name), 31, layout_engine=ImageFont.Layout.RAQM)
    cache: dict = {}

    def masks(key):
        if key not in cache:
            cache[key] = render_cluster_mask(font, key)
        return cache[key]

    for text, rtl in CLUSTERS:
        for fx in FRACTIONS:
            for fy in (0.0, 0.3, 32.6 / 64, 0.9):
                x, y = 7 + fx, 40 + fy
                expected = Image.new("L", (60, 70), 0)
                ImageDraw.Draw(expected).text((x, y), text, fill=255, font=font, anchor="ls",
                                              direction="rtl" if rtl else "ltr")
                got = Image.new("L", (60, 70), 0)
                _stamp(got, masks, text, rtl, x, y)
                assert np.array_equal(np.asarray(got), np.asarray(expected)), (text, fx, fy)
    # Single code points share one mask per rounding case, whatever their exact phase.
    assert len({k for k in cache if k[0] == "g"}) == 4


def test_cached_masks_do_not_depend_on_what_the_worker_drew_before(tiny_plan, tiny_assets):
    rows = tiny_plan.to_pylist()[:8]
    warm = [np.asarray(render_row(r, tiny_assets)[0]) for r in rows]
    fresh = RenderAssets(asset_roots(plan_metadata(tiny_plan)))  # empty caches, rows in the other order
    for row, seen in zip(reversed(rows), reversed(warm)):
        assert np.array_equal(np.asarray(render_row(row, fresh)[0]), seen)
