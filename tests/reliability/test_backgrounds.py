"""Hostile background images: broken ones are left out with a warning; valid odd modes render."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pyarrow.parquet as pq
import pytest
from PIL import Image

IMAGE_ONLY = {"specifications": [{"name": "bg", "background_weights": {"image": 1}}]}


def _png(mode: str, size=(64, 48)) -> bytes:
    rng = np.random.default_rng(0)
    if mode == "I;16":
        image = Image.fromarray(rng.integers(0, 65535, size[::-1], dtype=np.uint16))
    else:
        image = Image.fromarray(rng.integers(0, 255, (*size[::-1], 3), dtype=np.uint8)).convert(mode)
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def _jpeg(mode: str = "RGB") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 180, 150)).convert(mode).save(buf, "JPEG")
    return buf.getvalue()


def bomb_png() -> bytes:
    """A valid small PNG whose header claims 40000 x 40000 pixels (Pillow's bomb limit is 89 M)."""
    data = bytearray(_png("L", (8, 8)))
    ihdr = data[12:29]  # b"IHDR" + 13 bytes
    ihdr[4:12] = struct.pack(">II", 40000, 40000)
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    return bytes(data)


BROKEN = {
    "truncated.png": lambda: _png("RGB", (200, 200))[:3000],
    "truncated.jpg": lambda: _jpeg()[:400],
    "bomb.png": bomb_png,
    "random.png": lambda: np.random.default_rng(1).bytes(5000),
    "empty.jpg": lambda: b"",
    "text.png": lambda: b"not an image at all\n" * 10,
}

ODD_BUT_VALID = {
    "one_pixel.png": lambda: _png("RGB", (1, 1)),
    "sixteen_bit.png": lambda: _png("I;16"),
    "palette.png": lambda: _png("P"),
    "grey_alpha.png": lambda: _png("LA"),
    "rgba.png": lambda: _png("RGBA"),
    "bilevel.png": lambda: _png("1"),
    "cmyk.jpg": lambda: _jpeg("CMYK"),
    "grey.jpg": lambda: _jpeg("L"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_broken_background_is_left_out_with_a_warning(ws, synthocr, outcome, name):
    (ws.backgrounds / name).write_bytes(BROKEN[name]())
    (ws.backgrounds / "good.png").write_bytes(_png("RGB"))
    plan = ws.root / "p.parquet"
    result = synthocr("plan", ws.config(backgrounds=True, **IMAGE_ONLY), "-o", plan)
    assert result.code == 0, result
    assert f"{name} left out" in result.warnings
    files = set(pq.read_table(plan, columns=["background_file"]).column("background_file").to_pylist())
    assert files == {"good.png"}
    outcome("excluded")


def test_only_broken_backgrounds_is_not_a_crash(ws, synthocr, outcome):
    """Every image is excluded: a source with weight > 0 and no decodable image is a clean error naming it."""
    for name, make in BROKEN.items():
        (ws.backgrounds / name).write_bytes(make())
    plan = ws.root / "p.parquet"
    result = synthocr("plan", ws.config(backgrounds=True, **IMAGE_ONLY), "-o", plan)
    assert result.code == 2 and result.clean_error, result
    assert str(ws.backgrounds) in result.err and "decodes" in result.err
    assert not plan.exists()
    outcome("clean_error")


@pytest.mark.parametrize("name", ODD_BUT_VALID)
def test_odd_but_valid_background_renders(ws, synthocr, outcome, name):
    (ws.backgrounds / name).write_bytes(ODD_BUT_VALID[name]())
    plan = ws.plan(synthocr, ws.config(backgrounds=True, total_images=2, **IMAGE_ONLY))
    files = set(pq.read_table(plan, columns=["background_file"]).column("background_file").to_pylist())
    assert files == {name}
    out = ws.root / "out"
    result = synthocr("render", plan, "-o", out, "--workers", "1", "--quiet")
    assert result.code == 0, result
    images = sorted(out.rglob("image_*.png"))
    assert len(images) == 2
    with Image.open(images[0]) as im:
        assert im.mode == "RGB" and im.width > 1
    outcome("rendered")


def test_bomb_limit_holds_at_render_time(ws, synthocr, outcome):
    """A background swapped for a bomb after planning fails its rows instead of allocating gigabytes."""
    (ws.backgrounds / "bg.png").write_bytes(_png("RGB"))
    plan = ws.plan(synthocr, ws.config(backgrounds=True, total_images=2, **IMAGE_ONLY))
    (ws.backgrounds / "bg.png").write_bytes(bomb_png())
    result = synthocr("render", plan, "-o", ws.root / "out", "--workers", "1", "--quiet")
    assert result.code == 1 and "Traceback" not in result.err, result
    log = (ws.root / "out" / "_render_state.jsonl").read_text()
    assert "DecompressionBomb" in log
    assert not list((ws.root / "out").rglob("image_*"))
    outcome("clean_error")
