"""Colour arithmetic shared by the planner and the renderer: CIE L*C*h -> sRGB, and WCAG luminance contrast."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

# D65 white point and the XYZ -> linear sRGB matrix (IEC 61966-2-1).
_WHITE = np.array([0.95047, 1.0, 1.08883])
_XYZ_TO_RGB = np.array(
    [
        [3.2404542, -1.5371385, -0.4985314],
        [-0.9692660, 1.8760108, 0.0415560],
        [0.0556434, -0.2040259, 1.0572252],
    ]
)
_LUMA = np.array([0.2126, 0.7152, 0.0722])  # relative luminance from linear sRGB (WCAG 2)


def srgb_to_linear(v: NDArray) -> NDArray[np.float64]:
    """sRGB levels 0-255 -> linear light 0-1."""
    c = np.asarray(v, np.float64) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def linear_to_srgb(v: NDArray) -> NDArray[np.float64]:
    """Linear light 0-1 -> sRGB levels 0-255 (not rounded, not clipped)."""
    c = np.clip(np.asarray(v, np.float64), 0.0, 1.0)
    return 255.0 * np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)


def mix_linear(a: Sequence[int], b: Sequence[int], t: float | NDArray) -> NDArray[np.uint8]:
    """sRGB colour `a` moved `t` of the way to `b` in linear light (as inks and light mix), rounded: (3,) for
    a number `t`, (..., 3) for an array of them."""
    la, lb = srgb_to_linear(np.asarray(a)), srgb_to_linear(np.asarray(b))
    mixed = la + (lb - la) * np.asarray(t, np.float64)[..., None]
    return np.rint(linear_to_srgb(mixed)).astype(np.uint8)


# Relative luminance of each sRGB level of one channel, before the channel's weight (a lookup table).
LINEAR_LEVELS: NDArray[np.float64] = srgb_to_linear(np.arange(256))


def lch_to_srgb(lightness: NDArray, chroma: NDArray, hue: NDArray) -> NDArray[np.uint8]:
    """CIE L*C*h (D65; hue in degrees) -> (n, 3) sRGB bytes, out-of-gamut colours clipped channel by channel."""
    h = np.radians(np.asarray(hue, np.float64))
    lab_l = np.asarray(lightness, np.float64)
    a, b = chroma * np.cos(h), chroma * np.sin(h)
    fy = (lab_l + 16.0) / 116.0
    f = np.stack([fy + a / 500.0, fy, fy - b / 200.0], axis=-1)
    xyz = np.where(f > 6 / 29, f**3, 3 * (6 / 29) ** 2 * (f - 4 / 29)) * _WHITE
    rgb = linear_to_srgb(xyz @ _XYZ_TO_RGB.T)
    return np.clip(np.floor(rgb + 0.5), 0, 255).astype(np.uint8)


def luminance(rgb: NDArray) -> NDArray[np.float64]:
    """WCAG relative luminance (0 black, 1 white) of sRGB bytes, shape (..., 3)."""
    return LINEAR_LEVELS[np.asarray(rgb, np.uint8)] @ _LUMA


def contrast_ratio(y1: NDArray | float, y2: NDArray | float) -> NDArray[np.float64]:
    """WCAG contrast ratio of two relative luminances: (lighter + 0.05) / (darker + 0.05), 1 to 21."""
    hi, lo = np.maximum(y1, y2), np.minimum(y1, y2)
    return (hi + 0.05) / (lo + 0.05)


def with_luminance(rgb: NDArray, target_y: NDArray, lighten: NDArray[np.bool_]) -> NDArray[np.uint8]:
    """(n, 3) colours moved to luminance `target_y`, hue kept: darker by scaling linear light, lighter (where
    `lighten`) by mixing with white; never the other way. Rounded down when darkening and up when lightening,
    so the result reaches the target (within the sRGB range).
    """
    lin = srgb_to_linear(rgb)
    y = lin @ _LUMA
    target_y = np.clip(target_y, 0.0, 1.0)
    scale = np.where(y > 0, np.minimum(target_y / np.maximum(y, 1e-12), 1.0), 0.0)
    mix = np.where(y < 1, np.clip((target_y - y) / np.maximum(1 - y, 1e-12), 0.0, 1.0), 0.0)
    out = np.where(lighten[:, None], lin + mix[:, None] * (1 - lin), lin * scale[:, None])
    levels = linear_to_srgb(out)
    return np.clip(np.where(lighten[:, None], np.ceil(levels - 1e-9), np.floor(levels + 1e-9)), 0, 255).astype(np.uint8)
