"""Render-speed shortcuts keep the pixels: cached cluster masks stamp exactly what draw.text draws."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow.parquet as pq
import pytest
from PIL import Image, ImageDraw, ImageFont

from synthocr.assets import resolve_root
from synthocr.renderer import compose, layout
from synthocr.renderer.assets import BoundedCache, RenderAssets
from synthocr.renderer.compose import render_row
from synthocr.renderer.layout import _stamp, render_cluster_mask
from synthocr.schemas.plan import BUILTIN_ROOT, asset_roots, plan_metadata

FONT_DIR = resolve_root("font", BUILTIN_ROOT)
ZWJ = "\u200d"
CLUSTERS = [
    ("g", False),
    ("W", False),
    ("é", False),
    ("e\u0301", False),
    ("Ж", False),
    ("λ", False),
    ("1", False),
    ("ש", True),
    (ZWJ + "ل" + ZWJ, True),
    ("م" + ZWJ, True),
    (ZWJ + "ة", True),
]
# Fractions around the rounding thresholds (31.5/64, 32.5/64), both halves and the ends of a pixel.
FRACTIONS = [0.0, 0.01, 0.25, 31.4 / 64, 31.6 / 64, 0.5, 32.4 / 64, 32.6 / 64, 0.75, 0.99]


@pytest.mark.parametrize("basic", [False, True], ids=["raqm", "basic-for-lone-glyphs"])
@pytest.mark.parametrize("font_name", ["DejaVuSans.ttf", "DejaVuSerif.ttf"])
def test_stamped_cluster_equals_draw_text(font_name, basic):
    font = ImageFont.truetype(str(FONT_DIR / font_name), 31, layout_engine=ImageFont.Layout.RAQM)
    basic_font = ImageFont.truetype(str(FONT_DIR / font_name), 31, layout_engine=ImageFont.Layout.BASIC)
    cache: dict = {}

    def masks(key):
        if key not in cache:
            cache[key] = render_cluster_mask(font, key, basic_font if basic else None)
        return cache[key]

    for text, rtl in CLUSTERS:
        for fx in FRACTIONS:
            for fy in (0.0, 0.3, 32.6 / 64, 0.9):
                x, y = 7 + fx, 40 + fy
                expected = Image.new("L", (60, 70), 0)
                ImageDraw.Draw(expected).text(
                    (x, y), text, fill=255, font=font, anchor="ls", direction="rtl" if rtl else "ltr"
                )
                got = Image.new("L", (60, 70), 0)
                _stamp(got.im, masks, text, rtl, x, y)
                assert np.array_equal(np.asarray(got), np.asarray(expected)), (text, fx, fy)
    # A single code point, with or without joiners, has one mask whatever its phase; marks key on it.
    assert len({k for k in cache if k[0] == "g"}) == 1
    assert len({k for k in cache if k[0] == ZWJ + "ل" + ZWJ}) == 1
    assert len({k for k in cache if k[0] == "e\u0301"}) > 1


def test_basic_layout_draws_every_lone_corpus_glyph_as_raqm_does():
    """Every built-in corpus character that `unshaped_glyph` lets through, in every built-in font, at
    three sizes and both directions: the basic layout's mask and offset equal raqm's, pixel for pixel."""
    from synthocr.renderer.layout import unshaped_glyph

    corpus = resolve_root("corpus", BUILTIN_ROOT)
    chars = sorted({c for f in corpus.glob("*.txt") for c in f.read_text(encoding="utf-8") if c.strip()})
    lone = [c for c in chars if unshaped_glyph(c)]
    assert len(lone) > 150 and not any(unshaped_glyph(c) for c in "()[]\u0644\u0301" + ZWJ)
    for path in sorted(FONT_DIR.glob("*.ttf")):
        for size in (28, 35, 44):
            raqm = ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.RAQM)
            basic = ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)
            for c in lone:
                for rtl in (False, True):
                    want_core, want_offset = render_cluster_mask(raqm, (c, rtl, 0, 0))
                    got_core, got_offset = render_cluster_mask(raqm, (c, rtl, 0, 0), basic)
                    assert (got_offset, got_core.size, bytes(got_core)) == (
                        want_offset,
                        want_core.size,
                        bytes(want_core),
                    ), (path.name, size, c, rtl)


def test_cached_masks_do_not_depend_on_what_the_worker_drew_before(tiny_plan, tiny_assets):
    rows = tiny_plan.to_pylist()[:8]
    warm = [np.asarray(render_row(r, tiny_assets)[0]) for r in rows]
    fresh = RenderAssets(asset_roots(plan_metadata(tiny_plan)))  # empty caches, rows in the other order
    for row, seen in zip(reversed(rows), reversed(warm)):
        assert np.array_equal(np.asarray(render_row(row, fresh)[0]), seen)


def test_bounded_cache_keeps_its_bound_and_survives_threads():
    loads: list[int] = []
    cache = BoundedCache(lambda k: loads.append(k) or k * 2, 8)
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(cache, [i % 20 for i in range(2000)]))
    assert results == [(i % 20) * 2 for i in range(2000)]
    assert len(cache._data) == 8
    cache(19)
    before = len(loads)
    cache(19)  # the most recent key is still there: no second load
    assert len(loads) == before


def test_cli_render_equals_draw_text_layout(cli, tiny_config_path, tmp_path, monkeypatch):
    """End to end: images and labels written by `synthocr render` equal those of a layout that draws
    every cluster with draw.text and measures joined Arabic letters with getbbox, as before the cache."""
    plan, out = tmp_path / "plan.parquet", tmp_path / "out"
    assert cli("plan", tiny_config_path, "-o", plan)[0] == 0
    assert cli("render", plan, "-o", out, "--workers", "1", "--quiet")[0] == 0
    table = pq.read_table(plan)
    assets = RenderAssets(asset_roots(plan_metadata(table)))
    current: dict = {}

    def draw_text(target, masks, text, rtl, x, y, ink=255, offset=(0, 0)):  # target: a core image
        w, h = target.size
        drawn = Image.new("L", (w + abs(offset[0]), h + abs(offset[1])), 0)  # room for (x, y) before the shift
        ImageDraw.Draw(drawn).text(
            (x, y), text, fill=255, font=current["font"], anchor="ls", direction="rtl" if rtl else "ltr"
        )
        target.paste(ink, (offset[0], offset[1], offset[0] + drawn.width, offset[1] + drawn.height), drawn.im)

    def getbbox_box(masks, s, x, y, rtl):
        if not s.strip(ZWJ).strip():
            return None
        x0, y0, x1, y1 = current["font"].getbbox(s, anchor="ls", direction="rtl" if rtl else "ltr")
        return None if x1 <= x0 or y1 <= y0 else layout.Box(x + x0, y + y0, x + x1, y + y1)

    def old_layout(text, direction, pil_font, hb_font, size, overlap, masks=None, draw=True):
        current["font"] = pil_font
        return layout.layout_line(text, direction, pil_font, hb_font, size, overlap, lambda key: None, draw)

    monkeypatch.setattr(layout, "_stamp", draw_text)
    monkeypatch.setattr(layout, "_drawn_ink_box", getbbox_box)
    monkeypatch.setattr(compose, "layout_line", old_layout)
    for row in table.to_pylist():
        image, label = render_row(row, assets)
        with Image.open(out / f"{row['output_name']}.png") as written:
            assert np.array_equal(np.asarray(written), np.asarray(image)), row["image_id"]
        written_label = json.loads((out / f"{row['output_name']}.json").read_text())
        assert written_label["chars"] == json.loads(label.to_json())["chars"], row["image_id"]
