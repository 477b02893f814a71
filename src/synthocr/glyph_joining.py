"""Which letters of the joining scripts (Arabic, Syriac, N'Ko, Mongolian, Adlam) a font draws in no joined
form, so that inside a word each stands apart from its neighbours (glyph_coverage reads it)."""

from __future__ import annotations

import functools

import cv2
import numpy as np
import regex
import uharfbuzz as hb
from numpy.typing import NDArray

from synthocr.unicode_scripts import char_script

# The blocks of the joining scripts: Arabic (with its supplement and extensions), Syriac, N'Ko, Mongolian,
# Adlam. Their dual-joining letters (Unicode's Joining_Type D) have forms that join on both sides; their
# right-joining letters (Joining_Type R: ا د ر و ە, Syriac ܐ ܕ ܪ ...) join only the letter before them.
_JOINING_BLOCKS = ((0x0600, 0x08FF), (0x1800, 0x18AF), (0x1E900, 0x1E95F))
# Per script, the dual-joining letter a right-joining one is tried after (another the font joins where it
# lacks this one): beh, Syriac beth.
_PARTNERS = {"Arab": 0x0628, "Syrc": 0x0712}
PIXELS_PER_EM = 128  # the ink test's size
# The widest gap between two letters' bodies (fraction of the em) that reads as joined: under a pixel at 32
# px, a grey seam at most. Nafees's أ and إ stand 0.020 em from beh; FreeSerif's ٲ 0.047, Noto Kufi's ە 0.083.
MAX_GAP = 0.03
# Two inked pixels whose centres are at most _REACH pixels apart have at most MAX_GAP of blank between them:
# one body grown by this disc meets the other where they are joined.
_REACH = MAX_GAP * PIXELS_PER_EM + 1
_OFFSETS = np.arange(-int(_REACH), int(_REACH) + 1)
_NEAR = (_OFFSETS[:, None] ** 2 + _OFFSETS[None, :] ** 2 <= _REACH**2).astype(np.uint8)


@functools.cache
def _joining(kind: str) -> frozenset[int]:
    """The letters of _JOINING_BLOCKS of one Joining_Type (Dual_Joining, Right_Joining)."""
    pattern = regex.compile(rf"\p{{Joining_Type={kind}}}")
    return frozenset(cp for lo, hi in _JOINING_BLOCKS for cp in range(lo, hi + 1) if pattern.match(chr(cp)))


def unjoined(face: hb.Face, cps: frozenset[int]) -> frozenset[int]:
    """The joining letters of `cps` the font draws in no joined form: dual-joining letters it never joins
    (unjoined_dual) and right-joining letters that stand apart from a joined letter before them
    (unjoined_right). Inside a word such a letter stands apart from its neighbours, as no reader writes it."""
    dual = unjoined_dual(face, cps)
    return dual | unjoined_right(face, cps, dual)


def unjoined_dual(face: hb.Face, cps: frozenset[int]) -> frozenset[int]:
    """The dual-joining letters of `cps` the font draws in no joined form: three in a row are three times its
    isolated glyph. A font may join its script's common letters and not others: FreeSerif joins ب and not 81
    of the 134 dual-joining letters it maps, among them Urdu's ھ (بھی، تھا); Noto Naskh Arabic not ࢧ and ࢩ."""
    letters = sorted(_joining("Dual_Joining") & cps)
    if not letters:
        return frozenset()
    font = hb.Font(face)
    out = []
    for cp in letters:
        glyph = font.get_nominal_glyph(cp)
        if all(g.codepoint == glyph for g in _shape(font, [cp] * 3)[0]):
            out.append(cp)
    return frozenset(out)


def unjoined_right(face: hb.Face, cps: frozenset[int], dual_unjoined: frozenset[int]) -> frozenset[int]:
    """The right-joining letters of `cps` the font draws apart from the letter before them.

    Each is shaped after a dual-joining letter of its script the font joins (not in `dual_unjoined`: beh,
    Syriac beth where the font has them). Where its glyphs change (a final form, a ligature), it joins. Where
    it keeps the glyphs it has alone, it joins only if its body comes within MAX_GAP of the letter before
    (_touching): a font may join with its isolated glyph, the letter before reaching it, as FreeSerif does
    for ڈ ۆ ۇ and 31 more, Noto Naskh Arabic for ࢬ; Nafees Web Naskh's أ and إ stand 0.02 em from beh, a
    grey seam at most. Apart: FreeSerif's ٲ ٳ ٵ ٶ ٷ ڕ ݳ ݴ (0.047 em and more of blank after the beh),
    Noto Kufi Arabic's Kurdish ە (بە, 0.083 em), Noto Sans Arabic's ݙ, Noto Sans Syriac's ܞ."""
    letters = sorted(_joining("Right_Joining") & cps)
    joined = _joining("Dual_Joining") & cps - dual_unjoined
    if not letters or not joined:
        return frozenset()
    font = hb.Font(face)
    out = []
    drawn: dict[int, NDArray[np.float64]] = {}  # glyph -> its edges (_outlines): the partner's drawn once
    for cp in letters:
        script = char_script(chr(cp)) or ""
        partner = _PARTNERS.get(script)
        if partner not in joined:
            partner = next((d for d in sorted(joined) if char_script(chr(d)) == script), None)
        if partner is None:  # no letter of its script that the font joins: nothing to join it to
            continue
        alone = [g.codepoint for g in _shape(font, [cp])[0]]
        infos, positions = _shape(font, [partner, cp])
        if [g.codepoint for g in infos if g.cluster == 1] != alone:
            continue  # a final form or a ligature: joined
        if not _touching(font, infos, positions, drawn):
            out.append(cp)
    return frozenset(out)


def _shape(font: hb.Font, cps: list[int]) -> tuple[list[hb.GlyphInfo], list[hb.GlyphPosition]]:
    buf = hb.Buffer()
    buf.add_codepoints(cps)
    buf.guess_segment_properties()
    hb.shape(font, buf, {})
    return buf.glyph_infos, buf.glyph_positions


def _touching(
    font: hb.Font,
    infos: list[hb.GlyphInfo],
    positions: list[hb.GlyphPosition],
    drawn: dict[int, NDArray[np.float64]],
) -> bool:
    """Whether the body of the shaped pair's first letter (cluster 0) comes within MAX_GAP of its second's
    (cluster 1), drawn as HarfBuzz places them at PIXELS_PER_EM. A letter's body is its largest piece of ink,
    not a dot or a hamza, which may come nearer the other letter than the bodies do (Nafees's إ: its hamza
    under 0.01 em from beh's dot, their bodies 0.02 em apart)."""
    outlines = _outlines(font, infos, positions, drawn)
    if outlines is None:
        return False
    boxes = [(e[:, [0, 2]].min(), e[:, [1, 3]].min(), e[:, [0, 2]].max(), e[:, [1, 3]].max()) for e in outlines]
    (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = boxes
    if max(bx0 - ax1, ax0 - bx1) > _REACH or max(by0 - ay1, ay0 - by1) > _REACH:
        return False  # their boxes are farther apart: no need to draw them
    lo = np.floor(np.minimum(boxes[0][:2], boxes[1][:2])) - 1
    width, height = (np.ceil(np.maximum(boxes[0][2:], boxes[1][2:])) + 1 - lo).astype(int)
    first, second = (_body(_ink(e, lo, box, width, height)) for e, box in zip(outlines, boxes, strict=True))
    return bool((cv2.dilate(first, _NEAR) & second).any())


def _outlines(
    font: hb.Font,
    infos: list[hb.GlyphInfo],
    positions: list[hb.GlyphPosition],
    drawn: dict[int, NDArray[np.float64]],
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """The edges (x0, y0, x1, y1 in pixels at PIXELS_PER_EM, y upwards) of the shaped pair's first letter
    (cluster 0) and its second's (cluster 1), as HarfBuzz places them; None where one has no ink. `drawn`
    keeps each glyph's edges for the next pair."""
    edges: list[list[NDArray[np.float64]]] = [[], []]
    x = 0
    for info, pos in zip(infos, positions, strict=True):
        if info.codepoint not in drawn:
            pen = _EdgePen()
            font.draw_glyph_with_pen(info.codepoint, pen)
            drawn[info.codepoint] = pen.edges()
        glyph = drawn[info.codepoint]
        if len(glyph) and info.cluster in (0, 1):
            edges[info.cluster].append(glyph + np.tile((x + pos.x_offset, pos.y_offset), 2))
        x += pos.x_advance
    if not edges[0] or not edges[1]:
        return None
    scale = PIXELS_PER_EM / font.face.upem
    return np.concatenate(edges[0]) * scale, np.concatenate(edges[1]) * scale


def _ink(
    edges: NDArray[np.float64], lo: NDArray[np.float64], box: tuple[float, ...], width: int, height: int
) -> NDArray[np.uint8]:
    """The ink (1) of one letter's `edges` in a grid of `width` x `height` pixels whose corner is at `lo`,
    filled within the letter's own `box` (x0, y0, x1, y1)."""
    x0, y0 = (np.floor(box[:2]) - lo).astype(int)
    x1, y1 = (np.ceil(box[2:]) - lo).astype(int)
    out = np.zeros((height, width), np.uint8)
    out[y0:y1, x0:x1] = _fill(edges - np.tile(lo + (x0, y0), 2), x1 - x0, y1 - y0)
    return out


def _body(ink: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """The largest 8-connected piece of `ink` (1 where inked)."""
    count, labels = cv2.connectedComponents(ink, connectivity=8)
    if count <= 2:
        return ink
    largest = 1 + int(np.argmax(np.bincount(labels.ravel(), minlength=count)[1:]))
    return (labels == largest).astype(np.uint8)


def _fill(edges: NDArray[np.float64], width: int, height: int) -> NDArray[np.bool_]:
    """The pixels whose centres an outline covers (nonzero winding): `edges` rows are x0, y0, x1, y1 in pixels
    from the grid's corner. Rows are y upwards, as in the font; only adjacency is read from it."""
    x0, y0, x1, y1 = edges.T
    centres = np.arange(height) + 0.5
    row, edge = np.nonzero((centres[:, None] >= np.minimum(y0, y1)) & (centres[:, None] < np.maximum(y0, y1)))
    t = (centres[row] - y0[edge]) / (y1[edge] - y0[edge])
    crossing = x0[edge] + t * (x1[edge] - x0[edge])
    # A crossing at x winds every pixel whose centre lies left of it: those before ceil(x - 0.5).
    first_right = np.clip(np.ceil(crossing - 0.5), 0, width).astype(np.int64)
    up = np.sign(y1[edge] - y0[edge])
    steps = np.bincount(row * (width + 1) + first_right, up, height * (width + 1)).reshape(height, width + 1)
    winding = np.cumsum(steps[:, ::-1], axis=1)[:, ::-1][:, 1:]
    return winding != 0


class _EdgePen:
    """Collects a glyph's outline as HarfBuzz draws it, as closed polygons in font units, each curve cut into
    _CURVE_STEPS straight edges."""

    def __init__(self) -> None:
        self.contours: list[list[tuple[float, float]]] = []

    def moveTo(self, p: tuple[float, float]) -> None:
        self.contours.append([p])

    def lineTo(self, p: tuple[float, float]) -> None:
        self.contours[-1].append(p)

    def qCurveTo(self, *pts: tuple[float, float]) -> None:
        # fontTools' convention: off-curve points with implied on-curve ones between them, then the end.
        contour = self.contours[-1]
        x0, y0 = contour[-1]
        for i, (cx, cy) in enumerate(pts[:-1]):
            ex, ey = pts[-1] if i == len(pts) - 2 else ((cx + pts[i + 1][0]) / 2, (cy + pts[i + 1][1]) / 2)
            contour.extend((a * x0 + b * cx + c * ex, a * y0 + b * cy + c * ey) for a, b, c in _QUADRATIC)
            x0, y0 = ex, ey
        if len(pts) == 1:
            contour.append(pts[0])

    def curveTo(self, *points: tuple[float, float]) -> None:
        contour = self.contours[-1]
        (x0, y0), ((x1, y1), (x2, y2), (x3, y3)) = contour[-1], points
        contour.extend((a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3) for a, b, c, d in _CUBIC)

    def closePath(self) -> None:
        pass  # every contour is closed by edges(), from its last point to its first

    def edges(self) -> NDArray[np.float64]:
        """The outline's edges, one per row: x0, y0, x1, y1."""
        rings = [np.array(c, np.float64) for c in self.contours]
        return np.concatenate([np.hstack([r, np.concatenate([r[1:], r[:1]])]) for r in rings] or [np.empty((0, 4))])


_CURVE_STEPS = 6
_T = [(i + 1) / _CURVE_STEPS for i in range(_CURVE_STEPS)]
_QUADRATIC = [((1 - t) ** 2, 2 * t * (1 - t), t * t) for t in _T]  # Bernstein weights of the points
_CUBIC = [((1 - t) ** 3, 3 * t * (1 - t) ** 2, 3 * t * t * (1 - t), t**3) for t in _T]
