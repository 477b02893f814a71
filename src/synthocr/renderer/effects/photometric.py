"""Photometric effects on the composed pixels: uneven lighting, glare, contrast and brightness.

Each takes and returns an (h, w, 3) or (h, w) uint8 array; the input is never written to.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from synthocr.renderer.imaging import Pixels


def _lut(pixels: Pixels, fn) -> Pixels:
    """`fn` of each 0-255 level (rounded half up, clipped), applied to every channel through one lookup table."""
    table = np.clip(np.floor(fn(np.arange(256, dtype=np.float64)) + 0.5), 0, 255).astype(np.uint8)
    return cv2.LUT(pixels, table)


_GRID = np.mgrid[0:16, 0:16].astype(np.float64) / 15  # y, x of the 16 x 16 shading grid, 0 to 1 (read only)
_GRID.flags.writeable = False


def lighting_strength(
    pixels: Pixels,
    strength: float,
    kind: float,
    angle: float,
    center: tuple[float, float],
    rng: np.random.Generator,
) -> Pixels:
    """Uneven lighting, `strength` darker at most (0 = unchanged), of one `kind`:

    0, light from one side: a ramp darkening towards `angle` degrees; 1, a bright spot at
    `center` (fractions of width and height), darker towards the far corners; 2, the soft
    edge of a shadow through `center`, the shadow towards `angle`. The shading is drawn
    on a coarse 16 x 16 grid and scaled up, so its cost does not depend on the image's size.
    """
    if strength == 0:
        return pixels
    ys, xs = _GRID
    a = math.radians(angle)
    cx, cy = center
    if kind == 0:
        t = (xs - 0.5) * math.cos(a) + (ys - 0.5) * math.sin(a)
        shade = (t - t.min()) / max(float(t.max() - t.min()), 1e-9)
    elif kind == 1:
        shade = np.hypot(xs - cx, ys - cy)
        shade /= max(float(shade.max()), 1e-9)
    else:
        d = (xs - cx) * math.cos(a) + (ys - cy) * math.sin(a)
        shade = 1.0 / (1.0 + np.exp(-d / 0.06))
    field = np.rint(255.0 * (1.0 - strength * shade)).astype(np.uint8)
    h, w = pixels.shape[:2]
    light = cv2.resize(field, (w, h), interpolation=cv2.INTER_LINEAR)
    if pixels.ndim == 3:
        light = cv2.merge([light] * pixels.shape[2])
    return cv2.multiply(pixels, light, scale=1.0 / 255.0)


def glare_strength(
    pixels: Pixels,
    strength: float,
    center: tuple[float, float],
    size: float,
    stretch: float,
    angle: float,
    rng: np.random.Generator,
) -> Pixels:
    """A soft reflection: each pixel moved towards white by `strength` x a gaussian falloff from `center`
    (fractions of width and height), `size` x the image's height across its long axis, `stretch` times
    longer than wide, the long axis at `angle` degrees. Drawn on a grid of at most 64 x 64 and scaled up."""
    if strength == 0:
        return pixels
    h, w = pixels.shape[:2]
    gw, gh = min(w, 64), min(h, 64)
    xs = (np.arange(gw, dtype=np.float64) + 0.5) * (w / gw)
    ys = (np.arange(gh, dtype=np.float64) + 0.5) * (h / gh)
    dx, dy = xs[None, :] - center[0] * w, ys[:, None] - center[1] * h
    a = math.radians(angle)
    along, across = dx * math.cos(a) + dy * math.sin(a), -dx * math.sin(a) + dy * math.cos(a)
    sigma = max(size * h, 1.0)
    falloff = np.exp(-0.5 * ((along / sigma) ** 2 + (across * stretch / sigma) ** 2))
    lift = cv2.resize(np.rint(255.0 * strength * falloff).astype(np.uint8), (w, h), interpolation=cv2.INTER_LINEAR)
    if pixels.ndim == 3:
        lift = cv2.merge([lift] * pixels.shape[2])
    # v + (255 - v) x lift / 255: the room above each level, filled by the glare's share
    return cv2.add(pixels, cv2.multiply(cv2.bitwise_not(pixels), lift, scale=1.0 / 255.0))


def contrast_factor(pixels: Pixels, factor: float, rng: np.random.Generator) -> Pixels:
    """Contrast scaled by `factor` about mid-grey 128 (1 = unchanged; < 1 faded, > 1 harsher)."""
    if factor == 1:
        return pixels
    return _lut(pixels, lambda v: 128 + (v - 128) * factor)


def brightness_offset(pixels: Pixels, offset: float, rng: np.random.Generator) -> Pixels:
    """`offset` grey levels added to every pixel and channel, clipped to 0-255 (0 = unchanged).

    Levels are whole numbers, so v + offset rounds (half up) to v + the rounded offset: one
    saturating add or subtract of a whole number, several times faster than a lookup table.
    """
    if offset == 0:
        return pixels
    step = math.floor(offset + 0.5)
    return cv2.add(pixels, step) if step >= 0 else cv2.subtract(pixels, -step)
