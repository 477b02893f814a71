"""The lines of a PDF's pages as pdfminer.six lays them out, in reading order, right-to-left lines in logical order.

pdfminer.six looks at where the glyphs lie: it reads two columns one after the other, and groff's and XeTeX's
PDFs with their words whole, where pypdf's stream order breaks them. Its failings are handled here:
- it gives right-to-left lines (Arabic, Hebrew) in visual order, the order the glyphs lie from left to right,
  and the pieces of a line drawn apart (a number inside Arabic, the full stop at its end) as lines of their own:
  the pieces of one line are put together, each mark with its letter, then pdf_bidi.py reads the line in its
  logical order glyph by glyph;
- it puts the vowel signs of Indic scripts on lines of their own: such a page is None here, for pdf_text.py
  to read with pypdf; it writes `(cid:N)` for a glyph its font does not map to a character: such a line is
  left out (a page of more such lines than not is None);
- it decompresses a stream however large it inflates (a 200 MB PDF bomb took it past 120 s): here a stream
  past STREAM_LIMIT bytes decodes to nothing, and is counted in `troubles`.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from types import ModuleType, SimpleNamespace
from typing import Any

from synthocr.extras import MissingExtra
from synthocr.planner.pdf_bidi import logical_order

log = logging.getLogger(__name__)

# The most bytes a stream of a PDF may decompress to (pypdf's limit for one is 75 MB). A page's content stream
# of text is a few hundred kB; pdfminer.six parses about half a MB of one a second.
STREAM_LIMIT = 32 << 20


@dataclass
class Troubles:
    """What was left out of the PDF being read: streams that inflate past STREAM_LIMIT, lines with glyphs that
    map to no character."""

    skipped_streams: int = 0
    unmapped_lines: int = 0


# The Troubles of the PDF being read (pdf_text.py sets them for each file).
troubles: ContextVar[Troubles | None] = ContextVar("pdf_troubles", default=None)

# pdfminer.six's settings: its layout of texts in figures too, and characters up to 4 widths apart in one line
# (2, its default, split lines of groff's and XeTeX's PDFs).
_CHAR_MARGIN = 4.0
# Pieces of a line drawn apart: a piece on the same baseline (overlapping by half its height) whose gap to the
# line is under a line height, or that lies inside it, is part of it (pdfminer.six already joins glyphs 4 widths
# apart that the PDF draws one after another); a gap over 0.1 of a glyph's size between glyphs is a space.
_PIECE_GAP = 1.0
_WORD_MARGIN = 0.1
_SLACK = 1.0  # points a mark's middle may lie outside its letter's box
_MAX_PIECES = 5000  # a page of more lines than this is not pieced together

# Scripts whose pages pdfminer.six breaks (vowel signs on lines of their own): Devanagari to Sinhala.
_INDIC = re.compile("[\u0900-\u0dff]")
_CID = re.compile(r"\(cid:(\d+)\)")
_LONE_CID = re.compile(r"(?<!\S)(?:\(cid:\d+\))+(?!\S)")
# What a word holds right before and right after a glyph pdfminer.six cannot map (6 characters at most; another
# such glyph, made \0, ends it).
_CONTEXT_BEFORE = re.compile(r"[^\s\0]{1,6}$")
_CONTEXT_AFTER = re.compile(r"[^\s\0]{1,6}")
# A combining mark (Latin, Cyrillic, Hebrew, Arabic, Thai) at a word's start: drawn apart from its letter.
_MARK_STARTS_WORD = re.compile(
    r"(?:^|\s)[\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u064b-\u065f\u0670\u0e31\u0e34-\u0e3a\u0e47-\u0e4e]"
)


def import_pdfminer() -> ModuleType:
    """pdfminer.six's layout module, with its decompression bounded; MissingExtra where it is not installed."""
    try:
        from pdfminer import layout, pdftypes
    except ImportError as exc:
        raise MissingExtra("PDF corpus files", "pdf", str(exc)) from None
    _bound_decompression(pdftypes)
    return layout


def pdfminer_errors() -> tuple[type[BaseException], ...]:
    """What pdfminer.six raises for a file it cannot read: its own errors, and what its parser meets in a damaged one."""
    import struct

    from pdfminer.pdfexceptions import PDFException
    from pdfminer.psexceptions import PSException

    return (PSException, PDFException, ValueError, LookupError, TypeError, AttributeError, ArithmeticError,
            AssertionError, struct.error, zlib.error, NotImplementedError, RecursionError)  # fmt: skip


def page_lines(data: bytes) -> Iterator[list[str] | None]:
    """Each page's lines in reading order (logical order for right-to-left ones), or None for a page pdfminer.six
    reads wrong: one in an Indic script (it puts vowel signs on lines of their own), or one with more bad lines
    than good. A bad line has a mark at a word's start (apart from its letter), left out, or a glyph pdfminer.six
    cannot map to a character, which it writes `(cid:N)` (for `mapped` to mend).

    Raises:
        what pdfminer_errors() names, for a file it cannot read (at the page it fails on).
    """
    layout = import_pdfminer()
    from pdfminer.high_level import extract_pages

    params = layout.LAParams(all_texts=True, char_margin=_CHAR_MARGIN)
    for page in extract_pages(io.BytesIO(data), laparams=params):
        lines = ["".join(logical_order(units)) for units in _joined(_pieces(page, layout))]
        lines = [line for line in lines if line.strip()]
        kept = [line for line in lines if not _MARK_STARTS_WORD.search(line)]
        good = sum("(cid:" not in line for line in kept)
        if good * 2 < len(lines) or any(_INDIC.search(line) for line in lines):
            yield None
        else:
            yield kept


def mapped(lines: list[str], reference: str) -> list[str]:
    """The lines without `(cid:N)`: a glyph inside a word is the character(s) that stand where it does in
    `reference` (pypdf's text of the page, which reads more fonts' encodings), found by the whole line or by the
    characters beside the glyph (`rede(cid:12)ned` and pypdf's `redeﬁned` make glyph 12 `ﬁ` on the whole page), one standing alone (a bullet, a symbol) is left out, and a
    line with a glyph still unknown is left out (counted in `troubles`)."""
    squeezed = "".join(reference.split())
    votes: dict[str, Counter[str]] = {}
    for line in lines:
        parts = _CID.split("".join(line.split()))  # the whole line, where pypdf's text has it all
        texts, codes = parts[0::2], parts[1::2]
        whole = re.search("(.{1,3}?)".join(map(re.escape, texts)), squeezed) if codes and all(texts) else None
        for code, text in zip(codes, whole.groups() if whole else (), strict=False):
            if _readable(text):
                votes.setdefault(code, Counter())[text] += 1
        for cid in _CID.finditer(line):  # each glyph between the characters beside it
            before = _CONTEXT_BEFORE.search(_CID.sub("\0", line[: cid.start()]))
            after = _CONTEXT_AFTER.match(_CID.sub("\0", line[cid.end() :]))
            left, right = before.group() if before else "", after.group() if after else ""
            if left and right and len(left) + len(right) >= 4:
                found = re.search(f"{re.escape(left)}(.{{1,3}}?){re.escape(right)}", squeezed)
                if found and _readable(found.group(1)):
                    votes.setdefault(cid.group(1), Counter())[found.group(1)] += 1
    known = {}
    for code, seen in votes.items():  # a glyph read as one text 3 times in 4 at least
        text, n = seen.most_common(1)[0]
        if n * 4 >= seen.total() * 3:
            known[code] = text
    out = []
    for line in lines:
        line = _CID.sub(lambda cid: known.get(cid.group(1), cid.group()), line)
        line = " ".join(_LONE_CID.sub("", line).split())
        if "(cid:" in line:
            _count("unmapped_lines", 1)
        elif line:
            out.append(line)
    return out


def _readable(text: str) -> bool:
    """Whether `text` is characters a text may hold: none a control or private-use one."""
    return all(unicodedata.category(char) not in ("Cc", "Co", "Cn", "Cs") for char in text)


@dataclass
class _Piece:
    """A line of pdfminer.six's: its texts in its order (glyphs, and the spaces it put between words), each with
    its left and right edge, and its box, in points."""

    units: list[tuple[float, float, str]]
    x0: float
    x1: float
    y0: float
    y1: float


def _pieces(container: Any, layout: ModuleType) -> Iterator[_Piece]:
    """The lines of a page (or a text box, a figure) in pdfminer.six's reading order; a line mostly of turned
    glyphs (a rotated margin note) is left out: it is a column of one-letter lines."""
    for item in container:
        if isinstance(item, layout.LTTextLine):
            chars = [unit for unit in item if isinstance(unit, layout.LTChar)]
            if sum(char.upright for char in chars) * 2 < len(chars):
                continue
            units, edge = [], item.x0
            for unit in item:
                if isinstance(unit, layout.LTChar):
                    units.append((unit.x0, unit.x1, unit.get_text()))
                    edge = unit.x1
                else:  # a space pdfminer.six put between words, or the line's end
                    units.append((edge, edge, unit.get_text()))
            if units and units[-1][2] == "\n":
                units.pop()
            yield _Piece(units, item.x0, item.x1, item.y0, item.y1)
        elif isinstance(item, layout.LTContainer):
            yield from _pieces(item, layout)


def _joined(pieces: Iterator[_Piece]) -> list[list[str]]:
    """Pieces on one baseline, next to or inside each other, as one line at the first one's place."""
    lines = list(pieces)
    if len(lines) > _MAX_PIECES:
        return [[text for _, _, text in line.units] for line in lines]
    group = list(range(len(lines)))

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    centre = [(line.y0 + line.y1) / 2 for line in lines]
    tallest = max((line.y1 - line.y0 for line in lines), default=0.0)
    by_height = sorted(range(len(lines)), key=centre.__getitem__)
    for at, i in enumerate(by_height):
        for j in by_height[at + 1 :]:
            if centre[j] - centre[i] > tallest:
                break
            if _beside(lines[i], lines[j]):
                group[max(root(i), root(j))] = min(root(i), root(j))
    members: dict[int, list[_Piece]] = {}
    for i, line in enumerate(lines):
        members.setdefault(root(i), []).append(line)
    return [_spliced(parts) for parts in members.values()]


def _spliced(parts: list[_Piece]) -> list[str]:
    """The texts of pieces of one line, left to right: the letters of all (each with its marks, as _clusters
    gives them) in the order of their left edges (of one piece with no marks, its texts as they are), a letter
    drawn twice in one place (a bold face made so) once, marks drawn apart from their letter with the letter
    under them (or left out where it has them already), and a space where a gap between two letters is over 0.1
    of the line's height (pdfminer.six's word margin)."""
    if len(parts) == 1 and not any(_is_mark(text) for _, _, text in parts[0].units):
        return [text for _, _, text in parts[0].units]  # as pdfminer.six gives it
    clusters = [cluster for part in parts for cluster in _clusters(part.units)]
    if len(parts) > 1:
        clusters.sort(key=lambda cluster: cluster[0])
    letters = [cluster for cluster in clusters if not all(_is_mark(text) for text in cluster[2])]
    for x0, _, marks in clusters:
        if all(_is_mark(text) for text in marks):
            under = next((letter for letter in letters if letter[0] - _SLACK <= x0 <= letter[1] + _SLACK), None)
            if under is not None and not set("".join(marks)) <= set("".join(under[2])):
                under[2][:0] = marks
    margin = _WORD_MARGIN * max(part.y1 - part.y0 for part in parts)
    out: list[str] = []
    last: tuple[float, float, list[str]] | None = None
    for x0, x1, texts in letters:
        if last is not None:
            if texts == last[2] and abs(x0 - last[0]) < 0.3 * (last[1] - last[0]):
                continue
            if x0 - last[1] > margin:
                out.append(" ")
        out.extend(texts)
        last = (x0, x1, texts)
    return out


def _clusters(units: list[tuple[float, float, str]]) -> list[tuple[float, float, list[str]]]:
    """A piece's glyphs (spaces left out) as letters with their marks (combining marks, and the spacing accents
    TeX draws over a letter), in the piece's order, each with its letter's left and right edge. A piece's marks
    all go with the letter after them or all with the one before, whichever more of them lie over (LibreOffice
    draws an Arabic or Hebrew mark before its letter, sometimes nearer the letter before); marks after the last
    letter are a cluster of their own, for a letter of another piece; an accent over no letter is a letter."""
    glyphs = [unit for unit in units if not unit[2].isspace()]
    letters = [i for i, glyph in enumerate(glyphs) if not _is_mark(glyph[2])]
    over: dict[int, tuple[bool, bool]] = {}  # mark: over the letter before it, after it
    for i, (x0, x1, text) in enumerate(glyphs):
        if i in letters and unicodedata.category(text[:1]) != "Sk":
            continue
        middle = (x0 + x1) / 2
        before = next((glyphs[j] for j in reversed(letters) if j < i), None)
        after = next((glyphs[j] for j in letters if j > i), None)
        sides = tuple(
            near is not None and near[0] - _SLACK <= middle <= near[1] + _SLACK and near[1] > near[0]
            for near in (before, after)
        )
        if _is_mark(text) or any(sides):
            over[i] = (sides[0], sides[1])
    forward = sum(after for _, after in over.values()) >= sum(before for before, _ in over.values())
    out: list[tuple[float, float, list[str]]] = []
    pending: list[str] = []
    for i, (x0, x1, text) in enumerate(glyphs):
        if i not in over:
            out.append((x0, x1, [*pending, text]))
            pending = []
        elif forward or not out:
            pending.append(text)
        else:
            out[-1][2].append(text)
    if pending:  # marks of a letter in another piece of the line: where they lie
        out.append((glyphs[-1][0], glyphs[-1][0], pending))
    return out


def _is_mark(text: str) -> bool:
    return unicodedata.category(text[:1]) in ("Mn", "Me")


def _beside(a: _Piece, b: _Piece) -> bool:
    """Whether `b` lies on `a`'s baseline (overlapping by half the lower height), under a line height from it."""
    height = min(a.y1 - a.y0, b.y1 - b.y0)
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    if height <= 0 or overlap < 0.5 * height:
        return False
    return max(a.x0, b.x0) - min(a.x1, b.x1) < _PIECE_GAP * max(a.y1 - a.y0, b.y1 - b.y0)


def _bound_decompression(pdftypes: ModuleType) -> None:
    """Make pdfminer.six's stream decoding stop at STREAM_LIMIT bytes: a stream past it decodes to nothing (and is
    counted in `troubles`). Its Flate, LZW and RunLength decoders are the names pdftypes calls them by."""
    if getattr(pdftypes, "_synthocr_bounded", False):
        return
    for name in ("zlib", "decompress_corrupted", "lzwdecode", "rldecode"):
        if not hasattr(pdftypes, name):  # a pdfminer.six whose decoding is not where it was: not safe to use
            raise MissingExtra("PDF corpus files", "pdf", f"pdfminer.six has no pdftypes.{name} to bound")
    bounded = {
        "zlib": SimpleNamespace(decompress=_inflate, decompressobj=zlib.decompressobj, error=zlib.error),
        "decompress_corrupted": _inflate_corrupted,
        "lzwdecode": _lzw,
        "rldecode": _run_length,
        "_synthocr_bounded": True,
    }
    for name, value in bounded.items():
        setattr(pdftypes, name, value)


def _too_large(kind: str) -> bytes:
    """Nothing, for a stream past STREAM_LIMIT (logged, and counted for pdf_text.py's message)."""
    log.warning("a %s stream of the PDF inflates past %d MiB (a PDF bomb?): skipped", kind, STREAM_LIMIT >> 20)
    _count("skipped_streams", 1)
    return b""


def _count(trouble: str, n: int) -> None:
    """Add n to one of the Troubles of the PDF being read."""
    seen = troubles.get()
    if seen is not None and n:
        setattr(seen, trouble, getattr(seen, trouble) + n)


def _inflate(data: bytes) -> bytes:
    """zlib.decompress, stopping at STREAM_LIMIT bytes; zlib.error for data that is not zlib's (as zlib.decompress)."""
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, STREAM_LIMIT + 1)
    if len(out) > STREAM_LIMIT:
        return _too_large("Flate")
    if not inflater.eof:
        raise zlib.error("incomplete or truncated stream")
    return out


def _inflate_corrupted(data: bytes) -> bytes:
    """What a damaged zlib stream (a bad checksum, cut short) gives before the damage, at most STREAM_LIMIT bytes
    (pdfminer.six's own decompress_corrupted inflates it a byte at a time)."""
    inflater = zlib.decompressobj()
    out = bytearray()
    try:
        for at in range(0, len(data), 1 << 16):
            out += inflater.decompress(data[at : at + (1 << 16)], STREAM_LIMIT + 1 - len(out))
            if len(out) > STREAM_LIMIT:
                return _too_large("Flate")
            if inflater.eof:
                break
    except zlib.error:
        if not out:
            raise
    return bytes(out)


def _lzw(data: bytes) -> bytes:
    """pdfminer.six's LZW decoding, stopping at STREAM_LIMIT bytes."""
    from pdfminer.lzw import LZWDecoder

    out = bytearray()
    for chunk in LZWDecoder(io.BytesIO(data)).run():
        out += chunk
        if len(out) > STREAM_LIMIT:
            return _too_large("LZW")
    return bytes(out)


def _run_length(data: bytes) -> bytes:
    """RunLength decoding (PDF 1.7, 7.4.5): a length byte under 128 copies that many plus one bytes, one over 128
    repeats the next byte 257 minus it times, 128 ends; at most STREAM_LIMIT bytes."""
    out = bytearray()
    at = 0
    while at < len(data) and data[at] != 128:
        length = data[at]
        if length < 128:
            out += data[at + 1 : at + 2 + length]
            at += 2 + length
        else:
            out += data[at + 1 : at + 2] * (257 - length)
            at += 2
        if len(out) > STREAM_LIMIT:
            return _too_large("RunLength")
    return bytes(out)
