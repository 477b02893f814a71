"""A font dir of hundreds of fonts (/usr/share/fonts has 300): a worker keeps to its open-file limit and its
font caches' bounds, whatever the number of fonts its rows are drawn with."""

from __future__ import annotations

import gc
import json
import os
import resource
import shutil
import subprocess
import sys

import yaml

from synthocr.assets import BUILTIN_DIRS
from synthocr.cli import main

N_FONTS = 160


def _config(tmp_path, total: int) -> object:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    shutil.copy(BUILTIN_DIRS["font"] / "DejaVuSans.ttf", fonts / "f000.ttf")
    for i in range(1, N_FONTS):  # links: 160 font files, one file's bytes on disk
        os.link(fonts / "f000.ttf", fonts / f"f{i:03d}.ttf")
    spec = {"name": "l", "corpus_file": "latin.txt", "font_size_min": 14, "font_size_max": 60}
    config = {"total_images": total, "seed": 2, "font_dir": str(fonts), "specifications": [spec]}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def test_a_worker_drawing_from_many_fonts_stays_within_64_open_files(tmp_path):
    """Each font kept a file descriptor (Python's mmap) for as long as any glyph of it was cached: with 160
    fonts, a worker limited to the usual 1024 descriptors, or 64 here, failed its rows with "Too many open
    files" (2,231 of 4,000 rows from 282 fonts at 1024)."""
    config = _config(tmp_path, 400)
    plan, out = tmp_path / "p.parquet", tmp_path / "out"
    assert main(["plan", str(config), "-o", str(plan)]) == 0

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))

    run = subprocess.run(
        [sys.executable, "-m", "synthocr", "render", str(plan), "-o", str(out), "--workers", "1", "--quiet"],
        capture_output=True, text=True, preexec_fn=limit, env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    labels = [json.loads(p.read_text()) for p in out.rglob("image_*.json")]
    assert len(labels) == 400 and len({label["params"]["font"] for label in labels}) > 64


def test_a_worker_holds_no_more_sized_fonts_than_its_cache(tmp_path):
    """The glyph cache was keyed by the font object: its 16,384 entries kept every font at every size they
    came from alive, past the 256 the font cache holds (1,624 and 1.1 GB in a render from 282 fonts), and
    HarfBuzz's callbacks bound to the font left each evicted one for Python's rare full collections."""
    from synthocr.renderer.shaping import SizedFont

    config = _config(tmp_path, 800)
    plan = tmp_path / "p.parquet"
    assert main(["plan", str(config), "-o", str(plan)]) == 0
    assert main(["render", str(plan), "-o", str(tmp_path / "out"), "--workers", "1", "--quiet"]) == 0
    gc.disable()  # what reference counting frees, without a collection
    try:
        alive = sum(isinstance(o, SizedFont) and o.file.path.startswith(str(tmp_path)) for o in gc.get_objects())
    finally:
        gc.enable()
    assert alive <= 256


def test_the_glyph_cache_keeps_to_its_bytes_as_well_as_its_count():
    """16,384 glyphs of Chinese at 200 px were 650 MB of one worker's memory: the cache now also keeps its
    bitmaps' pixels within GLYPH_CACHE_BYTES (1 MB here), dropping the oldest, and still serves what it holds."""
    from synthocr.renderer.assets import BoundedCache, _glyph_bytes, _no_load
    from synthocr.renderer.shaping import FontFile, SizedFont

    cache = BoundedCache(_no_load, 16384, _glyph_bytes, 1 << 20)
    path = BUILTIN_DIRS["font"] / "DejaVuSans.ttf"
    font = SizedFont(FontFile(str(path), path.name), 120, cache, "", 7)
    glyphs = [font.glyph(gid) for gid in range(36, 600)]
    weights = [_glyph_bytes(g) for g in glyphs]
    assert sum(weights) > 3 << 20 and sum(_glyph_bytes(g) for g in cache.data.values()) <= 1 << 20
    assert all(key[0] == 7 for key in cache.data) and len(cache.data) > 50  # keyed by the token
    assert font.glyph(599) is glyphs[-1]  # a hit: the same bitmap
