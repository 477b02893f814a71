"""PDF text by pdfminer.six's layout (pdf_layout.py): right-to-left lines in logical order, columns one after the
other, pages it reads wrong read by pypdf, no `(cid:N)` in a text, and stream bombs refused."""

from __future__ import annotations

import io
import runpy
import time
import unicodedata
import zlib
from pathlib import Path

import pytest

from helpers import pdf_of
from synthocr.errors import UserError
from synthocr.planner import pdf_layout
from synthocr.planner.pdf_bidi import logical_order
from synthocr.planner.pdf_text import pdf_texts

pytest.importorskip("pdfminer")
pytest.importorskip("pypdf")

DATA = Path(__file__).parent / "data" / "pdf"
SIZE = 12.0  # points, the font size of the PDFs made here; a glyph of n letters is n half-ems wide


def _pdf(glyphs: list[tuple[str, float, float]], unmapped: frozenset[str] = frozenset(), content: bytes = b"") -> bytes:
    """A one-page PDF that draws each (text, x, y) glyph, in this order, in a font whose ToUnicode map says the
    glyph stands for `text` (a glyph of several letters is a ligature), but for the texts in `unmapped`. A
    combining mark has no width; `content` is drawn first."""
    codes: dict[str, int] = {}
    for text, _, _ in glyphs:
        codes.setdefault(text, len(codes) + 1)
    mapped = [
        f"<{code:02X}> <{text.encode('utf-16-be').hex()}>" for text, code in codes.items() if text not in unmapped
    ]
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Glyphs def /CMapType 2 def\n"
        f"1 begincodespacerange <00> <FF> endcodespacerange\n{len(mapped)} beginbfchar\n"
        + "\n".join(mapped)
        + "\nendbfchar endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    drawn = content + b"".join(
        b"BT /F1 %g Tf 1 0 0 1 %.2f %.2f Tm <%02X> Tj ET\n" % (SIZE, x, y, codes[text]) for text, x, y in glyphs
    )
    widths = b" ".join(b"%d" % (0 if _mark(text) else 500 * len(text)) for text in codes)
    return pdf_of([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(drawn), drawn),
        b"<< /Type /Font /Subtype /TrueType /BaseFont /Glyphs /FirstChar 1 /LastChar %d /Widths [%s] /ToUnicode 6 0 R"
        b" /FontDescriptor 7 0 R >>" % (len(codes), widths),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
        b"<< /Type /FontDescriptor /FontName /Glyphs /Flags 32 /FontBBox [0 -200 1000 800] /ItalicAngle 0"
        b" /Ascent 800 /Descent -200 /CapHeight 700 /StemV 80 >>",
    ])  # fmt: skip


def _mark(text: str) -> bool:
    return unicodedata.category(text[0]) == "Mn"


def _laid(glyphs: list[str], x: float, y: float, rise: float = 0.0) -> list[tuple[str, float, float]]:
    """Glyphs drawn left to right from (x, y) in points: " " a gap of a half em, a combining mark over the glyph
    before it, `rise` points higher."""
    out = []
    for text in glyphs:
        if text == " ":
            x += SIZE / 2
        elif _mark(text):
            out.append((text, x - SIZE / 4, y + rise))
        else:
            out.append((text, x, y))
            x += SIZE / 2 * len(text)
    return out


def _texts(data: bytes) -> list[str]:
    return list(pdf_texts(io.BytesIO(data), "corpus file t.pdf"))


def test_right_to_left_lines_are_in_logical_order():
    """LibreOffice's PDF of Arabic and Hebrew paragraphs (tests/data/pdf/make_fixtures.py): each line is its
    paragraph as typed. pypdf gave `فيعام 2023 زارالمكتبة 1500 قارئلاحقًا .` (words run together); pdfminer.six as
    it is gives the glyphs left to right (`اًقحلا ئراق`, `The word ملاس means`) and the numbers, brackets and full
    stops, drawn apart, as lines of their own; a line reversed letter by letter turns its lam-alef (one glyph for
    `لا`) into `ال`."""
    lines = runpy.run_path(str(DATA / "make_fixtures.py"))["RTL_LINES"]
    assert _texts((DATA / "rtl.pdf").read_bytes()) == [text for _, _, text in lines]


@pytest.mark.parametrize("mirrored", [False, True], ids=["bracket-as-drawn", "bracket-as-typed"])
def test_lam_alef_digits_and_brackets_of_a_visual_line(mirrored):
    """Glyphs drawn right to left: the lam-alef ligature (one glyph for `لا`) stays whole, a number and a Latin
    word read left to right, and the brackets pair whether the PDF maps a mirrored bracket glyph to the bracket
    typed (LibreOffice) or to the one drawn."""
    logical = ["لا", " ", "أ", "ح", "د", " ", "(", "ن", "ع", "م", ")", " ", "2", "0", "2", "3", " ", "و", " ", *"PDF."]
    visual = logical_order(logical)  # the reordering is its own inverse: this is the order glyphs lie in
    assert "".join(visual) == ".PDF و 2023 (معن) دحأ لا"
    if mirrored:
        visual = [glyph.translate(str.maketrans("()", ")(")) for glyph in visual]
    assert _texts(_pdf(_laid(visual, 100, 700))) == ["لا أحد (نعم) 2023 و PDF."]


def test_a_left_to_right_line_keeps_its_order_around_arabic_words():
    visual = [*"The word ", "م", "لا", "س", *" means peace."]
    assert _texts(_pdf(_laid(visual, 50, 700))) == ["The word سلام means peace."]


def test_devanagari_keeps_its_vowel_signs_in_their_words():
    """A PDF that draws the vowel signs above the line raised (where a font's positioning puts them):
    pdfminer.six gave `भारत म एक भाषा ह` and the signs `ंे`, `ै` as lines of their own. Such a page is
    pypdf's, which reads the glyphs in the order they are drawn."""
    glyphs = ["भ", "ा", "र", "त", " ", "म", "े", "ं", " ", "ए", "क", " ", "भ", "ा", "ष", "ा", " ", "ह", "ै"]
    assert _texts(_pdf(_laid(glyphs, 50, 700, rise=SIZE * 0.6))) == ["भारत में एक भाषा है"]


def test_no_text_holds_cid():
    """A glyph its font does not map to a character was `(cid:N)` in pdfminer.six's text: one standing alone (a
    bullet) is left out of its line, a line with one inside a word that pypdf cannot read either (it writes the
    glyph's code, a control character) is left out, and a PDF with no line left says so."""
    lines = [_laid([*"Readable line one"], 50, 700), _laid([*"Lone ", "§", *" glyph"], 50, 680)]
    lines += [_laid([*"In", "¤", *"word glyph"], 50, 660), _laid([*"Readable line two"], 50, 640)]
    data = _pdf([glyph for line in lines for glyph in line], unmapped=frozenset("§¤"))
    texts = _texts(data)
    assert texts == ["Readable line one", "Lone glyph", "Readable line two"]
    assert not any("(cid:" in text or not text.isprintable() for text in texts)
    unreadable = _pdf(_laid([*"Nothing maps"], 50, 700), unmapped=frozenset("Nothing maps"))
    with pytest.raises(UserError, match=r"t\.pdf is a PDF whose fonts do not say which characters their glyphs are"):
        _texts(unreadable)


def test_a_glyph_pdfminer_cannot_map_is_what_pypdf_reads_between_the_same_letters():
    """pdfminer.six wrote `de(cid:12)nition` where pypdf, which reads the encodings of more fonts (dvips's Type 1
    fonts), gives `deﬁnition`: glyph 12 is `ﬁ` on the whole page. 16 of the 322 lines of a dvips manual were so."""
    reference = "The deﬁnition of \\a is ﬁnal.\n• Next item"
    lines = ["The de(cid:12)nition of \\a is", "(cid:12)nal.", "(cid:7) Next item", "A (cid:99)x line"]
    assert pdf_layout.mapped(lines, reference) == ["The deﬁnition of \\a is", "ﬁnal.", "Next item"]


def test_two_columns_are_read_one_after_the_other():
    """Two columns drawn a row at a time, left and right: pypdf reads the PDF's order (`alpha one` then
    `delta four`, each row's two halves), pdfminer.six's layout the left column, then the right."""
    left = ["alpha one", "beta two", "gamma three"]
    right = ["delta four", "epsilon five", "zeta six"]
    glyphs = []
    for row, (a, b) in enumerate(zip(left, right, strict=True)):
        glyphs += _laid(list(a), 50, 700 - 16 * row) + _laid(list(b), 320, 700 - 16 * row)
    assert _texts(_pdf(glyphs)) == left + right


def test_a_stream_bomb_is_refused_fast(monkeypatch):
    """A content stream that inflates past the limit (here 1 MiB for speed; 32 MiB in use) decodes to nothing
    and says why the PDF has no text: pdfminer.six inflated a 200 MB one and took minutes over its operators."""
    monkeypatch.setattr(pdf_layout, "STREAM_LIMIT", 1 << 20)
    bomb = zlib.compress(b"0 0 m " * ((2 << 20) // 6), 9)
    stream = b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(bomb), bomb)
    data = pdf_of([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        stream,
    ])  # fmt: skip
    start = time.process_time()
    with pytest.raises(UserError, match="no text layer but streams that inflate past 1 MiB"):
        _texts(data)
    assert time.process_time() - start < 5


def test_decoders_stop_at_the_limit(monkeypatch):
    """RunLength and LZW streams are bounded as Flate ones: pdfminer.six's own decoders have no limit."""
    assert pdf_layout._run_length(bytes([129, 65, 2, 66, 67, 68, 128])) == b"A" * 128 + b"BCD"
    assert pdf_layout._inflate(zlib.compress(b"abc" * 1000)) == b"abc" * 1000
    assert pdf_layout._inflate_corrupted(zlib.compress(b"abc" * 1000)[:-4]) == b"abc" * 1000  # no checksum
    monkeypatch.setattr(pdf_layout, "STREAM_LIMIT", 1000)
    troubles = pdf_layout.Troubles()
    token = pdf_layout.troubles.set(troubles)
    try:
        assert pdf_layout._run_length(bytes([129, 65]) * 10) == b""
        assert pdf_layout._inflate(zlib.compress(bytes(5000))) == b""
        assert pdf_layout._inflate_corrupted(zlib.compress(bytes(5000))[:-4]) == b""
    finally:
        pdf_layout.troubles.reset(token)
    assert troubles.skipped_streams == 3


def test_a_file_pdfminer_cannot_read_is_read_by_pypdf(monkeypatch):
    """Where pdfminer.six fails on a PDF pypdf reads (a damaged one), pypdf reads its pages from there on."""
    from pdfminer.pdfparser import PDFSyntaxError

    def failing(data: bytes):
        raise PDFSyntaxError("broken")
        yield  # a generator, as page_lines is

    monkeypatch.setattr(pdf_layout, "page_lines", failing)
    assert _texts(_pdf(_laid([*"Still read"], 50, 700))) == ["Still read"]


def test_without_pdfminer_the_error_names_the_extra(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "pdfminer", None)
    with pytest.raises(UserError, match=r"pip install 'synthocr\[pdf\]'"):
        _texts(_pdf(_laid([*"Text"], 50, 700)))


def test_a_pdf_past_the_limit_is_refused_before_it_is_read(monkeypatch):
    """Both readers take the file whole: a PDF larger than MAX_PDF_BYTES is an error, not memory exhausted."""
    from synthocr.planner import pdf_text

    data = _pdf([("Hello", 72, 700)])
    monkeypatch.setattr(pdf_text, "MAX_PDF_BYTES", len(data) - 1)
    with pytest.raises(UserError, match="is larger than 0 MiB, which is read whole"):
        list(pdf_texts(io.BytesIO(data), "big.pdf"))
    monkeypatch.setattr(pdf_text, "MAX_PDF_BYTES", len(data))
    assert list(pdf_texts(io.BytesIO(data), "big.pdf")) == ["Hello"]
