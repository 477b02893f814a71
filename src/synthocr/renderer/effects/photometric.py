"""Photometric effects on the composed image: blur, sensor noise, compression artifacts."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, ImageFilter


def blur_radius(image: Image.Image, radius: float, rng: np.random.Generator) -> Image.Image:
    """Gaussian blur of `radius` pixels; 0 returns the image unchanged."""
    if radius == 0:
        return image
    return image.filter(ImageFilter.GaussianBlur(radius))


def noise_sigma(image: Image.Image, sigma: float, rng: np.random.Generator) -> Image.Image:
    """Additive gaussian noise with standard deviation `sigma` grey levels, per pixel and channel."""
    if sigma == 0:
        return image
    pixels = np.asarray(image, np.float32)
    noisy = pixels + rng.standard_normal(pixels.shape, np.float32) * np.float32(sigma)
    return Image.fromarray(np.clip(noisy + 0.5, 0, 255).astype(np.uint8), image.mode)


def jpeg_quality(image: Image.Image, quality: float, rng: np.random.Generator) -> Image.Image:
    """JPEG artifacts: encode at `quality` (1-100) and decode; 0 returns the image unchanged."""
    if quality == 0:
        return image
    buf = io.BytesIO()
    image.save(buf, format="JPEG", quality=int(quality))
    buf.seek(0)
    with Image.open(buf) as decoded:
        return decoded.convert(image.mode)
