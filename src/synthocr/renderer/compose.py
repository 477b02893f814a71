"""render_row: one plan row in, one image and its label out; a pure function of the row."""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Any, cast

import numpy as np
from PIL import Image

from synthocr.renderer.assets import RenderAssets
from synthocr.renderer.effects import FRAME, GEOMETRIC, IMAGE, MASK
from synthocr.renderer.effects.backgrounds import PROCEDURAL, image_crop
from synthocr.renderer.geometry import Frame, Geometry, Warp, chain
from synthocr.renderer.layout import layout_line
from synthocr.schemas.labels import Label
from synthocr.schemas.params import EFFECT_PARAMS
from synthocr.schemas.plan import row_to_python

NEUTRAL: Mapping[str, float] = MappingProxyType({p.name: float(p.neutral) for p in EFFECT_PARAMS})


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
    background_texture: float  # x default texture strength of procedural kinds
    background_angle: float  # degrees, direction of a gradient
    background_scale: float  # zoom of an image crop
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
        background_texture=float(r["background_texture"]),
        background_angle=float(r["background_angle"]),
        background_scale=float(r["background_scale"]),
        ink=(int(r["ink_r"]), int(r["ink_g"]), int(r["ink_b"])),
        background=(int(r["background_r"]), int(r["background_g"]), int(r["background_b"])),
        color_mode=str(r["color_mode"]),
        output_name=str(r["output_name"]),
        effects=MappingProxyType({p.name: float(r[p.name]) for p in EFFECT_PARAMS}),
        row=MappingProxyType(r),
    )


def _rng(p: RowParams, stage: str) -> np.random.Generator:
    """The generator of one stage of one row, keyed by the row's seed and the stage's name.

    The key is a CRC of the name (stable across runs and machines), so adding an
    effect never changes the draws of the others. The generator is made on first
    use: most effects draw nothing, and seeding one costs tens of microseconds.
    """
    return cast(np.random.Generator, _LazyGenerator((p.seed, zlib.crc32(stage.encode()))))


class _LazyGenerator:
    """Stands in for np.random.default_rng(key) and makes it when a method is first looked up."""

    __slots__ = ("_key", "_rng")

    def __init__(self, key: tuple[int, int]) -> None:
        self._key: tuple[int, int] = key
        self._rng: np.random.Generator | None = None

    def __getattr__(self, name: str) -> Any:
        if self._rng is None:
            self._rng = np.random.default_rng(list(self._key))
        return getattr(self._rng, name)


def _translation(dx: float, dy: float) -> np.ndarray:
    return np.array([[1, 0, dx], [0, 1, dy], [0, 0, 1]], np.float64)


MESH_STEP = 16  # pixels: the inverse map of curved warps is exact at this grid and bilinear in between


def render_row(row: Mapping[str, Any], assets: RenderAssets) -> tuple[Image.Image, Label]:
    """Draw one plan row: text, geometric effects, ink, background, photometric effects, label."""
    p = decode_row(row)
    vertical = p.text_direction == "ttb"
    layout = layout_line(
        p.text, p.text_direction, assets.pil_font((p.font, p.font_size)), assets.hb_font(p.font),
        p.font_size, p.effects["glyph_overlap_intensity"],
        lambda key: assets.cluster_mask((p.font, p.font_size, *key)),
    )

    # Geometric effects act in the frame of the line's box, chained into one mapping.
    # The frame's origin is a whole pixel, so without warps the ink moves by whole pixels, exactly as the polygons.
    box = layout.line
    ox, oy = math.floor(box.x0), math.floor(box.y0)
    frame = Frame(box.x1 - ox, box.y1 - oy, vertical)
    warps = [Warp.homography(_translation(-ox, -oy))]
    for name, fn in GEOMETRIC.items():
        if p.effects[name] != NEUTRAL[name]:
            warps.append(fn(p.effects[name], _rng(p, name), frame))
    warp = chain(warps)
    # Curved maps bend straight edges: give the line polygon points every quarter line height.
    step = frame.thickness / 4 if warp.matrix is None else 0.0
    geometry = Geometry.from_layout(layout, vertical, max_step=step).map_points(warp.forward)

    x0, y0, x1, y1 = geometry.bounds()
    top, right, bottom, left = p.padding
    for name, crop in FRAME.items():
        if p.effects[name] != NEUTRAL[name]:
            cuts = crop(p.effects[name], _rng(p, name), frame)
            top, right, bottom, left = (a - c for a, c in zip((top, right, bottom, left), cuts))
    dx, dy = round(left - x0), round(top - y0)
    width = max(1, int(math.ceil(x1 - x0)) + left + right + 1)
    height = max(1, int(math.ceil(y1 - y0)) + top + bottom + 1)
    geometry = geometry.map_points(lambda pts: pts + np.array([dx, dy], np.float64))
    mask = _warp_mask(layout.mask, chain([warp, Warp.homography(_translation(dx, dy))]), (width, height))

    for name, fn in MASK.items():
        if p.effects[name] != NEUTRAL[name]:
            mask = fn(mask, p.effects[name], _rng(p, name))
    image = _composite(_background(p, (width, height), assets), mask, p.ink)
    for name, fn in IMAGE.items():
        if p.effects[name] != NEUTRAL[name]:
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


def _warp_mask(mask: Image.Image, warp: Warp, size: tuple[int, int]) -> Image.Image:
    """The ink mask under `warp`: a whole-pixel shift is a paste, a homography one resampling,
    anything else a mesh of MESH_STEP cells whose corners follow the exact inverse map."""
    matrix = warp.matrix
    if matrix is not None:
        if (matrix[:2, :2] == np.eye(2)).all() and (matrix[2] == [0, 0, 1]).all():
            out = Image.new("L", size, 0)
            out.paste(mask, (int(round(matrix[0, 2])), int(round(matrix[1, 2]))))
            return out
        inverse = np.linalg.inv(matrix)
        inverse /= inverse[2, 2]
        return mask.transform(size, Image.Transform.PERSPECTIVE, tuple(inverse.flatten()[:8]),
                              resample=Image.Resampling.BILINEAR)
    w, h = size
    xs = np.unique(np.append(np.arange(0, w, MESH_STEP), w)).astype(np.float64)
    ys = np.unique(np.append(np.arange(0, h, MESH_STEP), h)).astype(np.float64)
    gx, gy = np.meshgrid(xs, ys)
    src = warp.inverse(np.column_stack((gx.ravel(), gy.ravel()))).reshape(len(ys), len(xs), 2)
    # Cells whose source quad misses the mask stay empty: leave them out of the mesh.
    sx, sy = src[..., 0], src[..., 1]
    cell_x0 = np.minimum.reduce([sx[:-1, :-1], sx[1:, :-1], sx[1:, 1:], sx[:-1, 1:]])
    cell_x1 = np.maximum.reduce([sx[:-1, :-1], sx[1:, :-1], sx[1:, 1:], sx[:-1, 1:]])
    cell_y0 = np.minimum.reduce([sy[:-1, :-1], sy[1:, :-1], sy[1:, 1:], sy[:-1, 1:]])
    cell_y1 = np.maximum.reduce([sy[:-1, :-1], sy[1:, :-1], sy[1:, 1:], sy[:-1, 1:]])
    hit = (cell_x1 > -1) & (cell_x0 < mask.width + 1) & (cell_y1 > -1) & (cell_y0 < mask.height + 1)
    out = Image.new("L", size, 0)
    rows, cols = np.nonzero(hit)
    if len(rows) == 0:
        return out
    # Pillow's MESH transform warps each cell through a QUAD transform, and builds the QUAD's
    # coefficients in Python per cell; they are built here for all cells at once, in the same
    # float64 operations, and handed to the same C routine: the same pixels, a fraction of the time.
    nw, sw, se, ne = src[rows, cols], src[rows + 1, cols], src[rows + 1, cols + 1], src[rows, cols + 1]
    x_lo, x_hi, y_lo, y_hi = xs[cols], xs[cols + 1], ys[rows], ys[rows + 1]
    a_s, a_t = 1.0 / (x_hi - x_lo), 1.0 / (y_hi - y_lo)
    coeffs = np.stack([
        nw[:, 0], (ne[:, 0] - nw[:, 0]) * a_s, (sw[:, 0] - nw[:, 0]) * a_t,
        (se[:, 0] - sw[:, 0] - ne[:, 0] + nw[:, 0]) * a_s * a_t,
        nw[:, 1], (ne[:, 1] - nw[:, 1]) * a_s, (sw[:, 1] - nw[:, 1]) * a_t,
        (se[:, 1] - sw[:, 1] - ne[:, 1] + nw[:, 1]) * a_s * a_t,
    ], axis=1).tolist()
    boxes = np.stack([x_lo, y_lo, x_hi, y_hi], axis=1).astype(int).tolist()
    source, target = mask.im, out.im
    for box, data in zip(boxes, coeffs):
        target.transform(tuple(box), source, Image.Transform.QUAD, data, Image.Resampling.BILINEAR, False)
    return out


def _background(p: RowParams, size: tuple[int, int], assets: RenderAssets) -> Image.Image:
    rng = _rng(p, "background")
    if p.background_kind == "image":
        return image_crop(assets.background(p.background_file), size, *p.background_xy, p.background_scale)
    return PROCEDURAL[p.background_kind](size, p.background, p.background_texture, p.background_angle, rng)


def _composite(background: Image.Image, mask: Image.Image, ink: tuple[int, int, int]) -> Image.Image:
    """Ink laid over the background with the mask as coverage (not pasted as a rectangle).

    Paints into `background` (made for this row alone), within the mask's ink bounds only:
    the same blend as Image.composite, where the mask is 0 the background stays as it is.
    """
    box = mask.getbbox()
    if box is not None:
        solid = Image.new(background.mode, (box[2] - box[0], box[3] - box[1]), ink)
        background.paste(solid, box, mask.crop(box))
    return background
