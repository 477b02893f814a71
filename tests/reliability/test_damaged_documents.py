"""Office documents damaged as disks, transfers and truncating tools damage them: a member's XML cut short,
a member's name no longer UTF-8, a member's deflate stream broken. Each is a one-paragraph error naming the
file, never a traceback. Found by mutating real workbooks and documents (LibreOffice's and openpyxl's):
openpyxl parses with lxml where it is installed, whose XMLSyntaxError went through as a traceback, and a
name that is not UTF-8 raised UnicodeDecodeError from zipfile itself."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from helpers import pdf_of

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def _workbook(path: Path) -> None:
    """A real workbook with one text column (openpyxl's writer)."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["text"])
    for word in ("alpha", "beta", "gamma"):
        sheet.append([word])
    book.save(path)


def _rewritten(path: Path, change: dict[str, bytes]) -> None:
    """The archive again with some members' bytes replaced."""
    with zipfile.ZipFile(path) as old:
        members = {name: old.read(name) for name in old.namelist()}
    members.update(change)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in members.items():
            new.writestr(name, data)


def xlsx_cut_xml(path: Path) -> None:
    """Its content types part cut in the middle of an attribute (lxml: 'Specification mandates value')."""
    _workbook(path)
    _rewritten(path, {"[Content_Types].xml": _CONTENT_TYPES[:140]})


def xlsx_cut_sheet_dimension(path: Path) -> None:
    """Its sheet's XML cut right after the dimension openpyxl reads first."""
    _workbook(path)
    with zipfile.ZipFile(path) as book:
        sheet = book.read("xl/worksheets/sheet1.xml")
    _rewritten(path, {"xl/worksheets/sheet1.xml": sheet[: sheet.index(b"<dimension") + 12]})


def _name_not_utf8(path: Path) -> None:
    """The first member's name in the central directory given a byte that is no UTF-8, its UTF-8 flag set."""
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")
    data[entry + 9] |= 0x08  # general purpose flag, bit 11: the name is UTF-8
    data[entry + 46] = 0xA3
    path.write_bytes(bytes(data))


def xlsx_name_not_utf8(path: Path) -> None:
    _workbook(path)
    _name_not_utf8(path)


def docx_name_not_utf8(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as doc:
        doc.writestr("[Content_Types].xml", _CONTENT_TYPES)
        doc.writestr("word/document.xml", b"<w:document xmlns:w='urn:w'/>")
    _name_not_utf8(path)


def ods_name_not_utf8(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as doc:
        doc.writestr("mimetype", b"application/vnd.oasis.opendocument.spreadsheet")
        doc.writestr("content.xml", b"<office:document-content xmlns:office='urn:o'/>")
    _name_not_utf8(path)


def odt_broken_deflate(path: Path) -> None:
    """content.xml's deflate stream with bytes in its middle overwritten ('invalid distance too far back')."""
    body = (
        b"<office:document-content xmlns:office='urn:o'>"
        + b"<p>some words of text</p>" * 400
        + b"</office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as doc:
        doc.writestr("mimetype", b"application/vnd.oasis.opendocument.text")
        doc.writestr("content.xml", body)
    data = bytearray(path.read_bytes())
    start = data.index(b"content.xml") + len(b"content.xml")
    data[start + 40 : start + 48] = b"\xff" * 8
    path.write_bytes(bytes(data))


def pdf_unknown_filter(path: Path) -> None:
    """A page whose content stream names a filter no reader knows, as one flipped byte makes /FlateDecode
    (pypdf raised NotImplementedError('Unsupported filter'), a traceback)."""
    stream = b"BT /F1 12 Tf 72 720 Td (Hello there) Tj ET"
    path.write_bytes(
        pdf_of([
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d /Filter /FlOteDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ])
    )  # fmt: skip


DAMAGED = {
    "xlsx_cut_xml": ("cut.xlsx", xlsx_cut_xml, "cannot be read as an Excel workbook"),
    "xlsx_cut_sheet_dimension": ("cut.xlsx", xlsx_cut_sheet_dimension, "cannot be read as an Excel workbook"),
    "xlsx_name_not_utf8": ("names.xlsx", xlsx_name_not_utf8, "cannot be read as an Excel workbook"),
    "docx_name_not_utf8": ("names.docx", docx_name_not_utf8, "cannot be read as DOCX"),
    "ods_name_not_utf8": ("names.ods", ods_name_not_utf8, "cannot be read as an OpenDocument spreadsheet"),
    "odt_broken_deflate": ("broken.odt", odt_broken_deflate, "cannot be decompressed"),
    "pdf_unknown_filter": ("filter.pdf", pdf_unknown_filter, "Unsupported filter /FlOteDecode"),
}


@pytest.mark.parametrize("case", DAMAGED)
def test_damaged_documents_are_clean_errors(ws, synthocr, outcome, case):
    name, make, words = DAMAGED[case]
    make(ws.corpus / name)
    spec = {"name": "s", "corpus_file": name, "corpus_column": "text", "text_source": "lines"}
    plan = ws.root / "p.parquet"
    result = synthocr("plan", ws.config(specifications=[spec]), "-o", plan)
    assert result.clean_error, result
    assert words in result.err and name in result.err, result.err
    assert not plan.exists()
    outcome("clean_error")
