"""Text layout: shape a line with HarfBuzz, draw each grapheme cluster with Pillow, keep its box.

Clusters are drawn one by one at the positions HarfBuzz gives (kerning kept),
so the box of every character is known exactly and spacing can change with
`glyph_overlap_intensity`. Arabic letters are drawn with zero-width joiners on
their joined sides, so each keeps the contextual form it has in the whole word.
A cluster's coverage mask comes from a per-worker cache (ClusterMasks) and is
stamped exactly where Pillow's own `draw.text` would have put it.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import NamedTuple

import uharfbuzz as hb
from PIL import Image, ImageFont

from synthocr.renderer.bidi import Run, visual_runs

ZWJ = "\u200d"
MARGIN = 3  # pixels of canvas around the text's bounds


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
    """A grapheme cluster (or ligature) as drawn: logical text range, drawn string, pen origin and box."""

    start: int
    stop: int
    draw_text: str
    rtl: bool
    x: float  # pen origin, pixels
    y: float  # baseline, pixels
    box: Box  # advance cell joined with the ink bounds


@dataclass(frozen=True)
class Layout:
    """A laid-out line: clusters in logical order, words, the whole line's box, what to stamp where
    (in drawing order), and the ink mask when it was drawn."""

    mask: Image.Image | None  # "L", 255 = full ink, `size`; None when laid out with draw=False
    text: str
    clusters: tuple[Cluster, ...]
    words: tuple[tuple[int, int, Box], ...]  # logical [start, stop) and box
    line: Box
    edges: tuple[float, ...]  # x (or y for vertical text) of cluster boundaries along the line
    size: tuple[int, int] = (0, 0)  # of the mask's canvas: the line's bounds and MARGIN around them
    stamps: tuple[tuple[str, bool, float, float], ...] = ()  # (drawn string, rtl, x, y), visible clusters


# A cluster drawn alone: (text, rtl, x phase, y phase) -> Pillow's coverage mask (a core image) and its offset.
MaskKey = tuple[str, bool, int, int]
MaskFn = Callable[[MaskKey], tuple[object, tuple[int, int]]]


def render_cluster_mask(
    font: ImageFont.FreeTypeFont, key: MaskKey, basic_font: ImageFont.FreeTypeFont | None = None
) -> tuple[object, tuple[int, int]]:
    """What `draw.text` would compute for a cluster whose start has this sub-pixel phase (1/64 pixel).

    `basic_font` is the same font file and size with Pillow's basic layout: it draws a lone code
    point that no shaping can change (`unshaped_glyph`) at phase 0 with the same pixels and offset
    as raqm, at about a third of the cost (no bidi or HarfBuzz pass for one glyph).
    """
    text, rtl, kx, ky = key
    if basic_font is not None and kx == 0 and ky == 0 and unshaped_glyph(text):
        return basic_font.getmask2(text, "L", anchor="ls")
    return font.getmask2(text, "L", "rtl" if rtl else "ltr", anchor="ls", start=(kx / 64, ky / 64))


# Blocks whose shapers may reorder a lone character or add a dotted circle to it (Indic, Myanmar, Khmer...).
_COMPLEX_BLOCKS = ((0x0900, 0x109F), (0x1780, 0x18AF), (0x1900, 0x1AFF), (0xA800, 0xABFF))


def unshaped_glyph(text: str) -> bool:
    """Whether `text` is one code point that raqm draws as the font's plain glyph for it.

    A letter, digit, punctuation or symbol (not a mark or a format character such as a joiner),
    not mirrored in right-to-left text, not Arabic-script (contextual forms), not in a block with a
    complex shaper. tests/test_layout_speedups.py checks every built-in corpus character.
    """
    if len(text) != 1:
        return False
    cp = ord(text)
    return not (
        unicodedata.category(text)[0] not in "LNPS"
        or unicodedata.mirrored(text)
        or unicodedata.bidirectional(text) == "AL"
        or any(lo <= cp <= hi for lo, hi in _COMPLEX_BLOCKS)
    )


def _phase(v: float) -> int:
    """The 26.6 fixed-point fraction FreeType renders `v`'s fractional part at (C round, half away from 0)."""
    f = math.modf(v)[0] * 64
    return int(math.floor(abs(f) + 0.5)) * (1 if f >= 0 else -1)


def _stamp(
    target: object,
    masks: MaskFn,
    text: str,
    rtl: bool,
    x: float,
    y: float,
    ink: int | tuple[int, ...] = 255,
    offset: tuple[int, int] = (0, 0),
) -> None:
    """Draw `text` at (x, y) (anchor "ls"), moved by the whole pixels `offset`, into the core image
    `target` in colour `ink`, pixel for pixel as `ImageDraw.text` does, from the mask cache.

    Pillow renders glyphs at whole pixels: the fractional start only decides where
    each glyph origin rounds to. For one code point (one glyph) the mask drawn at a
    phase is the phase-0 mask moved one pixel right when x's phase is 32/64 or more
    (and one down when y's is 33/64 or more), so one cached mask serves every phase.
    Joiners around it change nothing here (HarfBuzz gives them no advance and no ink).
    Other clusters (a letter with marks) key on the exact 1/64 phase.
    """
    kx = int((x - int(x)) * 64 + 0.5) if x > 0 else _phase(x)  # = _phase(x), without modf for x > 0
    ky = _phase(y) if y != int(y) else 0
    shift_x = shift_y = 0
    if len(text) == 1 or len(text.strip(ZWJ)) == 1:
        shift_x, shift_y = int(kx >= 32), int(ky >= 33)
        kx = ky = 0
        if rtl and unshaped_glyph(text):
            rtl = False  # the same mask either way (see unshaped_glyph): one cache entry, not two
    core, (ox, oy) = masks((text, rtl, kx, ky))
    px, py = int(x) + ox + shift_x + offset[0], int(y) + oy + shift_y + offset[1]
    w, h = core.size  # type: ignore[attr-defined]
    target.paste(ink, (px, py, px + w, py + h), core)  # type: ignore[attr-defined]


# Properties of one character, asked for every character of every line: memoised (a few
# thousand distinct characters at most, and a dict lookup is several times cheaper).
@functools.cache
def _joins(ch: str) -> bool:
    """Whether `ch` is an Arabic-script letter (it may join its neighbours)."""
    return unicodedata.bidirectional(ch) == "AL" and unicodedata.category(ch) == "Lo"


@functools.cache
def _plain_ltr(ch: str) -> bool:
    """Whether `ch` keeps level 0 in a left-to-right paragraph, whatever its neighbours."""
    return unicodedata.bidirectional(ch) not in _NOT_PLAIN_LTR


def _draw_string(text: str, start: int, stop: int, joins: list[bool]) -> str:
    """The cluster's text, with joiners where an Arabic neighbour in the same word connects to it.

    `joins[i]` is `_joins(text[i])`.
    """
    s = text[start:stop]
    if any(joins[start:stop]):
        if start > 0 and joins[start - 1]:
            s = ZWJ + s
        if stop < len(text) and joins[stop]:
            s = s + ZWJ
    return s


InkBox = tuple[float, float, float, float]  # x0, y0, x1, y1 in font units from the pen origin, y down
INK_MARGIN = 1.0  # pixels around HarfBuzz's (unhinted) ink bounds, covering hinting and antialiasing


class ShapingFont:
    """A HarfBuzz font with what every line asks of it worked out once per font: its units per em,
    ascender and descender, and each glyph's ink bounds (HarfBuzz's glyph extents, looked up once
    per glyph instead of once per glyph drawn)."""

    __slots__ = ("hb", "upem", "ascender", "descender", "_ink")

    def __init__(self, font: hb.Font) -> None:
        self.hb = font
        self.upem: int = font.face.upem
        extents = font.get_font_extents("ltr")
        self.ascender: int = extents.ascender
        self.descender: int = extents.descender
        self._ink: dict[int, InkBox | None] = {}  # glyph id -> ink bounds at pen 0 (None: no ink)

    def ink(self, glyph: int) -> InkBox | None:
        box = self._ink.get(glyph, _NOT_LOOKED_UP)
        if box is _NOT_LOOKED_UP:
            ext = self.hb.get_glyph_extents(glyph)
            if ext is None or ext.width == 0 or ext.height == 0:
                box = None
            else:
                x, y, w, h = ext.x_bearing, -ext.y_bearing, ext.width, ext.height
                box = (min(x, x + w), min(y, y - h), max(x, x + w), max(y, y - h))
            self._ink[glyph] = box  # at most one entry per glyph of the font
        return box  # type: ignore[return-value]


_NOT_LOOKED_UP = object()


def _shape_run(
    font: ShapingFont, codepoints: list[int], start: int, stop: int, rtl: bool
) -> list[tuple[int, float, InkBox | None]]:
    """(cluster start, advance, ink bounds) in font units per cluster of one run, left to right.

    Ink bounds come from HarfBuzz's glyph extents, so no glyph is rasterised to measure it.
    """
    buf = hb.Buffer()
    buf.add_codepoints(codepoints, start, stop - start)
    buf.direction = "rtl" if rtl else "ltr"
    buf.guess_segment_properties()
    hb.shape(font.hb, buf, {})
    out: list[tuple[int, float, InkBox | None]] = []
    ink_of = font.ink
    last = -1  # the cluster of out[-1]
    # Per glyph, so written for speed. Pens and offsets are whole font units, so every sum is exact.
    for info, pos in zip(buf.glyph_infos, buf.glyph_positions):
        cluster = info.cluster
        ink = ink_of(info.codepoint)
        if cluster != last:  # a cluster's first glyph: its pen is 0
            if ink is not None and (pos.x_offset or pos.y_offset):
                dx, dy = pos.x_offset, -pos.y_offset
                ink = (ink[0] + dx, ink[1] + dy, ink[2] + dx, ink[3] + dy)
            out.append((cluster, float(pos.x_advance), ink))
            last = cluster
            continue
        _, pen, prev_ink = out[-1]  # a further glyph of the same cluster (a mark, say)
        if ink is not None:
            dx, dy = pen + pos.x_offset, -pos.y_offset
            ink = (ink[0] + dx, ink[1] + dy, ink[2] + dx, ink[3] + dy)
            if prev_ink is not None:
                ink = (
                    min(prev_ink[0], ink[0]),
                    min(prev_ink[1], ink[1]),
                    max(prev_ink[2], ink[2]),
                    max(prev_ink[3], ink[3]),
                )
        out[-1] = (cluster, pen + pos.x_advance, ink or prev_ink)
    return out


def layout_line(
    text: str,
    direction: str,
    pil_font: ImageFont.FreeTypeFont,
    hb_font: ShapingFont,
    size: int,
    overlap: float,
    masks: MaskFn | None = None,
    draw: bool = True,
) -> Layout:
    """Lay out one line of text, and draw its ink mask unless `draw` is False.

    Args:
        direction: "ltr" or "rtl" (paragraph direction, bidi runs inside) or "ttb" (vertical).
        size: em size in pixels.
        overlap: space removed between neighbouring clusters, as a fraction of `size`.
        masks: cached `render_cluster_mask` of `pil_font` (a worker's RenderAssets has one);
            None renders every cluster afresh. The pixels are the same either way.
        draw: False leaves the drawing to `draw_layout` (straight into an image, say).
    """
    if masks is None:
        masks = lambda key: render_cluster_mask(pil_font, key)  # noqa: E731
    scale = size / hb_font.upem
    ascent, descent = hb_font.ascender * scale, -hb_font.descender * scale
    placed = (_place_vertical if direction == "ttb" else _place_horizontal)(
        text, direction, masks, hb_font, scale, ascent, descent, overlap * size
    )
    _, _, _, _, _, _, x0s, y0s, x1s, y1s = zip(*placed)
    bx0, by0, bx1, by1 = min(x0s), min(y0s), max(x1s), max(y1s)
    # Plain floats: numpy scalars would make every coordinate below several times slower to compute.
    dx, dy = float(MARGIN - math.floor(bx0)), float(MARGIN - math.floor(by0))
    width = math.ceil(bx1 + dx) + MARGIN
    height = math.ceil(by1 + dy) + MARGIN
    clusters, stamps = [], []
    for start, stop, drawn, rtl, x, y, x0, y0, x1, y1 in placed:
        x, y = x + dx, y + dy
        if drawn.strip(ZWJ).strip():
            stamps.append((drawn, rtl, x, y))
        clusters.append(Cluster(start, stop, drawn, rtl, x, y, Box(x0 + dx, y0 + dy, x1 + dx, y1 + dy)))
    clusters.sort(key=_start)
    vertical = direction == "ttb"
    # Cluster boundaries along the line, moved as the boxes are.
    edges = sorted({v + dy for v in y0s + y1s} if vertical else {v + dx for v in x0s + x1s})
    # The line's box keeps a pixel of room so resampled edge pixels of the ink stay inside it.
    line = Box(bx0 - 1, by0 - 1, bx1 + 1, by1 + 1).shift(dx, dy)
    layout = Layout(
        None, text, tuple(clusters), _words(text, clusters), line, tuple(edges), (width, height), tuple(stamps)
    )
    return replace(layout, mask=layout_mask(layout, masks)) if draw else layout


def draw_layout(
    layout: Layout, target: object, masks: MaskFn, ink: int | tuple[int, ...] = 255, offset: tuple[int, int] = (0, 0)
) -> None:
    """Stamp the line into the core image `target` in colour `ink`, its mask's origin at the whole
    pixels `offset`: glyph by glyph, as draw.text draws a line into an image."""
    for text, rtl, x, y in layout.stamps:
        _stamp(target, masks, text, rtl, x, y, ink, offset)


def layout_mask(layout: Layout, masks: MaskFn) -> Image.Image:
    """The line's ink mask ("L", 255 = full ink) on a canvas of `layout.size`."""
    mask = Image.new("L", layout.size, 0)
    draw_layout(layout, mask.im, masks)
    return mask


def _start(cluster: Cluster) -> int:
    return cluster.start


def _bounds(boxes: list[Box]) -> Box:
    """The smallest box holding every box of a non-empty list."""
    x0s, y0s, x1s, y1s = zip(*boxes)
    return Box(min(x0s), min(y0s), max(x1s), max(y1s))


def _ink_box(ink: InkBox | None, scale: float, x: float, y: float) -> Box | None:
    """The cluster's ink bounds in pixels at pen (x, y), with INK_MARGIN around them."""
    if ink is None:
        return None
    x0, y0, x1, y1 = ink
    m = INK_MARGIN
    return Box(x + x0 * scale - m, y + y0 * scale - m, x + x1 * scale + m, y + y1 * scale + m)


def _drawn_ink_box(masks: MaskFn, s: str, x: float, y: float, rtl: bool) -> Box | None:
    """Ink bounds of `s` as Pillow draws it (used only where HarfBuzz's differ).

    They are `pil_font.getbbox(s)`: the mask Pillow renders at phase 0 has exactly that offset and size.
    """
    if not s.strip(ZWJ).strip():
        return None
    core, (x0, y0) = masks((s, rtl, 0, 0))
    w, h = core.size  # type: ignore[attr-defined]
    if w <= 0 or h <= 0:
        return None
    return Box(x + x0, y + y0, x + x0 + w, y + y0 + h)


# Bidi classes that can give a character a level other than 0 in a left-to-right paragraph.
_NOT_PLAIN_LTR = frozenset({"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})


def _runs(text: str, rtl: bool) -> list[Run]:
    """visual_runs, without calling the bidi algorithm for left-to-right text it would leave as one run."""
    if not rtl and text and all(map(_plain_ltr, text)):
        return [Run(0, len(text), False)]
    return visual_runs(text, rtl)


def _next_starts(shaped: list[tuple[int, float, InkBox | None]], stop: int) -> dict[int, int]:
    """Each cluster's start -> the next cluster's start in logical order (`stop` after the last)."""
    starts = sorted({c for c, _, _ in shaped}) + [stop]
    return dict(zip(starts, starts[1:]))


# A cluster as placed, before the line is moved onto its canvas: start, stop, drawn string, rtl,
# pen x and baseline y, and its box x0, y0, x1, y1 (plain tuples: one per character of every line).
Placed = tuple[int, int, str, bool, float, float, float, float, float, float]


def _place_horizontal(text, direction, masks, hb_font, scale, ascent, descent, squeeze) -> list[Placed]:
    codepoints = [ord(c) for c in text]
    joins = list(map(_joins, text))
    any_joins = any(joins)
    out: list[Placed] = []
    pen = 0.0
    prev: tuple[int, int] | None = None  # logical range of the cluster placed just before
    m = INK_MARGIN
    for run in _runs(text, direction == "rtl"):
        shaped = _shape_run(hb_font, codepoints, run.start, run.stop, run.rtl)
        next_start = _next_starts(shaped, run.stop)
        for cluster, advance, ink_units in shaped:
            stop = next_start[cluster]
            # Joined Arabic letters stay connected: no squeeze between them.
            joined = (
                any_joins
                and prev is not None
                and (
                    (prev[0] == stop and joins[stop - 1] and joins[stop])
                    or (prev[1] == cluster and cluster > 0 and joins[cluster - 1] and joins[cluster])
                )
            )
            if out and not joined:
                pen -= squeeze
            s = _draw_string(text, cluster, stop, joins) if any_joins else text[cluster:stop]
            adv = advance * scale
            ink: tuple[float, float, float, float] | None
            if any_joins and ZWJ in s:  # drawn alone with joiners: its ink is where Pillow puts it
                ink = _drawn_ink_box(masks, s, pen, 0.0, run.rtl)
            elif ink_units is not None and s.strip():  # _ink_box, inline: this loop runs per cluster
                ix0, iy0, ix1, iy1 = ink_units
                ink = (pen + ix0 * scale - m, iy0 * scale - m, pen + ix1 * scale + m, iy1 * scale + m)
            else:
                ink = None
            if ink is None:
                out.append((cluster, stop, s, run.rtl, pen, 0.0, pen, -ascent, pen + adv, descent))
            else:  # the advance cell joined with the ink
                ix0, iy0, ix1, iy1 = ink
                out.append(
                    (
                        cluster,
                        stop,
                        s,
                        run.rtl,
                        pen,
                        0.0,
                        pen if pen < ix0 else ix0,
                        -ascent if -ascent < iy0 else iy0,
                        pen + adv if pen + adv > ix1 else ix1,
                        descent if descent > iy1 else iy1,
                    )
                )
            pen += adv
            prev = (cluster, stop)
    return out


def _place_vertical(text, direction, masks, hb_font, scale, ascent, descent, squeeze) -> list[Placed]:
    codepoints = [ord(c) for c in text]
    shaped = _shape_run(hb_font, codepoints, 0, len(text), False)
    next_start = _next_starts(shaped, len(text))
    step = ascent + descent
    column = max(adv for _, adv, _ in shaped) * scale if shaped else step
    column = max(column, step)
    out: list[Placed] = []
    top = 0.0
    for cluster, advance, ink_units in shaped:
        stop = next_start[cluster]
        if out:
            top -= squeeze
        s = text[cluster:stop]
        x = (column - advance * scale) / 2  # centre each cluster in the column
        y = top + ascent
        cell = Box(0.0, top, column, top + step)
        ink = _ink_box(ink_units, scale, x, y) if s.strip() else None
        out.append((cluster, stop, s, False, x, y, *(cell.union(ink) if ink else cell)))
        top += step
    return out


def _words(text: str, clusters: list[Cluster]) -> tuple[tuple[int, int, Box], ...]:
    words = []
    current: list[Cluster] = []
    for c in clusters + [None]:
        if c is not None and text[c.start : c.stop].strip():
            current.append(c)
            continue
        if current:
            words.append((current[0].start, current[-1].stop, _bounds([w.box for w in current])))
            current = []
    return tuple(words)
