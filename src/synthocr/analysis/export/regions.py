"""The polygons detection formats write: a label's characters, words or line, as given or reduced to four corners."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import cv2
import numpy as np

from synthocr.errors import UserError
from synthocr.schemas.labels import Label, Region

if TYPE_CHECKING:
    from synthocr.analysis.outputs import Output


def regions_of(label: Label, level: str) -> list[Region]:
    """The label's regions at `level`: "char" (one per character: grapheme cluster), "word" (one per word) or
    "line" (the whole line).

    Raises:
        UserError: another level.
    """
    if level == "char":
        return list(label.chars)
    if level == "word":
        return list(label.words)
    if level == "line":
        return [label.line]
    raise UserError(f"--level {level!r} is not a region level; use char, word or line.")


def quad(polygon: Sequence[Sequence[float]], size: tuple[float, float] | None = None) -> list[list[float]]:
    """Four corners holding a polygon, clockwise on screen from the text's top-left.

    A polygon of four points is its own. A label's longer outline (its top edge, then its bottom edge back: a
    line, or a word a curved warp bent) gets the quadrilateral whose sides run along its top chord, right end,
    bottom chord and left end, each moved out until every point is inside, so that slanted and turned text
    keeps its slant, or the smallest rotated rectangle holding the points (OpenCV's minAreaRect) where that
    is smaller (a strong arc) or those sides do not meet as a quadrilateral.

    With the image's `size` (width, height), for formats that allow no point outside the image: where a corner
    falls outside it, the image's edges may stand in for sides, and the smallest quadrilateral inside the image
    that holds the points (which the caller has clipped onto it) is taken, rather than the corner being moved
    in and the text cut; should there be none, the corners are left for the caller to clip."""
    points = np.asarray(polygon, np.float64).reshape(-1, 2)
    sides = _sides(points)
    shapes = [c for c in (_meet(sides) if sides else None, _rotated_rectangle(points)) if c is not None]
    corners = points if len(points) == 4 else min(shapes, key=area)
    if size is not None and not _inside(corners, size):
        inside = _inside_quad([line for shape in shapes for line in _sides(shape) or ()], points, size)
        corners = corners if inside is None else inside
    return [[round(float(x), 2), round(float(y), 2)] for x, y in corners]


def area(corners: Sequence[Sequence[float]] | np.ndarray) -> float:
    """A polygon's area (the shoelace formula)."""
    corners = np.asarray(corners, np.float64)
    x, y = corners[:, 0], corners[:, 1]
    return 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))))


Line = tuple[np.ndarray, float]  # the points p with normal . p <= offset: a side's outward normal and offset


def _sides(points: np.ndarray) -> list[Line] | None:
    """The outline's four sides (top, right, bottom, left), each moved out to its farthest point; None for an
    outline of another shape, or a side too short to give a direction."""
    if len(points) < 4 or len(points) % 2:
        return None
    half = len(points) // 2
    top, bottom = points[:half], points[half:]  # top left to right; bottom right to left
    lines = []
    for a, b in ((top[0], top[-1]), (top[-1], bottom[0]), (bottom[0], bottom[-1]), (bottom[-1], top[0])):
        direction = b - a
        length = float(np.hypot(*direction))
        if length < 1e-6:
            return None
        normal = np.array((direction[1], -direction[0])) / length  # outward for a clockwise outline (y down)
        lines.append((normal, float((points @ normal).max())))
    return lines


def _meet(lines: Sequence[Line]) -> np.ndarray | None:
    """The corners where consecutive sides meet (the last with the first first), or None where two are parallel
    or the corners do not make a convex quadrilateral, clockwise on screen."""
    corners = []
    for (n1, c1), (n2, c2) in zip([lines[-1], *lines[:-1]], lines):
        det = n1[0] * n2[1] - n1[1] * n2[0]
        if abs(det) < 1e-9:
            return None
        corners.append(((c1 * n2[1] - c2 * n1[1]) / det, (n1[0] * c2 - n2[0] * c1) / det))
    quad_points = np.array(corners)
    edges = np.roll(quad_points, -1, axis=0) - quad_points
    following = np.roll(edges, -1, axis=0)
    turns = edges[:, 0] * following[:, 1] - edges[:, 1] * following[:, 0]
    return quad_points if bool((turns > 0).all()) else None  # each corner turns right on screen


def _inside(corners: np.ndarray, size: tuple[float, float], slack: float = 0.5) -> bool:
    return bool((corners >= -slack).all() and (corners[:, 0] <= size[0] + slack).all()) and bool(
        (corners[:, 1] <= size[1] + slack).all()
    )


def _inside_quad(lines: list[Line], points: np.ndarray, size: tuple[float, float]) -> np.ndarray | None:
    """The smallest quadrilateral inside the image whose sides are four of the outline's sides and the image's
    edges (every one has all the points on its inner side, so any quadrilateral they make holds them), its
    first corner the one nearest the text's top-left; None if none is inside."""
    w, h = size
    borders = [
        (np.array((0.0, -1.0)), 0.0),
        (np.array((1.0, 0.0)), w),
        (np.array((0.0, 1.0)), h),
        (np.array((-1.0, 0.0)), 0.0),
    ]
    candidates = sorted(lines + borders, key=lambda line: np.arctan2(line[0][1], line[0][0]))  # by direction
    best, best_area = None, np.inf
    for chosen in itertools.combinations(candidates, 4):
        corners = _meet(list(chosen))
        if corners is None or not _inside(corners, size):
            continue
        size_of = area(corners)
        if size_of < best_area:
            best, best_area = corners, size_of
    if best is None:
        return None
    return _from_nearest(best, points[0])


def _from_nearest(corners: np.ndarray, start: np.ndarray) -> np.ndarray:
    """The corners, still in order, from the one nearest `start` (the text's top-left: the outline's first point)."""
    return np.roll(corners, -int(np.argmin(((corners - start) ** 2).sum(axis=1))), axis=0)


def _rotated_rectangle(points: np.ndarray) -> np.ndarray:
    """The smallest rotated rectangle holding the points, clockwise on screen from the corner nearest the first."""
    corners = cv2.boxPoints(cv2.minAreaRect(points.astype(np.float32))).astype(np.float64)
    (ax, ay), (bx, by) = corners[1] - corners[0], corners[2] - corners[1]
    if ax * by - ay * bx < 0:  # make it clockwise on screen (y down)
        corners = corners[[0, 3, 2, 1]]
    return _from_nearest(corners, points[0])


def clipped(points: Sequence[Sequence[float]], label: Label) -> list[tuple[float, float]]:
    """Points moved onto the image where they lie past its edges (a cut or turned line reaches out of it):
    the formats count coordinates from the image's top-left corner, PAGE allows no negative ones, and
    ICDAR's evaluation refuses a point outside the image."""
    w, h = float(label.width), float(label.height)
    return [(min(max(x, 0.0), w), min(max(y, 0.0), h)) for x, y in points]


def flat_name(output: Output, taken: dict[str, str], layout: str) -> str:
    """The output's name with its folders joined by `_` (`00000/image_00000007`: `00000_image_00000007`), for
    formats whose readers take every image from one folder and match annotations to images by file name;
    `taken` maps the flat names given so far to their outputs' names.

    Raises:
        UserError: another output's name gave the same flat name (names of a request file may).
    """
    stem = output.name.replace("/", "_")
    if stem in taken:
        raise UserError(
            f"outputs {taken[stem]} and {output.name} would both be written as {stem}: {layout} keeps every image "
            "in one folder; leave one of them out with --where."
        )
    taken[stem] = output.name
    return stem


def flat(polygon: tuple[tuple[float, float], ...] | list[list[float]]) -> list[float]:
    """[x1, y1, x2, y2, ...] of a polygon (MMOCR's layout)."""
    return [float(v) for point in polygon for v in point]
