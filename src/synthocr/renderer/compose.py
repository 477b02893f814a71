"""render_row: one plan row in, one image and its label out; a pure function of the row."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Any

import numpy as np
from PIL import Image

from synthocr.renderer.assets import RenderAssets
from synthocr.renderer.effects import EFFECT_ORDER, GEOMETRIC, IMAGE, MASK
from synthocr.renderer.effects.backgrounds import PROCEDURAL, image_crop
from synthocr.renderer.geometry import Geometry, apply_homography
from synthocr.renderer.layout import layout_line
from synthocr.schemas.labels import Label
from synthocr.schemas.params import EFFECT_PARAMS
from synthocr.schemas.plan import row_to_python


@dataclass(frozen=True)
class RowParams:
    """A plan row decoded into typed, frozen render parameters."""

    image_id: int
    seed: int
    text: str
    text_direction: str
    font: str
    font_size: int
    padding: tuple[int, int, int, int]  # top, right, bottom, left
    background_kind: str
    background_file: str
    background_xy: tuple[float, float]
    ink: tuple[int, int, int]
    background: tuple[int, int, int]
    color_mode: str
    output_name: str
    effects: Mapping[str, float]
    row: Mapping[str, Any]  # every column as plain Python values, for the label


def decode_row(row: Mapping[str, Any]) -> RowParams:
    """Typed parameters from a plan row (a dict of column -> value)."""
    r = row_to_python(row)
    return RowParams(
        image_id=int(r["image_id"]),
        seed=int(r["seed"]),
        text=str(r["text"]),
        text_direction=str(r["text_direction"]),
        font=str(r["font"]),
        font_size=int(r["font_size"]),
        padding=(int(r["padding_top"]), int(r["padding_right"]), int(r["padding_bottom"]), int(r["padding_left"])),
        background_kind=str(r["background_kind"]),
        background_file=str(r["background_file"]),
        background_xy=(float(r["background_x"]), float(r["background_y"])),
        ink=(int(r["ink_r"]), int(r["ink_g"]), int(r["ink_b"])),
        background=(int(r["background_r"]), int(r["background_g"]), int(r["background_b"])),
        color_mode=str(r["color_mode"]),
        output_name=str(r["output_name"]),
        effects=MappingProxyType({p.name: float(r[p.name]) for p in EFFECT_PARAMS}),
        row=MappingProxyType(r),
    )


def _rng(p: RowParams, stage: str) -> np.random.Generator:
    """The generator of one stage of one row: seeded from the row's seed and the stage's fixed index."""
    index = EFFECT_ORDER.index(stage) if stage in EFFECT_ORDER else len(EFFECT_ORDER)
    return np.random.default_rng([p.seed, index])


def _translation(dx: float, dy: float) -> np.ndarray:
    return np.array([[1, 0, dx], [0, 1, dy], [0, 0, 1]], np.float64)


def render_row(row: Mapping[str, Any], assets: RenderAssets) -> tuple[Image.Image, Label]:
    """Draw one plan row: text, geometric effects, ink, background, photometric effects, label."""
    p = decode_row(row)
    vertical = p.text_direction == "ttb"
    layout = layout_line(
        p.text, p.text_direction, assets.pil_font((p.font, p.font_size)), assets.hb_font(p.font),
        p.font_size, p.effects["glyph_overlap_intensity"],
    )
    geometry = Geometry.from_layout(layout, vertical)

    # Geometric effects act in the frame of the line's box, composed into one mapping.
    box = layout.line
    matrix = _translation(-box.x0, -box.y0)
    for name, fn in GEOMETRIC.items():
        matrix = fn(p.effects[name], _rng(p, name), box.x1 - box.x0, box.y1 - box.y0) @ matrix
    x0, y0, x1, y1 = geometry.map_points(lambda pts: apply_homography(matrix, pts)).bounds()
    top, right, bottom, left = p.padding
    matrix = _translation(round(left - x0), round(top - y0)) @ matrix
    width = max(1, int(math.ceil(x1 - x0)) + left + right + 1)
    height = max(1, int(math.ceil(y1 - y0)) + top + bottom + 1)
    geometry = geometry.map_points(lambda pts: apply_homography(matrix, pts))
    mask = _warp_mask(layout.mask, matrix, (width, height))

    for name, fn in MASK.items():
        mask = fn(mask, p.effects[name], _rng(p, name))
    image = _composite(_background(p, (width, height), assets), mask, p.ink)
    for name, fn in IMAGE.items():
        image = fn(image, p.effects[name], _rng(p, name))
    if p.color_mode == "L":
        image = image.convert("L")

    chars, words, line = geometry.regions(width, height)
    label = Label(
        image_id=p.image_id,
        image=PurePosixPath(p.output_name).name,
        width=width,
        height=height,
        text=p.text,
        params=dict(p.row),
        chars=chars,
        words=words,
        line=line,
    )
    return image, label


def _warp_mask(mask: Image.Image, matrix: np.ndarray, size: tuple[int, int]) -> Image.Image:
    """The ink mask under `matrix`; a whole-pixel shift is a paste, anything else one resampling."""
    linear = matrix[:2, :2]
    if np.allclose(linear, np.eye(2)) and np.allclose(matrix[2], [0, 0, 1]):
        out = Image.new("L", size, 0)
        out.paste(mask, (int(round(matrix[0, 2])), int(round(matrix[1, 2]))))
        return out
    inverse = np.linalg.inv(matrix)
    inverse /= inverse[2, 2]
    return mask.transform(size, Image.Transform.PERSPECTIVE, tuple(inverse.flatten()[:8]),
                          resample=Image.Resampling.BILINEAR)


def _background(p: RowParams, size: tuple[int, int], assets: RenderAssets) -> Image.Image:
    rng = _rng(p, "background")
    if p.background_kind == "image":
        return image_crop(assets.background(p.background_file), size, *p.background_xy)
    return PROCEDURAL[p.background_kind](size, p.background, rng)


def _composite(background: Image.Image, mask: Image.Image, ink: tuple[int, int, int]) -> Image.Image:
    """Ink laid over the background with the mask as coverage (not pasted as a rectangle)."""
    return Image.composite(Image.new("RGB", background.size, ink), background, mask)
