"""The text of Word 97-2003 documents (.doc, the binary format of [MS-DOC]): their paragraphs, then their
footnotes and endnotes, as `docx_texts` gives a .docx's.

Given as a corpus file, a .doc was "an old Microsoft Office file", to be saved as text first; archives of
letters, contracts and reports are full of them. A .doc is an OLE compound file (read by olefile): its
WordDocument stream starts with the File Information Block, which says how many characters the main text,
the footnotes and the endnotes have and where the piece table lies in the table stream (0Table or 1Table);
the piece table maps those characters to runs of the WordDocument stream, each 8-bit (Windows-1252) or
UTF-16. In the text, a field (a hyperlink, a page number, a table of contents) shows its result, not its
code; cell and row marks, page and section breaks end a text; pictures and drawn objects leave nothing.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import IO, Any

from synthocr.errors import UserError
from synthocr.extras import require

MAX_DOC_BYTES = 512 << 20  # a Word 97-2003 document is at most 2 GiB; more than this is not prose
_W_IDENT = 0xA5EC  # the FIB's magic number
_NFIB_97 = 0x00C1  # Word 97; Word 6 and 95 (0x0065-0x0068) wrote another FIB
_ENCRYPTED, _TABLE_1 = 0x0100, 0x0200  # FibBase flags: fEncrypted, fWhichTblStm
_FIB_LW = 32 + 2 + 28 + 2  # FibBase, csw, fibRgW, cslw: where fibRgLw (32-bit counts) starts
_FIB_FCLCB = _FIB_LW + 88 + 2  # then cbRgFcLcb: where the (fc, lcb) pairs start
_CLX = 33  # fcClx / lcbClx: the 34th pair of FibRgFcLcb97
# 8-bit pieces are Windows-1252: Latin-1 but for 0x80-0x9F, whose five bytes Windows-1252 leaves undefined
# stay the C1 control of the same number, as [MS-DOC] 2.9.73 (FcCompressed) reads them.
_CP1252 = {b: bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0xA0)}
_FIELD_BEGIN, _FIELD_SEPARATOR, _FIELD_END = "\x13", "\x14", "\x15"
# Characters that end a text (paragraph and cell ends, line, page and section breaks), that are nothing
# (anchors of pictures, drawn objects, footnote and comment marks; optional hyphens), and that stand for
# others (a non-breaking hyphen, a tab).
_BREAKS = "\r\x07\x0b\x0c\x0e"
_NOTHING = dict.fromkeys(map(ord, "\x01\x02\x03\x04\x05\x08\x1f"), None)
_STANDS_FOR = {ord("\x1e"): "\u2011", ord("\t"): " "}


def doc_texts(fh: IO[bytes], where: str) -> Iterator[str]:
    """A Word 97-2003 document's paragraphs, then its footnotes and endnotes, one text each.

    Raises:
        UserError: the file is larger than MAX_DOC_BYTES, not a Word 97-2003 document (another compound
            file, a Word 6 or 95 one, an RTF or .docx named .doc), encrypted, or damaged.
    """
    olefile = require("olefile", "Word 97-2003 (.doc) corpus files")
    data = fh.read(MAX_DOC_BYTES + 1)
    if len(data) > MAX_DOC_BYTES:
        raise UserError(f"{where} is larger than {MAX_DOC_BYTES >> 20} MiB; save its text as plain text (UTF-8).")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"{\\rtf"):
        kind = ".docx" if data.startswith(b"PK") else ".rtf"
        raise UserError(f"{where} is a {kind} document named .doc: give it the extension {kind} to read it.")
    try:
        text = _document_text(olefile, data, where)
    except UserError:
        raise
    except Exception as exc:  # olefile's and struct's errors, an index past a damaged table
        raise UserError(
            f"{where} cannot be read as a Word 97-2003 document ({type(exc).__name__}: {exc}); open it in a "
            "word processor and save it again (as .docx, or as plain text)."
        ) from None
    for line in _shown(text):
        line = " ".join(line.translate(_NOTHING).translate(_STANDS_FOR).split())
        if line:
            yield line


def _document_text(olefile: Any, data: bytes, where: str) -> str:
    """The characters of the main text, the footnotes and the endnotes, as the piece table maps them."""
    if not data.startswith(olefile.MAGIC):  # a compound file cut short is read, and is an error below
        raise UserError(
            f"{where} is not a Word 97-2003 document (no OLE compound file); give the file the extension of what "
            "it is, or save it again from a word processor."
        )
    with olefile.OleFileIO(data) as ole:
        if not ole.exists("WordDocument"):
            raise UserError(f"{where} is an OLE compound file without a WordDocument stream, not a Word document.")
        word = ole.openstream("WordDocument").read()
        ident, nfib = struct.unpack_from("<HH", word, 0)
        flags = struct.unpack_from("<H", word, 0x0A)[0]
        if ident != _W_IDENT or nfib < _NFIB_97:
            raise UserError(
                f"{where} was saved by Word 6 or 95 (or is not a Word document), whose format is not read; "
                "open it in a word processor and save it as .docx."
            )
        if flags & _ENCRYPTED:
            raise UserError(f"{where} is encrypted with a password; save a copy without one.")
        table_name = "1Table" if flags & _TABLE_1 else "0Table"
        if not ole.exists(table_name):
            raise UserError(f"{where} lacks its {table_name} stream: the document is damaged; save it again.")
        table = ole.openstream(table_name).read()
    counts = struct.unpack_from("<22i", word, _FIB_LW)
    main, footnotes, headers, _macros, comments, endnotes = counts[3:9]
    fc_clx, lcb_clx = struct.unpack_from("<II", word, _FIB_FCLCB + 8 * _CLX)
    pieces = _pieces(table[fc_clx : fc_clx + lcb_clx])
    notes_at = main + footnotes + headers + comments
    spans = [(0, main), (main, main + footnotes), (notes_at, notes_at + endnotes)]
    return "\r".join(_characters(word, pieces, start, end) for start, end in spans if end > start)


def _pieces(clx: bytes) -> list[tuple[int, int, int, bool]]:
    """The piece table (PlcPcd in the Clx, after any Prc): (first character, end, byte offset, 8-bit)."""
    at = 0
    while at < len(clx) and clx[at] == 0x01:  # a Prc: formatting of pieces, skipped
        at += 3 + struct.unpack_from("<h", clx, at + 1)[0]
    if at >= len(clx) or clx[at] != 0x02:
        raise ValueError("no piece table in the Clx")
    size = struct.unpack_from("<I", clx, at + 1)[0]
    plc = clx[at + 5 : at + 5 + size]
    n = (len(plc) - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    pieces = []
    for i in range(n):
        fc = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * i + 2)[0]
        compressed = bool(fc & 0x40000000)
        offset = (fc & 0x3FFFFFFF) // 2 if compressed else fc & 0x3FFFFFFF
        pieces.append((cps[i], cps[i + 1], offset, compressed))
    return pieces


def _characters(word: bytes, pieces: list[tuple[int, int, int, bool]], start: int, end: int) -> str:
    """Characters [start, end) of the document, piece by piece."""
    out = []
    for first, last, offset, compressed in pieces:
        lo, hi = max(first, start), min(last, end)
        if lo >= hi:
            continue
        skip, count = lo - first, hi - lo
        if compressed:
            raw = word[offset + skip : offset + skip + count]
            out.append(raw.decode("latin-1").translate(_CP1252))
        else:
            raw = word[offset + 2 * skip : offset + 2 * (skip + count)]
            out.append(raw.decode("utf-16-le", errors="replace"))
    return "".join(out)


def _shown(text: str) -> Iterator[str]:
    """The text as Word shows it, cut at paragraph, cell, line, page and section ends: of each field, its result
    (what lies between its separator and its end), not its code; fields nest."""
    line: list[str] = []
    stack: list[bool] = []  # per open field: whether its result has begun
    for c in text:
        if c == _FIELD_BEGIN:
            stack.append(False)
        elif c == _FIELD_SEPARATOR and stack:
            stack[-1] = True
        elif c == _FIELD_END and stack:
            stack.pop()
        elif stack and not all(stack):
            continue  # a field's code
        elif c in _BREAKS:
            yield "".join(line)
            line = []
        else:
            line.append(c)
    yield "".join(line)
