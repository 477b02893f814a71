"""Text layout: a line shaped run by run by HarfBuzz, its glyph bitmaps placed, its characters' boxes.

Each run of the line (one direction, one script, in visual order) is shaped as a whole
(renderer/shaping.py), and every glyph's bitmap (renderer/glyphs.py) is stamped where
Pillow's `draw.text` of the whole line would put it: at the pen position plus HarfBuzz's
offset, rounded to whole pixels.

Text styles (renderer/linestyle.py) act on HarfBuzz's positions, so the label's boxes
move with the glyphs: `glyph_overlap_intensity` pulls clusters together and
`letter_spacing` (tracking) pushes them apart, both only between HarfBuzz clusters, never
between the glyphs inside one (a ligature, a letter and its marks); overlap never pulls
two joined letters of a cursive script together, nor two letters by more than half the narrower one's
advance (an l or an alef is never drawn inside its neighbour), and tracking is not applied inside
cursive runs at all (Arabic keeps its joins and its even spacing: no kashida is
inserted), nor inside Devanagari, Bengali and Gurmukhi runs, whose headline joins
the letters of a word. `word_spacing` widens (or narrows) the advance of whitespace characters.
However tight the spacing, a word gap keeps at least half its natural advance, from the furthest
pen of the word before it to the word after: the label's spaces stay visible. An
emphasised run of words is drawn from FreeType-emboldened outlines (its advances grow by
the same amount outside cursive scripts, along the line in either direction, so bold glyphs keep
their plain gaps), slanted as FreeType's synthetic oblique slants them when it is italic (advances
unchanged), into its own list of stamps, for another ink.
Underline and strikethrough rules are drawn as filled rectangles from the font's own
metrics (post and OS/2 tables), spanning the words' boxes; they are ink of the line
but not characters of the label.

In a `ttb-mixed` line, and in any vertical line of a script written with its letters turned sideways
(Mongolian, Phags-pa), runs of horizontal scripts are shaped as horizontal lines and turned 90 degrees
clockwise, glyph bitmap by glyph bitmap (transposed, not resampled). Right-to-left runs too: the column's runs
follow the bidi order of a left-to-right line, so an Arabic run is joined and reads from the bottom up.
With `combine_upright` (a row's `combine_upright_digits`), short runs of digits of a vertical line set upright in
the column stand side by side in one em (tate-chu-yoko, renderer/upright.py), each digit boxed in its share of
the em square.

The label's characters are the extended grapheme clusters of the logical text. A
HarfBuzz cluster that covers several of them (a ligature, a conjunct) is cut along its
advance at the font's ligature carets (GDEF) when it has them for that glyph, else into
equal parts (carets that leave a character less than a quarter of an equal part do not fit the glyph and
are not used). A HarfBuzz cluster drawn only by empty glyphs with no advance (a font's lam-alef drawn as the
lam's glyph and an empty one) is boxed with the cluster before it in its word, as a ligature. A grapheme
made only of default-ignorable characters (a joiner, a bidi
mark) joins the character before it in its word (or the one after it, at a word's start).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, NamedTuple

import regex
from PIL import Image

from synthocr.errors import describe_char
from synthocr.glyph_coverage import draws
from synthocr.renderer.bidi import Run
from synthocr.renderer.glyphs import turn_glyph
from synthocr.renderer.limits import RowLimitError
from synthocr.renderer.linestyle import LineStyle, Rule
from synthocr.renderer.shaping import (
    CURSIVE_SCRIPTS,
    UNSAFE_TO_BREAK,
    UNTRACKED_SCRIPTS,
    UPRIGHT_SCRIPTS,
    SizedFont,
    line_runs,
    shape_run,
)
from synthocr.renderer.upright import UNIT, combined_cell, combined_spans, cut_runs
from synthocr.schemas.params import VERTICAL_DIRECTIONS

MARGIN = 3  # pixels of canvas around the text's bounds
# Scripts written in columns with their letters turned sideways (Mongolian, Phags-pa): in a vertical line their
# runs are turned as ttb-mixed turns Latin, not HarfBuzz's upright vertical stack (which their fonts' metrics make
# a pile of letters on one spot).
_SIDEWAYS = regex.compile(r"[\p{Script=Mongolian}\p{Script=Phags_Pa}]")
_GRAPHEME = regex.compile(r"\X")
_IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}+")
_ANY_IGNORABLE = regex.compile(r"\p{Default_Ignorable_Code_Point}")
_WORD = regex.compile(r"\S+")


class Box(NamedTuple):
    """An axis-aligned rectangle in layout pixels: x0, y0 (top-left), x1, y1 (bottom-right).

    (A named tuple, not a dataclass: a line makes dozens, and tuples are cheap to make.)
    """

    x0: float
    y0: float
    x1: float
    y1: float

    def union(self, other: Box) -> Box:
        return Box(min(self.x0, other.x0), min(self.y0, other.y0), max(self.x1, other.x1), max(self.y1, other.y1))

    def shift(self, dx: float, dy: float) -> Box:
        return Box(self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy)


class Cluster(NamedTuple):
    """A character of the label: logical text range [start, stop) and its box (advance cell joined with its ink)."""

    start: int
    stop: int
    box: Box


# A named tuple from its fields as one tuple, without the Python-level __new__ of NamedTuple classes:
# a line makes a few boxes per character.
_new_tuple = tuple.__new__

# A glyph bitmap: core image ("L" coverage), x0, y0, x1, y1 in whole pixels.
Stamp = tuple[object, int, int, int, int]


@dataclass(frozen=True)
class Layout:
    """A laid-out line: characters in logical order (whitespace included), words, the whole line's
    box (all on a canvas of `size`), and the glyph bitmaps to stamp, in drawing order."""

    text: str
    clusters: tuple[Cluster, ...]
    words: tuple[tuple[int, int, Box], ...]  # logical [start, stop) and box
    line: Box
    edges: tuple[float, ...]  # x (or y for vertical text) of character boundaries along the line
    size: tuple[int, int]  # of the canvas: the line's bounds and MARGIN around them
    stamps: tuple[Stamp, ...]  # glyph bitmaps (and rules), placed relative to the pen's start on the baseline
    origin: tuple[int, int]  # where that start lies on the canvas
    accent: tuple[Stamp, ...] = ()  # glyphs of an emphasised run of words, drawn in the accent ink


# What a line's HarfBuzz cluster covers, gathered glyph by glyph: its advance along the line (lo, hi;
# pixels), the bounds of its ink in whole pixels (x0, y0, x1, y1; INF when it has none), whether its run
# is right to left, how many of its glyphs advance, the glyph id of the last one that does, the font
# drawing it, and for a digit combined upright in a column its share of the em square across the column (x0, x1
# pixels; None for any other cluster). (A list, updated in place: one per character of every line.)
_LO, _HI, _X0, _Y0, _X1, _Y1, _RTL, _N, _GID, _FONT, _CELL = range(11)
Cover = list[Any]
INF = math.inf
_MISSING: Any = object()  # Any: a cache lookup's result is then typed by the hit


class _Spacing(NamedTuple):
    """A line's spacing and emphasis in 26.6 units, as `_place` uses them."""

    squeeze: int  # removed between clusters that do not join
    track: int  # added between clusters outside cursive and headline runs (UNTRACKED_SCRIPTS)
    word: int  # added to each whitespace character's advance
    emphasis: tuple[int, int]  # logical [start, stop) of the emphasised run (empty: none)
    bold: int  # outline growth of the emphasised run's glyphs
    italic: bool  # the emphasised run's outlines slanted (synthetic oblique)


def layout_line(
    text: str,
    direction: str,
    font: SizedFont,
    style: LineStyle | float,
    language: str = "",
    fallbacks: tuple[SizedFont, ...] = (),
    combine_upright: int = 0,
) -> Layout:
    """Lay out one line of text.

    Args:
        direction: "ltr" or "rtl" (paragraph direction, bidi runs inside), "ttb" (vertical, upright) or
            "ttb-mixed" (vertical, runs of horizontal scripts turned sideways).
        font: the font at the line's pixel size.
        style: the line's text styles (a number: only the overlap, as a fraction of the font size).
        language: BCP 47 tag the text is shaped for (the font's forms for it); "" for none.
        fallbacks: fonts, in order of preference, for the characters `font` lacks (the row's `fallback_fonts`):
            each grapheme cluster is drawn by the first of `font` and these that draws all of it.
        combine_upright: in a vertical line, runs of up to this many ASCII digits set upright side by side in one
            em (tate-chu-yoko; the row's `combine_upright_digits`); 0: none. Not in a column of Mongolian or
            Phags-pa, whose letters are turned.
    """
    if not isinstance(style, LineStyle):
        style = LineStyle(overlap=float(style))
    vertical = direction in VERTICAL_DIRECTIONS
    unit = font.size * 64
    emphasis = _emphasis_span(text, style)
    spacing = _Spacing(
        round(style.overlap * unit),
        round(style.tracking * unit),
        round(style.word_spacing * unit),
        emphasis,
        round(style.emphasis.bold * unit) if style.emphasis is not None and emphasis[1] > emphasis[0] else 0,
        style.emphasis is not None and style.emphasis.italic and emphasis[1] > emphasis[0],
    )
    # A column of Mongolian or Phags-pa has its letters turned, and so every horizontal run in it, as ttb-mixed.
    sideways = vertical and _SIDEWAYS.search(text) is not None
    mixed = direction == "ttb-mixed" or sideways
    # The runs of a mixed column follow each other as the bidi algorithm orders them in a left-to-right line (its
    # top is the line's start), so that a turned right-to-left run is its horizontal line turned, read bottom up.
    runs = line_runs(text, "ltr" if mixed else "ttb" if vertical else direction)
    font_runs = _font_runs(text, runs, (font, *fallbacks)) if fallbacks else [(run, font) for run in runs]
    cells: frozenset[int] = frozenset()
    if vertical and combine_upright > 0 and not sideways:
        spans = combined_spans(text, combine_upright)
        if spans:  # each combined run apart; in a mixed column, only among runs set upright
            turned = frozenset(run.start for run, _ in font_runs if mixed and _turns(run))
            font_runs, cells = cut_runs(font_runs, spans, turned)
    stamps, accent, covers = _place(text, font_runs, spacing, vertical, language, mixed, cells)
    _join_empty(text, covers)
    if vertical:
        half = (font.ascender + font.descender) / 2
        cross = (-half, half)  # the column, centred on the glyphs' vertical origin line
    else:
        cross = (-font.ascender, font.descender)
    boxes = _cluster_boxes(_entries(text), covers, cross, vertical)
    if style.rules and boxes:
        stamps.extend(_rules(font, text, boxes, style.rules, cross, vertical))
    if style.halo != (0, 0, 0, 0):
        # A character's box reaches as far as its stroke and shadow do (they are its ink).
        gl, gt, gr, gb = style.halo
        boxes = [(s, e, Box(b.x0 - gl, b.y0 - gt, b.x1 + gr, b.y1 + gb)) for s, e, b in boxes]
    ink = stamps + accent
    if boxes:
        x0s, y0s, x1s, y1s = zip(*(b for _, _, b in boxes))
        bx0, by0, bx1, by1 = min(x0s), min(y0s), max(x1s), max(y1s)
    else:  # no character: an empty line at the origin
        x0s = y0s = x1s = y1s = ()
        bx0, by0, bx1, by1 = (cross[0], 0.0, cross[1], 0.0) if vertical else (0.0, cross[0], 0.0, cross[1])
    if ink:  # ink of no character (of a left-out joiner, a rule) stays inside the line all the same,
        # with the reach of the stroke and shadow drawn around it
        hl, ht, hr, hb = style.halo
        _, sx0, sy0, sx1, sy1 = zip(*ink)
        bx0, by0 = min(bx0, min(sx0) - hl), min(by0, min(sy0) - ht)
        bx1, by1 = max(bx1, max(sx1) + hr), max(by1, max(sy1) + hb)
    dx, dy = MARGIN - math.floor(bx0), MARGIN - math.floor(by0)
    width, height = math.ceil(bx1 + dx) + MARGIN, math.ceil(by1 + dy) + MARGIN
    fdx, fdy = float(dx), float(dy)  # plain floats: numpy scalars would make every coordinate slower
    clusters = tuple(
        _new_tuple(Cluster, (s, e, _new_tuple(Box, (b[0] + fdx, b[1] + fdy, b[2] + fdx, b[3] + fdy))))
        for s, e, b in boxes
    )
    edges = sorted({v + fdy for v in y0s + y1s} if vertical else {v + fdx for v in x0s + x1s})
    # The line's box keeps a pixel of room so resampled edge pixels of the ink stay inside it.
    line = Box(bx0 - 1 + fdx, by0 - 1 + fdy, bx1 + 1 + fdx, by1 + 1 + fdy)
    return Layout(
        text,
        clusters,
        _words(text, clusters),
        line,
        tuple(edges),
        (width, height),
        tuple(stamps),
        (dx, dy),
        tuple(accent),
    )


def _emphasis_span(text: str, style: LineStyle) -> tuple[int, int]:
    """Logical [start, stop) of the line's emphasised run of words ((0, 0): none)."""
    e = style.emphasis
    if e is None or e.words <= 0:
        return (0, 0)
    spans = [m.span() for m in _WORD.finditer(text)]
    if not spans:
        return (0, 0)
    n = len(spans)
    first = max(0, min(int(e.start * n), n - e.words))
    last = min(n, first + e.words) - 1
    return (spans[first][0], spans[last][1])


def _font_runs(text: str, runs: list[Run], fonts: tuple[SizedFont, ...]) -> list[tuple[Run, SizedFont]]:
    """The line's runs cut where the font drawing them changes, each with its font, in visual order: every
    grapheme cluster is drawn by the first of `fonts` (the row's font, then its fallback fonts) that draws
    all of it, as the planner chose them (renderer/shaping.py FontFile.drawn)."""
    which = [0] * len(text)
    for m in _GRAPHEME.finditer(text):
        cluster = m.group()
        k = next((i for i, f in enumerate(fonts) if draws(f.file.drawn, cluster)), 0)
        if k:
            which[m.start() : m.end()] = [k] * (m.end() - m.start())
    out: list[tuple[Run, SizedFont]] = []
    for run in runs:
        pieces = []
        start = run.start
        for i in range(run.start + 1, run.stop + 1):
            if i == run.stop or which[i] != which[start]:
                pieces.append((run._replace(start=start, stop=i), fonts[which[start]]))
                start = i
        out.extend(reversed(pieces) if run.rtl else pieces)
    return out


def _place(
    text: str,
    runs: list[tuple[Run, SizedFont]],
    spacing: _Spacing,
    vertical: bool,
    language: str = "",
    mixed: bool = False,
    cells: frozenset[int] = frozenset(),
) -> tuple[list[Stamp], list[Stamp], dict[int, Cover | None]]:
    """Glyph bitmaps of every run (each in its font) at HarfBuzz's positions (those of the emphasised run apart), and what
    each cluster covers, by the logical start of the cluster (the end of the line and the run starts are
    keys too).

    Runs follow each other left to right, or top to bottom for vertical text (HarfBuzz's vertical
    shaping: vert/vrt2 forms, vertical advances, every glyph upright and centred on the column;
    along-line values are then y pixels, downwards). Between clusters that are not joined the pen
    moves back by `spacing.squeeze`, and between clusters of a run whose script takes tracking (not cursive, no
    headline) it moves on by
    `spacing.track` (26.6 units). A run starting at one of `cells` is a run of digits combined upright in one em
    of the column (renderer/upright.py): one cluster to the spacing, its digits side by side.
    """
    codepoints = list(map(ord, text))
    stamps: list[Stamp] = []
    accent: list[Stamp] = []
    covers: dict[int, Cover | None] = {len(text): None}
    pen_x = pen_y = 0  # 26.6, y up: HarfBuzz's vertical advances are negative
    squeeze, track, word = spacing.squeeze, spacing.track, spacing.word
    spaced = bool(squeeze or track)
    # Whitespace clusters. Spacing must not close a word gap the label keeps: from the end of the cluster
    # before a run of them to the start of the cluster after, at least half their natural advance stays.
    spaces = frozenset(i for i, ch in enumerate(text) if ch.isspace()) if (word or spaced) else frozenset()
    gap_from = 0  # furthest along-line pen (26.6) reached before the current whitespace run
    reach = -(1 << 40)  # furthest along-line pen reached so far
    gap_natural = 0  # the natural advance of that run's whitespace glyphs
    emph_lo, emph_hi = spacing.emphasis
    bold, italic = spacing.bold, spacing.italic
    last_cluster = -1
    last_flags = 0
    cover: Cover = []
    for run, font in runs:
        glyph, cached, glyph_key = font.glyph, font.cached, font.glyph_key
        covers.setdefault(run.start, None)
        rtl = run.rtl
        cursive = run.script in CURSIVE_SCRIPTS
        tracked = run.script not in UNTRACKED_SCRIPTS
        run_start = True
        # In a mixed vertical line, a run of a horizontal script is shaped as a horizontal line and turned; a run
        # of digits combined upright is shaped as a horizontal line and set across one em of the column.
        combined = run.start in cells
        turned = mixed and not combined and _turns(run)
        x_scale = UNIT
        if combined:
            cell = combined_cell(font, codepoints, run, language)
            shaped, x_scale = cell.glyphs, cell.x_scale
        else:
            shaped = shape_run(font, codepoints, run, vertical and not turned, language)
            if turned:
                shaped = _turned_glyphs(shaped, font)
        narrowed = x_scale != UNIT  # its glyphs' outlines narrowed to fit the em
        # Per glyph, so written for speed.
        for gid, cluster, x_advance, y_advance, x_offset, y_offset, flags in shaped:
            if not gid:  # .notdef: the font lacks the character (a plan edited by hand; the planner checks)
                raise _missing_glyph(font, text, cluster)
            if cluster != last_cluster:
                blank = ends_gap = False
                if spaces:
                    pen_along = -pen_y if vertical else pen_x
                    if pen_along > reach:  # squeezed clusters can end short of an earlier one
                        reach = pen_along
                    blank = cluster in spaces
                    ends_gap = not blank and last_cluster in spaces  # the first cluster after a word gap
                    if blank and last_cluster not in spaces:
                        gap_from, gap_natural = reach, 0
                if (spaced or ends_gap) and last_cluster >= 0 and (run_start or not combined):
                    gap = 0
                    # The logically later of the two clusters says whether it joins the other.
                    if squeeze and not (cursive and not run_start and (last_flags if rtl else flags) & UNSAFE_TO_BREAK):
                        # At most half the advance of the narrower of the two clusters (the one before, and
                        # this one's first glyph unless it has none, a mark drawn first): a narrow letter (l, i,
                        # an alef) is not drawn inside its neighbour however strong the overlap.
                        before = int((cover[_HI] - cover[_LO]) * 64)
                        first = -y_advance if vertical else x_advance
                        # (in whole pixels: the ink's rounding stays)
                        gap -= min(squeeze, ((min(before, first) if first > 0 else before) >> 1) & ~63)
                    if track and tracked:
                        gap += track
                    if ends_gap:  # keep half the gap, moving on by whole pixels (the ink's rounding stays)
                        short = (gap_natural >> 1) - (pen_along - gap_from) - gap
                        if short > 0:
                            gap += -(-short >> 6) << 6
                    if vertical:
                        pen_y -= gap
                    else:
                        pen_x += gap
                known = covers.get(cluster)
                if known is None:
                    along = (-pen_y if vertical else pen_x) / 64
                    known = covers[cluster] = [along, along, INF, INF, -INF, -INF, rtl, 0, 0, font, None]
                cover = known
                last_cluster = cluster
            run_start = False
            if spaces and cluster in spaces:
                gap_natural += -y_advance if vertical else x_advance
                if word:
                    if vertical:
                        y_advance = min(0, y_advance - word) if y_advance else 0
                    elif x_advance:
                        x_advance = max(0, x_advance + word)
            target = stamps
            emphasised = emph_lo <= cluster < emph_hi
            if emphasised:
                target = accent
                if bold and not cursive:
                    # FreeType grows the outline right and up by `bold` (its left and bottom edges stay): the
                    # advance grows by as much and the glyph keeps both side bearings; in a column the outline
                    # keeps its top bearing (the advance grows downwards) and stays centred across the column.
                    if vertical:
                        if combined:  # each digit grows up and right: moved down and left as an upright glyph
                            y_offset -= bold
                            x_offset -= bold >> 1
                        elif y_advance:
                            y_advance -= bold
                            if not turned:  # a turned glyph grows down from its top, and across to the right
                                y_offset -= bold
                            x_offset -= bold >> 1
                    elif x_advance:
                        x_advance += bold
            if x_advance or y_advance:
                if vertical:
                    lo, hi = -pen_y / 64, -(pen_y + y_advance) / 64
                else:
                    lo, hi = pen_x / 64, (pen_x + x_advance) / 64
                if lo < cover[_LO]:
                    cover[_LO] = lo
                if hi > cover[_HI]:
                    cover[_HI] = hi
                cover[_N] += 1
                cover[_GID] = gid
            if narrowed:  # drawn where it falls between whole pixels, as its run was scaled (not rounded to one)
                at = pen_x + x_offset
                bitmap = font.styled_glyph(
                    gid, bold if emphasised else 0, italic and emphasised, x_scale, at - (((at + 32) >> 6) << 6)
                )
            elif emphasised and (bold or italic):
                bitmap = font.styled_glyph(gid, bold, italic)
                if turned and bitmap is not None:
                    bitmap = turn_glyph(bitmap)
            elif turned:
                bitmap = font.turned_glyph(gid)
            else:
                bitmap = cached.get((glyph_key, gid), _MISSING)
                if bitmap is _MISSING:
                    bitmap = glyph(gid)
            if bitmap is not None:
                core, left, top, w, h = bitmap
                # Whole pixels, rounded as FreeType's PIXEL() and Pillow round them (floor of v + 1/2).
                x = ((pen_x + x_offset + 32) >> 6) + left
                y = -((pen_y + y_offset + 32) >> 6) - top
                target.append((core, x, y, x + w, y + h))
                if x < cover[_X0]:
                    cover[_X0] = x
                if y < cover[_Y0]:
                    cover[_Y0] = y
                if x + w > cover[_X1]:
                    cover[_X1] = x + w
                if y + h > cover[_Y1]:
                    cover[_Y1] = y + h
            pen_x += x_advance
            pen_y += y_advance
            last_flags = flags
        if combined:  # the cell takes one em down the column (and the growth of bold outlines); its digits share it
            lo = -pen_y / 64
            pen_y -= font.em + (bold if bold and emph_lo <= run.start < emph_hi else 0)
            for c, share in cell.across.items():
                cover = covers[c]  # type: ignore[assignment]
                cover[_LO], cover[_HI], cover[_N], cover[_CELL] = lo, -pen_y / 64, 1, share
    return stamps, accent, covers


def _turns(run: Run) -> bool:
    """Whether a run of a mixed vertical line is turned sideways: a horizontal script's, of either direction.

    A right-to-left run (Arabic, Hebrew) is turned too, as CSS's text-orientation: mixed turns every
    character whose Vertical_Orientation is R (UAX #50): its horizontal line, joined, turned clockwise, so
    it reads from the bottom up, its place among the other runs given by the bidi algorithm."""
    return run.script not in UPRIGHT_SCRIPTS


def _turned_glyphs(
    shaped: list[tuple[int, int, int, int, int, int, int]], font: SizedFont
) -> list[tuple[int, int, int, int, int, int, int]]:
    """Horizontally shaped glyphs as a column's: the horizontal advance runs down the column, the glyphs' up
    points right, and the run's em box is centred on the column (in whole pixels). The along-line offset is
    moved by 1/64 px so that the column's rounding of it, -((-v + 32) >> 6), equals the line's, (v + 32) >> 6,
    at exact half pixels too."""
    across = round(-(font.ascender - font.descender) / 2) * 64
    return [(g, c, 0, -xa, yo + across, -xo - 1, f) for g, c, xa, _, xo, yo, f in shaped]


def _missing_glyph(font: SizedFont, text: str, cluster: int) -> RowLimitError:
    """The error for a character the font has no glyph for: drawn, it would be a missing-glyph box."""
    cluster_text = regex.match(r"\X", text[cluster:]).group()
    missing = next((c for c in cluster_text if not font.hb.get_nominal_glyph(ord(c))), cluster_text[0])
    return RowLimitError(
        f"font {font.file.name} has no glyph for {describe_char(missing)} in {text!r}: it would be drawn as "
        "a missing-glyph box. The planner gives a row only a font that covers its text, so the plan's text or "
        "font was changed: give the row a font that has the character, or plan it again"
    )


def _rules(
    font: SizedFont,
    text: str,
    boxes: list[tuple[int, int, Box]],
    rules: tuple[Rule, ...],
    cross: tuple[float, float],
    vertical: bool,
) -> list[Stamp]:
    """Filled rectangles of the underline and strikethrough rules, along the words' boxes (each word's, or
    the first word's start to the last word's end), across the line at the font's positions."""
    words: list[tuple[float, float]] = []  # along-line extent of each word, in logical order
    open_word = False
    for s, e, b in boxes:
        if not text[s:e].strip():
            open_word = False
            continue
        lo, hi = (b.y0, b.y1) if vertical else (b.x0, b.x1)
        if open_word:
            words[-1] = (min(words[-1][0], lo), max(words[-1][1], hi))
        else:
            words.append((lo, hi))
            open_word = True
    if not words:
        return []
    whole = [(min(w[0] for w in words), max(w[1] for w in words))]
    out: list[Stamp] = []
    size = font.size
    for rule in rules:
        top, thickness = font.underline if rule.kind == "underline" else font.strikeout
        t = max(1, round(thickness * rule.thickness))
        if vertical:  # right of the column for an underline, through its middle for a strikethrough
            centre = cross[1] - t / 2 + rule.gap * size if rule.kind == "underline" else 0.0
        else:
            centre = top + thickness / 2 + (rule.gap * size if rule.kind == "underline" else 0.0)
        c0 = math.floor(centre - t / 2 + 0.5)
        for lo, hi in words if rule.per_word else whole:
            a0, a1 = math.floor(lo), max(math.floor(lo) + 1, math.ceil(hi))
            x0, y0, x1, y1 = (c0, a0, c0 + t, a1) if vertical else (a0, c0, a1, c0 + t)
            out.append((_solid(x1 - x0, y1 - y0), x0, y0, x1, y1))
    return out


def _solid(width: int, height: int) -> object:
    """A fully inked "L" core image of `width` x `height` pixels (a rule's stamp)."""
    return Image.new("L", (width, height), 255).im


@functools.cache  # a few thousand distinct characters at most
def _alone(ch: str) -> bool:
    """Whether `ch` is an extended grapheme cluster by itself wherever it stands, and not default-ignorable.

    A character whose Grapheme_Cluster_Break is Other breaks from both neighbours unless one of them
    is not Other (an Extend or SpacingMark, a ZWJ, a Prepend, Hangul jamo, a regional indicator, CR,
    LF, a control: UAX #29's rules GB3-GB13 all need one), so a line of them only is one cluster each.
    """
    return _OTHER.fullmatch(ch) is not None and _ANY_IGNORABLE.match(ch) is None


_OTHER = regex.compile(r"\p{Grapheme_Cluster_Break=Other}")

# A character of the label before boxing: logical [start, stop) and whether it is whitespace
# (None: left out, a default-ignorable with no character of its word to join).
_Entry = tuple[int, int, "bool | None"]


def _entries(text: str) -> list[_Entry]:
    """The line cut into extended grapheme clusters, in logical order, each default-ignorable one
    merged into the character before it in its word, or else the one after it."""
    if all(map(_alone, text)):  # every character a cluster of its own (most lines): no segmentation pass
        return [(i, i + 1, not ch.strip()) for i, ch in enumerate(text)]
    graphemes = [m.span() for m in _GRAPHEME.finditer(text)]
    if len(graphemes) == len(text) and not _ANY_IGNORABLE.search(text):  # one code point each (most lines)
        return [(s, e, not text[s].strip()) for s, e in graphemes]
    ignorable = [bool(_IGNORABLE.fullmatch(text, s, e)) for s, e in graphemes]
    out: list[_Entry] = []
    pending = -1  # start of ignorables waiting for the character after them
    for i, (s, e) in enumerate(graphemes):
        if ignorable[i]:
            if out and out[-1][2] is False and out[-1][1] == s:
                out[-1] = (out[-1][0], e, False)
                continue
            nxt = i + 1
            if nxt < len(graphemes) and not ignorable[nxt] and text[graphemes[nxt][0] : graphemes[nxt][1]].strip():
                pending = s if pending < 0 else pending
            else:
                out.append((pending if pending >= 0 else s, e, None))
                pending = -1
            continue
        if pending >= 0:
            s, pending = pending, -1
        cut = s + len(text[s:e]) - len(text[s:e].lstrip())
        if s < cut < e:  # a mark with no base after a space is in the space's cluster: the space stays apart
            out.append((s, cut, True))
            s = cut
            if _IGNORABLE.fullmatch(text, s, e):  # a joiner after a space (Persian's ZWNJ): as an ignorable one
                nxt = i + 1
                if nxt < len(graphemes) and not ignorable[nxt] and text[graphemes[nxt][0] : graphemes[nxt][1]].strip():
                    pending = s
                else:
                    out.append((s, e, None))
                continue
        body = len(text[s:e].rstrip())
        if 0 < body < e - s:  # a prepended character before a space is in its cluster (UAX #29): the space apart
            out.append((s, s + body, False))
            s += body
        out.append((s, e, not text[s:e].strip()))
    return out


def _join_empty(text: str, covers: dict[int, Cover | None]) -> None:
    """Drop (in place) the cover of every HarfBuzz cluster drawn by glyphs with no ink and no advance whose
    first character is a letter (not whitespace nor default-ignorable) and whose cluster before it is one too:
    its characters are then boxed with that cluster's, as a ligature's characters are.

    Some fonts draw a ligature as a glyph for the whole followed by empty glyphs, one per other character,
    each a cluster of its own (PakType's and some FreeFarsi fonts' lam-alef: the lam's glyph draws both,
    the alef's is empty); Noto Nastaliq Urdu draws a tatweel as an empty glyph. Such a character had a box
    of no width and no ink; it now shares the advance of the glyph that draws it."""
    empty = [k for k, c in covers.items() if c is not None and not c[_N] and c[_X0] == INF]
    if not empty:  # most lines
        return
    starts = sorted(covers)
    for k in empty:
        i = starts.index(k)
        if i == 0 or not text[k].strip() or _ANY_IGNORABLE.match(text[k]) is not None:
            continue
        before = starts[i - 1]
        if covers.get(before) is not None and text[before].strip():
            del covers[k]


def _cluster_boxes(
    entries: list[_Entry],
    covers: dict[int, Cover | None],
    cross: tuple[float, float],
    vertical: bool,
) -> list[tuple[int, int, Box]]:
    """(start, stop, box) of every kept entry, in logical order.

    Entries and HarfBuzz clusters are grouped into units, the smallest logical ranges whose
    ends are boundaries of both; what the unit's clusters cover gives its entries' boxes.
    """
    out: list[tuple[int, int, Box]] = []
    starts = sorted(covers)  # cluster starts, run starts and the end of the line
    c0, c1 = cross
    if not vertical and len(starts) == len(entries) + 1 and all(s == e[0] for s, e in zip(starts, entries)):
        # One cluster per character (most lines): each box is its cell joined with its ink.
        for (s, e, space), cover in zip(entries, map(covers.__getitem__, starts)):
            if space is None or cover is None:
                continue
            lo, hi, x0, y0, x1, y1 = cover[0], cover[1], cover[2], cover[3], cover[4], cover[5]
            if x0 == INF:
                out.append((s, e, _new_tuple(Box, (lo, c0, hi, c1))))
            else:
                out.append(
                    (
                        s,
                        e,
                        _new_tuple(
                            Box,
                            (
                                lo if lo < x0 else x0,
                                c0 if c0 < y0 else y0,
                                hi if hi > x1 else x1,
                                c1 if c1 > y1 else y1,
                            ),
                        ),
                    )
                )
        return out
    entry_starts = {s for s, _, _ in entries}
    entry_starts.add(starts[-1])
    bounds = [s for s in starts if s in entry_starts]
    i = k = 0  # next cluster start, next entry
    for u0, u1 in zip(bounds, bounds[1:]):
        first = i
        while starts[i] < u1:
            i += 1
        unit = covers[u0] if i == first + 1 else _gather([covers[starts[m]] for m in range(first, i)])
        members = []
        while k < len(entries) and entries[k][0] < u1:
            members.append(entries[k])
            k += 1
        kept = [m for m in members if m[2] is not None]
        if not kept or unit is None:
            continue
        lo, hi, x0, y0, x1, y1 = unit[:6]
        cell = unit[_CELL]  # a digit combined upright: its share of the em square, not the column, across
        ca, cb = (c0, c1) if cell is None else cell
        if x0 != INF:
            if vertical:
                lo_all, hi_all, a, b = min(lo, y0), max(hi, y1), min(ca, x0), max(cb, x1)
            else:
                lo_all, hi_all, a, b = min(lo, x0), max(hi, x1), min(c0, y0), max(c1, y1)
        else:
            lo_all, hi_all, a, b = lo, hi, ca, cb
        if len(kept) == 1:
            s, e, _ = kept[0]
            out.append((s, e, Box(a, lo_all, b, hi_all) if vertical else Box(lo_all, a, hi_all, b)))
            continue
        if cell is not None:  # digits drawn by one glyph (a font's ligature): its share cut across in equal parts
            n = len(kept)
            out.extend(
                (s, e, Box(a + k * (b - a) / n, lo_all, a + (k + 1) * (b - a) / n, hi_all))
                for k, (s, e, _) in enumerate(kept)
            )
            continue
        out.extend(_split(kept, unit, (lo_all, hi_all), (a, b), vertical))
    return out


def _gather(covers: list[Cover | None]) -> Cover | None:
    """What several clusters cover together."""
    real = [c for c in covers if c is not None]
    if not real:
        return None
    drawn = [c for c in real if c[_N] or c[_X0] != INF] or real
    cells = [c[_CELL] for c in real if c[_CELL] is not None]
    return [
        min(c[_LO] for c in drawn),
        max(c[_HI] for c in drawn),
        min(c[_X0] for c in real),
        min(c[_Y0] for c in real),
        max(c[_X1] for c in real),
        max(c[_Y1] for c in real),
        drawn[0][_RTL],
        sum(c[_N] for c in real),
        drawn[-1][_GID],
        drawn[-1][_FONT],
        (min(c[0] for c in cells), max(c[1] for c in cells)) if cells else None,
    ]


def _split(
    kept: list[_Entry],
    cover: Cover,
    along: tuple[float, float],
    across: tuple[float, float],
    vertical: bool,
) -> list[tuple[int, int, Box]]:
    """Boxes of several characters drawn by one unit (a ligature, a conjunct): its advance cut at the
    font's ligature carets for its one advancing glyph where they lie inside its ink, else in equal parts; the outer parts reach
    out to the unit's ink, and every part spans the unit's ink across the line."""
    n = len(kept)
    lo, hi = cover[_LO], cover[_HI]
    fractions = cover[_FONT].caret_fractions(cover[_GID], n) if cover[_N] == 1 and not vertical else None
    inner = None if fractions is None else [lo + f * (hi - lo) for f in fractions]
    # Carets outside the glyph's ink (those of a wider style, as in Noto Sans Condensed Light's ffi) would leave
    # a character none: a caret lies at least a pixel inside it, else the parts are equal.
    if inner is None or not all(cover[_X0] + 1 <= c <= cover[_X1] - 1 for c in inner):
        inner = [lo + i / n * (hi - lo) for i in range(1, n)]
    cuts = [along[0], *inner, along[1]]
    a, b = across
    out = []
    for i, (s, e, _) in enumerate(kept):
        j = n - 1 - i if cover[_RTL] else i  # right to left: the first character is the rightmost part
        out.append((s, e, Box(a, cuts[j], b, cuts[j + 1]) if vertical else Box(cuts[j], a, cuts[j + 1], b)))
    return out


def draw_layout(
    layout: Layout,
    target: object,
    ink: int | tuple[int, ...] = 255,
    offset: tuple[int, int] = (0, 0),
    accent: int | tuple[int, ...] | None = None,
    parts: str = "all",
) -> None:
    """Stamp the line's glyphs into the core image `target` in colour `ink` (the emphasised run's in
    `accent`, when given), its canvas's origin at the whole pixels `offset`, glyph by glyph as draw.text
    draws a line. `parts`: "all", "plain" (all but the emphasised run) or "accent" (that run only)."""
    ox, oy = offset[0] + layout.origin[0], offset[1] + layout.origin[1]
    paste = target.paste  # type: ignore[attr-defined]
    if parts != "accent":
        for core, x0, y0, x1, y1 in layout.stamps:
            paste(ink, (x0 + ox, y0 + oy, x1 + ox, y1 + oy), core)
    if parts != "plain":
        colour = ink if accent is None else accent
        for core, x0, y0, x1, y1 in layout.accent:
            paste(colour, (x0 + ox, y0 + oy, x1 + ox, y1 + oy), core)


def layout_mask(layout: Layout, parts: str = "all") -> Image.Image:
    """The line's ink mask ("L", 255 = full ink) on a canvas of `layout.size` (`parts` as draw_layout's)."""
    mask = Image.new("L", layout.size, 0)
    draw_layout(layout, mask.im, parts=parts)
    return mask


def _bounds(boxes: list[Box]) -> Box:
    """The smallest box holding every box of a non-empty list."""
    x0s, y0s, x1s, y1s = zip(*boxes)
    return Box(min(x0s), min(y0s), max(x1s), max(y1s))


def _words(text: str, clusters: tuple[Cluster, ...]) -> tuple[tuple[int, int, Box], ...]:
    words = []
    current: list[Cluster] = []
    for c in (*clusters, None):
        if c is not None and text[c.start : c.stop].strip():
            current.append(c)
            continue
        if current:
            words.append((current[0].start, current[-1].stop, _bounds([w.box for w in current])))
            current = []
    return tuple(words)
