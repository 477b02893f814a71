"""A character HarfBuzz takes apart before shaping (Thai's SARA AM into NIKHAHIT and SARA AA) is not drawn by a
font that maps it but lacks a part: Monlam's 13 Tibetan fonts map ำ and not ํ, and every row planned with `น้ำ`
in one drew a missing-glyph box, and failed at render time."""

from __future__ import annotations

from pathlib import Path

import pytest
import uharfbuzz as hb

from synthocr.assets import BUILTIN_DIRS
from synthocr.glyph_coverage import drawn_codepoints
from synthocr.glyph_decomposition import parts_missing

fontTools = pytest.importorskip("fontTools.ttLib")

SARA_AM, NIKHAHIT, SARA_AA, KO_KAI = 0x0E33, 0x0E4D, 0x0E32, 0x0E01


def _thai_font(path: Path, with_nikhahit: bool) -> hb.Face:
    """DejaVu Sans with Thai code points mapped to some of its glyphs (their shapes do not matter here)."""
    font = fontTools.TTFont(BUILTIN_DIRS["font"] / "DejaVuSans.ttf")
    extra = {KO_KAI: "k", SARA_AM: "m", SARA_AA: "a"} | ({NIKHAHIT: "o"} if with_nikhahit else {})
    for table in font["cmap"].tables:
        if table.isUnicode():
            table.cmap.update(extra)
    font.save(path)
    return hb.Face(hb.Blob.from_file_path(str(path)))


def test_a_character_taken_apart_into_one_the_font_lacks_is_not_drawn(tmp_path):
    face = _thai_font(tmp_path / "lacks.ttf", with_nikhahit=False)
    assert parts_missing(face, frozenset(face.unicodes)) == {SARA_AM}
    drawn = drawn_codepoints(face)
    assert SARA_AM not in drawn and {KO_KAI, SARA_AA} <= drawn


def test_a_font_with_every_part_draws_it(tmp_path):
    face = _thai_font(tmp_path / "whole.ttf", with_nikhahit=True)
    assert parts_missing(face, frozenset(face.unicodes)) == frozenset()
    assert SARA_AM in drawn_codepoints(face)


def test_the_bundled_fonts_lack_no_part():
    for path in sorted(BUILTIN_DIRS["font"].glob("*.ttf")):
        face = hb.Face(hb.Blob.from_file_path(str(path)))
        assert parts_missing(face, frozenset(face.unicodes)) == frozenset(), path.name
