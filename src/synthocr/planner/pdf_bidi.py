"""Right-to-left lines of a PDF in the order they are read, from their glyphs in the order they lie (left to right).

A PDF draws Arabic and Hebrew in visual order; pdf_layout.py gives a line's glyphs left to right. Here they are
read from the right glyph by glyph (a lam-alef ligature is one glyph of two letters, kept whole, where reversing
the line's letters gives `ال`), the numbers and Latin words in them from the left: Unicode's bidirectional
algorithm run backwards, simplified (numbers and Latin words with only spaces or punctuation between them are one
left-to-right stretch, which the glyphs' order cannot tell apart from two).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Sequence

_MIRRORED = str.maketrans("()[]{}<>«»‹›", ")(][}{><»«›‹")
_CLOSING = {")": "(", "]": "[", "}": "{", ">": "<", "»": "«", "›": "‹"}


def _direction(unit: str) -> str:
    """ "R" for a glyph of a right-to-left letter, "L" of a left-to-right one, "9" of a digit, "" for the rest
    (spaces, punctuation, marks): Unicode's bidirectional classes, simplified."""
    for char in unit:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "R"
        if kind == "L":
            return "L"
        if kind in ("EN", "AN"):
            return "9"
    return ""


def logical_order(units: list[str]) -> list[str]:
    """A line's glyphs, given left to right, in the order they are read: a line of more right-to-left letters
    than left-to-right ones read from the right, with the numbers and Latin words in it read from the left;
    in a left-to-right line, each stretch of right-to-left words (and numbers among them) read from the right."""
    kinds = [_direction(unit) for unit in units]
    if "R" not in kinds:
        return units
    if kinds.count("R") > kinds.count("L"):
        return _reversed(units, kinds)
    out = list(units)
    for start, end in _stretches(kinds, {"R"}, {"R", "9", ""}):
        out[start:end] = _reversed(units[start:end], kinds[start:end])
    return out


def _reversed(units: list[str], kinds: list[str]) -> list[str]:
    """Glyphs of right-to-left text read from the right, the left-to-right stretches in it (words, numbers, and
    what lies between them) kept in their order. Brackets are mirrored where that pairs them better: a PDF's
    glyph of the `(` that opens Arabic or Hebrew text, drawn as `)`, stands for `(` in some PDFs (LibreOffice's)
    and for `)` in others."""
    span, span_kinds = units[::-1], kinds[::-1]
    for a, b in _stretches(span_kinds, {"L", "9"}, {"L", "9", ""}):
        span[a:b] = span[a:b][::-1]
    mirrored = [unit.translate(_MIRRORED) for unit in span]
    return mirrored if _unpaired("".join(mirrored)) < _unpaired("".join(span)) else span


def _unpaired(text: str) -> int:
    """How many of the brackets in `text` close one not opened or are left open."""
    depth = dict.fromkeys("([{<«‹", 0)
    unpaired = 0
    for char in text:
        if char in depth:
            depth[char] += 1
        elif char in _CLOSING:
            opening = _CLOSING[char]
            if depth[opening]:
                depth[opening] -= 1
            else:
                unpaired += 1
    return unpaired + sum(depth.values())


def _stretches(kinds: Sequence[str], ends: set[str], inside: set[str]) -> Iterator[tuple[int, int]]:
    """The stretches [start, end) of `kinds` that start and end with one of `ends`, all of `inside`, longest."""
    start = last = -1
    for i, kind in enumerate(kinds):
        if kind in ends:
            start = i if start < 0 else start
            last = i
        elif kind not in inside and start >= 0:
            yield start, last + 1
            start = -1
    if start >= 0:
        yield start, last + 1
