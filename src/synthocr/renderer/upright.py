"""Tate-chu-yoko (縦中横): short runs of digits set upright, side by side, in one em of a vertical line.

Japanese and Chinese vertical print sets a short number (12月7日, 第3章, 平成20年) across the column: its
digits stand upright next to each other, left to right, compressed into the em square of one character,
as CSS Writing Modes' `text-combine-upright: digits N` asks. What is combined (`combined_spans`): a
maximal run of ASCII digits 0-9, at most N of them, unless the character next to it on either side
holds it to a longer word or number: a letter of a script written sideways (Latin, Cyrillic, Greek,
Arabic...: `A4`, `4K`), another digit or number (full-width `０`, `²`, Arabic-Indic), a combining mark
or a format character (`1⃣`, a joiner), or `.` `,` `:` `/` (or their full-width forms) with a digit
beyond it (3.14, 1,000, 12:30, 12/7). Full-width digits are not combined: they stand upright one to an
em already. In a `ttb-mixed` line, only runs the column sets upright are combined (renderer/layout.py):
a number after a word of a horizontal script (iPhone 15) is turned with it, as before.

How it is drawn (`combined_cell`): the run is shaped by HarfBuzz as a horizontal line; when its advance
is over an em, with the font's half-width (`hwid`, 2 digits), third-width (`twid`, 3) or quarter-width
(`qwid`, 4) forms where HarfBuzz applies them; when still over an em, the narrowest of these is narrowed
horizontally to the em (its outlines scaled by FreeType, its advances with them). The run is centred
across the column on a whole pixel, its baseline where HarfBuzz puts an upright glyph's (the font's
vertical origin: VORG or vmtx), so a single digit lands where the column draws it upright; the cell
advances the column by one em. In the label, each digit keeps its own box: the cell's em square, cut
across between the digits at their advances.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

import regex

from synthocr.renderer.bidi import Run
from synthocr.renderer.shaping import UPRIGHT_SCRIPTS, SizedFont, shape_run
from synthocr.unicode_scripts import char_script

_DIGITS = regex.compile(r"[0-9]+")
# Between two digits these make one number of them (a decimal point, a thousands separator, a time, a date).
_NUMBER_JOINERS = frozenset(".,:/．，：／")
# The font's forms that fit n characters into an em (OpenType's half-, third- and quarter-width features).
_FIT_FEATURES = {2: ("hwid",), 3: ("twid", "hwid"), 4: ("qwid", "hwid")}
UNIT = 0x10000  # 16.16 fixed point: an unscaled glyph's x_scale

# A column glyph as renderer/layout.py's _place reads it: gid, cluster, x and y advance, x and y offset, flags
# (26.6 pixels, y up).
ColumnGlyph = tuple[int, int, int, int, int, int, int]


def combined_spans(text: str, longest: int) -> tuple[tuple[int, int], ...]:
    """Logical [start, stop) of every run of ASCII digits of `text` combined upright when runs of up to
    `longest` digits are (0: none): the runs no neighbour holds to a longer word or number."""
    if longest <= 0:
        return ()
    spans = []
    for m in _DIGITS.finditer(text):
        start, stop = m.span()
        if stop - start <= longest and not _holds(text, start - 1, -1) and not _holds(text, stop, 1):
            spans.append((start, stop))
    return tuple(spans)


def _holds(text: str, i: int, step: int) -> bool:
    """Whether text[i], next to a run of digits (on its side `step`: -1 before it, 1 after), holds the run to a
    longer word or number, so that it is not combined."""
    if not 0 <= i < len(text):
        return False
    ch = text[i]
    kind = unicodedata.category(ch)
    if kind[0] in "NM" or kind == "Cf":
        return True
    if kind[0] == "L":
        script = char_script(ch)
        return script is not None and script not in UPRIGHT_SCRIPTS
    if ch in _NUMBER_JOINERS:
        j = i + step
        return 0 <= j < len(text) and unicodedata.category(text[j]) == "Nd"
    return False


def cut_runs(
    runs: list[tuple[Run, SizedFont]], spans: tuple[tuple[int, int], ...], turned: frozenset[int]
) -> tuple[list[tuple[Run, SizedFont]], frozenset[int]]:
    """The line's runs with every combined span a run of its own, and the starts of those runs. A span is
    combined only inside one run of one font that stays upright (whose start is not in `turned`)."""
    out: list[tuple[Run, SizedFont]] = []
    kept: list[int] = []
    for run, font in runs:
        inside = [(s, e) for s, e in spans if run.start <= s and e <= run.stop]
        if not inside or run.start in turned:
            out.append((run, font))
            continue
        pieces = []
        pos = run.start
        for s, e in inside:
            if s > pos:
                pieces.append(run._replace(start=pos, stop=s))
            pieces.append(run._replace(start=s, stop=e))
            kept.append(s)
            pos = e
        if pos < run.stop:
            pieces.append(run._replace(start=pos, stop=run.stop))
        out.extend((piece, font) for piece in (reversed(pieces) if run.rtl else pieces))
    return out, frozenset(kept)


class Cell(NamedTuple):
    """A combined run laid out in its em square, relative to the column's pen at the square's top."""

    glyphs: list[ColumnGlyph]  # no advance of their own: the column moves on by one em after them
    across: dict[int, tuple[float, float]]  # cluster -> its share of the em square across the column (x pixels)
    x_scale: int  # 16.16: how much the glyphs are narrowed (UNIT: not at all)


def _advance(shaped: list[ColumnGlyph]) -> int:
    return sum(g[2] for g in shaped)


def combined_cell(font: SizedFont, codepoints: list[int], run: Run, language: str) -> Cell:
    """The glyphs of text[run.start:run.stop] (digits) set side by side in one em of the column, and each
    digit's share of the em square (see the module's docstring)."""
    em = font.em
    horizontal = run._replace(rtl=False)
    shaped = shape_run(font, codepoints, horizontal, False, language)
    width = _advance(shaped)
    if width > em:
        for feature in _FIT_FEATURES.get(run.stop - run.start, ()):
            narrow = shape_run(font, codepoints, horizontal, False, language, {feature: True})
            if _advance(narrow) < width:
                shaped, width = narrow, _advance(narrow)
            if width <= em:
                break
    x_scale = UNIT if width <= em else (em << 16) // width
    fitted = width if x_scale == UNIT else (width * x_scale) >> 16
    start = ((-(fitted >> 1) + 32) >> 6) << 6  # centred on a whole pixel, as a horizontal line starts
    top = font.hb.get_glyph_v_origin(shaped[0][0])[1]  # the baseline's distance below the em square's top
    glyphs: list[ColumnGlyph] = []
    edges: dict[int, float] = {}  # cluster -> where its advance ends (x pixels)
    pen = 0
    for gid, cluster, x_advance, _, x_offset, y_offset, _ in shaped:
        x = start + ((pen * x_scale) >> 16) + ((x_offset * x_scale) >> 16)
        glyphs.append((gid, cluster, 0, 0, x, y_offset - top, 0))
        pen += x_advance
        edges[cluster] = (start + ((pen * x_scale) >> 16)) / 64
    half = em / 128
    clusters = list(edges)
    cuts = [-half, *(edges[c] for c in clusters[:-1]), half]
    across = {c: (cuts[k], cuts[k + 1]) for k, c in enumerate(clusters)}
    return Cell(glyphs, across, x_scale)
