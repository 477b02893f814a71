"""Word 97-2003 documents (.doc) as corpus files: their paragraphs, footnotes and endnotes. They were refused as
"an old Microsoft Office file". The documents in tests/data/doc were written by LibreOffice 7.4 (`soffice
--headless --convert-to "doc:MS Word 97"`): memo.doc from a web page (Czech, Russian, Greek, Hebrew and
Arabic text, a link, a table, a list), notes.doc from RTF (a footnote, a hyperlink and a page-number field,
a line break), ascii8.doc from another such document with its text rewritten as an 8-bit (Windows-1252)
piece, as Word stores text without characters beyond that code page. antiword 0.37 gives memo.doc's
texts, catdoc 0.95 ascii8.doc's; notes.doc's fields show their results, where catdoc shows their codes."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import plan_corpus
from synthocr.errors import UserError
from synthocr.planner.doc_text import doc_texts

pytest.importorskip("olefile")

DOCS = Path(__file__).parent / "data" / "doc"
EXPECTED = {
    "memo.doc": [
        "Quarterly report",
        "Sales rose by 12% in the third quarter. See the full report for details.",
        "Příliš žluťoučký kůň úpěl ďábelské ódy – “quoted” text… €3,124.78",
        "Region",
        "Total",
        "North",
        "1,204",
        "Съешь же ещё этих мягких французских булок.",
        "Η βιβλιοθήκη είναι ανοιχτή. שלום עולם. مرحبا بالعالم",
        "First item",
        "Second item",
    ],
    "notes.doc": [
        "Body text with a note and more words.",
        "See the site today, page 1 of it.",
        "Last line",
        "after a line break.",
        "The footnote says this.",
    ],
    "ascii8.doc": ["“Plai ASCII €nly text here.", "Second paragraph with a footnote."],
}


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNTHOCR_CACHE", str(tmp_path / "cache"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_doc_gives_its_paragraphs_as_word_shows_them(name):
    with open(DOCS / name, "rb") as fh:
        assert list(doc_texts(fh, name)) == EXPECTED[name]


def _plan(cli, root: Path, name: str):
    return plan_corpus(cli, root, name, {"min_text_length": 1}, total=60)


def test_a_doc_corpus_file_plans_through_the_cli(cli, tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "notes.doc").write_bytes((DOCS / "notes.doc").read_bytes())
    code, err, plan = _plan(cli, tmp_path, "notes.doc")
    assert code == 0, err
    assert set(plan.text) == set(EXPECTED["notes.doc"])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(700), "cannot be read as a Word 97-2003 document"),
        (b"Dear Sir,\nthis was saved as text.\n" * 30, "is not a Word 97-2003 document"),
        (b"{\\rtf1\\ansi Hello}", "is a .rtf document named .doc"),
        (b"PK\x03\x04" + bytes(40), "is a .docx document named .doc"),
    ],
)
def test_a_file_that_is_no_doc_is_a_clear_error(cli, tmp_path, data, message):
    """A cut compound file, text, RTF and a .docx named .doc: one paragraph naming the file, exit 2."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "bad.doc").write_bytes(data)
    code, err, _ = _plan(cli, tmp_path, "bad.doc")
    assert code == 2 and message in err and "bad.doc" in err and "Traceback" not in err, err


def test_a_workbook_named_doc_is_not_taken_for_a_document():
    """An .xls is a compound file too, without a WordDocument stream."""
    xls = Path(__file__).parent / "data" / "sheet_numbers" / "prices.xls"
    with open(xls, "rb") as fh, pytest.raises(UserError, match="without a WordDocument stream"):
        list(doc_texts(fh, "prices.doc"))
