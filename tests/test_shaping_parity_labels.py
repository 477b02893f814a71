"""Label boxes of fonts whose tables trip the ligature split: carets that do not fit their glyph, and a
ligature drawn as a glyph for the whole followed by an empty one. Found by a parity survey of Debian's
fonts against Pillow/raqm (Noto Sans Condensed Thin, Loma, FreeFarsi, PakType, Noto Nastaliq Urdu); the
fonts here are the bundled DejaVu Sans with those tables written by fontTools."""

from __future__ import annotations

from pathlib import Path

import pytest
from fontTools.feaLib.builder import addOpenTypeFeaturesFromString
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import otTables as ot

from synthocr.analysis.parity import aligned_iou, label_problems, reference_mask
from synthocr.assets import BUILTIN_DIRS
from synthocr.renderer.layout import Layout, layout_line, layout_mask
from synthocr.renderer.shaping import FontFile, SizedFont

DEJAVU = BUILTIN_DIRS["font"] / "DejaVuSans.ttf"
SIZE = 40


def _with_carets(path: Path, carets: dict[str, list[int]]) -> Path:
    """DejaVu Sans with GDEF ligature carets (font units from the glyph's origin) for the named glyphs."""
    font = TTFont(DEJAVU)
    order = font.getGlyphOrder()
    table = font["GDEF"].table
    table.LigCaretList = ot.LigCaretList()
    table.LigCaretList.Coverage = ot.Coverage()
    names = sorted(carets, key=order.index)
    table.LigCaretList.Coverage.glyphs = names
    table.LigCaretList.LigGlyph = []
    for name in names:
        glyph = ot.LigGlyph()
        glyph.CaretValue = []
        for x in carets[name]:
            value = ot.CaretValue()
            value.Format, value.Coordinate = 1, x
            glyph.CaretValue.append(value)
        glyph.CaretCount = len(glyph.CaretValue)
        table.LigCaretList.LigGlyph.append(glyph)
    table.LigCaretList.LigGlyphCount = len(names)
    font.save(path)
    return path


def _layout(path: Path, text: str) -> Layout:
    return layout_line(text, "ltr", SizedFont(FontFile(str(path), path.name), SIZE), 0.0)


def _widths(layout: Layout) -> dict[str, float]:
    return {layout.text[c.start : c.stop]: c.box.x1 - c.box.x0 for c in layout.clusters[:3]}


@pytest.mark.parametrize(
    ("carets", "text"),
    [
        ({"fi": [1288]}, "fi"),  # 2 of 1290 units left: copied from a wider style (Noto Sans Condensed Thin)
        ({"fi": [-154]}, "fi"),  # before the glyph (FreeFarsi's lam-alef)
        ({"fi": [1400]}, "fi"),  # past its advance
        ({"uniFB03": [500, 500]}, "ffi"),  # two at one place (Loma's ffi)
        # past the glyph's ink (it ends at 1098), in its right side bearing (Noto Sans Condensed Light's ffi)
        ({"fi": [1125]}, "fi"),
    ],
)
def test_carets_that_leave_a_character_no_width_give_equal_parts(tmp_path, carets, text):
    path = _with_carets(tmp_path / "carets.ttf", carets)
    layout = _layout(path, text)
    mask = layout_mask(layout)
    assert label_problems(layout, mask) == []
    widths = [c.box.x1 - c.box.x0 for c in layout.clusters]
    assert max(widths) - min(widths) < 2.0, widths  # equal parts of the advance (the outer ones reach the ink)
    assert aligned_iou(mask, reference_mask(path, SIZE, text, "ltr"))[0] > 0.99


def test_carets_that_fit_still_cut_where_the_font_says(tmp_path):
    path = _with_carets(tmp_path / "carets.ttf", {"fi": [860]})  # two thirds of 1290 units
    f, i = (c.box for c in _layout(path, "fi").clusters)
    assert f.x1 == i.x0
    assert f.x1 - f.x0 > 1.5 * (i.x1 - i.x0)


@pytest.fixture(scope="module")
def empty_second(tmp_path_factory) -> Path:
    """DejaVu Sans drawing "fi" as its fi ligature glyph followed by an empty glyph of no advance (its
    zero width space's), each its own HarfBuzz cluster: as PakType draws lam-alef."""
    font = TTFont(DEJAVU)
    addOpenTypeFeaturesFromString(
        font,
        "languagesystem DFLT dflt; languagesystem latn dflt;\n"
        "feature liga { sub f' i by fi; sub fi i' by uni200B; } liga;",
        tables=["GSUB"],
    )
    path = tmp_path_factory.mktemp("fonts") / "empty_second.ttf"
    font.save(path)
    return path


def test_a_character_drawn_by_an_empty_glyph_shares_the_glyph_before_it(empty_second):
    layout = _layout(empty_second, "fin fi")
    mask = layout_mask(layout)
    assert label_problems(layout, mask) == []
    f, i = (c.box for c in layout.clusters[:2])
    assert f.x1 == i.x0 and i.x1 - i.x0 > 5  # half the ligature's advance each
    assert aligned_iou(mask, reference_mask(empty_second, SIZE, "fin fi", "ltr")) == (1.0, True)


@pytest.mark.parametrize("text", ["سورة ۝ ١٢ الحمد", "رقم ؀ ١٢٣"])
def test_a_prepended_sign_before_a_space_is_a_character_and_the_space_another(text):
    # U+06DD ARABIC END OF AYAH and U+0600 ARABIC NUMBER SIGN are Prepend (UAX #29): their grapheme cluster
    # takes the space after them; the label's character had the space in it.
    path = BUILTIN_DIRS["font"] / "NotoNaskhArabic-Regular.ttf"
    layout = layout_line(text, "rtl", SizedFont(FontFile(str(path), path.name), SIZE), 0.0)
    mask = layout_mask(layout)
    assert label_problems(layout, mask) == []
    assert [layout.text[c.start : c.stop] for c in layout.clusters] == [*text]
    assert aligned_iou(mask, reference_mask(path, SIZE, text, "rtl")) == (1.0, True)
