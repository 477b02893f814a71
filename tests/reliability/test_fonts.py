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


def broken_hinting(path: Path) -> None:
    """A font program (fpgm) that defines a function inside a function: FreeType runs it before every hinted
    glyph and fails each ('nested DEFS'); HarfBuzz and Pillow's open never run it."""
    from fontTools.ttLib.tables import ttProgram

    font = fontTools.TTFont(DEJAVU)
    program = ttProgram.Program()
    program.fromBytecode(bytes([0xB0, 0, 0x2C, 0xB0, 1, 0x2C, 0x2D, 0x2D]))  # PUSHB 0 FDEF PUSHB 1 FDEF ENDF ENDF
    font["fpgm"].program = program
    font.save(path)


BAD_FONTS = {
    "truncated": truncated,
    "random_bytes": random_bytes,
    "empty_cmap": empty_cmap,
    "no_outlines": no_outlines,
    "empty_file": empty_file,
    "huge_sparse": sparse_gigabyte,
    "broken_hinting": broken_hinting,
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


@pytest.mark.parametrize("case", ["truncated", "empty_cmap", "huge_sparse", "broken_hinting"])
def test_only_bad_fonts_is_a_clean_error(ws, synthocr, outcome, case):
    (ws.fonts / "DejaVuSans.ttf").unlink()
    BAD_FONTS[case](ws.fonts / "Bad.ttf")
    plan = ws.root / "p.parquet"
    result = synthocr("plan", ws.config(), "-o", plan)
    assert result.clean_error, result
    assert "failed to load" in result.err and not plan.exists()
    outcome("clean_error")


def _one_glyph_broken(path: Path, text: str, char: str) -> None:
    """DejaVu Sans cut to the letters of `text`, the outline of `char` given a last contour ending at point
    65,520 (FreeType: 'invalid outline')."""
    import struct

    from fontTools import subset

    font = fontTools.TTFont(DEJAVU)
    cutter = subset.Subsetter(subset.Options(hinting=True))
    cutter.populate(text=text)
    cutter.subset(font)
    font.save(path)
    data = bytearray(path.read_bytes())
    font = fontTools.TTFont(path)
    gid = font.getGlyphOrder().index(font.getBestCmap()[ord(char)])
    offsets = {}
    for i in range(struct.unpack(">H", data[4:6])[0]):
        tag, _, offset, _ = struct.unpack(">4sIII", data[12 + 16 * i : 28 + 16 * i])
        offsets[tag] = offset
    loca, long = offsets[b"loca"], font["head"].indexToLocFormat
    start = struct.unpack_from(">I" if long else ">H", data, loca + (4 if long else 2) * gid)[0] * (1 if long else 2)
    glyph = offsets[b"glyf"] + start
    contours = struct.unpack_from(">h", data, glyph)[0]
    struct.pack_into(">H", data, glyph + 10 + 2 * (contours - 1), 0xFFF0)
    path.write_bytes(bytes(data))


def test_font_with_a_broken_glyph_is_kept_with_a_note_and_its_rows_fail_by_name(ws, synthocr, outcome):
    """A font FreeType draws but for one glyph is used, with a warning that says so; a row that needs the glyph
    is a failed row naming the font and the glyph, and the others render."""
    (ws.fonts / "DejaVuSans.ttf").unlink()
    _one_glyph_broken(ws.fonts / "Cut.ttf", "abcdefghijklmnopqrstuvwxyz ", "b")
    (ws.corpus / "words.txt").write_text("bad bed\ncat dog\nfig hat\nink jam\n")
    spec = {"name": "s", "corpus_file": "words.txt", "text_source": "lines"}
    plan = ws.root / "p.parquet"
    result = synthocr("plan", ws.config(total_images=8, specifications=[spec]), "-o", plan)
    assert result.code == 0, result
    assert "Cut.ttf: FreeType cannot draw 1 of" in result.warnings and "(invalid outline)" in result.warnings
    out = ws.root / "out"
    result = synthocr("render", plan, "-o", out, "--workers", "1")
    import pyarrow.parquet as pq

    texts = pq.read_table(plan, columns=["text"]).column("text").to_pylist()
    drawn = sorted(p.stem for p in out.rglob("*.png"))
    assert len(drawn) == sum("b" not in t for t in texts) < len(texts), (texts, drawn)
    assert result.code == 1 and "Cut.ttf: FreeType cannot render glyph" in result.warnings, result
    outcome("rendered")


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
