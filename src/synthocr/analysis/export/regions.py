"""The polygons detection formats write: a label's characters, words or line, as given or reduced to four corners."""

from __future__ import annotations

import cv2
import numpy as np

from synthocr.errors import UserError
from synthocr.schemas.labels import Label, Region


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


def quad(polygon: tuple[tuple[float, float], ...] | list[list[float]]) -> list[list[float]]:
    """Four corners of a polygon: the polygon itself when it has four points, else the smallest rotated
    rectangle holding it (OpenCV's minAreaRect), clockwise from the top-left in image coordinates."""
    points = np.asarray(polygon, np.float32).reshape(-1, 2)
    if len(points) == 4:
        return [[round(float(x), 2), round(float(y), 2)] for x, y in points]
    corners = cv2.boxPoints(cv2.minAreaRect(points))
    start = int(np.argmin(corners.sum(axis=1)))  # the corner nearest the image origin first
    corners = np.roll(corners, -start, axis=0)
    (ax, ay), (bx, by) = corners[1] - corners[0], corners[2] - corners[1]
    if ax * by - ay * bx < 0:  # make it clockwise on screen (y down)
        corners = corners[[0, 3, 2, 1]]
    return [[round(float(x), 2), round(float(y), 2)] for x, y in corners]


def flat(polygon: tuple[tuple[float, float], ...] | list[list[float]]) -> list[float]:
    """[x1, y1, x2, y2, ...] of a polygon (MMOCR's layout)."""
    return [float(v) for point in polygon for v in point]
