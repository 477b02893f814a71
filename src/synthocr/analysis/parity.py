"""Shaping parity: a laid-out line against Pillow/raqm drawing the whole string, and its label's characters.

Used by tests/test_shaping.py and the fidelity report (bench/fidelity.py, `make fidelity`).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import regex
from PIL import Image, ImageDraw, ImageFont

from synthocr.renderer.layout import Layout

_IGNORABLES = regex.compile(r"\p{Default_Ignorable_Code_Point}")


def reference_mask(
    path: str | Path,
    size: int,
    text: str,
    direction: str,
    language: str | None = None,
    index: int = 0,
    instance: str = "",
) -> Image.Image:
    """`text` drawn whole by Pillow's ImageDraw.text with raqm (HarfBuzz and FriBidi), "L" coverage,
    on a canvas that holds all of its ink; `language` as raqm's (a BCP 47 tag); `instance`: a variable
    font's named instance, set by Pillow (FreeType's named instance, which raqm shapes with)."""
    font = ImageFont.truetype(str(path), size, index=index, layout_engine=ImageFont.Layout.RAQM)
    if instance:
        font.set_variation_by_name(instance)
    anchor = "mt" if direction == "ttb" else "ls"
    x0, y0, x1, y1 = font.getbbox(text, direction=direction, anchor=anchor, language=language)
    canvas = Image.new("L", (math.ceil(x1 - x0) + 8, math.ceil(y1 - y0) + 8), 0)
    ImageDraw.Draw(canvas).text(
        (4 - x0, 4 - y0), text, fill=255, font=font, direction=direction, anchor=anchor, language=language
    )
    return canvas


def aligned_iou(ours: Image.Image, reference: Image.Image) -> tuple[float, bool]:
    """The ink IoU of two coverage masks (sum of minima over sum of maxima) with their inked parts'
    top-left corners aligned, at the best shift by up to one pixel either way; and whether the
    inked parts are the same pixels."""
    a = np.asarray(ours.crop(ours.getbbox()), np.float64)
    b = np.asarray(reference.crop(reference.getbbox()), np.float64)
    same = a.shape == b.shape and bool(np.array_equal(a, b))
    h, w = max(a.shape[0], b.shape[0]) + 2, max(a.shape[1], b.shape[1]) + 2
    pa = np.zeros((h, w))
    pa[1 : 1 + a.shape[0], 1 : 1 + a.shape[1]] = a
    best = 0.0
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            pb = np.zeros((h, w))
            pb[1 + dy : 1 + dy + b.shape[0], 1 + dx : 1 + dx + b.shape[1]] = b
            best = max(best, float(np.minimum(pa, pb).sum() / max(np.maximum(pa, pb).sum(), 1e-9)))
    return best, same


def label_problems(layout: Layout, mask: Image.Image) -> list[str]:
    """What breaks the label rules in a layout and its ink mask: every character entry is one extended
    grapheme cluster (default-ignorables aside), together they are the text without whitespace, and each
    has at least 1 px² of box with ink in it. Empty when all hold."""
    text = layout.text
    chars = [(text[c.start : c.stop], c.box) for c in layout.clusters if text[c.start : c.stop].strip()]
    problems = []
    if "".join(t for t, _ in chars) != regex.sub(r"\s", "", text):
        problems.append(f"entries {[t for t, _ in chars]} are not the text without whitespace")
    ink = np.asarray(mask) > 0
    for t, (x0, y0, x1, y1) in chars:
        if len(regex.findall(r"\X", _IGNORABLES.sub("", t))) != 1:
            problems.append(f"{t!r} is not one grapheme cluster")
        if (x1 - x0) * (y1 - y0) < 1.0:
            problems.append(f"{t!r}: box {x0, y0, x1, y1} is under 1 px²")
        if not ink[max(0, math.floor(y0)) : math.ceil(y1), max(0, math.floor(x0)) : math.ceil(x1)].any():
            problems.append(f"{t!r}: no ink in its box")
    return problems
