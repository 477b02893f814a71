"""The Pillow core shortcuts give the pixels of Pillow's public calls, with and without the core API."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from synthocr.renderer import pillow_core


@pytest.fixture(params=["core", "public"])
def api(request, monkeypatch):
    """Both paths: Pillow's core calls, and the public fallback a Pillow without them takes."""
    if request.param == "public":
        monkeypatch.setattr(pillow_core, "_MAP_BUFFER", None)
        monkeypatch.setattr(pillow_core, "_WRAP", None)
    return request.param


def test_palette_image_matches_the_public_palette_conversion(api):
    rng = np.random.default_rng(7)
    index = rng.integers(0, 256, (37, 53), np.uint8)
    palette = rng.integers(0, 256, (256, 3), np.uint8)
    image = pillow_core.palette_image(index[:, 3:50], palette)  # a strided view: copied to rows first
    assert image.mode == "RGB" and image.size == (47, 37)
    assert np.array_equal(np.asarray(image), palette[index[:, 3:50]])
    reference = pillow_core.palette_image_public(np.ascontiguousarray(index[:, 3:50]), palette.tobytes())
    assert reference.tobytes() == image.tobytes()


def test_map_core_reads_rows_a_stride_apart(api):
    """A FreeType bitmap's rows are `pitch` bytes apart, wider than the glyph: the padding is not read."""
    rows = np.arange(5 * 8, dtype=np.uint8).reshape(5, 8)
    core = pillow_core.map_core(rows.tobytes(), (6, 5), "L", 8)
    image = Image.new("L", (6, 5))
    image.im.paste(core, (0, 0, 6, 5))
    assert np.array_equal(np.asarray(image), rows[:, :6])


def test_a_pillow_without_the_core_calls_draws_the_same_line(monkeypatch, tiny_assets):
    """A whole glyph line through the public calls only has the same pixels."""
    from synthocr.renderer.glyphs import GlyphRaster

    font = next(iter(sorted(tiny_assets.font_root.rglob("*.ttf"))))
    raster = GlyphRaster(str(font), 31, font.name)
    fast = [raster.render(gid) for gid in range(1, 40)]
    monkeypatch.setattr(pillow_core, "_MAP_BUFFER", None)
    public = [raster.render(gid) for gid in range(1, 40)]
    drawn = 0
    for a, b in zip(fast, public):
        assert (a is None) == (b is None)
        if a is not None and b is not None:
            assert a[1:] == b[1:]
            pa, pb = (Image.new("L", (a.width, a.height)) for _ in range(2))
            pa.im.paste(a.core, (0, 0, a.width, a.height))
            pb.im.paste(b.core, (0, 0, b.width, b.height))
            assert pa.tobytes() == pb.tobytes()
            drawn += 1
    assert drawn > 20
