"""Hostile corpus files: a clean error naming the file, or a plan; never a traceback or a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from helpers import pdf_of

LATIN = "The quick brown fox jumps over the lazy dog. "


def empty(path: Path) -> None:
    path.write_bytes(b"")


def binary(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 64)


def invalid_utf8_late(path: Path) -> None:
    """Valid for the first 100 kB (past the validation's quick look), then a stray byte."""
    path.write_bytes((LATIN * 3 + "\n").encode() * 800 + b"caf\xe9\n")


def whitespace_only(path: Path) -> None:
    path.write_bytes(b" \t\n\n   \r\n\x0b\x0c\n" * 20000)


def uncovered_script(path: Path) -> None:
    """Chinese text, which no font of the workspace (DejaVuSans) covers."""
    path.write_text("汉字测试文本没有字体能画出来\n" * 50, encoding="utf-8")


def control_characters(path: Path) -> None:
    path.write_bytes(bytes(range(1, 9)) * 200 + b"\n")


def utf16_cut(path: Path) -> None:
    """UTF-16 (read by its byte-order mark) that ends inside a character."""
    path.write_bytes((LATIN * 5 + "\n").encode("utf-16") + b"\x41")


BAD_CORPORA = {
    "empty": (empty, "is empty"),
    "binary": (binary, "not UTF-8"),
    "invalid_utf8_late": (invalid_utf8_late, "not UTF-8"),
    "whitespace_only": (whitespace_only, "empty"),
    "uncovered_script": (uncovered_script, "font"),
    "control_characters": (control_characters, "font"),
    "utf16_cut": (utf16_cut, "ends inside a UTF-16 character"),
}


@pytest.mark.parametrize("case", BAD_CORPORA)
def test_bad_corpus_is_a_clean_error(ws, synthocr, outcome, case):
    make, words = BAD_CORPORA[case]
    (ws.corpus / "latin.txt").unlink()
    make(ws.corpus / "bad.txt")
    plan = ws.root / "p.parquet"
    result = synthocr("plan", ws.config(), "-o", plan)
    assert result.clean_error, result
    assert words in result.err and "bad.txt" in result.err or case.startswith(("uncovered", "control")), result.err
    assert not plan.exists() and not list(ws.root.glob(".p.parquet.tmp*"))
    outcome("clean_error")


@pytest.mark.parametrize("size_mb", [1, pytest.param(64, marks=pytest.mark.reliability)])
def test_one_enormous_line_plans(ws, synthocr, outcome, size_mb):
    """A corpus that is one line of `size_mb` MB, with no line break at all."""
    words = (LATIN * 1000).encode()
    with (ws.corpus / "latin.txt").open("wb") as fh:
        for _ in range(size_mb * (1 << 20) // len(words)):
            fh.write(words)
    plan = ws.plan(synthocr, ws.config(total_images=50))
    import pyarrow.parquet as pq

    texts = pq.read_table(plan, columns=["text"]).column("text").to_pylist()
    assert all(5 <= len(t) <= 40 for t in texts)
    outcome("planned")


def test_one_enormous_word_plans(ws, synthocr, outcome):
    """8 MB without a space: cut between grapheme clusters."""
    (ws.corpus / "latin.txt").write_bytes(b"abcdefghij" * (800 << 10))
    plan = ws.plan(synthocr)
    assert plan.exists()
    outcome("planned")


def test_corpus_that_is_a_fifo_does_not_hang(ws, synthocr, outcome):
    (ws.corpus / "latin.txt").unlink()
    os.mkfifo(ws.corpus / "pipe.txt")
    result = synthocr("plan", ws.config(), "-o", ws.root / "p.parquet", timeout=20)
    assert result.clean_error, result
    outcome("clean_error")


def pdf_stream_bomb(path: Path) -> None:
    """A page whose content stream inflates to 200 MB (200 kB on disk): pypdf stops at its 75 MB limit."""
    import zlib

    stream = zlib.compress(b"0 0 m " * ((200 << 20) // 6), 9)
    path.write_bytes(
        pdf_of([
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
        ])
    )  # fmt: skip


def pdf_garbage(path: Path) -> None:
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)


def _zipped(path: Path, members: dict[str, bytes]) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def ods_laughs(path: Path) -> None:
    """An OpenDocument spreadsheet whose content.xml is a billion laughs: expat refuses to expand it."""
    laughs = "".join(f'<!ENTITY l{i + 1} "{f"&l{i};" * 10}">' for i in range(9))
    body = f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY l0 "lol">{laughs}]><d>&l9;</d>'
    _zipped(path, {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": body.encode()})


def xlsx_zip_bomb(path: Path) -> None:
    """A workbook with a part that unzips to 1.1 GiB of zeros (1 MiB on disk)."""
    import zipfile

    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            block = bytes(1 << 24)
            for _ in range(70):
                member.write(block)


def wiki_laughs(path: Path) -> None:
    """A MediaWiki dump whose article is a billion laughs: expat refuses to expand it."""
    laughs = "".join(f'<!ENTITY l{i + 1} "{f"&l{i};" * 10}">' for i in range(9))
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE mediawiki [<!ENTITY l0 "lol">{laughs}]><mediawiki><page><title>A</title>'
        "<ns>0</ns><revision><text>&l9;</text></revision></page></mediawiki>"
    )


def markdown_too_long(path: Path) -> None:
    path.write_bytes(b"word " * ((17 << 20) // 5))


def latex_unbalanced(path: Path) -> None:
    """A LaTeX source of unclosed groups, formulae, environments, code and a macro that calls itself twice."""
    parts = [b"{" * 200_000, b"$" * 200_000, b"\\begin{itemize}\\item[" * 20_000, b"\\verb+" * 20_000]
    path.write_bytes(b"\\def\\a{\\a\\a}\\a" + b"".join(parts) + b"\\begin{verbatim}" + b"x $ {\n" * 20_000)


HOSTILE_DOCUMENTS = {
    "pdf_stream_bomb": ("bomb.pdf", pdf_stream_bomb, "no text layer"),
    "pdf_garbage": ("junk.pdf", pdf_garbage, "cannot be read as a PDF"),
    "ods_laughs": ("laughs.ods", ods_laughs, "is not XML"),
    "xlsx_zip_bomb": ("bomb.xlsx", xlsx_zip_bomb, "over the 1024 MiB limit for a workbook"),
    "markdown_too_long": ("dump.md", markdown_too_long, "more than 16 Mi characters"),
    "wiki_laughs": ("laughs.xml", wiki_laughs, "is not well-formed XML"),
    "latex_unbalanced": ("braces.tex", latex_unbalanced, "is a LaTeX file with no prose of its own"),
}


@pytest.mark.parametrize(
    "case",  # writing 1.1 GiB through deflate takes seconds: in `make reliability` only
    [pytest.param(c, marks=pytest.mark.reliability) if c == "xlsx_zip_bomb" else c for c in HOSTILE_DOCUMENTS],
)
def test_hostile_documents_are_clean_errors(ws, synthocr, outcome, case):
    """PDFs, spreadsheets, Markdown, wiki dumps and LaTeX built to exhaust memory or time: each a one-paragraph error
    naming the file, within the test's time limit."""
    name, make, words = HOSTILE_DOCUMENTS[case]
    make(ws.corpus / name)
    spec = {"name": "s", "corpus_file": name, "corpus_column": "text", "text_source": "lines"}
    plan = ws.root / "p.parquet"
    result = synthocr("plan", ws.config(specifications=[spec]), "-o", plan, timeout=120)
    assert result.clean_error, result
    assert words in result.err and name in result.err, result.err
    assert not plan.exists()
    outcome("clean_error")
