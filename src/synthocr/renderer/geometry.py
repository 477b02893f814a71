"""Label geometry: character, word and line polygons, moved by the same mapping as the pixels."""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np
from numpy.typing import NDArray

from synthocr.renderer.layout import Box, Layout
from synthocr.schemas.labels import Regions

_QUAD_CORNERS = [0, 1, 2, 1, 2, 3, 0, 3]  # box (x0, y0, x1, y1) -> its corners clockwise from top-left


@dataclass(frozen=True)
class Geometry:
    """Polygons of every character (non-space cluster), word and the line, in pixels.

    All of them are one (k, 2) array of points: 4 per character (top-left, top-right,
    bottom-right, bottom-left), then 4 per word (or `word_sizes[i]`: a word outlined as
    the line is, for curved warps), then the line's (along the top, or right, edge and
    back along the other), then the `n_baseline` points of the line's baseline. Every
    move is then one array operation.
    """

    char_text: tuple[str, ...]
    word_text: tuple[str, ...]
    line_text: str
    points: NDArray[np.float64]
    n_baseline: int = 0
    word_sizes: tuple[int, ...] | None = None  # None: 4 points per word

    @classmethod
    def from_layout(cls, layout: Layout, vertical: bool, max_step: float = 0.0) -> Geometry:
        """Polygons of a layout; `max_step` > 0 (for curved warps) outlines each word as the line is, with a
        point at every character boundary in it, and adds line, word and baseline points so that none are
        further apart: a straight edge between far corners would cut across the bent text."""
        text = layout.text
        chars = [c for c in layout.clusters if text[c.start : c.stop].strip()]
        b = layout.line
        inner = [e for e in layout.edges if (b.y0 if vertical else b.x0) < e < (b.y1 if vertical else b.x1)]
        if max_step > 0:
            inner = _densify((b.y0 if vertical else b.x0), inner, (b.y1 if vertical else b.x1), max_step)
        # Character (and word) boxes -> quads (x0 y0, x1 y0, x1 y1, x0 y1) in one indexing pass.
        boxes = [c.box for c in chars]
        word_flat: list[float] = []
        sizes: tuple[int, ...] | None = None
        if max_step > 0:
            counts = []
            for _, _, wb in layout.words:
                lo, hi = (wb.y0, wb.y1) if vertical else (wb.x0, wb.x1)
                within = inner[bisect_right(inner, lo) : bisect_left(inner, hi)]
                word_flat += _line_outline(wb, within, vertical)
                counts.append(4 + 2 * len(within))
            sizes = tuple(counts)
        else:
            boxes += [box for _, _, box in layout.words]
        corners = np.fromiter(itertools.chain.from_iterable(boxes), np.float64, 4 * len(boxes)).reshape(-1, 4)
        quads = corners[:, _QUAD_CORNERS].reshape(-1, 2)
        flat = _line_outline(b, inner, vertical)
        lo, hi = (b.y0, b.y1) if vertical else (b.x0, b.x1)
        along = [lo, *(_densify(lo, [], hi, max_step) if max_step > 0 else ()), hi]
        base = _baseline(along, layout.origin, vertical)
        return cls(
            char_text=tuple(text[c.start : c.stop] for c in chars),
            word_text=tuple(text[s:e] for s, e, _ in layout.words),
            line_text=text,
            points=np.concatenate((quads, np.array(word_flat + flat + base, np.float64).reshape(-1, 2))),
            n_baseline=len(along),
            word_sizes=sizes,
        )

    def map_points(self, fn: PointMap) -> Geometry:
        """The same geometry with every point moved by `fn` (the pixels' own mapping), in one call."""
        return replace(self, points=fn(self.points))

    def shifted(self, dx: float, dy: float) -> Geometry:
        """The same geometry moved by (dx, dy)."""
        return replace(self, points=self.points + (dx, dy))

    @property
    def _line_start(self) -> int:
        """Where the line polygon's points start: after the characters' and words'."""
        words = 4 * len(self.word_text) if self.word_sizes is None else sum(self.word_sizes)
        return 4 * len(self.char_text) + words

    @property
    def line(self) -> NDArray[np.float64]:
        """The line polygon's points."""
        return self.points[self._line_start : len(self.points) - self.n_baseline]

    def line_bounds(self) -> tuple[float, float, float, float]:
        """x0, y0, x1, y1 of the line polygon (it encloses every other polygon)."""
        return bounds(self.line)

    def regions(self, width: int, height: int) -> Regions:
        """Label regions with bboxes derived from the polygons and clipped to the image."""
        # Vectorised over every character and word quad (and the line) at once.
        n_chars, n_words = len(self.char_text), len(self.word_text)
        n_quads = n_chars + (n_words if self.word_sizes is None else 0)
        quads = self.points[: 4 * n_quads].reshape(-1, 4, 2)
        line = self.line
        boxes = np.empty((n_chars + n_words + 1, 4))
        quads.min(axis=1, out=boxes[:n_quads, :2])
        quads.max(axis=1, out=boxes[:n_quads, 2:])
        if self.word_sizes is not None and n_words:  # outlined words: bounds of each run of points
            starts = np.cumsum((4 * n_chars, *self.word_sizes[:-1]))
            words = self.points[: self._line_start]
            boxes[n_chars:-1, :2] = np.minimum.reduceat(words, starts, axis=0)
            boxes[n_chars:-1, 2:] = np.maximum.reduceat(words, starts, axis=0)
        line.min(axis=0, out=boxes[-1, :2])
        line.max(axis=0, out=boxes[-1, 2:])
        np.maximum(boxes, 0.0, out=boxes)  # ufuncs, not np.clip: a fraction of its call overhead
        np.minimum(boxes, (width, height, width, height), out=boxes)
        return Regions(
            (*self.char_text, *self.word_text, self.line_text),
            len(self.char_text),
            len(self.word_text),
            self.points[: len(self.points) - self.n_baseline],
            boxes,
            self.points[len(self.points) - self.n_baseline :],
            self.word_sizes,
        )


@dataclass(frozen=True)
class BoxGeometry:
    """Geometry.from_layout(layout, vertical) when the layout is only moved, never warped.

    Every polygon then stays an axis-aligned box, and plain floats do the few dozen
    boxes of a line several times faster than arrays. The moves are applied in the
    order given, one addition each, so every coordinate and bbox is bit-identical to
    Geometry's (tests/test_geometry.py checks it).
    """

    layout: Layout
    vertical: bool
    moves: tuple[tuple[float, float], ...] = ()

    def shifted(self, dx: float, dy: float) -> BoxGeometry:
        return replace(self, moves=(*self.moves, (dx, dy)))

    def _moved(self, box: Box) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = box
        for dx, dy in self.moves:
            x0, y0, x1, y1 = x0 + dx, y0 + dy, x1 + dx, y1 + dy
        return x0, y0, x1, y1

    def _moved_along(self, v: float) -> float:
        """A value along the line (x, or y for vertical text) moved as the boxes are."""
        axis = 1 if self.vertical else 0
        for move in self.moves:
            v += move[axis]
        return v

    def line_bounds(self) -> tuple[float, float, float, float]:
        return self._moved(self.layout.line)

    def regions(self, width: int, height: int) -> Regions:
        """As Geometry.regions: polygons, and bboxes clipped to the image."""
        w, h = float(width), float(height)
        points: list[float] = []  # x, y, ... of every polygon point, as Geometry.points holds them
        bboxes: list[float] = []

        def add(box: Box) -> tuple[float, float, float, float]:
            x0, y0, x1, y1 = self._moved(box)
            points.extend((x0, y0, x1, y0, x1, y1, x0, y1))
            b0, b1, b2, b3 = min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)
            # Clipped as np.maximum(v, 0.0) then np.minimum(v, size) do it (-0.0 becomes 0.0).
            b0, b1, b2, b3 = (
                (b0 if b0 > 0.0 else 0.0),
                (b1 if b1 > 0.0 else 0.0),
                (b2 if b2 > 0.0 else 0.0),
                (b3 if b3 > 0.0 else 0.0),
            )
            bboxes.extend((b0 if b0 < w else w, b1 if b1 < h else h, b2 if b2 < w else w, b3 if b3 < h else h))
            return x0, y0, x1, y1

        layout, text = self.layout, self.layout.text
        texts: list[str] = []
        for c in layout.clusters:
            if text[c.start : c.stop].strip():
                texts.append(text[c.start : c.stop])
                add(c.box)
        n_chars = len(texts)
        for start, stop, box in layout.words:
            texts.append(text[start:stop])
            add(box)
        texts.append(text)
        corners = add(layout.line)
        del points[-8:]  # the line's polygon follows the cluster edges, not only the corners
        b = layout.line
        lo, hi = (b.y0, b.y1) if self.vertical else (b.x0, b.x1)
        points += _line_outline(corners, [self._moved_along(e) for e in layout.edges if lo < e < hi], self.vertical)
        x0, y0, x1, y1 = corners
        along = [y0, y1] if self.vertical else [x0, x1]
        ox, oy = float(layout.origin[0]), float(layout.origin[1])
        for dx, dy in self.moves:  # the pen's start moved as the boxes are
            ox, oy = ox + dx, oy + dy
        base = _baseline(along, (ox, oy), self.vertical)
        return Regions(
            texts,
            n_chars,
            len(layout.words),
            np.array(points, np.float64).reshape(-1, 2),
            np.array(bboxes, np.float64).reshape(-1, 4),
            np.array(base, np.float64).reshape(-1, 2),
        )


def bounds(points: NDArray[np.float64]) -> tuple[float, float, float, float]:
    """x0, y0, x1, y1 of (k, 2) points, as plain floats."""
    (x0, y0), (x1, y1) = points.min(axis=0).tolist(), points.max(axis=0).tolist()
    return x0, y0, x1, y1


def apply_homography(matrix: NDArray[np.float64], points: NDArray[np.float64]) -> NDArray[np.float64]:
    """Map (k, 2) points through a 3x3 projective matrix."""
    if matrix[2, 0] == 0.0 and matrix[2, 1] == 0.0 and matrix[2, 2] == 1.0:  # affine: no division
        return points @ matrix[:2, :2].T + matrix[:2, 2]
    homogeneous = np.column_stack((points, np.ones(len(points)))) @ matrix.T
    return homogeneous[:, :2] / homogeneous[:, 2:3]


def homography_from_box(width: float, height: float, corners: Sequence[Sequence[float]]) -> NDArray[np.float64]:
    """The 3x3 projective matrix taking the box (0, 0)-(width, height) to `corners`: where its top-left,
    top-right, bottom-right and bottom-left corners go.

    Heckbert's closed form for the unit square (Fundamentals of Texture Mapping, 1989, section 2.2.3),
    in plain floats: a few dozen operations instead of an 8 x 8 linear solve.
    """
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = corners
    sx, sy = x0 - x1 + x2 - x3, y0 - y1 + y2 - y3
    dx1, dx2, dy1, dy2 = x1 - x2, x3 - x2, y1 - y2, y3 - y2
    den = dx1 * dy2 - dx2 * dy1
    if den != 0 and width != 0 and height != 0:
        g, h = (sx * dy2 - dx2 * sy) / den, (dx1 * sy - sx * dy1) / den
        a, b, d, e = (x1 - x0) + g * x1, (x3 - x0) + h * x3, (y1 - y0) + g * y1, (y3 - y0) + h * y3
        if a * (e - y0 * h) - b * (d - y0 * g) + x0 * (d * h - e * g) != 0:  # the unit square's map is invertible
            return np.array(
                ((a / width, b / height, x0), (d / width, e / height, y0), (g / width, h / height, 1.0)), np.float64
            )
    raise ValueError(
        f"no homography takes a {width} x {height} box to {[list(c) for c in corners]}: "
        "three of the corners are collinear"
    )


def invert(matrix: NDArray[np.float64]) -> NDArray[np.float64]:
    """The inverse of a 3x3 homography (OpenCV's: a fraction of numpy.linalg's call overhead)."""
    ok, inverse = cv2.invert(matrix, flags=cv2.DECOMP_LU)
    if not ok:
        raise ValueError(f"the homography {matrix.tolist()} has no inverse")
    return inverse


def _line_outline(box: Sequence[float], inner: list[float], vertical: bool) -> list[float]:
    """The line polygon x, y, x, y, ... of `box` (x0, y0, x1, y1): along its top edge (right edge for
    vertical text) with a point at every value of `inner` along the line, and back along the other."""
    x0, y0, x1, y1 = box
    flat: list[float] = []
    if vertical:
        flat += (x0, y0, x1, y0)
        for e in inner:
            flat += (x1, e)
        flat += (x1, y1, x0, y1)
        for e in reversed(inner):
            flat += (x0, e)
    else:
        flat += (x0, y0)
        for e in inner:
            flat += (e, y0)
        flat += (x1, y0, x1, y1)
        for e in reversed(inner):
            flat += (e, y1)
        flat += (x0, y1)
    return flat


def _baseline(along: Sequence[float], origin: Sequence[float], vertical: bool) -> list[float]:
    """The baseline x, y, x, y, ... at the values `along` the line: on the pen's line through `origin` (the
    baseline of horizontal text; the centre line of a column, on which its glyphs' vertical origins lie).

    It runs left to right (top to bottom in a column) in the text's own frame, whatever the reading
    direction, as kraken's and PAGE's baselines do: with the warps its direction shows which way the
    text is turned, and the text stands on its left-hand side (seen on screen, y down)."""
    flat: list[float] = []
    for v in along:
        flat += (origin[0], v) if vertical else (v, origin[1])
    return flat


def _densify(start: float, inner: list[float], stop: float, step: float) -> list[float]:
    """`inner` with extra values so that neighbours in [start, *inner, stop] are at most `step` apart."""
    out: list[float] = []
    points = [start, *inner, stop]
    for a, b in zip(points, points[1:]):
        n = math.ceil((b - a) / step)
        out.extend(a + (b - a) * k / n for k in range(1, n))
        if b != stop:
            out.append(b)
    return out


PointMap = Callable[[NDArray[np.float64]], NDArray[np.float64]]


@dataclass(frozen=True)
class Warp:
    """A geometric mapping of (k, 2) points, forward (source -> image) and inverse (image -> source).

    `matrix` is set when the mapping is a homography, so chains of them collapse
    into one projective transform of the pixels.
    """

    forward: PointMap
    inverse: PointMap
    matrix: NDArray[np.float64] | None = None

    @classmethod
    def homography(cls, matrix: NDArray[np.float64]) -> Warp:
        # The inverse matrix is computed when first used: most homographies are only chained or map
        # points forward.
        inverse: list[NDArray[np.float64]] = []

        def backward(pts: NDArray[np.float64]) -> NDArray[np.float64]:
            if not inverse:
                inverse.append(invert(matrix))
            return apply_homography(inverse[0], pts)

        return cls(lambda pts: apply_homography(matrix, pts), backward, matrix)


IDENTITY = Warp.homography(np.eye(3))


def chain(warps: Sequence[Warp]) -> Warp:
    """One warp doing `warps` in order; homographies next to each other are multiplied into one."""
    merged: list[Warp] = []
    for w in warps:
        if merged and merged[-1].matrix is not None and w.matrix is not None:
            merged[-1] = Warp.homography(w.matrix @ merged[-1].matrix)
        else:
            merged.append(w)
    if len(merged) == 1:
        return merged[0]

    def forward(pts: NDArray[np.float64]) -> NDArray[np.float64]:
        for w in merged:
            pts = w.forward(pts)
        return pts

    def inverse(pts: NDArray[np.float64]) -> NDArray[np.float64]:
        for w in reversed(merged):
            pts = w.inverse(pts)
        return pts

    return Warp(forward, inverse)


@dataclass(frozen=True)
class Frame:
    """The text's box, the frame geometric effects work in: origin top-left, `width` x `height` pixels."""

    width: float
    height: float
    vertical: bool  # text runs top to bottom: "along" is y and "across" is x

    @property
    def length(self) -> float:
        """Extent along the line, pixels."""
        return self.height if self.vertical else self.width

    @property
    def thickness(self) -> float:
        """Extent across the line (the line height), pixels."""
        return self.width if self.vertical else self.height


def along_across(frame: Frame, fn: PointMap) -> PointMap:
    """`fn` written for (along, across) coordinates, as a map of (x, y) points."""
    if not frame.vertical:
        return fn
    return lambda pts: fn(pts[:, ::-1])[:, ::-1]
