"""render_row: one plan row in, one image and its label out; a pure function of the row."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import partial
from types import MappingProxyType
from typing import Any, NamedTuple

import cv2
import numpy as np
from PIL import Image, ImageChops

from synthocr.renderer.assets import RenderAssets
from synthocr.renderer.contrast import InkFit, fit_ink
from synthocr.renderer.effects import (
    FRAME,
    GEOMETRIC,
    IMAGE,
    LAYOUT,
    MASK,
    OVERLAY,
    PAGE,
    SMOOTHING,
    STYLE,
    PageContext,
)
from synthocr.renderer.effects.backgrounds import PROCEDURAL, image_crop
from synthocr.renderer.effects.style import (
    HIGHLIGHTS,
    accent_ink,
    gradient_end,
    gradient_fill,
    halo,
    highlight_outline,
    ink_layers,
    plate_color,
    plate_outline,
)
from synthocr.renderer.geometry import BoxGeometry, Frame, Geometry, Warp, chain, invert
from synthocr.renderer.imaging import PNG_FILTER_KEY, Pixels, gaussian_blur, image_of, pixels_of
from synthocr.renderer.layout import Layout, draw_layout, layout_line, layout_mask
from synthocr.renderer.limits import DEFAULT_MAX_IMAGE_PIXELS, RowLimitError, check_image_size, check_text
from synthocr.renderer.linestyle import PLAIN, LineStyle, Plate, merge_styles
from synthocr.renderer.randomness import stage_rng
from synthocr.schemas.colors import LIGHT_INKS
from synthocr.schemas.labels import Label
from synthocr.schemas.params import EFFECTS, VERTICAL_DIRECTIONS
from synthocr.schemas.plan import row_to_python

NEUTRAL: Mapping[str, float] = MappingProxyType({e.name: e.neutral for e in EFFECTS})
# Per effect: its name, neutral strength, and the plan columns of each parameter after the strength.
_EFFECT_COLUMNS: tuple[tuple[str, float, tuple[tuple[str, ...], ...]], ...] = tuple(
    (e.name, e.neutral, tuple(p.column_names for p in e.params[1:])) for e in EFFECTS
)


class RowParams(NamedTuple):
    """A plan row decoded into typed, immutable render parameters (a named tuple: one per image,
    cheaper to make than a frozen dataclass of two dozen fields)."""

    image_id: int
    seed: int
    text: str
    text_direction: str
    combine_upright_digits: int  # vertical lines: runs of up to this many digits upright in one em (0: none)
    language: str  # BCP 47 tag HarfBuzz shapes the text for ("" for none)
    font: str
    font_sha1: str  # the font file's fingerprint when planned
    font_instance: str  # named instance of a variable font ("" for its default)
    fallback_fonts: tuple[tuple[str, str], ...]  # (font, sha1) of each font drawing what `font` lacks
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
    light_ink: bool  # light ink on a dark ground: the contrast guard keeps the ink the lighter
    min_contrast: float  # WCAG ratio the ink keeps over the background under the line
    color_mode: str
    output_name: str
    effects: Mapping[str, float]  # every effect's strength (its neutral value = not applied)
    args: Mapping[str, tuple[Any, ...]]  # the applied effects' parameters, in declared order
    row: Mapping[str, Any]  # every column as plain Python values, for the label


def decode_row(row: Mapping[str, Any]) -> RowParams:
    """Typed parameters from a plan row (a dict of column -> value)."""
    r = row_to_python(row)
    effects: dict[str, float] = {}
    args: dict[str, tuple[Any, ...]] = {}
    for name, neutral, rest in _EFFECT_COLUMNS:
        strength = effects[name] = float(r[name])
        if strength != neutral:
            args[name] = (
                strength,
                *(float(r[cols[0]]) if len(cols) == 1 else tuple(float(r[c]) for c in cols) for cols in rest),
            )
    return RowParams(
        image_id=int(r["image_id"]),
        seed=int(r["seed"]),
        text=str(r["text"]),
        text_direction=str(r["text_direction"]),
        combine_upright_digits=int(r["combine_upright_digits"]),
        language=str(r["language"]),
        font=str(r["font"]),
        font_sha1=str(r["font_sha1"]),
        font_instance=str(r["font_instance"]),
        fallback_fonts=_fallback_pairs(str(r["fallback_fonts"]), str(r["fallback_sha1"])),
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
        light_ink=str(r["ink_color"]) in LIGHT_INKS,
        min_contrast=float(r["min_contrast"]),
        color_mode=str(r["color_mode"]),
        output_name=str(r["output_name"]),
        effects=MappingProxyType(effects),
        args=MappingProxyType(args),
        row=MappingProxyType(r),
    )


def _fallback_pairs(fonts: str, sha1s: str) -> tuple[tuple[str, str], ...]:
    """(font, sha1) of each fallback font of a row, from its `|`-separated columns.

    Raises:
        RowLimitError: the two columns name different numbers of fonts (a plan edited by hand).
    """
    if not fonts and not sha1s:
        return ()
    names, digests = fonts.split("|"), sha1s.split("|")
    if len(names) != len(digests) or not all(names) or not all(digests):
        raise RowLimitError(
            f"fallback_fonts {fonts!r} and fallback_sha1 {sha1s!r} do not name one sha1 per font: the plan was "
            "edited by hand; plan it again"
        )
    return tuple(zip(names, digests))


def _rng(p: RowParams, stage: str) -> np.random.Generator:
    """The generator of one stage of one row (see renderer/randomness.py)."""
    return stage_rng(p.seed, stage)


def _translation(dx: float, dy: float) -> np.ndarray:
    return np.array(((1.0, 0.0, dx), (0.0, 1.0, dy), (0.0, 0.0, 1.0)), np.float64)


# Background kinds whose images are written with PNG's None filter unless an effect smoothed them
# (a gradient or a photo is smooth: the Up filter suits it).
UNFILTERED_BACKGROUNDS = frozenset({"plain", "noise", "paper"})

# Geometric effects that move the surface the text is printed on (a sign's plate moves with them), as against
# those that shape the lettering (slant, arcs, waves). They run last among the geometric effects.
SURFACE_WARPS = frozenset({"perspective_warp_magnitude", "rotation_angle"})

MESH_STEP = 16  # pixels: the inverse map of curved warps is exact at this grid and bilinear in between


def render_row(
    row: Mapping[str, Any], assets: RenderAssets, max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS
) -> tuple[Image.Image, Label]:
    """Draw one plan row: text, geometric effects, ink, background, photometric effects, label.

    Raises:
        RowLimitError: the text is not valid or too long, or the image would have over `max_pixels` pixels.
    """
    p = decode_row(row)
    check_text(p.text)
    vertical = p.text_direction in VERTICAL_DIRECTIONS

    style = _line_style(p)
    font = assets.font(p.font, p.font_sha1, p.font_size, p.font_instance)
    fallbacks = tuple(assets.font(rel, sha1, p.font_size) for rel, sha1 in p.fallback_fonts)
    layout = layout_line(p.text, p.text_direction, font, style, p.language, fallbacks, p.combine_upright_digits)

    # Geometric effects act in the frame of the line's box, chained into one mapping.
    # The frame's origin is a whole pixel, so without warps the ink moves by whole pixels, exactly as the polygons.
    box = layout.line
    ox, oy = math.floor(box.x0), math.floor(box.y0)
    frame = Frame(box.x1 - ox, box.y1 - oy, vertical)
    warps = [Warp.homography(_translation(-ox, -oy))]
    flat = 1  # warps[:flat] shape the lettering (slant, curves), warps[flat:] the surface it is on
    for name, fn in GEOMETRIC.items():
        if name in p.args:
            warps.append(fn(*p.args[name], _rng(p, name), frame))
            if name not in SURFACE_WARPS and len(warps) - 1 == flat:
                flat = len(warps)
    warp = chain(warps)
    # Every point is mapped once; the image's size follows the mapped line polygon (it encloses
    # every other polygon), and its placement in the image is a whole-pixel shift of them all.
    geometry: Geometry | BoxGeometry
    if len(warps) == 1:  # only the move to the frame's origin: the boxes stay boxes
        geometry = BoxGeometry(layout, vertical, ((-ox, -oy),))
    else:
        # Curved maps bend straight edges: give the line polygon points every quarter line height.
        step = frame.thickness / 4 if warp.matrix is None else 0.0
        geometry = Geometry.from_layout(layout, vertical, max_step=step).map_points(warp.forward)
    x0, y0, x1, y1 = geometry.line_bounds()
    top, right, bottom, left = p.padding
    for name, crop in FRAME.items():
        if name in p.args:
            cuts = crop(*p.args[name], _rng(p, name), frame)
            top, right, bottom, left = (a - c for a, c in zip((top, right, bottom, left), cuts))
    dx, dy = round(left - x0), round(top - y0)
    width = max(1, int(math.ceil(x1 - x0)) + left + right + 1)
    height = max(1, int(math.ceil(y1 - y0)) + top + bottom + 1)
    check_image_size(width, height, max_pixels)  # before any pixel is allocated
    placement = chain([warp, Warp.homography(_translation(dx, dy))])
    geometry = geometry.shifted(dx, dy)
    background = _background(p, (width, height), assets)
    # A plate and a highlighter mark the background before the contrast guard measures it.
    if style.plate is not None:
        surface = chain([*warps[flat:], Warp.homography(_translation(dx, dy))])
        background = _plate(background, layout, style.plate, p, chain(warps[:flat]), surface)
    if style.highlight is not None:
        outline = _highlight_outline(layout, style, p.font_size, vertical)
        if outline is not None:
            band = gaussian_blur(_mapped_fill(outline, placement, (width, height)), 0.6)
            mark = cv2.convertScaleAbs(band, alpha=style.highlight.opacity)
            background = _marker(background, mark, HIGHLIGHTS[style.highlight.color % len(HIGHLIGHTS)])
    line_box = (x0 + dx, y0 + dy, x1 + dx, y1 + dy)
    fit, background = fit_ink(background, line_box, p.ink, p.light_ink, p.min_contrast)
    accent = None  # the emphasised run's ink, where it has one of its own: kept at min_contrast as the line's
    wanted = accent_ink(style.emphasis.color, p.light_ink) if style.emphasis is not None and layout.accent else None
    if wanted is not None:
        accent_fit, background = fit_ink(background, line_box, wanted, p.light_ink, p.min_contrast)
        accent = accent_fit.ink
    gradient = None  # the ink at the far end of a gradient fill: kept at min_contrast as the line's
    fill = None  # the gradient's colours over an area of the image, in place of the line's flat ink
    if style.gradient is not None:
        end = gradient_end(style.gradient, fit.ink, p.light_ink)
        end_fit, background = fit_ink(background, line_box, end, p.light_ink, p.min_contrast)
        gradient = end_fit.ink
        fill = partial(gradient_fill, fit.ink, gradient, style.gradient.angle, line_box)
    coverage: list[Pixels] = []  # the warped ink coverage, made once when first asked for

    def ink_coverage() -> Pixels:
        if not coverage:
            coverage.append(_warp_mask(pixels_of(layout_mask(layout)), placement, (width, height)))
        return coverage[0]

    page = PageContext(line_box, frame.thickness, vertical, fit.ink, p.background, p.font_size, ink_coverage)
    page_effects = [name for name in PAGE if name in p.args]
    if page_effects:
        paper = pixels_of(background)
        for name in page_effects:
            paper = PAGE[name](paper, *p.args[name], _rng(p, name), page)
        background = Image.fromarray(paper, background.mode)
    if style.layers:  # shadow, extrusion and stroke, under the text's ink, warped with it
        layers = ink_layers(style.layers, pixels_of(layout_mask(layout)), p.font_size, fit.ink, p.light_ink)
        for layer, colour in layers:
            background = _composite(background, _warp_mask(layer, placement, (width, height)), colour)
    shift = _whole_pixel_shift(placement)
    mask_effects = [name for name in MASK if name in p.args]
    if shift is not None and not mask_effects and fill is None:
        # The ink only moves by whole pixels: stamp the glyphs straight into the background in the
        # ink's colour, as draw.text would, with no mask or compositing pass.
        draw_layout(layout, background.im, fit.ink, shift, accent)
        image = background
    else:
        inks = [("all", fit.ink)] if accent is None else [("plain", fit.ink), ("accent", accent)]
        image = background
        for part, colour in inks:
            mask = (
                ink_coverage()
                if part == "all"
                else _warp_mask(pixels_of(layout_mask(layout, part)), placement, (width, height))
            )
            for name in mask_effects:
                mask = MASK[name](mask, *p.args[name], _rng(p, name))
            image = _composite(image, mask, colour if fill is None or part == "accent" else fill)
    overlays = [name for name in OVERLAY if name in p.args]
    applied = [name for name in IMAGE if name in p.args]
    if overlays or applied:
        pixels = pixels_of(image)
        for name in overlays:
            pixels = OVERLAY[name](pixels, *p.args[name], _rng(p, name), page)
        for name in applied:
            pixels = IMAGE[name](pixels, *p.args[name], _rng(p, name))
        image = image_of(pixels)  # read only: it is only encoded from here (or converted to L)
    if p.color_mode == "L":
        image = image.convert("L")
    if p.background_kind in UNFILTERED_BACKGROUNDS and not any(name in applied for name in SMOOTHING):
        # Grain new at every pixel, not smoothed since: the PNG rows compress better, and faster, as they
        # are than as differences from the row above (about 6% smaller on paper, 15% on noise).
        image.info[PNG_FILTER_KEY] = "none"

    label = Label(
        image_id=p.image_id,
        image=p.output_name.rpartition("/")[2],  # the file name; write_output adds the extension
        width=width,
        height=height,
        text=p.text,
        params=dict(p.row),
        regions=geometry.regions(width, height),
        appearance=_appearance(fit, accent, gradient),
    )
    return image, label


def _line_style(p: RowParams) -> LineStyle:
    """The row's spacing and text styles, merged from its applied LAYOUT and STYLE effects."""
    parts = [stage[name](*p.args[name], _rng(p, name)) for stage in (LAYOUT, STYLE) for name in stage if name in p.args]
    if not parts:
        return PLAIN
    style = merge_styles(parts)
    return style._replace(halo=halo(style.layers, p.font_size)) if style.layers else style


def _appearance(
    fit: InkFit, accent: tuple[int, int, int] | None, gradient: tuple[int, int, int] | None
) -> dict[str, Any]:
    """What the label says of the inks drawn: the line's, its contrast, the background's fade, an accent's,
    the far end of a gradient fill's."""
    out: dict[str, Any] = {"ink": list(fit.ink), "contrast": round(fit.contrast, 2), "background_fade": fit.fade}
    if accent is not None:
        out["accent_ink"] = list(accent)
    if gradient is not None:
        out["gradient_ink"] = list(gradient)
    return out


def _warp_mask(mask: Pixels, warp: Warp, size: tuple[int, int]) -> Pixels:
    """The (h, w) ink mask under `warp`: a whole-pixel shift is a copy, a homography one resampling,
    anything else a remap whose source coordinates follow the exact inverse map at a grid
    of points MESH_STEP apart and are bilinear in between."""
    matrix = warp.matrix
    if matrix is not None:
        shift = _whole_pixel_shift(warp)
        if shift is not None:
            out = np.zeros((size[1], size[0]), np.uint8)
            dx, dy = shift
            mh, mw = mask.shape
            x0, y0, x1, y1 = max(0, dx), max(0, dy), min(size[0], dx + mw), min(size[1], dy + mh)
            if x1 > x0 and y1 > y0:
                out[y0:y1, x0:x1] = mask[y0 - dy : y1 - dy, x0 - dx : x1 - dx]
            return out
        # Pixel centres sit at +0.5 in the geometry's continuous coordinates and at whole
        # numbers in OpenCV's: shift in, apply the inverse, shift back.
        inverse = _translation(-0.5, -0.5) @ invert(matrix) @ _translation(0.5, 0.5)
        return cv2.warpPerspective(
            mask,
            inverse,
            size,
            flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=0,
        )
    # Grid nodes at the centres of MESH_STEP cells, one cell beyond each edge, so that OpenCV's
    # linear resize (which samples node j at pixel centre (j + 0.5) * step) interpolates between
    # them at every pixel of the image and never extrapolates.
    w, h = size
    step = MESH_STEP
    nx, ny = -(-w // step) + 2, -(-h // step) + 2
    grid = np.empty((ny, nx, 2), np.float64)
    grid[:, :, 0] = (np.arange(nx) - 0.5) * step
    grid[:, :, 1] = ((np.arange(ny) - 0.5) * step)[:, None]
    nodes = warp.inverse(grid.reshape(-1, 2)).reshape(ny, nx, 2)
    nodes -= 0.5  # continuous coordinates -> OpenCV pixel indices (a shift commutes with the linear resize)
    dense = cv2.resize(nodes.astype(np.float32), (nx * step, ny * step), interpolation=cv2.INTER_LINEAR)
    return cv2.remap(
        mask,
        dense[step : step + h, step : step + w],
        None,
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )


def _whole_pixel_shift(warp: Warp) -> tuple[int, int] | None:
    """(dx, dy) when `warp` only translates (by whole pixels, as the layout's frame origin is whole)."""
    if warp.matrix is None:
        return None
    (a, b, tx), (c, d, ty), bottom = warp.matrix.tolist()  # plain floats: cheaper than array comparisons
    if (a, b, c, d) != (1.0, 0.0, 0.0, 1.0) or bottom != [0.0, 0.0, 1.0]:
        return None
    return int(round(tx)), int(round(ty))


def _background(p: RowParams, size: tuple[int, int], assets: RenderAssets) -> Image.Image:
    rng = _rng(p, "background")
    if p.background_kind == "image":
        return image_crop(assets.background(p.background_file), size, *p.background_xy, p.background_scale)
    return PROCEDURAL[p.background_kind](
        size, p.background, p.background_texture, p.background_angle, p.background_xy, rng
    )


def _highlight_outline(layout: Layout, style: LineStyle, size: int, vertical: bool) -> np.ndarray | None:
    """The highlighter stroke's corners on the layout's canvas, over its run of the line's words."""
    assert style.highlight is not None
    line = layout.line
    if vertical:
        spans = tuple((box.y0, box.y1) for _, _, box in layout.words)
        middle = (line.x0 + line.x1) / 2
    else:
        spans = tuple((box.x0, box.x1) for _, _, box in layout.words)
        middle = (line.y0 + line.y1) / 2
    return highlight_outline(style.highlight, spans, middle, size, vertical)


def _plate(
    background: Image.Image, layout: Layout, plate: Plate, p: RowParams, lettering: Warp, surface: Warp
) -> Image.Image:
    """A sign's plate around the line, in a shade of the row's background colour, its border in the row's ink.

    The plate is flat: it holds the line's box as the `lettering` warps (slant, curves) shape it, and only
    the `surface` warps (perspective, rotation, then the placement in the image) move it."""
    size = background.size
    line = layout.line
    bent = lettering.forward(_outline_points(plate_outline((line.x0, line.y0, line.x1, line.y1), 0.0, 0.0)))
    box = (*bent.min(axis=0).tolist(), *bent.max(axis=0).tolist())
    margin, radius, border = (v * p.font_size for v in (plate.margin, plate.radius, plate.border))
    outer = _mapped_fill(plate_outline(box, margin, radius), surface, size)
    if border > 0:
        background = _composite(background, cv2.convertScaleAbs(outer, alpha=plate.opacity), p.ink)
        inner = plate_outline(box, max(0.0, margin - border), max(0.0, radius - border))
        outer = _mapped_fill(inner, surface, size)
    colour = plate_color(plate, p.background, p.light_ink)
    return _composite(background, cv2.convertScaleAbs(outer, alpha=plate.opacity), colour)


EDGE_STEP = 4.0  # pixels: the longest straight piece of a shape's outline before a warp maps it


def _outline_points(outline: np.ndarray) -> np.ndarray:
    """The closed `outline` (k, 2) with every edge cut into pieces of at most EDGE_STEP pixels."""
    pieces = []
    for a, b in zip(outline, np.roll(outline, -1, axis=0)):
        n = max(1, math.ceil(float(np.hypot(*(b - a))) / EDGE_STEP))
        pieces.append(a + (b - a) * (np.arange(n) / n)[:, None])
    return np.concatenate(pieces)


def _mapped_fill(outline: np.ndarray, warp: Warp, size: tuple[int, int]) -> Pixels:
    """The (h, w) coverage (0-255, anti-aliased) of the closed `outline` (k, 2) on the layout's canvas, mapped
    into the image by `warp`, its edges cut into short pieces first so that a curved warp bends them."""
    mapped = warp.forward(_outline_points(outline))
    w, h = size
    mask = np.zeros((h, w), np.uint8)
    shift = 4  # sub-pixel vertices: OpenCV's fixed-point coordinates, 1/16 pixel
    cv2.fillPoly(mask, [np.rint(mapped * (1 << shift)).astype(np.int32)], 255, cv2.LINE_AA, shift)
    return mask


def _marker(background: Image.Image, coverage: Pixels, colour: tuple[int, int, int]) -> Image.Image:
    """A fluorescent marker over the (RGB) paper: the paper multiplied by the marker's colour where `coverage`
    (0-255) says, as transparent ink darkens what is under it (on white paper: the marker's colour)."""
    x, y, w, h = cv2.boundingRect(coverage)
    if w:
        box = (x, y, x + w, y + h)
        marked = ImageChops.multiply(background.crop(box), Image.new("RGB", (w, h), colour))
        alpha = Image.frombuffer("L", (w, h), np.ascontiguousarray(coverage[y : y + h, x : x + w]), "raw", "L", 0, 1)
        background.paste(marked, box, alpha)
    return background


def _composite(
    background: Image.Image,
    coverage: Pixels,
    ink: tuple[int, int, int] | Callable[[tuple[int, int, int, int]], Pixels],
) -> Image.Image:
    """Ink laid over the background with the (h, w) `coverage` (0-255) as its alpha, not pasted as a rectangle.

    `ink` is a colour, or a function giving the (h, w, 3) fill of an area (x, y, w, h) of the image.

    Paints into `background` (made for this row alone), within the coverage's ink bounds only:
    the same blend as Image.composite, where the coverage is 0 the background stays as it is.
    The ink is pasted as an image of its colour, not as a colour: the same pixels, but Pillow
    blends an image through a mask two to three times faster than it fills a colour through one.
    The coverage's part inside its ink bounds goes to Pillow as a read-only image over a copy of
    those bytes (Image.frombuffer), not through Image.fromarray, getbbox and crop.
    """
    x, y, w, h = cv2.boundingRect(coverage)  # the bounds of its non-zero pixels (w = 0: none)
    if w:
        alpha = Image.frombuffer("L", (w, h), np.ascontiguousarray(coverage[y : y + h, x : x + w]), "raw", "L", 0, 1)
        source = Image.fromarray(ink((x, y, w, h)), "RGB") if callable(ink) else Image.new(background.mode, (w, h), ink)
        background.paste(source, (x, y, x + w, y + h), alpha)
    return background
