"""Degradation effects on the composed pixels: blur (motion, gaussian), resolution loss, noise, JPEG.

Each takes and returns an (h, w, 3) or (h, w) uint8 array; the input is never written to.
"""

from __future__ import annotations

import math
import statistics

import cv2
import numpy as np

from synthocr.renderer.imaging import Pixels, gaussian_blur


def motion_blur_length(pixels: Pixels, length: float, angle: float, rng: np.random.Generator) -> Pixels:
    """A straight streak `length` pixels long at `angle` degrees (counter-clockwise from the x axis), as from
    a shaking camera (0 = unchanged).

    Every pixel becomes the mean of the pixels at the streak's points (one per
    pixel of length, rounded to whole pixels), edges repeated.
    """
    if length == 0:
        return pixels
    angle = -math.radians(angle)  # y points down in images
    n = max(2, int(math.ceil(length)) + 1)
    t = np.linspace(-length / 2, length / 2, n)
    dx = np.rint(t * math.cos(angle)).astype(int)
    dy = np.rint(t * math.sin(angle)).astype(int)
    pad = int(max(np.abs(dx).max(), np.abs(dy).max()))
    kernel = np.zeros((2 * pad + 1, 2 * pad + 1), np.float32)
    np.add.at(kernel, (pad + dy, pad + dx), np.float32(1.0 / n))
    return cv2.filter2D(pixels, -1, kernel, borderType=cv2.BORDER_REPLICATE)


def blur_radius(pixels: Pixels, radius: float, rng: np.random.Generator) -> Pixels:
    """Gaussian blur of `radius` pixels (the standard deviation); 0 returns the pixels unchanged."""
    if radius == 0:
        return pixels
    return gaussian_blur(pixels, radius)


def downscale_factor(pixels: Pixels, factor: float, rng: np.random.Generator) -> Pixels:
    """Shrunk by `factor` (area average) and enlarged back (bilinear), as a low-resolution scan; 1 = unchanged."""
    if factor == 1:
        return pixels
    h, w = pixels.shape[:2]
    small = cv2.resize(pixels, (max(1, int(w / factor)), max(1, int(h / factor))), interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


# The standard normal's quantiles at the centres of 256 equal-probability bins: a random byte
# indexes one, so a gaussian draw per pixel and channel costs one byte of the generator.
NORMAL_QUANTILES = np.array([statistics.NormalDist().inv_cdf((k + 0.5) / 256) for k in range(256)])


def random_bytes(rng: np.random.Generator, shape: tuple[int, ...]) -> Pixels:
    """Uniform random bytes of `shape`: the generator's raw 64-bit words cut into bytes, the cheapest
    draw numpy makes (three times faster than `rng.bytes`, which draws 32 bits at a time).

    The words are read little-endian, so every machine cuts them into the same bytes.
    """
    n = math.prod(shape)
    words = rng.bit_generator.random_raw(-(-n // 8)).astype("<u8", copy=False)
    return words.view(np.uint8)[:n].reshape(shape)


def noise_sigma(pixels: Pixels, sigma: float, rng: np.random.Generator) -> Pixels:
    """Additive gaussian noise with standard deviation `sigma` grey levels, per pixel and channel.

    Each draw is one of 256 equally likely quantiles of the normal (so the tails
    stop at 2.9 sigma), already rounded to whole grey levels and picked by one
    random byte: several times faster than float draws, and no visible difference
    at scan-noise levels.
    """
    if sigma == 0:
        return pixels
    table = np.rint(NORMAL_QUANTILES * sigma)
    # pixel + table[byte], clipped to 0-255, as two saturating 8-bit steps: add the draw's positive part,
    # then take away its negative part (one of them is 0). OpenCV's mixed 16/8-bit add cost three times more.
    up = np.clip(table, 0, 255).astype(np.uint8)
    down = np.clip(-table, 0, 255).astype(np.uint8)
    draws = random_bytes(rng, pixels.shape)
    return cv2.subtract(cv2.add(pixels, cv2.LUT(draws, up)), cv2.LUT(draws, down))


def salt_pepper_amount(pixels: Pixels, amount: float, rng: np.random.Generator) -> Pixels:
    """A share `amount` of the pixels set to pure white or black, half each (0 = unchanged)."""
    if amount == 0:
        return pixels
    out = pixels.copy()
    u = rng.random(pixels.shape[:2])
    out[u < amount / 2] = 0
    out[(u >= amount / 2) & (u < amount)] = 255
    return out


def jpeg_quality(pixels: Pixels, quality: float, rng: np.random.Generator) -> Pixels:
    """JPEG artifacts: encode at `quality` (1-100, 4:2:0 chroma as cameras do) and decode; 0 = unchanged."""
    if quality == 0:
        return pixels
    colour = pixels.ndim == 3
    bgr = cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR) if colour else pixels
    ok, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise ValueError(f"OpenCV could not encode a {pixels.shape} image as JPEG")
    decoded = cv2.imdecode(data, cv2.IMREAD_COLOR if colour else cv2.IMREAD_GRAYSCALE)
    return cv2.cvtColor(decoded, cv2.COLOR_BGR2RGB) if colour else decoded
