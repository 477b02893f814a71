"""Corpus files that are not plain text: tables (CSV, TSV, JSON Lines, Parquet) give the texts of one column, not
their raw lines; compressed files (.gz, .bz2, .xz, .zst) give their text."""

from __future__ import annotations

import bz2
import gzip
import lzma
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from helpers import plan_corpus, write_corpus


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNTHOCR_CACHE", str(tmp_path / "cache"))


def _plan(cli, root: Path, corpus_file: str, extra: dict | None = None, total: int = 40):
    return plan_corpus(cli, root, corpus_file, extra, total)


_corpus = write_corpus


def test_a_csv_gives_its_text_column_not_its_raw_lines(cli, tmp_path):
    """Read as text, this file gave '1,"Hello, world",pos' and its header line 'id,text,label'."""
    _corpus(tmp_path, "reviews.csv", b'id,text,label\n1,"Hello, world",pos\n2,"Two\nlines here",neg\n3,,neg\n')
    code, err, frame = _plan(cli, tmp_path, "reviews.csv")
    assert code == 0, err
    assert "reviews.csv: 2 of 2 texts qualify" in cli("plan", tmp_path / "c.yaml", "--dry-run")[1]
    assert set(frame.text) == {"Hello, world", "Two lines here"}
    assert set(frame.corpus_file) == {"reviews.csv"} and set(frame.corpus_line) == {0, 1}


def test_a_csv_cell_longer_than_csvs_default_limit_is_read(cli, tmp_path):
    """Python's csv refuses cells over 128 KiB by default: a corpus of whole articles failed."""
    article = " ".join(["word"] * 40000)  # 200 KB
    _corpus(tmp_path, "long.csv", f'id,text\n1,"{article}"\n2,short text\n'.encode())
    code, err, frame = _plan(cli, tmp_path, "long.csv", {"text_source": "window", "max_text_length": 20})
    assert code == 0, err
    assert frame.text.str.len().between(3, 20).all()
    assert all(set(t.split()) <= {"word", "short", "text"} for t in frame.text)
    assert frame.text.str.contains("word").any()


def test_excel_csv_with_semicolons_and_a_bom_and_a_tsv(cli, tmp_path):
    _corpus(
        tmp_path,
        "de.csv",
        "id;Text\r\n1;Müller; Straße\r\n".replace("Müller; Straße", '"Müller; Straße"').encode("utf-8-sig"),
    )
    code, err, frame = _plan(cli, tmp_path, "de.csv", {"corpus_column": "Text"})
    assert code == 0, err
    assert set(frame.text) == {"Müller; Straße"}
    _corpus(tmp_path, "t.tsv", b"text\tid\nTabbed, text here\t1\n")
    code, err, frame = _plan(cli, tmp_path, "t.tsv")
    assert code == 0, err
    assert set(frame.text) == {"Tabbed, text here"}


def test_jsonl_and_parquet_give_their_column(cli, tmp_path):
    _corpus(tmp_path, "d.jsonl", b'{"text": "First json text", "id": 1}\n\n{"text": null}\n{"text": 5, "id": 3}\n')
    code, err, frame = _plan(cli, tmp_path, "d.jsonl")
    assert code == 0, err
    assert set(frame.text) == {"First json text"}
    (tmp_path / "corpus" / "d.jsonl").unlink()
    table = pa.table({"body": ["Parquet text one", None, "Parquet text two", ""], "n": [1, 2, 3, 4]})
    pq.write_table(table, tmp_path / "corpus" / "d.parquet")
    code, err, frame = _plan(cli, tmp_path, "d.parquet", {"corpus_column": "body"})
    assert code == 0, err
    assert set(frame.text) == {"Parquet text one", "Parquet text two"}


@pytest.mark.parametrize(
    "name,data,message",
    [
        ("a.csv", b"id,body\n1,hello there\n", "has no column 'text'; its columns are ['id', 'body']"),
        ("a.csv", "id,text\n1,café au lait\n".encode("cp1252"), "is not UTF-8 text"),
        ("a.jsonl", b'{"text": "fine line"}\nnot json\n', "a.jsonl line 2 is not JSON"),
        ("a.jsonl", b'["text"]\n', "a.jsonl line 1 is not a JSON object"),
        ("a.jsonl", b'{"body": "fine line"}\n', "no line has the key 'text'"),
        ("a.csv", b"id,text\n1,\n2,\n", "column 'text' holds no text"),
    ],
)
def test_bad_tables_are_clear_errors(cli, tmp_path, name, data, message):
    _corpus(tmp_path, name, data)
    code, err, _ = _plan(cli, tmp_path, name)
    assert code == 2 and message in err and "Traceback" not in err


def test_a_parquet_column_that_is_not_text_is_a_clear_error(cli, tmp_path):
    (tmp_path / "corpus").mkdir()
    pq.write_table(pa.table({"text": [1, 2, 3]}), tmp_path / "corpus" / "n.parquet")
    code, err, _ = _plan(cli, tmp_path, "n.parquet")
    assert code == 2 and "column 'text' holds int64, not text" in err


def test_the_extraction_is_cached_by_content_and_the_plan_is_the_same(cli, tmp_path):
    _corpus(tmp_path, "r.csv", b"text\nalpha beta\ngamma delta\n")
    code, err, first = _plan(cli, tmp_path, "r.csv")
    assert code == 0, err
    cached = list((tmp_path / "cache" / "corpus").glob("*.txt"))
    assert len(cached) == 1 and cached[0].read_text() == "alpha beta\ngamma delta\n"
    first_bytes = (tmp_path / "p.parquet").read_bytes()
    assert _plan(cli, tmp_path, "r.csv")[0] == 0
    assert (tmp_path / "p.parquet").read_bytes() == first_bytes
    _corpus(tmp_path, "r.csv", b"text\nepsilon zeta\n")  # changed: extracted again
    code, err, again = _plan(cli, tmp_path, "r.csv")
    assert code == 0 and set(again.text) == {"epsilon zeta"}
    assert len(list((tmp_path / "cache" / "corpus").glob("*.txt"))) == 2


def test_an_unwritable_cache_is_a_clear_error(cli, tmp_path, monkeypatch):
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("SYNTHOCR_CACHE", str(tmp_path / "file" / "cache"))
    _corpus(tmp_path, "r.csv", b"text\nalpha beta\n")
    code, err, _ = _plan(cli, tmp_path, "r.csv")
    assert code == 2 and "cannot write the corpus cache in" in err and "set SYNTHOCR_CACHE" in err


def test_compressed_text_and_tables_give_their_texts(cli, tmp_path):
    """A .txt.gz (how large corpora ship) was "not UTF-8 text (invalid byte near offset 1)"."""
    _corpus(tmp_path, "a.txt.gz", gzip.compress(b"Gzipped line one\nGzipped line two\n"))
    code, err, frame = _plan(cli, tmp_path, "a.txt.gz")
    assert code == 0, err
    assert set(frame.text) == {"Gzipped line one", "Gzipped line two"}
    _corpus(tmp_path, "b.csv.xz", lzma.compress(b'id,text\n1,"Xz, csv text"\n'))
    _corpus(tmp_path, "c.jsonl.bz2", bz2.compress(b'{"text": "Bzipped json text"}\n'))
    for name, text in (("b.csv.xz", "Xz, csv text"), ("c.jsonl.bz2", "Bzipped json text")):
        code, err, frame = _plan(cli, tmp_path, name)
        assert code == 0, err
        assert set(frame.text) == {text}


@pytest.mark.parametrize(
    "data,message",
    [
        (gzip.compress(b"some text here\n")[:20], "cannot be decompressed"),
        (gzip.compress("café au lait\n".encode("latin-1")), "is not UTF-8 text once decompressed"),
        (gzip.compress(b""), "is empty once decompressed"),
    ],
)
def test_bad_compressed_files_are_clear_errors(cli, tmp_path, data, message):
    _corpus(tmp_path, "bad.txt.gz", data)
    code, err, _ = _plan(cli, tmp_path, "bad.txt.gz")
    assert code == 2 and message in err and "Traceback" not in err


# What Windows writes as "Unicode": Notepad, Excel's "Unicode Text" (tab-separated), PowerShell 5's `>`.
WIDE = [("utf-16-le", "\ufeff"), ("utf-16-be", "\ufeff"), ("utf-32-le", "\ufeff")]


@pytest.mark.parametrize(("encoding", "bom"), WIDE)
def test_utf16_and_utf32_text_is_read_by_its_byte_order_mark(cli, tmp_path, encoding, bom):
    """Such a file was refused ("save it as UTF-8"); its byte-order mark says how to read it, so it is read,
    Windows line ends and all, as text, compressed text, a tab-separated table and JSON Lines."""
    lines = ["Zoë Müller lives in Köln", "Καλημέρα κόσμε", "Great day at the beach"]
    text = bom + "\r\n".join(lines) + "\r\n"
    _corpus(tmp_path, "notes.txt", text.encode(encoding))
    _corpus(tmp_path, "notes.txt.gz", gzip.compress(text.encode(encoding)))
    _corpus(
        tmp_path,
        "sheet.tsv",
        (bom + "id\ttext\r\n" + "".join(f"{i}\t{t}\r\n" for i, t in enumerate(lines))).encode(encoding),
    )
    _corpus(tmp_path, "rows.jsonl", (bom + "".join(f'{{"text": "{t}"}}\r\n' for t in lines)).encode(encoding))
    for name in ("notes.txt", "notes.txt.gz", "sheet.tsv", "rows.jsonl"):
        code, err, frame = _plan(cli, tmp_path, name, {"font_filter": "DejaVuSans.ttf"})
        assert code == 0, (name, err)
        assert set(frame.text) == set(lines), name


def test_a_broken_utf16_file_is_a_clear_error(cli, tmp_path):
    _corpus(tmp_path, "cut.txt", "\ufeffHello there world".encode("utf-16-le") + b"\x41")  # half a character
    code, err, _ = _plan(cli, tmp_path, "cut.txt")
    assert code == 2 and "Traceback" not in err
    assert "cut.txt ends inside a UTF-16 character" in err


def _zstd_frames(*parts: bytes) -> bytes:
    """Zstandard frames, one per part, as `cat a.zst b.zst` joins them: the first with its size in the header,
    the others streamed (no size), as `zstd` writes a pipe."""
    import io

    import zstandard

    out = [zstandard.ZstdCompressor().compress(parts[0])]
    for part in parts[1:]:
        sink = io.BytesIO()
        with zstandard.ZstdCompressor().stream_writer(sink, closefd=False) as writer:
            writer.write(part)
        out.append(sink.getvalue())
    return b"".join(out)


def test_zstandard_text_and_tables_give_their_texts(cli, tmp_path):
    """The Pile, RedPajama and many dumps ship as .jsonl.zst: read as text, it was "not UTF-8 text"."""
    _corpus(tmp_path, "a.txt.zst", _zstd_frames(b"Zstd line one\n", b"Zstd line two\n" * 50000, b"Zstd line three\n"))
    code, err, frame = _plan(cli, tmp_path, "a.txt.zst", total=400)
    assert code == 0, err
    assert "a.txt.zst: 50,002 of 50,002 lines qualify" in cli("plan", tmp_path / "c.yaml", "--dry-run")[1]
    assert set(frame.text) == {"Zstd line two"}  # 2 of the lines are the other two
    _corpus(tmp_path, "pile.jsonl.zst", _zstd_frames(b'{"text": "Pile text one", "meta": {}}\n', b'{"text": "Two"}\n'))
    code, err, frame = _plan(cli, tmp_path, "pile.jsonl.zst")
    assert code == 0, err
    assert set(frame.text) == {"Pile text one", "Two"}
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table({"text": ["Parquet in zstd"]}), sink)
    _corpus(tmp_path, "t.parquet.zst", _zstd_frames(sink.getvalue().to_pybytes()))
    code, err, frame = _plan(cli, tmp_path, "t.parquet.zst")
    assert code == 0, err
    assert set(frame.text) == {"Parquet in zstd"}


@pytest.mark.parametrize(
    "cut,message",
    [(0.5, "ends inside a Zstandard frame"), (0.0, "not Zstandard data")],
)
def test_bad_zstandard_files_are_clear_errors(cli, tmp_path, cut, message):
    """zstandard's own reader gave the half of a cut file it could and stopped: a corpus cut short by a
    failed download passed for a smaller one. Now it is an error, as a cut .gz is."""
    data = _zstd_frames(b"some text here\n" * 1000, b"more text\n" * 1000)
    _corpus(tmp_path, "bad.txt.zst", data[: int(len(data) * cut)] if cut else b"garbage!" * 20)
    code, err, _ = _plan(cli, tmp_path, "bad.txt.zst")
    assert code == 2 and "cannot be decompressed" in err and message in err and "Traceback" not in err


def test_zstandard_without_its_extra_names_the_extra(cli, tmp_path, monkeypatch):
    import sys

    _corpus(tmp_path, "a.txt.zst", _zstd_frames(b"text\n"))
    monkeypatch.setitem(sys.modules, "zstandard", None)  # as if not installed
    code, err, _ = _plan(cli, tmp_path, "a.txt.zst")
    assert code == 2 and "pip install 'synthocr[zstd]'" in err and "Traceback" not in err


@pytest.mark.parametrize("name", ["mac.txt", "mac.txt.gz", "mac16.txt"])
def test_lines_ended_by_cr_alone_are_lines(cli, tmp_path, name):
    """Classic Mac OS and some exports end lines with CR alone: read at line feeds only, such a file was one
    line, so `lines` found none of 5..40 characters and a word list was one entry of every word."""
    lines = ["first line here", "second line here", "third line ok"]
    text = "\r".join(lines) + "\r"
    data = {"mac.txt": text.encode(), "mac.txt.gz": gzip.compress(text.encode()),
            "mac16.txt": ("\ufeff" + text).encode("utf-16-le")}[name]  # fmt: skip
    _corpus(tmp_path, name, data)
    code, err, frame = _plan(cli, tmp_path, name)
    assert code == 0, err
    assert set(frame.text) == set(lines)
    code, err, frame = _plan(cli, tmp_path, name, {"text_source": "words", "min_words": 1, "max_words": 1})
    assert code == 0, err
    assert set(frame.text) == set(lines)  # one entry per line


RECORDS = [{"id": 1, "text": "Hello, world"}, {"id": 2, "text": "Two\nlines here"}, {"id": 3, "text": None}]


@pytest.mark.parametrize(
    "document",
    [
        RECORDS,  # json.dump of a list of records, as many dataset exports are
        {"version": 2, "data": RECORDS},  # one array inside an object
        ["Hello, world", "Two lines here"],  # an array of texts
        {"id": {"0": 1, "1": 2}, "text": {"0": "Hello, world", "1": "Two\nlines here"}},  # pandas' to_json()
        {"0": {"id": 1, "text": "Hello, world"}, "1": {"id": 2, "text": "Two lines here"}},  # orient="index"
        {"columns": ["id", "text"], "index": [0, 1], "data": [[1, "Hello, world"], [2, "Two lines here"]]},
    ],
)
def test_a_json_document_gives_its_texts_not_its_syntax(cli, tmp_path, document):
    """Read as text, a .json corpus gave texts such as '{ "id": 7, "text": "Sentence'."""
    import json

    _corpus(tmp_path, "data.json", json.dumps(document, indent=2).encode())
    code, err, frame = _plan(cli, tmp_path, "data.json")
    assert code == 0, err
    assert set(frame.text) == {"Hello, world", "Two lines here"}


def test_json_lines_named_json_and_bad_json_documents(cli, tmp_path):
    import json

    _corpus(tmp_path, "lines.json", b"".join(json.dumps(r).encode() + b"\n" for r in RECORDS))
    code, err, frame = _plan(cli, tmp_path, "lines.json")
    assert code == 0, err
    assert set(frame.text) == {"Hello, world", "Two lines here"}
    _corpus(tmp_path, "keys.json", json.dumps([{"id": 1, "body": "x y z"}]).encode())
    code, err, _ = _plan(cli, tmp_path, "keys.json")
    assert code == 2 and "has no column 'text'; its columns are ['body', 'id']" in err
    _corpus(tmp_path, "two.json", json.dumps({"train": ["a b c"], "test": ["d e f"]}).encode())
    code, err, _ = _plan(cli, tmp_path, "two.json")
    assert code == 2 and "a JSON object with 2 arrays in it" in err and "Traceback" not in err
    _corpus(tmp_path, "broken.json", b'[{"text": "cut sho')
    code, err, _ = _plan(cli, tmp_path, "broken.json")
    assert code == 2 and "is not JSON" in err


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("sheet.txt", b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xb5", "a ZIP archive (an Excel .xlsx"),
        ("paper.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF: name it .pdf to read its text"),
        ("old.txt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "an old Microsoft Office file (.xls, .doc, .ppt)"),
        ("texts.txt", gzip.compress(b"hello world\n"), "gzip-compressed data: name it .gz"),
    ],
)
def test_files_taken_for_text_are_named_for_what_they_are(cli, tmp_path, name, data, expected):
    """An Excel workbook or a PDF given as corpus_file was "not UTF-8 text (a legacy encoding such as
    Windows-1252?)", which sent the user to re-encode a binary file."""
    _corpus(tmp_path, name, data)
    code, err, _ = _plan(cli, tmp_path, name)
    assert code == 2 and expected in err and "legacy encoding" not in err


PAGE = """<!DOCTYPE html>
<html><head><title>Museum</title><meta charset="{charset}"><style>p {{ color: red; }}</style>
<script>var note = "<p>not text</p>";</script></head>
<body><h1>Welcome to the   museum</h1>
<p>Open on Monday &amp; closed in <b>June</b>.<br>Tickets cost &euro;12 &#8212; {word}.</p>
<ul><li>Guided tours</li><li>Caf&eacute; and <a href="/shop">shop</a></li></ul>
<noscript><p>Turn scripts on</p></noscript><template><p>hidden</p></template>
<table><tr><td>Adults</td><td>12</td></tr></table>
<pre>line one
line two</pre><img src="x.png" alt="a picture"></body></html>
"""
PAGE_TEXTS = {"Welcome to the museum", "Open on Monday & closed in June.", "Tickets cost €12 — {word}.",
              "Guided tours", "Café and shop", "Adults", "12", "line one", "line two"}  # fmt: skip


@pytest.mark.parametrize(
    ("name", "charset", "word"),
    [("page.html", "utf-8", "привет"), ("page.htm", "windows-1251", "привет"), ("page.html.gz", "utf-8", "ok"),
     ("no-head-end.html", "utf-8", "ok")],
)  # fmt: skip
def test_a_web_page_gives_its_text_as_a_browser_shows_it(cli, tmp_path, name, charset, word):
    """Read as plain text, a saved page gave `<body><h1>Welcome to the` and `Monday &amp; closed`. Its texts
    are now those a browser shows, block by block (w3m -dump gives the same words for 4 pages of Debian's
    documentation, image descriptions aside), in the encoding the page declares."""
    data = PAGE.format(charset=charset, word=word).encode(charset)
    if name.startswith("no-head-end"):  # HTML5 lets a page leave </head> out: <body> ends the head
        data = data.replace(b"</head>", b"")
    _corpus(tmp_path, name, gzip.compress(data) if name.endswith(".gz") else data)
    code, err, frame = _plan(cli, tmp_path, name, {"min_text_length": 1}, total=60)
    assert code == 0, err
    assert set(frame.text) == {t.format(word=word) for t in PAGE_TEXTS}


def test_a_web_page_with_no_text_or_in_an_undeclared_encoding_is_a_clear_error(cli, tmp_path):
    _corpus(tmp_path, "empty.html", b"<html><head><title>x</title></head><body><script>1</script></body></html>")
    code, err, _ = _plan(cli, tmp_path, "empty.html")
    assert code == 2 and "empty.html is a web page with no text outside its scripts, styles and head" in err
    _corpus(tmp_path, "latin1.html", "<p>Café crème brûlée</p>".encode("latin-1"))
    code, err, _ = _plan(cli, tmp_path, "latin1.html")
    assert code == 2 and "latin1.html is not UTF-8 text" in err and "<meta charset" in err
    _corpus(tmp_path, "odd.html", b'<meta charset="klingon"><p>text</p>')
    code, err, _ = _plan(cli, tmp_path, "odd.html")
    assert code == 2 and "odd.html declares an encoding Python does not know" in err


def _zip(path: Path, parts: dict[str, str | bytes]) -> bytes:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path.read_bytes()


EPUB = {
    "mimetype": "application/epub+zip",
    "META-INF/container.xml": '<?xml version="1.0"?><container version="1.0" '
    'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
    '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>',
    "OEBPS/content.opf": '<?xml version="1.0"?><package xmlns="http://www.idpf.org/2007/opf" version="3.0">'
    '<manifest><item id="a" href="text/one.xhtml" media-type="application/xhtml+xml"/>'
    '<item id="b" href="text/chapter%20one.xhtml" media-type="application/xhtml+xml"/>'
    '<item id="css" href="style.css" media-type="text/css"/></manifest>'
    '<spine><itemref idref="b"/><itemref idref="a"/></spine></package>',
    "OEBPS/style.css": "p { margin: 0 }",
    "OEBPS/text/one.xhtml": '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
    "<head><title>One</title></head><body><h2>Chapter two</h2><p>Second in the spine &amp; read second.</p>"
    "</body></html>",
    "OEBPS/text/chapter one.xhtml": '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
    "<head><title>Two</title></head><body><h2>Chapter one</h2><p>Read first, as the spine says.</p></body></html>",
}
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
DOCX = {
    "word/document.xml": f'<?xml version="1.0"?><w:document {W}><w:body>'
    "<w:p><w:r><w:t>Invoice</w:t></w:r><w:r><w:tab/><w:t>No. 4471</w:t></w:r></w:p>"
    '<w:p><w:r><w:t xml:space="preserve">Paid in </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>full</w:t></w:r>'
    "<w:del><w:r><w:delText>not</w:delText></w:r></w:del><w:r><w:br/><w:t>Thank you</w:t></w:r></w:p>"
    "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Total</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    # A text box as Word stores it: once as a drawing, once more as VML for old readers (shown once)
    '<w:p><w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
    "<mc:Choice><w:txbxContent><w:p><w:r><w:t>Boxed</w:t></w:r></w:p></w:txbxContent></mc:Choice>"
    "<mc:Fallback><w:txbxContent><w:p><w:r><w:t>Boxed</w:t></w:r></w:p></w:txbxContent></mc:Fallback>"
    "</mc:AlternateContent></w:r></w:p>"
    "</w:body></w:document>",
    "word/footnotes.xml": f'<?xml version="1.0"?><w:footnotes {W}><w:footnote w:id="0"><w:p/></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:t>A footnote</w:t></w:r></w:p></w:footnote></w:footnotes>',
}
T = 'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
ODT = {
    "mimetype": "application/vnd.oasis.opendocument.text",
    "content.xml": f'<?xml version="1.0"?><office:document-content {T} '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    "<office:body><office:text>"
    # Deleted text of a tracked change and a comment, as LibreOffice writes them: not on the page
    '<text:tracked-changes><text:changed-region text:id="c1"><text:deletion><office:change-info>'
    "<dc:creator>Ann</dc:creator><dc:date>2026-01-01T00:00:00</dc:date></office:change-info>"
    "<text:p>Deleted words</text:p></text:deletion></text:changed-region></text:tracked-changes>"
    '<text:h text:outline-level="1">Heading</text:h><text:p>Two<text:s text:c="3"/>spaces<text:tab/>tab'
    "<text:line-break/>next line<text:note><text:note-body><text:p>A footnote</text:p></text:note-body>"
    '</text:note></text:p><text:p><text:span text:style-name="b">Bold</text:span> run<office:annotation>'
    "<dc:creator>Ann</dc:creator><dc:date>2026-01-01T10:00:00</dc:date><text:p>A comment</text:p>"
    "</office:annotation></text:p></office:text></office:body></office:document-content>",
}


@pytest.mark.parametrize(
    ("name", "parts", "expected"),
    [
        ("book.epub", EPUB, ["Chapter one", "Read first, as the spine says.", "Chapter two",
                             "Second in the spine & read second."]),
        ("letter.docx", DOCX, ["Invoice No. 4471", "Paid in full", "Thank you", "Total", "Boxed", "A footnote"]),
        ("notes.odt", ODT, ["Heading", "Two spaces tab", "next line", "A footnote", "Bold run"]),
    ],
)  # fmt: skip
def test_books_and_documents_give_their_paragraphs(cli, tmp_path, name, parts, expected):
    """An EPUB book, a Word or an OpenDocument file was "not text but a ZIP archive". Its paragraphs are now
    its texts, in reading order (an EPUB's spine), without deleted text of tracked changes or comments (an ODT
    gave both, the comment's author and date glued to its paragraph). Files written by
    pandoc 2.17 (EPUB, DOCX, ODT) give the words of `pandoc -t plain` on the same source, title page aside."""
    (tmp_path / "corpus").mkdir()
    _zip(tmp_path / "corpus" / name, parts)
    code, err, frame = _plan(cli, tmp_path, name, {"min_text_length": 1}, total=60)
    assert code == 0, err
    assert set(frame.text) == set(expected)
    assert sorted(set(frame.corpus_line)) == list(range(len(expected)))
    order = dict(zip(frame.corpus_line, frame.text))
    assert [order[i] for i in range(len(expected))] == expected


def test_bad_documents_are_clear_errors(cli, tmp_path):
    (tmp_path / "corpus").mkdir()
    corpus = tmp_path / "corpus"
    (corpus / "cut.epub").write_bytes(_zip(tmp_path / "x.epub", EPUB)[:300])
    code, err, _ = _plan(cli, tmp_path, "cut.epub")
    assert code == 2 and "cut.epub cannot be read as EPUB (not a complete ZIP archive" in err
    _zip(corpus / "empty.docx", {"word/styles.xml": "<a/>"})
    code, err, _ = _plan(cli, tmp_path, "empty.docx")
    assert code == 2 and "empty.docx has no word/document.xml" in err
    laughs = "".join(f'<!ENTITY l{i + 1} "{f"&l{i};" * 10}">' for i in range(9))
    bomb = f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY l0 "lol">{laughs}]><w:document {W}><w:p><w:r><w:t>&l9;'
    _zip(corpus / "bomb.docx", {"word/document.xml": bomb + "</w:t></w:r></w:p></w:document>"})
    code, err, _ = _plan(cli, tmp_path, "bomb.docx")  # a billion laughs: refused by expat, not expanded
    assert code == 2 and "bomb.docx: its part word/document.xml is not XML" in err
    deep = f"<w:document {W}>" + "<w:p><w:r>" * 5000 + "</w:r></w:p>" * 5000 + "</w:document>"
    _zip(corpus / "deep.docx", {"word/document.xml": deep})
    code, err, _ = _plan(cli, tmp_path, "deep.docx")  # nesting past Python's recursion: an error, no traceback
    assert code == 2 and "deep.docx nests its elements too deeply" in err and "Traceback" not in err
    odt = ODT["content.xml"].replace('text:c="3"', 'text:c="999999999999"')
    _zip(corpus / "spaces.odt", {**ODT, "content.xml": odt})
    code, err, frame = _plan(cli, tmp_path, "spaces.odt", {"min_text_length": 1}, total=10)
    assert code == 0 and "Two spaces tab" in set(frame.text)  # a huge space count is one space, not a GB


SRT = (
    "\ufeff1\r\n00:00:01,000 --> 00:00:04,000\r\n<i>Where are you going?</i>\r\nTo the market.\r\n\r\n"
    "2\r\n00:00:05,000 --> 00:00:07,500\r\n{\\an8}42\r\n\r\n"
    '3\r\n00:00:08,000 --> 00:00:09,000\r\n<font color="#ffff00">Yellow words</font> &amp; more\r\n'
    "4\r\n00:00:10,000 --> 00:00:11,000\r\nNo blank line before this cue\r\n"
)
VTT = """WEBVTT - a title
Kind: captions

STYLE
::cue { color: yellow; }

NOTE a comment
on two lines

intro
00:00.000 --> 00:02.000 line:0 position:20%
<v Roger>Hello &amp; welcome</v>

00:02.500 --> 00:04.000
<c.yellow>Karaoke</c> <00:03.000>timed words
second line &lt;here&gt;

00:05.000 --> 00:06.000
NOTE that this is cue text
"""


ASS = """[Script Info]
ScriptType: v4.00+

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, Bold
Style: Default,Arial,20,&H00FFFFFF,0

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Dialogue: 0,0:00:01.00,0:00:04.00,Default,,0,0,0,,Hello, {\\i1}world{\\i0}!\\NSecond line
Comment: 0,0:00:01.00,0:00:04.00,Default,,0,0,0,,a comment, not shown
Dialogue: 0,0:00:05.00,0:00:06.00,Default,Narrator,0,0,0,,{\\pos(10,20)}Positioned\\htext
Dialogue: 0,0:00:07.00,0:00:08.00,Default,,0,0,0,,{\\p1}m 0 0 l 100 0 100 100{\\p0}After a drawing
"""


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("film.ass", ASS, ["Hello, world!", "Second line", "Positioned text", "After a drawing"]),
        ("film.srt", SRT, ["Where are you going?", "To the market.", "42", "Yellow words & more",
                           "No blank line before this cue"]),
        ("film.vtt", VTT, ["Hello & welcome", "Karaoke timed words", "second line <here>",
                           "NOTE that this is cue text"]),
    ],
)  # fmt: skip
def test_subtitles_give_their_displayed_lines(cli, tmp_path, name, text, expected):
    """Read as text, a subtitle file gave its cue numbers and timings (`00:00:01,000 --> 00:00:04,000`) as
    texts, and its tags. Its texts are now the lines a player shows (pysrt, webvtt-py and pysubs2 give the
    same lines, but for the tags, entities and vector drawings they leave in)."""
    _corpus(tmp_path, name, text.encode("utf-8"))
    code, err, frame = _plan(cli, tmp_path, name, {"min_text_length": 1}, total=60)
    assert code == 0, err
    order = dict(zip(frame.corpus_line, frame.text))
    assert [order[i] for i in range(len(expected))] == expected and len(order) == len(expected)


def _pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF with these lines on its pages, as matplotlib writes it: DejaVu Sans embedded as TrueType, with
    the ToUnicode map text extraction reads."""
    import matplotlib

    matplotlib.use("pdf")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(path) as pdf:
        for lines in pages:
            fig = plt.figure(figsize=(8.27, 11.69))
            for i, line in enumerate(lines):
                fig.text(0.1, 0.9 - i * 0.04, line, fontsize=12)
            pdf.savefig(fig)
            plt.close(fig)
    return path


PDF_PAGES = [
    ["Příliš žluťoučký kůň úpěl ďábelské ódy,", "Η βιβλιοθήκη είναι ανοιχτή.", "the ﬁrst ﬂoor", "a long sen-"],
    [
        "tence goes on here.",
        "Съешь же ещё этих булок.",
        "Well-",
        "Known Issues",
        "if ELE-",
        "MENT is empty",
        "3 124,78 € (incl. VAT)",
        "7",
    ],
]


@pytest.mark.parametrize("name", ["report.pdf", "report.pdf.gz"])
def test_a_pdf_gives_the_lines_of_its_pages(cli, tmp_path, name):
    """Read as text, a PDF was "not UTF-8 text". Its lines are now texts, pages in order, and a word broken by
    a hyphen at a line's end (on the next page too, and in capitals) is whole again; `Well-` before a capital
    stays, as a compound's hyphen may (poppler's pdftotext joins it into `WellKnown`). The ligatures ﬁ ﬂ
    are their letters, as pdftotext gives them. For two PDFs of Debian's
    documentation, pdftotext gives 99.9% of the same words."""
    (tmp_path / "corpus").mkdir()
    pdf = _pdf(tmp_path / "corpus" / "report.pdf", PDF_PAGES)
    if name.endswith(".gz"):
        (tmp_path / "corpus" / name).write_bytes(gzip.compress(pdf.read_bytes(), mtime=0))
        pdf.unlink()
    code, err, frame = _plan(cli, tmp_path, name, {"min_text_length": 1}, total=200)
    assert code == 0, err
    assert set(frame.text) == {
        "Příliš žluťoučký kůň úpěl ďábelské ódy,",
        "Η βιβλιοθήκη είναι ανοιχτή.",
        "the first floor",
        "a long sentence goes on here.",
        "Съешь же ещё этих булок.",
        "Well-",
        "Known Issues",
        "if ELEMENT is empty",
        "3 124,78 € (incl. VAT)",
        "7",
    }


def test_a_letter_under_a_tex_accent_is_one_accented_letter(cli, tmp_path):
    """TeX's \\accent (\\'i, \\~n in fonts of the OT1 encoding) draws the accent glyph, then the letter, the i
    dotless: the text layer holds `art´ıculo`, which was a text no page shows (poppler's pdftotext places
    the accent on its letter). The spacing accents before a letter are combined with it; ASCII's ` ^ ~,
    which code and formulae use, are left as they are. Of a Spanish LaTeX manual of Debian's texlive-doc
    (articleingud.pdf), 16.4% of the words were not among pdftotext's; now 1.2%."""
    (tmp_path / "corpus").mkdir()
    _pdf(
        tmp_path / "corpus" / "paper.pdf",
        [["Autores del art\u00b4\u0131culo", "Tama\u02dcno de papel", "N\u00b4UMERO y p\u00b4agina", "x^2 y `ls` ~n"]],
    )
    code, err, frame = _plan(cli, tmp_path, "paper.pdf", {"min_text_length": 1}, total=40)
    assert code == 0, err
    assert set(frame.text) == {"Autores del artículo", "Tamaño de papel", "NÚMERO y página", "x^2 y `ls` ~n"}


def test_bad_pdfs_are_clear_errors(cli, tmp_path, monkeypatch):
    import sys

    from pypdf import PdfWriter

    (tmp_path / "corpus").mkdir()
    corpus = tmp_path / "corpus"
    good = _pdf(tmp_path / "good.pdf", PDF_PAGES[:1])
    locked = PdfWriter(clone_from=good)
    locked.encrypt(user_password="secret", algorithm="RC4-128")
    locked.write(corpus / "locked.pdf")
    blank = PdfWriter()
    blank.add_blank_page(595, 842)
    blank.write(corpus / "scan.pdf")
    (corpus / "cut.pdf").write_bytes(good.read_bytes()[:4000])
    cases = [
        ("locked.pdf", "locked.pdf is a PDF encrypted with a password; save a copy without one"),
        ("scan.pdf", "scan.pdf is a PDF with no text layer (a scan, or text drawn as shapes): run OCR on it"),
        ("cut.pdf", "cut.pdf cannot be read as a PDF"),
    ]
    for name, message in cases:
        code, err, _ = _plan(cli, tmp_path, name)
        assert code == 2 and message in err and "Traceback" not in err, err
    opened = PdfWriter(clone_from=good)  # an owner password only: anyone may read it
    opened.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    opened.write(corpus / "open.pdf")
    code, err, frame = _plan(cli, tmp_path, "open.pdf", total=20)
    assert code == 0 and "a long sen-" in set(frame.text), err
    monkeypatch.setitem(sys.modules, "pypdf", None)  # as if not installed
    (corpus / "new.pdf").write_bytes(good.read_bytes())  # not yet in the cache
    code, err, _ = _plan(cli, tmp_path, "new.pdf")
    assert code == 2 and "pip install 'synthocr[pdf]'" in err and "Traceback" not in err


MARKDOWN = """---
title: Release notes
tags: [a, b]
---

# Getting *started*

Install the **latest** version
of the tool. See [the guide](https://example.org/guide) and ![a logo](logo.png).

<!-- a comment no reader sees -->

- First ~~old~~ item
- Second item with `code`

| Name | Price |
|------|-------|
| Tea  | 3 €   |

```sh
pip install tool
```

> Quoted *words*
"""


@pytest.mark.parametrize("name", ["notes.md", "notes.markdown", "notes.md.gz"])
def test_markdown_gives_the_text_its_page_shows(cli, tmp_path, name):
    """Read as text, a README gave `# Getting *started*`, `**latest**` and `[the guide](https://...)`, drawn
    and labelled with their markup. Now the texts of the rendered page: no front matter, link targets, image
    addresses or comments; a paragraph's lines one text. On five READMEs and release notes (pyenv, cargo,
    rust), `pandoc -f gfm -t plain` gives 99.3-100% of the same words (it keeps image descriptions)."""
    data = MARKDOWN.encode("utf-8")
    _corpus(tmp_path, name, gzip.compress(data, mtime=0) if name.endswith(".gz") else data)
    code, err, frame = _plan(cli, tmp_path, name, {"min_text_length": 2, "max_text_length": 60}, total=200)
    assert code == 0, err
    assert set(frame.text) == {
        "Getting started",
        "Install the latest version of the tool. See the guide and .",
        "First old item",
        "Second item with code",
        "Name",
        "Price",
        "Tea",
        "3 €",
        "pip install tool",
        "Quoted words",
    }
    assert "markup" not in err


def test_markdown_without_its_extra_names_the_extra(cli, tmp_path, monkeypatch):
    import sys

    _corpus(tmp_path, "a.md", b"# Title\n\nSome text here.\n")
    monkeypatch.setitem(sys.modules, "markdown_it", None)  # as if not installed
    code, err, _ = _plan(cli, tmp_path, "a.md")
    assert code == 2 and "pip install 'synthocr[markdown]'" in err and "Traceback" not in err


def test_a_huge_markdown_file_is_a_clear_error(cli, tmp_path, monkeypatch):
    """A Markdown file is rendered whole: one far longer than any document (a dump) is refused, not read into
    gigabytes of memory."""
    from synthocr.planner import markdown_text

    monkeypatch.setattr(markdown_text, "MAX_MARKDOWN_CHARS", 1 << 20)
    _corpus(tmp_path, "dump.md", b"# Title\n\n" + b"word " * (300 << 10))
    code, err, _ = _plan(cli, tmp_path, "dump.md")
    assert code == 2 and "dump.md holds more than 1 Mi characters" in err and "split it" in err


def _workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_an_excel_workbook_gives_the_text_cells_of_its_column(cli, tmp_path):
    """A workbook was "not text but a ZIP archive", to be saved as CSV first. Now every sheet whose header
    row names the column gives its cells (a blank row above the header is skipped); empty cells are left out,
    a number is written as shown (test_sheet_numbers.py), and a line break in a cell is a space."""
    (tmp_path / "corpus").mkdir()
    _workbook(
        tmp_path / "corpus" / "products.xlsx",
        {
            "Shop": [[], ["id", "name", "price"], [1, "Příliš žluťoučký kůň", 3.5], [2, "Two\nlines", 12],
                     [3, None, 1], [4, 12345, 2], [5, "Съешь же ещё", 9]],
            "Notes": [["note"], ["not this column"]],
            "More": [["name"], ["مرحبا بكم في المكتبة"], ["=\"formula\""]],
        },
    )  # fmt: skip
    code, err, frame = _plan(cli, tmp_path, "products.xlsx", {"corpus_column": "name"}, total=100)
    assert code == 0, err
    assert set(frame.text) == {"Příliš žluťoučký kůň", "Two lines", "12345", "Съешь же ещё", "مرحبا بكم في المكتبة"}


def test_bad_workbooks_are_clear_errors(cli, tmp_path, monkeypatch):
    import sys

    (tmp_path / "corpus").mkdir()
    corpus = tmp_path / "corpus"
    _workbook(corpus / "a.xlsx", {"Prices": [["item", "price"], ["Tea", 3.5], ["Cake", 4]]})
    code, err, _ = _plan(cli, tmp_path, "a.xlsx")  # corpus_column left at "text"
    assert code == 2 and "a.xlsx has no column 'text' in any sheet (Prices: ['item', 'price'])" in err
    code, err, frame = _plan(cli, tmp_path, "a.xlsx", {"corpus_column": "price", "min_text_length": 1})
    assert code == 0 and set(frame.text) == {"3.5", "4"}  # numbers are texts, as shown (test_sheet_numbers.py)
    (corpus / "cut.xlsx").write_bytes((corpus / "a.xlsx").read_bytes()[:500])
    code, err, _ = _plan(cli, tmp_path, "cut.xlsx", {"corpus_column": "item"})
    assert code == 2 and "cut.xlsx cannot be read as an Excel workbook" in err and "Traceback" not in err
    import zipfile

    with zipfile.ZipFile(corpus / "a.xlsx") as book, zipfile.ZipFile(corpus / "half.xlsx", "w") as half:
        for info in book.infolist():  # a sheet's XML cut in the middle: found as its rows are read
            data = book.read(info)
            half.writestr(info, data[: len(data) // 2] if info.filename.startswith("xl/worksheets/") else data)
    code, err, _ = _plan(cli, tmp_path, "half.xlsx", {"corpus_column": "item"})
    assert code == 2 and "half.xlsx cannot be read as an Excel workbook" in err and "Traceback" not in err
    _workbook(corpus / "b.xlsx", {"S": [["item"], ["Tea"]]})
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if not installed
    code, err, _ = _plan(cli, tmp_path, "b.xlsx", {"corpus_column": "item"})
    assert code == 2 and "pip install 'synthocr[excel]'" in err and "Traceback" not in err


RU = "Съешь же ещё этих булок.\nВ чащах юга жил бы цитрус.\n"
DE = 'id,text\n1,Größe: 5 € pro Stück\n2,"Straße, Köln"\n'


@pytest.mark.parametrize(
    ("name", "data", "encoding", "expected"),
    [
        ("ru.txt.gz", gzip.compress(RU.encode("cp1251"), mtime=0), "cp1251",
         {"Съешь же ещё этих булок.", "В чащах юга жил бы цитрус."}),
        ("de.csv", DE.encode("cp1252"), "cp1252", {"Größe: 5 € pro Stück", "Straße, Köln"}),
        ("el.srt", "1\n00:00:01,000 --> 00:00:02,000\nΚαλημέρα σας\n".encode("iso-8859-7"), "iso-8859-7",
         {"Καλημέρα σας"}),
        ("bom.txt", "\ufeffЁлка и ёж\n".encode(), "cp1251", {"Ёлка и ёж"}),  # the mark says UTF-8
        ("p.html", '<meta charset="windows-1251"><p>Привет, мир</p>'.encode("cp1251"), "cp1251", {"Привет, мир"}),
    ],
)  # fmt: skip
def test_corpus_files_in_a_legacy_encoding_are_read_as_corpus_encoding_says(
    cli, tmp_path, name, data, encoding, expected
):
    """A Windows-1251 or Shift_JIS corpus was an error that said to convert it to UTF-8 first. With the
    specification's corpus_encoding it is read as written (converted once into the cache); a plan of
    Debian's Japanese and Chinese translations and the shipped Russian corpus, made Shift_JIS, GB18030 and
    Windows-1251 by iconv, has the texts of the UTF-8 originals but for Shift_JIS's 0x5C, which Python reads
    as the backslash where iconv gives the yen sign."""
    _corpus(tmp_path, name, data)
    code, err, frame = _plan(cli, tmp_path, name, {"corpus_encoding": encoding}, total=30)
    assert code == 0, err
    assert set(frame.text) == expected


def test_a_wrong_or_missing_corpus_encoding_is_a_clear_error(cli, tmp_path):
    _corpus(tmp_path, "ru.txt", RU.encode("cp1251"))
    code, err, _ = _plan(cli, tmp_path, "ru.txt")
    assert code == 2 and "is not UTF-8 text" in err and "corpus_encoding (such as 'cp1252')" in err
    code, err, _ = _plan(cli, tmp_path, "ru.txt", {"corpus_encoding": "klingon"})
    assert code == 2 and "corpus_encoding: 'klingon' is not an encoding Python knows" in err
    code, err, _ = _plan(cli, tmp_path, "ru.txt", {"corpus_encoding": "base64"})
    assert code == 2 and "'base64' is a byte-to-byte codec, not a text encoding" in err
    _corpus(tmp_path, "ja.txt", "日本語のテキスト\n".encode())
    code, err, _ = _plan(cli, tmp_path, "ja.txt", {"corpus_encoding": "shift_jis"})
    assert code == 2 and "ja.txt is not shift_jis text (bytes near offset" in err and "Traceback" not in err


def _ods(path: Path, rows_xml: str) -> Path:
    """An OpenDocument spreadsheet of one sheet, its rows given as XML."""
    import zipfile

    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        f'<table:table table:name="Menu">{rows_xml}</table:table></office:spreadsheet></office:body>'
        "</office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    return path


def test_an_opendocument_spreadsheet_gives_the_text_cells_of_its_column(cli, tmp_path):
    """Calc's own format was "not text but a ZIP archive". Rows and cells Calc stores once with a repeat count
    are read that many times; a cell's paragraphs are one text. Sheets LibreOffice
    Calc 7.4 wrote from a CSV give the CSV's texts."""
    (tmp_path / "corpus").mkdir()
    cell = '<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>'
    rows = (
        '<table:table-row table:number-rows-repeated="3"><table:table-cell/></table:table-row>'  # empty rows first
        f"<table:table-row>{cell.format('id')}{cell.format('dish')}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="2"><table:table-cell office:value-type="float" '
        f'office:value="1"/>{cell.format("Crème brûlée")}</table:table-row>'
        '<table:table-row><table:table-cell table:number-columns-repeated="one"/><table:table-cell '
        'office:value-type="string"><text:p>Борщ</text:p><text:p>со <text:span>сметаной</text:span></text:p>'
        "</table:table-cell></table:table-row>"
        '<table:table-row><table:table-cell/><table:table-cell office:value-type="float" office:value="3"/>'
        "</table:table-row>"
    )
    _ods(tmp_path / "corpus" / "menu.ods", rows)
    code, err, frame = _plan(cli, tmp_path, "menu.ods", {"corpus_column": "dish"}, total=60)
    assert code == 0, err
    assert set(frame.text) == {"Crème brûlée", "Борщ со сметаной"}
    code, err, frame = _plan(cli, tmp_path, "menu.ods", {"corpus_column": "id", "min_text_length": 1})
    assert code == 0 and set(frame.text) == {"1"}  # a number is a text, as shown (test_sheet_numbers.py)
    (tmp_path / "corpus" / "cut.ods").write_bytes((tmp_path / "corpus" / "menu.ods").read_bytes()[:200])
    code, err, _ = _plan(cli, tmp_path, "cut.ods", {"corpus_column": "dish"})
    assert code == 2 and "cut.ods cannot be read as an OpenDocument spreadsheet" in err and "Traceback" not in err


TEXTEDIT_RTF = (
    b"{\\rtf1\\ansi\\ansicpg1252\\cocoartf2761\n\\cocoatextscaling0\\cocoaplatform0{\\fonttbl\\f0\\fswiss\\fcharset0 "
    b"Helvetica;}\n{\\colortbl;\\red255\\green255\\blue255;}\n{\\*\\expandedcolortbl;;}\n\\pard\\tx566\\pardirnatural\n\n"
    b"\\f0\\fs24 \\cf0 Caf\\'e9 cr\\'e8me \\'96 50 \\'80\\\nSecond line \\uc0\\u8364  and \\uc0\\u1055 \\u1088 \\u1080 "
    b"\\u1074 \\u1077 \\u1090 \\\n{\\b Bold} and {\\i italic} words\\\nEmoji \\uc0\\u55357 \\u56832  here}\n"
)
WORD_RTF = (
    b"{\\rtf1\\ansi\\ansicpg1251\\deff0{\\fonttbl{\\f0\\froman Times New Roman;}}{\\*\\generator Writer;}"
    b"{\\info{\\title Not text}{\\author Nobody}}{\\header \\pard Page header\\par}"
    b"\\pard\\plain \\'cf\\'f0\\'e8\\'e2\\'e5\\'f2, \\u1084\\'3f\\u1080\\'3f\\u1088\\'3f!\\par"
    b"\\pard A note{\\footnote \\pard Footnote text\\par} here and a "
    b'{\\field{\\*\\fldinst HYPERLINK "https://example.org"}{\\fldrslt link}}.\\par'
    b"\\trowd\\cellx1000\\cellx2000 Tea\\cell 3 \\'80\\cell\\row"
    b"{\\pict\\pngblip 89504e470d0a1a0a{\\bin4 }{\\}}}After the picture\\line next line\\par}"
)


@pytest.mark.parametrize(
    ("rtf", "expected"),
    [
        (TEXTEDIT_RTF, ["Café crème – 50 €", "Second line € and Привет", "Bold and italic words", "Emoji 😀 here"]),
        (WORD_RTF, ["Привет, мир!", "A note here and a link.", "Tea", "3 Ђ", "After the picture", "next line"]),
    ],
    ids=["textedit", "word"],
)
def test_rtf_gives_its_paragraphs(cli, tmp_path, rtf, expected):
    """Read as text, an RTF file gave `{\\rtf1\\ansi...` and `\\f0\\fs24 Café` as texts. Now its paragraphs,
    cells and lines, as a word processor shows them: no font, colour or style tables, metadata, header,
    footnote, field instruction or picture. On RTF that LibreOffice 7.4, pandoc and (by hand) TextEdit
    write, LibreOffice's own text export gives the same lines, line for line."""
    _corpus(tmp_path, "doc.rtf", rtf)
    code, err, frame = _plan(cli, tmp_path, "doc.rtf", {"min_text_length": 1}, total=120)
    assert code == 0, err
    assert set(frame.text) == set(expected)


def test_bad_rtf_is_a_clear_error_and_deep_rtf_is_read(cli, tmp_path):
    _corpus(tmp_path, "fake.rtf", b"Just some text\n")
    code, err, _ = _plan(cli, tmp_path, "fake.rtf")
    assert code == 2 and "fake.rtf is not RTF (it does not start with {\\rtf)" in err
    _corpus(tmp_path, "deep.rtf", b"{\\rtf1 " + b"{" * 200_000 + b"Deep text" + b"}" * 200_000 + b"\\par}")
    code, err, frame = _plan(cli, tmp_path, "deep.rtf", total=5)  # groups 200,000 deep: no recursion limit
    assert code == 0 and set(frame.text) == {"Deep text"}, err
    _corpus(tmp_path, "lone.rtf", b"{\\rtf1 Half\\u-9000? a pair\\par}")  # a low surrogate alone: no character
    code, err, frame = _plan(cli, tmp_path, "lone.rtf", total=5)
    assert code == 0 and set(frame.text) == {"Half a pair"}, err


_PML = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" ' \
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ' \
    'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"'  # fmt: skip


def _slide(*paragraphs: str, hidden: bool = False) -> str:
    body = "".join(f"<a:p>{p}</a:p>" for p in paragraphs)
    show = ' show="0"' if hidden else ""
    return (f"<p:sld {_PML}{show}><p:cSld><p:spTree><p:sp><p:txBody>{body}"
            "</p:txBody></p:sp></p:spTree></p:cSld></p:sld>")  # fmt: skip


def _run(text: str) -> str:
    return f"<a:r><a:t>{text}</a:t></a:r>"


PPTX = {
    "ppt/presentation.xml": f'<p:presentation {_PML}><p:sldIdLst><p:sldId id="257" r:id="rId9"/>'
    '<p:sldId id="256" r:id="rId2"/><p:sldId id="258" r:id="rId3"/></p:sldIdLst></p:presentation>',
    "ppt/_rels/presentation.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
    'relationships"><Relationship Id="rId2" Target="slides/slide1.xml"/><Relationship Id="rId3" '
    'Target="/ppt/slides/slide3.xml"/><Relationship Id="rId9" Target="slides/slide2.xml"/></Relationships>',
    "ppt/slides/slide1.xml": _slide(_run("Second in order"), _run("Ελληνικά") + "<a:br/>" + _run("Zeile zwei")),
    "ppt/slides/slide2.xml": _slide(_run("Résumé des ventes"), _run("Line one_x000B_Line two")),
    "ppt/slides/slide3.xml": _slide(_run("A hidden slide"), hidden=True),
    "ppt/notesSlides/notesSlide1.xml": _slide(_run("Speaker notes")),
}


@pytest.mark.parametrize("name", ["deck.pptx", "deck.ppsx"])  # a .ppsx (a show) is a deck that opens as a slide show
def test_a_powerpoint_deck_gives_the_paragraphs_of_its_slides(cli, tmp_path, name):
    """A deck was "not text but a ZIP archive". Now its slides' paragraphs, slides in the deck's order (not
    the parts' names), without hidden slides or speaker notes; a line break or Office's escaped vertical tab
    ends a text. On a deck pandoc 2.17 wrote and one python-pptx wrote (titles, bullets, a table, a text
    box, a hidden slide), python-pptx's own reading gives the same texts."""
    (tmp_path / "corpus").mkdir()
    _zip(tmp_path / "corpus" / name, PPTX)
    code, err, frame = _plan(cli, tmp_path, name, {"min_text_length": 1}, total=80)
    assert code == 0, err
    assert set(frame.text) == {"Résumé des ventes", "Line one", "Line two", "Second in order", "Ελληνικά", "Zeile zwei"}
    assert frame.corpus_line[frame.text == "Résumé des ventes"].iloc[0] == 0  # the deck's first slide
    _zip(tmp_path / "corpus" / "broken.pptx", {"ppt/presentation.xml": PPTX["ppt/presentation.xml"]})
    code, err, _ = _plan(cli, tmp_path, "broken.pptx")
    assert code == 2 and "broken.pptx has no ppt/_rels/presentation.xml.rels" in err and "Traceback" not in err


ODP_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:presentation="urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"'
)
ODP = (
    f"<office:document-content {ODP_NS}><office:automatic-styles>"
    '<style:style style:name="dp1"><style:drawing-page-properties/></style:style>'
    '<style:style style:name="dp2"><style:drawing-page-properties presentation:visibility="hidden"/></style:style>'
    "</office:automatic-styles><office:body><office:presentation>"
    '<draw:page draw:style-name="dp1"><draw:frame><draw:text-box><text:h>Résumé des ventes</text:h>'
    "<text:p>Первая <text:span>строка</text:span><text:line-break/>Zweite Zeile</text:p></draw:text-box></draw:frame>"
    "<presentation:notes><draw:frame><draw:text-box><text:p>Speaker notes</text:p></draw:text-box></draw:frame>"
    "</presentation:notes></draw:page>"
    '<draw:page draw:style-name="dp2"><draw:frame><draw:text-box><text:p>A hidden slide</text:p></draw:text-box>'
    "</draw:frame></draw:page>"
    '<draw:page draw:style-name="dp1"><draw:frame><draw:text-box><text:p>مرحبا بالعالم</text:p></draw:text-box>'
    "</draw:frame></draw:page></office:presentation></office:body></office:document-content>"
)


def test_an_opendocument_presentation_gives_the_paragraphs_of_its_slides(cli, tmp_path):
    """Impress's own format: its slides' paragraphs in order, without hidden slides (whose page style says
    so) or speaker notes. Decks LibreOffice Impress 7.4 converted from PowerPoint give the texts the .pptx
    gives (but an `_x000B_` escape, which Impress keeps as it is and PowerPoint reads as a line break)."""
    (tmp_path / "corpus").mkdir()
    _zip(tmp_path / "corpus" / "talk.odp", {"mimetype": "application/vnd.oasis.opendocument.presentation",
                                            "content.xml": ODP})  # fmt: skip
    code, err, frame = _plan(cli, tmp_path, "talk.odp", {"min_text_length": 1}, total=60)
    assert code == 0, err
    assert set(frame.text) == {"Résumé des ventes", "Первая строка", "Zweite Zeile", "مرحبا بالعالم"}


WIKI_PAGE = """{{Short description|Capital of France}}
{{Infobox settlement
| name = Paris
| motto = {{lang|la|Fluctuat nec mergitur}}
| image = [[File:Paris.jpg|thumb|The [[Seine]] at night]]
|}}
'''Paris''' is the [[capital city|capital]] of [[France]].<ref>{{cite web|url=http://x.org|title=T}}</ref> It has
about 2.1&nbsp;million people.<!-- check --> See [http://paris.fr the city's site] and [[Seine]]s.
[[File:Eiffel.jpg|thumb|The tower, by [[Gustave Eiffel|Eiffel]]]]

== History ==
The city was founded in the 3rd century BC.<ref name="a" />
'''Lutetia''' ({{IPA-la|lu'te:tia}}; {{lang|la|Lutetia Parisiorum}}) was its {{nowrap|Roman name}}.
{| class="wikitable"
|-
! Year !! People
|-
| 1900 || 2,714,068
|}
* The [[Louvre]] opened in 1793.
# Notre-Dame, ''an old church''.
<math>x^2</math>
__NOTOC__
[[Category:Capitals in Europe]]
[[fr:Paris]]
"""


def _dump(pages: list[tuple[str, str, str]], head: str = '<?xml version="1.0" encoding="utf-8"?>\n') -> bytes:
    """A MediaWiki export of (title, namespace, wikitext) pages; a text starting with REDIRECT is a redirect."""
    from xml.sax.saxutils import escape

    out = [head, '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" xml:lang="en">']
    out.append("<siteinfo><sitename>Wikipedia</sitename></siteinfo>")
    for title, ns, text in pages:
        redirect = '<redirect title="X" />' if text.startswith("#REDIRECT") else ""
        out.append(
            f"<page><title>{escape(title)}</title><ns>{ns}</ns><id>1</id>{redirect}"
            f"<revision><id>1</id><model>wikitext</model><format>text/x-wiki</format>"
            f'<text bytes="1" xml:space="preserve">{escape(text)}</text></revision></page>'
        )
    out.append("</mediawiki>\n")
    return "\n".join(out).encode("utf-8")


WIKI_PAGES = [
    ("Paris", "0", WIKI_PAGE),
    ("Talk:Paris", "1", "Is this '''talk''' page read?"),
    ("Lutetia", "0", "#REDIRECT [[Paris]]"),
]
WIKI_TEXTS = {
    "Paris is the capital of France. It has about 2.1 million people. See the city's site and Seines.",
    "History",
    "The city was founded in the 3rd century BC. Lutetia (Lutetia Parisiorum) was its Roman name.",
    "The Louvre opened in 1793.",
    "Notre-Dame, an old church.",
}


@pytest.mark.parametrize("name", ["wiki.xml", "enwiki-20240601-pages-articles1.xml-p1p41242.bz2", "w.xml.gz"])
def test_a_mediawiki_dump_gives_its_articles_text(cli, tmp_path, name):
    """Read as text, a Wikipedia dump gave `<page>`, `{{Infobox ...` and `[[Category:...]]` as texts. Now the
    articles' text as a reader sees it: no templates, tables, footnotes, files, categories or other wikis'
    links, no talk pages or redirects; links read as their labels. On 206 articles of a real English dump
    (gensim's test data), 99.9% of WikiExtractor's words are among these; the rest keeps lists, which
    WikiExtractor leaves out."""
    data = _dump(WIKI_PAGES)
    if name.endswith(".bz2"):
        data = bz2.compress(data)
    elif name.endswith(".gz"):
        data = gzip.compress(data, mtime=0)
    _corpus(tmp_path, name, data)
    code, err, frame = _plan(cli, tmp_path, name, {"min_text_length": 2, "max_text_length": 200}, total=100)
    assert code == 0, err
    assert set(frame.text) == WIKI_TEXTS


def test_a_dump_in_utf16_is_read_and_an_xml_file_that_is_no_dump_stays_text(cli, tmp_path):
    _corpus(tmp_path, "bg.xml", _dump([("A", "0", "Текст на '''статията'''.")], head="").decode().encode("utf-16"))
    code, err, frame = _plan(cli, tmp_path, "bg.xml", total=5)
    assert code == 0, err
    assert set(frame.text) == {"Текст на статията."}
    _corpus(tmp_path, "notes.xml", b"<notes>\n<note>Buy milk today</note>\n</notes>\n")
    code, err, frame = _plan(cli, tmp_path, "notes.xml", {"min_text_length": 3}, total=5)
    assert code == 0, err
    assert "<note>Buy milk today</note>" in set(frame.text)  # as before: an XML file is text unless it is a dump


def test_a_broken_dump_is_a_clear_error(cli, tmp_path):
    _corpus(tmp_path, "cut.xml.bz2", bz2.compress(_dump(WIKI_PAGES)[:-200]))
    code, err, _ = _plan(cli, tmp_path, "cut.xml.bz2")
    assert code == 2 and "cut.xml.bz2 is not well-formed XML" in err and "Traceback" not in err


def test_wikitext_markup_that_never_closes_costs_little():
    """Unclosed footnotes, links and templates, as a damaged or hostile page has them: each scanned once."""
    import time

    from synthocr.planner.wiki_text import wikitext_texts

    for page in ("<ref>" * 200_000, "[http://a " * 100_000, "[[" * 100_000, "{{" * 100_000, "<!--" * 100_000):
        start = time.process_time()
        assert wikitext_texts(page + "\n\nEnd of page.")[-1:] in ([], ["End of page."])
        assert time.process_time() - start < 5


def test_a_dump_extracted_as_text_before_is_read_again(cli, tmp_path):
    """Before dumps were read as articles, a compressed one was extracted to its XML lines, cached by the file's
    content: that extraction must not be reused."""
    import hashlib

    data = bz2.compress(_dump(WIKI_PAGES))
    _corpus(tmp_path, "old.xml.bz2", data)
    sha1 = hashlib.sha1(data).hexdigest()
    old_key = hashlib.sha1(b"\0".join((b"3", sha1.encode(), b""))).hexdigest()
    (tmp_path / "cache" / "corpus").mkdir(parents=True)
    (tmp_path / "cache" / "corpus" / f"{old_key}.txt").write_text("<page><title>Paris</title>\n", encoding="utf-8")
    code, err, frame = _plan(cli, tmp_path, "old.xml.bz2", {"min_text_length": 2, "max_text_length": 200}, total=100)
    assert code == 0, err
    assert set(frame.text) == WIKI_TEXTS
