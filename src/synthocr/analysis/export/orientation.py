"""Vertical lines turned for recognizers that read horizontal ones (`export --rotate-vertical`).

A recognizer resizes every line to a fixed height: a column of Japanese or Chinese (text_direction `ttb` or
`ttb-mixed`), taller than wide, becomes a sliver. PaddleOCR's own pipeline turns such a crop (height at least
1.5 times its width) 90 degrees counter-clockwise before reading it (`get_rotate_crop_image`, `np.rot90`), so
that the top of the column is at the left and the line reads left to right; trained on the same turn, the
recognizer sees at training what it sees there. The image is turned losslessly for PNG and lossless WebP
(JPEG is encoded again at quality 95, as rendered), and the label with it: every polygon point and bbox
turned (the baseline too), width and height swapped, the image's SHA-256 that of the new bytes.
"""

from __future__ import annotations

import dataclasses
import io

import numpy as np
from PIL import Image

from synthocr.schemas.labels import Label, Regions
from synthocr.schemas.params import VERTICAL_DIRECTIONS

TURN = Image.Transpose.ROTATE_90  # counter-clockwise, as np.rot90


def is_vertical(label: Label) -> bool:
    """Whether the label's line was set in a column."""
    return label.params.get("text_direction") in VERTICAL_DIRECTIONS


def turned_label(label: Label, image_sha256: str = "") -> Label:
    """The label of the image turned 90 degrees counter-clockwise: a point (x, y) of a W-wide image goes to
    (y, W - x), a bbox [x0, y0, x1, y1] to [y0, W - x1, y1, W - x0]; each polygon keeps its point order (the
    text's own frame turns with it)."""
    regions = label.regions
    width = float(label.width)
    points = np.column_stack((regions.points[:, 1], width - regions.points[:, 0]))
    baseline = np.column_stack((regions.baseline[:, 1], width - regions.baseline[:, 0]))
    b = regions.bboxes
    bboxes = np.column_stack((b[:, 1], width - b[:, 2], b[:, 3], width - b[:, 0]))
    turned = Regions(regions.texts, regions.n_chars, regions.n_words, points, bboxes, baseline, regions.word_sizes)
    return dataclasses.replace(label, width=label.height, height=label.width, regions=turned, image_sha256=image_sha256)


def turned_image(data: bytes) -> bytes:
    """An encoded image turned 90 degrees counter-clockwise, in its own format."""
    with Image.open(io.BytesIO(data)) as im:
        fmt = im.format
        turned = im.transpose(TURN)
    buf = io.BytesIO()
    if fmt == "PNG":
        turned.save(buf, format="PNG", compress_level=1)
    elif fmt == "WEBP":
        turned.save(buf, format="WEBP", lossless=True)
    else:
        turned.save(buf, format=fmt or "PNG", quality=95)
    return buf.getvalue()
