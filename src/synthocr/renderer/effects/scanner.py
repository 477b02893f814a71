"""Scanner and camera looks on the composed pixels: vignetting, folds, halftone print, dust, binarisation (fax).

Each takes and returns an (h, w, 3) or (h, w) uint8 array; the input is never written to.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from synthocr.renderer.effects.degradation import NORMAL_QUANTILES, random_bytes
from synthocr.renderer.effects.page import scatter_count, shade
from synthocr.renderer.imaging import Pixels


def vignette_strength(pixels: Pixels, strength: float, center: tuple[float, float], rng: np.random.Generator) -> Pixels:
    """A phone camera's vignetting: darker towards the corners by up to `strength` (0 = unchanged), the
    brightest point at `center` (fractions of width and height); the fall-off is quadratic in the distance,
    the image's aspect kept."""
    if strength == 0:
        return pixels
    h, w = pixels.shape[:2]
    # Drawn on a coarse grid (a node every 8 pixels, one beyond each edge) and scaled up: the field is smooth.
    gw, gh = w // 8 + 2, h // 8 + 2
    cx, cy = center[0] * w, center[1] * h
    reach = math.hypot(max(cx, w - cx), max(cy, h - cy))
    ys, xs = np.ogrid[0:gh, 0:gw]
    xs = (xs - 0.5) * (w / (gw - 1)) - cx
    ys = (ys - 0.5) * (h / (gh - 1)) - cy
    r2 = ((xs**2 + ys**2) / (reach * reach)).astype(np.float32)
    darkness = cv2.resize(np.float32(strength) * r2, (w, h), interpolation=cv2.INTER_LINEAR)
    return shade(pixels, darkness)


def crease_strength(
    pixels: Pixels, strength: float, position: float, angle: float, width: float, rng: np.random.Generator
) -> Pixels:
    """A fold in the paper: a line at `angle` degrees through the point `position` of the way along the
    image's diagonal, with a shadow `width` pixels wide on one side (up to `strength` darker) and a thin
    highlight on the other (0 strength = unchanged)."""
    if strength == 0:
        return pixels
    h, w = pixels.shape[:2]
    a = math.radians(angle)
    px, py = position * w, position * h
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    d = ((xs - px) * np.float32(-math.sin(a)) + (ys - py) * np.float32(math.cos(a))) / np.float32(max(width, 0.5))
    profile = np.exp(-((d - 0.6) ** 2)) - 0.45 * np.exp(-(((d + 0.5) / 0.5) ** 2))
    return shade(pixels, np.float32(strength) * profile)


def halftone_amount(pixels: Pixels, amount: float, period: float, angle: float, rng: np.random.Generator) -> Pixels:
    """Printed with a halftone screen: the tone becomes dots of a screen `period` pixels apart at `angle`
    degrees, each dot in the full-strength colour of the pixels it covers on white paper, mixed in by `amount`
    (0 = unchanged, 1 = dots only). The dots' edges are soft over about a pixel."""
    if amount == 0:
        return pixels
    h, w = pixels.shape[:2]
    gray = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY) if pixels.ndim == 3 else pixels
    darkness = 1.0 - gray.astype(np.float32) / 255.0
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    a, k = math.radians(angle), np.float32(2 * math.pi / period)
    u = xs * np.float32(math.cos(a)) + ys * np.float32(math.sin(a))
    v = -xs * np.float32(math.sin(a)) + ys * np.float32(math.cos(a))
    screen = 0.5 - 0.25 * (np.cos(u * k) + np.cos(v * k))  # 0 at the dots' centres, 1 between them
    dot = np.clip((darkness - screen) * np.float32(period) + 0.5, 0.0, 1.0)
    # A dot prints the pixel's colour at full strength: its darkness scaled up to 1, hue kept.
    strength = np.maximum(darkness, np.float32(1e-3))
    if pixels.ndim == 3:
        dot, strength = dot[:, :, None], strength[:, :, None]
    full = 255.0 - (255.0 - pixels.astype(np.float32)) / strength
    printed = 255.0 + (np.clip(full, 0.0, 255.0) - 255.0) * dot
    return np.clip(pixels + (printed - pixels) * np.float32(amount) + 0.5, 0, 255).astype(np.uint8)


def dust_density(pixels: Pixels, density: float, size: float, rng: np.random.Generator) -> Pixels:
    """Dust and specks on the scanner glass: about `density` dark specks per 10,000 px², up to `size` pixels
    across, one in five a short hair (0 density = unchanged); where they lie, their shapes and shades come
    from the generator."""
    h, w = pixels.shape[:2]
    n = scatter_count(rng, density, h, w)
    if n == 0:
        return pixels
    coverage = np.zeros((h, w), np.float32)
    centres = rng.random((n, 2)) * (w, h)
    radii = rng.uniform(0.25, 0.5, n) * size
    alphas = rng.uniform(0.5, 1.0, n)
    hairs = rng.random(n) < 0.2
    headings = rng.uniform(0, 2 * math.pi, n)
    for k in range(n):
        cx, cy = centres[k]
        if hairs[k]:
            t = np.linspace(0, 1, 5)
            angle = headings[k] + 1.2 * (t - 0.5)
            xy = np.column_stack((cx + np.cumsum(np.cos(angle)) * size, cy + np.cumsum(np.sin(angle)) * size))
            cv2.polylines(coverage, [np.rint(xy * 4).astype(np.int32)], False, float(alphas[k]), 1, cv2.LINE_AA, 2)
        else:
            centre = (int(round(cx * 4)), int(round(cy * 4)))
            cv2.circle(coverage, centre, max(1, int(round(radii[k] * 4))), float(alphas[k]), -1, cv2.LINE_AA, 2)
    return shade(pixels, np.minimum(coverage, 1.0) * np.float32(0.85))


def binarize_amount(pixels: Pixels, amount: float, offset: float, noise: float, rng: np.random.Generator) -> Pixels:
    """A binarised (fax) look: every pixel black or white by a threshold at Otsu's level plus `offset` grey
    levels, jittered per pixel by gaussian noise of `noise` levels (ragged, broken edges; the field from the
    generator), mixed in by `amount` (0 = unchanged, 1 = black and white only)."""
    if amount == 0:
        return pixels
    gray = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY) if pixels.ndim == 3 else pixels
    level, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    jitter = NORMAL_QUANTILES[random_bytes(rng, gray.shape)] * noise if noise > 0 else 0.0
    binary = np.where(gray.astype(np.float64) + jitter > level + offset, 255.0, 0.0)
    if pixels.ndim == 3:
        binary = binary[:, :, None]
    return np.clip(pixels + (binary - pixels) * amount + 0.5, 0, 255).astype(np.uint8)
