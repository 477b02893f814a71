"""Clutter around the line: table rules, fragments of the neighbouring lines, stamps and pen marks.

None of it is text of the label. Rules and neighbouring lines are page effects
(drawn on the paper before the ink), stamps and pen marks overlay effects (drawn
over the ink). Each takes (h, w, 3) uint8 pixels, its parameters, its generator
and the PageContext, and returns new pixels. Vertical lines are handled by
working on the transposed image: "above" and "below" are then left and right.
"""

from __future__ import annotations

import functools
import math

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from synthocr.assets import BUILTIN_DIRS
from synthocr.renderer.effects.page import PageContext, tint
from synthocr.renderer.imaging import Pixels

_SUB = 4  # OpenCV draws with 2 fractional bits: coordinates in quarter pixels


def _across(page: PageContext, pixels: Pixels) -> tuple[Pixels, tuple[float, float, float, float]]:
    """The pixels and line box with the line running along x (vertical text transposed)."""
    if not page.vertical:
        return pixels, page.box
    x0, y0, x1, y1 = page.box
    return pixels.transpose(1, 0, 2), (y0, x0, y1, x1)


def _back(page: PageContext, pixels: Pixels) -> Pixels:
    return np.ascontiguousarray(pixels.transpose(1, 0, 2)) if page.vertical else pixels


def table_rule_width(
    pixels: Pixels, width: float, sides: float, gap: float, tone: float, rng: np.random.Generator, page: PageContext
) -> Pixels:
    """Table rules and cell borders around the line: lines `width` pixels wide on the `sides` (a bit mask:
    1 above, 2 below, 4 before, 8 after the line), `gap` line heights away from the line's box (below 0 they
    cross into it), in the ink's colour lightened `tone` of the way to the paper (0 width = unchanged)."""
    if width == 0:
        return pixels
    work, (x0, y0, x1, y1) = _across(page, pixels)
    h, w = work.shape[:2]
    coverage = np.zeros((h, w), np.float32)
    d = gap * page.thickness
    thick = max(1, int(round(width)))
    mask = int(sides)
    lines: list[tuple[tuple[float, float], tuple[float, float]]] = []
    if mask & 1:
        lines.append(((0, y0 - d), (w, y0 - d)))
    if mask & 2:
        lines.append(((0, y1 + d), (w, y1 + d)))
    if mask & 4:
        lines.append(((x0 - d, 0), (x0 - d, h)))
    if mask & 8:
        lines.append(((x1 + d, 0), (x1 + d, h)))
    for (ax, ay), (bx, by) in lines:
        a = (int(round(ax * _SUB)), int(round(ay * _SUB)))
        b = (int(round(bx * _SUB)), int(round(by * _SUB)))
        cv2.line(coverage, a, b, 1.0, thick, cv2.LINE_AA, 2)
    (ir, ig, ib), (pr, pg, pb) = page.ink, page.paper
    color = (ir + (pr - ir) * tone, ig + (pg - ig) * tone, ib + (pb - ib) * tone)
    return _back(page, tint(np.ascontiguousarray(work), np.minimum(coverage, 1.0), color))


def neighbour_lines(
    pixels: Pixels, sides: float, gap: float, shift: float, rng: np.random.Generator, page: PageContext
) -> Pixels:
    """Clipped fragments of the lines above and below, as a crop of a page has them: the line's own ink moved a
    line pitch (its box's height plus `gap` line heights) across, on the `sides` (1 above, 2 below, 3 both),
    and `shift` of its length along (so other letters show), kept only outside the line's box (0 = unchanged).

    They are not in the label, and never touch the line's own box.
    """
    if sides == 0:
        return pixels
    mask = page.mask()
    work, (x0, y0, x1, y1) = _across(page, pixels)
    ink = mask.T if page.vertical else mask
    h, w = ink.shape
    pitch = int(round((y1 - y0) + gap * page.thickness))
    along = int(round(shift * max(x1 - x0, 1.0)))
    rolled = np.roll(ink, along, axis=1)
    coverage = np.zeros((h, w), np.float32)
    top, bottom = max(0, math.floor(y0)), min(h, math.ceil(y1))
    scale = np.float32(1 / 255)
    if int(sides) & 1 and 0 < pitch < h:  # the line above, ink(y + pitch): its lower part shows above the box
        end = min(top, h - pitch)
        coverage[:end] = rolled[pitch : pitch + end] * scale
    if int(sides) & 2 and 0 < pitch < h:  # the line below, ink(y - pitch): its upper part shows below the box
        start = max(bottom, pitch)
        coverage[start:] = np.maximum(coverage[start:], rolled[start - pitch : h - pitch] * scale)
    coverage[top:bottom] = 0.0
    return _back(page, tint(np.ascontiguousarray(work), coverage, page.ink))


STAMP_WORDS: tuple[str, ...] = ("PAID", "COPY", "RECEIVED", "APPROVED", "ORIGINAL", "FAX", "VOID", "URGENT")
STAMP_COLORS: tuple[tuple[int, int, int], ...] = ((190, 35, 45), (40, 60, 170), (110, 50, 150), (40, 120, 70))
PEN_COLORS: tuple[tuple[int, int, int], ...] = ((25, 45, 150), (25, 25, 35), (185, 30, 35))


@functools.lru_cache(maxsize=64)
def _stamp_font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BUILTIN_DIRS["font"] / "DejaVuSans-Bold.ttf"), size)


def stamp_opacity(
    pixels: Pixels,
    opacity: float,
    word: float,
    center: tuple[float, float],
    angle: float,
    size: float,
    color: float,
    rng: np.random.Generator,
    page: PageContext,
) -> Pixels:
    """A rubber stamp pressed over part of the line: a bordered word (STAMP_WORDS[`word`]) `size` line heights
    tall, turned `angle` degrees, centred at `center` (fractions of width and height), in STAMP_COLORS[`color`]
    at up to `opacity` (0 = unchanged). The ink's unevenness (a grainy, blotchy impression) comes from the
    generator."""
    if opacity == 0:
        return pixels
    h, w = pixels.shape[:2]
    tall = max(8, int(round(size * page.thickness)))
    font = _stamp_font(max(6, int(tall * 0.62)))
    text = STAMP_WORDS[int(word) % len(STAMP_WORDS)]
    left, top, right, bottom = font.getbbox(text)
    border = max(1, tall // 12)
    pad = max(2, tall // 6)
    canvas = Image.new("L", (int(right - left) + 2 * pad + 2 * border, tall), 0)
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 0, canvas.width - 1, canvas.height - 1), outline=255, width=border)
    draw.text(
        ((canvas.width - (right - left)) / 2 - left, (tall - (bottom - top)) / 2 - top), text, fill=255, font=font
    )
    stamp = np.asarray(canvas.rotate(angle, Image.Resampling.BILINEAR, expand=True), np.float32) / 255.0
    # Uneven ink: blotches a few pixels wide times fine grain, so parts of the impression are faint.
    sh, sw = stamp.shape
    blotch = cv2.resize(rng.uniform(0.35, 1.0, (max(2, sh // 6), max(2, sw // 6))).astype(np.float32), (sw, sh))
    grain = rng.uniform(0.6, 1.0, (sh, sw)).astype(np.float32)
    stamp *= blotch * grain * np.float32(opacity)
    cx, cy = int(round(center[0] * w - sw / 2)), int(round(center[1] * h - sh / 2))
    ax0, ay0, ax1, ay1 = max(0, cx), max(0, cy), min(w, cx + sw), min(h, cy + sh)
    if ax1 <= ax0 or ay1 <= ay0:
        return pixels
    coverage = stamp[ay0 - cy : ay1 - cy, ax0 - cx : ax1 - cx]  # the part of the stamp on the image
    ink = np.array(STAMP_COLORS[int(color) % len(STAMP_COLORS)], np.float32) / 255.0
    # Stamp ink is translucent: it darkens what is under it by its colour (a multiply), it does not cover it.
    # Blended within the stamp's box only: outside it nothing is drawn.
    box = (slice(ay0, ay1), slice(ax0, ax1))
    part = pixels[box]
    product = part.astype(np.float32) * (ink if pixels.ndim == 3 else ink.mean())
    alpha = coverage[:, :, None] if pixels.ndim == 3 else coverage
    out = pixels.copy()
    out[box] = np.clip(part + (product - part) * alpha + 0.5, 0, 255).astype(np.uint8)
    return out


def pen_mark_width(
    pixels: Pixels,
    width: float,
    kind: float,
    center: tuple[float, float],
    size: float,
    color: float,
    rng: np.random.Generator,
    page: PageContext,
) -> Pixels:
    """A pen mark near the text, `width` pixels wide (0 = unchanged), in PEN_COLORS[`color`]: kind 0 an
    underline below the line, 1 a tick in the margin before or after it, 2 a loop around part of it;
    `center` (fractions of the line's length and of the image's height) places it and `size` (line heights)
    sizes it. The hand's wobble comes from the generator."""
    if width == 0:
        return pixels
    work, (x0, y0, x1, y1) = _across(page, pixels)
    h, w = work.shape[:2]
    s = size * page.thickness
    cx = x0 + center[0] * (x1 - x0)
    t = np.linspace(0.0, 1.0, 24)
    wobble = np.cumsum(rng.normal(0, 0.35, (len(t), 2)), axis=0) * min(1.0, s / 30)
    mark = int(kind)
    if mark == 0:  # underline under part of the line, just below its box
        y = y1 + 0.08 * page.thickness
        xy = np.column_stack((cx - s + 2 * s * t, np.full_like(t, y)))
    elif mark == 1:  # a tick in the margin before the line (center[0] < 0.5) or after it: down, then up
        cy = center[1] * h
        left = x0 - 0.15 * page.thickness - 0.7 * s if center[0] < 0.5 else x1 + 0.15 * page.thickness
        xs = np.where(t < 0.35, t / 0.35 * 0.35, 0.35 + (t - 0.35) / 0.65 * 0.35) * s
        ys = np.where(t < 0.35, t / 0.35 * 0.4, 0.4 - (t - 0.35) / 0.65 * 1.0) * s
        xy = np.column_stack((left + xs, cy + ys - 0.1 * s))
    else:  # a loop around the middle of the line
        angle = 2 * math.pi * 1.08 * t
        rx, ry = s, (y1 - y0) / 2 + 0.15 * page.thickness
        xy = np.column_stack((cx + rx * np.cos(angle), (y0 + y1) / 2 + ry * np.sin(angle)))
    xy = xy + wobble
    coverage = np.zeros((h, w), np.float32)
    cv2.polylines(
        coverage, [np.rint(xy * _SUB).astype(np.int32)], False, 1.0, max(1, int(round(width))), cv2.LINE_AA, 2
    )
    color_rgb = PEN_COLORS[int(color) % len(PEN_COLORS)]
    return _back(page, tint(np.ascontiguousarray(work), np.minimum(coverage, 1.0) * np.float32(0.9), color_rgb))
