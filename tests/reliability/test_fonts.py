"""Hostile font files: each is left out with a warning (or, when nothing usable is left, a clean error)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from synthocr.assets import BUILTIN_DIRS

fontTools = pytest.importorskip("fontTools.ttLib")  # comes with matplotlib

DEJAVU = BUILTIN_DIRS["font"] / "DejaVuSans.ttf"


def truncated(path: Path) -> None:
    path.write_bytes(DEJAVU.read_bytes()[:5000])


def random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(4096))


def empty_cmap(path: Path) -> None:
    font = fontTools.TTFont(DEJAVU)
    for table in font["cmap"].tables:
        table.cmap = {}
    font.save(path)


def no_outlines(path: Path) -> None:
    """Character map but no glyph outlines, like a bitmap-only font whose strikes FreeType cannot scale."""
    font = fontTools.TTFont(DEJAVU)
    del font["glyf"], font["loca"]
    font.save(path)


def empty_file(path: Path) -> None:
    path.write_bytes(b"")


def sparse_gigabyte(path: Path) -> None:
    """A 1 GiB file (sparse: no disk used): must be refused without being read into memory."""
    with path.open("wb") as fh:
        fh.truncate(1 << 30)


BAD_FONTS = {
    "truncated": truncated,
    "random_bytes": random_bytes,
    "empty_cmap": empty_cmap,
    "no_outlines": no_outlines,
    "empty_file": empty_file,
    "huge_sparse": sparse_gigabyte,
}


@pytest.mark.parametrize("case", BAD_FONTS)
def test_bad_font_is_left_out_with_a_warning(ws, synthocr, outcome, case):
    BAD_FONTS[case](ws.fonts / "Bad.ttf")
    report = ws.root / "fonts.csv"
    result = synthocr("plan", ws.config(), "-o", ws.root / "p.parquet", "--font-report", report)
    assert result.code == 0, result
    assert "Bad.ttf left out" in result.warnings
    assert "Bad.ttf,false," in report.read_text()
    outcome("excluded")


@pytest.mark.parametrize("case", ["truncated", "empty_cmap", "huge_sparse"])
def test_only_bad_fonts_is_a_clean_error(ws, synthocr, outcome, case):
    (ws.fonts / "DejaVuSans.ttf").unlink()
    BAD_FONTS[case](ws.fonts / "Bad.ttf")
    plan = ws.root / "p.parquet"
    result = synthocr("plan", ws.config(), "-o", plan)
    assert result.clean_error, result
    assert "failed to load" in result.err and not plan.exists()
    outcome("clean_error")


def test_symlink_loops_in_the_font_dir_are_ignored(ws, synthocr, outcome):
    (ws.fonts / "self.ttf").symlink_to("self.ttf")
    (ws.fonts / "sub").mkdir()
    (ws.fonts / "sub" / "up").symlink_to("..")
    (ws.fonts / "again").symlink_to(ws.fonts)
    plan = ws.plan(synthocr)
    assert plan.exists()
    outcome("planned")


def test_font_symlinked_from_outside_the_font_dir_is_left_out(ws, synthocr, outcome, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "Outside.ttf"
    shutil.copy(DEJAVU, outside)
    (ws.fonts / "Outside.ttf").symlink_to(outside)
    report = ws.root / "fonts.csv"
    result = synthocr("plan", ws.config(), "-o", ws.root / "p.parquet", "--font-report", report)
    assert result.code == 0, result
    assert "outside" in result.warnings and "Outside.ttf" not in report.read_text()
    outcome("excluded")


@pytest.mark.reliability
def test_big_valid_font_plans_and_renders(ws, synthocr, outcome):
    """A real font padded to 40 MB with an extra table: slow to hash, but usable."""
    font = fontTools.TTFont(DEJAVU)
    pad = fontTools.newTable("zPad")
    pad.data = os.urandom(40 << 20)
    font["zPad"] = pad
    (ws.fonts / "DejaVuSans.ttf").unlink()
    font.save(ws.fonts / "Big.ttf")
    plan = ws.plan(synthocr, ws.config(total_images=2))
    result = synthocr("render", plan, "-o", ws.root / "out", "--workers", "1", "--quiet")
    assert result.code == 0, result
    outcome("rendered")
