"""Right-joining letters (ا د ر و ە, Syriac ܐ ܕ ...) a font draws apart from the letter before them."""

from __future__ import annotations

from pathlib import Path

import pytest
import uharfbuzz as hb

from synthocr.assets import BUILTIN_DIRS
from synthocr.glyph_coverage import drawn_codepoints, unjoined
from synthocr.glyph_joining import unjoined_right

NASKH = BUILTIN_DIRS["font"] / "NotoNaskhArabic-Regular.ttf"
ALEF, BEH, ROHINGYA_YEH = 0x0627, 0x0628, 0x08AC


def _face(path: Path) -> hb.Face:
    return hb.Face(hb.Blob.from_file_path(str(path)))


def _glyphs(face: hb.Face, cps: list[int]) -> list[tuple[int, int]]:
    """(glyph, cluster) of HarfBuzz's shaping of `cps`, in visual order."""
    buf = hb.Buffer()
    buf.add_codepoints(cps)
    buf.guess_segment_properties()
    hb.shape(hb.Font(face), buf, {})
    return [(g.codepoint, g.cluster) for g in buf.glyph_infos]


@pytest.fixture(scope="module")
def isolated_alef(tmp_path_factory) -> dict[str, Path]:
    """Noto Naskh Arabic without alef's final form: after beh, alef keeps its isolated glyph. `apart`: as
    it is, 0.06 em of blank (its right side bearing) between the beh's connection and it, as FreeSerif's ٲ
    and Noto Kufi's ە stand; `touching`: its advance cut to end inside its ink, so the beh reaches it, as
    Nafees's أ and Noto Naskh's own ࢬ are joined with their isolated glyphs."""
    from fontTools.ttLib import TTFont

    out = {}
    for name in ("apart", "touching"):
        font = TTFont(NASKH)
        alef = font.getBestCmap()[ALEF]
        for lookup in font["GSUB"].table.LookupList.Lookup:
            for table in lookup.SubTable:
                table = getattr(table, "ExtSubTable", table)
                if isinstance(getattr(table, "mapping", None), dict):
                    table.mapping.pop(alef, None)
        if name == "touching":
            glyph, lsb = font["glyf"][alef], font["hmtx"][alef][1]
            font["hmtx"][alef] = (glyph.xMax - 5, lsb)  # its ink 5 units past its advance, under the beh's
        out[name] = tmp_path_factory.mktemp("fonts") / f"IsolatedAlef-{name}.ttf"
        font.save(out[name])
    return out


def test_a_right_joining_letter_drawn_apart_is_not_drawn_by_that_font(isolated_alef):
    """FreeSerif drew ٲ and Noto Kufi Arabic drew Kurdish ە (بە) in their isolated glyph after a joined beh,
    with a gap: the word fell apart in the image under a label that names it whole. Such a letter is now
    unjoined in that font, so another font draws it."""
    face = _face(isolated_alef["apart"])
    alef = hb.Font(face).get_nominal_glyph(ALEF)
    assert (alef, 1) in _glyphs(face, [BEH, ALEF])  # the isolated glyph after beh
    cps = frozenset(face.unicodes)
    assert ALEF in unjoined(face, cps)
    assert ALEF not in drawn_codepoints(face) and BEH in drawn_codepoints(face)


def test_a_right_joining_letter_the_letter_before_reaches_is_joined(isolated_alef):
    """Nafees Web Naskh's أ and إ, and Noto Naskh's own ࢬ, keep their isolated glyph after beh, and beh's
    initial form reaches them: joined in the image, so not flagged (a glyph test alone flagged them)."""
    face = _face(isolated_alef["touching"])
    alef = hb.Font(face).get_nominal_glyph(ALEF)
    assert (alef, 1) in _glyphs(face, [BEH, ALEF])
    assert ALEF not in unjoined(face, frozenset(face.unicodes))
    assert ALEF in drawn_codepoints(face)


def test_a_font_that_joins_them_flags_none():
    """Noto Naskh Arabic gives every right-joining letter a final form but ࢬ, which its beh reaches."""
    face = _face(NASKH)
    cps = frozenset(face.unicodes)
    font = hb.Font(face)
    assert (font.get_nominal_glyph(ROHINGYA_YEH), 1) in _glyphs(face, [BEH, ROHINGYA_YEH])
    assert (font.get_nominal_glyph(ALEF), 1) not in _glyphs(face, [BEH, ALEF])  # its final form
    assert unjoined_right(face, cps, frozenset()) == frozenset()
    assert unjoined(face, cps) == {0x08A7, 0x08A9}  # ࢧ ࢩ: dual-joining letters it never joins
