"""The text of PDF files (reports, papers, books): each page's lines as its text layer holds them, in order.

Given as a corpus file, a PDF was "not UTF-8 text". Its lines are the printed lines of the page, which is
what a recognizer learns from, in reading order: pdfminer.six lays out where the glyphs lie (pdf_layout.py:
columns one after the other, right-to-left lines in logical order), pypdf reads a page pdfminer.six reads
wrong; both bounded against decompression bombs. A word hyphenated at a line's end (`en-` / `coding`) is
joined again, as MuPDF's dehyphenation does, so a window never holds `en- coding`, a text no page shows; a
letter TeX drew under a separate accent glyph (`art´ıculo`) is one accented letter again (`artículo`). A
scanned PDF has no text layer, and says so.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import IO, Any

from synthocr.errors import UserError
from synthocr.extras import require
from synthocr.planner import pdf_layout

log = logging.getLogger(__name__)
MAX_PDF_BYTES = 1 << 30  # a PDF is read whole, as both readers need it: more than this is scans, not a text layer

# A line that ends in a word broken by a hyphen (ASCII, HYPHEN U+2010, or a SOFT HYPHEN the PDF kept) after a
# letter, and the part of the word before it.
_BROKEN_WORD = re.compile(r"([^\W\d_]+)[-\u2010\u00ad]$")
_FIRST_WORD = re.compile(r"[^\W\d_]+")
# A control character in pypdf's text: the code of a glyph its font does not map (a tab or \r is a space).
_UNMAPPED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The Latin ligatures a PDF's fonts draw (ﬁ ﬂ ﬀ ﬃ ﬄ ﬅ ﬆ), which its text layer often keeps as one character: the
# letters they stand for, as pdftotext gives them (a label with ﬁ has a character no text typed has).
_LIGATURES = str.maketrans({chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFB00, 0xFB07)})
# TeX's \accent (what \'e, \"o, \~n and the like make in fonts of TeX's OT1 encoding, many papers' fonts) draws
# an accent glyph, then the letter under it, the i and j dotless: their text layer holds the spacing accent
# before the letter (`art´ıculo`, `Tama˜no`), where pdftotext, which looks at where glyphs lie, gives
# `artículo`. The spacing accents (not ASCII's ` ^ ~, which code and formulae use) and the combining marks
# they stand for.
_SPACING_ACCENTS = {
    "\u00b4": "\u0301",  # acute
    "\u02cb": "\u0300",  # grave (modifier letter)
    "\u00a8": "\u0308",  # diaeresis
    "\u02c6": "\u0302",  # circumflex
    "\u02dc": "\u0303",  # tilde
    "\u02c7": "\u030c",  # caron
    "\u02d8": "\u0306",  # breve
    "\u02da": "\u030a",  # ring
    "\u02d9": "\u0307",  # dot above
    "\u00af": "\u0304",  # macron
    "\u02dd": "\u030b",  # double acute
    "\u00b8": "\u0327",  # cedilla
    "\u02db": "\u0328",  # ogonek
}
_ACCENT_LETTER = re.compile(f"([{''.join(_SPACING_ACCENTS)}])([A-Za-z\u0131\u0237])")
_DOTTED = {"\u0131": "i", "\u0237": "j"}  # the dotless i and j TeX puts under an accent


def _accented(match: re.Match[str]) -> str:
    """The letter with its accent, as one character where Unicode has one (NFC)."""
    letter = match.group(2)
    return unicodedata.normalize("NFC", _DOTTED.get(letter, letter) + _SPACING_ACCENTS[match.group(1)])


def pdf_texts(fh: IO[bytes], where: str) -> Iterator[str]:
    """The lines of every page's text, pages in order: pdfminer.six's layout (pdf_layout.py), pypdf's extraction for
    a page pdfminer.six reads wrong or cannot read. The file is read into memory, as the two read it apart.

    Raises:
        UserError: the file is larger than MAX_PDF_BYTES, not a PDF pypdf can read, encrypted with a password,
            or has no text.
    """
    pypdf = require("pypdf", "PDF corpus files")
    pdf_layout.import_pdfminer()
    errors = pypdf.errors
    quiet = [logging.getLogger(name) for name in ("pypdf", "pdfminer")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.ERROR)  # their warnings about odd but readable files are not the user's business
    troubles = pdf_layout.Troubles()
    token = pdf_layout.troubles.set(troubles)
    try:
        data = fh.read(MAX_PDF_BYTES + 1)
        if len(data) > MAX_PDF_BYTES:
            raise UserError(
                f"{where} is larger than {MAX_PDF_BYTES >> 20} MiB, which is read whole; split it "
                "(qpdf --split-pages) or save its text as plain text (pdftotext)."
            )
        reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise UserError(
                f"{where} is a PDF encrypted with a password; save a copy without one (or its text as plain text)."
            )
        written = 0
        for line in _rejoined(_document_lines(reader, data)):
            written += 1
            yield line
        if not written:
            if troubles.skipped_streams:
                raise UserError(
                    f"{where} is a PDF with no text layer but streams that inflate past "
                    f"{pdf_layout.STREAM_LIMIT >> 20} MiB (a PDF bomb?), which were left out: use another corpus file."
                )
            if troubles.unmapped_lines:
                raise UserError(
                    f"{where} is a PDF whose fonts do not say which characters their glyphs are (no line of its text "
                    "layer can be read): run OCR on it (ocrmypdf --force-ocr), or use another corpus file."
                )
            raise UserError(
                f"{where} is a PDF with no text layer (a scan, or text drawn as shapes): run OCR on it first "
                "(ocrmypdf), or use another corpus file."
            )
    except errors.FileNotDecryptedError:
        raise UserError(f"{where} is a PDF encrypted with a password; save a copy without one.") from None
    except errors.DependencyError as exc:  # AES encryption needs the cryptography package
        raise UserError(f"{where} is an encrypted PDF that pypdf cannot open here ({exc}).") from None
    except errors.LimitReachedError as exc:
        raise UserError(f"{where}: a stream of the PDF decompresses past pypdf's limit (a PDF bomb?): {exc}") from None
    except (errors.PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, NotImplementedError) as exc:
        # pypdf reports a damaged file with whatever its parser raised there (a filter name it does not know, too).
        raise UserError(f"{where} cannot be read as a PDF ({type(exc).__name__}: {exc}); save it again.") from None
    except RecursionError:
        raise UserError(f"{where} nests its objects too deeply to be a PDF a writer made; save it again.") from None
    finally:
        pdf_layout.troubles.reset(token)
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)


def _document_lines(reader: Any, data: bytes) -> Iterator[str]:
    """Every page's lines: pdfminer.six's (its unmapped glyphs mapped by pypdf's text of the page), or pypdf's for
    a page it reads wrong and for the pages from one it cannot read on (a damaged file pypdf can read; one it
    cannot is pypdf's error)."""
    done = 0
    try:
        for lines in pdf_layout.page_lines(data):
            if lines is None:
                lines = _pypdf_lines(reader, done)
            elif any("(cid:" in line for line in lines):
                reference = reader.pages[done].extract_text() if done < len(reader.pages) else ""
                lines = pdf_layout.mapped(lines, reference)
            done += 1
            yield from _cleaned(lines)
    except pdf_layout.pdfminer_errors() as exc:
        log.info(
            "pdfminer.six cannot read page %d on (%s: %s): pypdf reads the rest", done + 1, type(exc).__name__, exc
        )
        for page in range(done, len(reader.pages)):
            yield from _cleaned(_pypdf_lines(reader, page))


def _pypdf_lines(reader: Any, page: int) -> list[str]:
    """pypdf's lines of a page (none for one past its pages), but those with a glyph its font does not map to a
    character, which pypdf writes as the glyph's code (a control character, where pdfminer.six writes `(cid:N)`)."""
    if page >= len(reader.pages):
        return []
    lines = reader.pages[page].extract_text().split("\n")
    mapped = [line for line in lines if not _UNMAPPED.search(line)]
    troubles = pdf_layout.troubles.get()
    if troubles is not None:
        troubles.unmapped_lines += len(lines) - len(mapped)
    return mapped


def _cleaned(lines: Iterable[str]) -> Iterator[str]:
    """The lines with their ligatures as letters, TeX's accents on their letters, and spaces as one space."""
    for line in lines:
        line = " ".join(_ACCENT_LETTER.sub(_accented, line.translate(_LIGATURES)).split())
        if line:
            yield line


def _goes_on(broken: str, line: str) -> bool:
    """Whether `line` starts with the rest of the word `broken` (what came before its hyphen): a small letter
    after a small letter (`en-` `coding`), or a word in capitals after capitals (`ELE-` `MENT`). `Well-`
    `Known` is a compound's hyphen, kept."""
    rest = _FIRST_WORD.match(line)
    if rest is None:
        return False
    if broken[-1].islower():
        return line[0].islower()
    return len(broken) > 1 and broken.isupper() and rest.group().isupper()


def _rejoined(lines: Iterable[str]) -> Iterator[str]:
    """The lines, each that ends in a hyphen-broken word joined with the next one, which holds its rest
    (across pages too): `DER en-` and `coding of` give `DER encoding of`."""
    held, broken = "", None
    for line in lines:
        if broken and _goes_on(broken.group(1), line):
            held = held[:-1] + line
        else:
            if held:
                yield held
            held = line
        broken = _BROKEN_WORD.search(held)
        if not broken:
            yield held
            held = ""
    if held:
        yield held
