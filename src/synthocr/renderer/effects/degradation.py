"""Degradation effects on the composed image: blur (motion, gaussian), resolution loss, noise, JPEG."""

from __future__ import annotations

import io
import math

import numpy as np
from PIL import Image, ImageFilter


def motion_blur_length(image: Image.Image, length: float, rng: np.random.Generator) -> Image.Image:
    """A straight streak `length` pixels long in a random direction, as from a shaking camera (0 = unchanged).

    The image is averaged over copies shifted along the streak (one per pixel
    of length), edges repeated.
    """
    if length == 0:
        return image
    angle = rng.uniform(0, math.pi)
    n = max(2, int(math.ceil(length)) + 1)
    t = np.linspace(-length / 2, length / 2, n)
    dx = np.rint(t * math.cos(angle)).astype(int)
    dy = np.rint(t * math.sin(angle)).astype(int)
    pad = int(max(np.abs(dx).max(), np.abs(dy).max()))
    pixels = np.asarray(image)
    spec = ((pad, pad), (pad, pad)) + (((0, 0),) if pixels.ndim == 3 else ())
    padded = np.pad(pixels, spec, mode="edge")
    h, w = pixels.shape[:2]
    total = np.zeros(pixels.shape, np.uint32)
    for x, y in zip(dx, dy):
        total += padded[pad + y:pad + y + h, pad + x:pad + x + w]
    return Image.fromarray(((total + n // 2) // n).astype(np.uint8), image.mode)


def blur_radius(image: Image.Image, radius: float, rng: np.random.Generator) -> Image.Image:
    """Gaussian blur of `radius` pixels; 0 returns the image unchanged."""
    if radius == 0:
        return image
    return image.filter(ImageFilter.GaussianBlur(radius))


def downscale_factor(image: Image.Image, factor: float, rng: np.random.Generator) -> Image.Image:
    """Shrunk by `factor` (area average) and enlarged back (bilinear), as a low-resolution scan; 1 = unchanged."""
    if factor == 1:
        return image
    w, h = image.size
    small = (max(1, int(w / factor)), max(1, int(h / factor)))
    return image.resize(small, Image.Resampling.BOX).resize((w, h), Image.Resampling.BILINEAR)


def noise_sigma(image: Image.Image, sigma: float, rng: np.random.Generator) -> Image.Image:
    """Additive gaussian noise with standard deviation `sigma` grey levels, per pixel and channel."""
    if sigma == 0:
        return image
    pixels = np.asarray(image, np.float32)
    noisy = rng.standard_normal(pixels.shape, np.float32)
    # In place, in float32: the same sums as pixels + noise * sigma + 0.5, without temporaries.
    noisy *= np.float32(sigma)
    noisy += pixels
    noisy += np.float32(0.5)
    np.clip(noisy, 0, 255, out=noisy)
    return Image.fromarray(noisy.astype(np.uint8), image.mode)


def salt_pepper_amount(image: Image.Image, amount: float, rng: np.random.Generator) -> Image.Image:
    """A share `amount` of the pixels set to pure white or black, half each (0 = unchanged)."""
    if amount == 0:
        return image
    pixels = np.array(image)
    u = rng.random(pixels.shape[:2])
    pixels[u < amount / 2] = 0
    pixels[(u >= amount / 2) & (u < amount)] = 255
    return Image.fromarray(pixels, image.mode)


def jpeg_quality(image: Image.Image, quality: float, rng: np.random.Generator) -> Image.Image:
    """JPEG artifacts: encode at `quality` (1-100) and decode; 0 returns the image unchanged."""
    if quality == 0:
        return image
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=int(quality))
    buf.seek(0)
    with Image.open(buf) as decoded:
        return decoded.convert(image.mode)
