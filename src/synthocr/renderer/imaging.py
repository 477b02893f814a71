"""The pixel kernels Pillow does slowly, done by OpenCV: gaussian blur and PNG encoding.

OpenCV's 8-bit gaussian blur is its bit-exact fixed-point one, so a row gives the
same pixels on every machine; it runs about ten times faster than Pillow's on our
line images, and its PNG writer lets us pick one filter and the run-length deflate
strategy instead of Pillow's per-row search over all five filters. Each render
worker is one process doing one image at a time, so OpenCV's own thread pool
would only oversubscribe the cores: it is turned off.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image


cv2.setNumThreads(1)

Pixels = NDArray[np.uint8]  # (h, w) for grey or masks, (h, w, 3) for RGB

FAST_PNG_LEVEL = 1  # the default: one filter (Up) and run-length deflate, speed first


def gaussian_blur(pixels: Pixels, sigma: float) -> Pixels:
    """`pixels` blurred by a gaussian of standard deviation `sigma` pixels (edges mirrored)."""
    return cv2.GaussianBlur(pixels, (0, 0), sigmaX=float(sigma), sigmaY=float(sigma),
                            borderType=cv2.BORDER_REFLECT_101)


def encode_png(image: Image.Image, level: int = FAST_PNG_LEVEL) -> bytes:
    """PNG bytes of an L or RGB image at zlib `level` 0-9 (0 stores the pixels uncompressed).

    Level 1 (the default) uses the Up filter and run-length deflate: on noisy
    scans it is about three times faster than Pillow's level 1 and its files are
    no bigger; on clean textured backgrounds files grow by about a third. Levels
    2-9 search all filters per row with the default deflate strategy, as Pillow
    does, for the smallest files.
    """
    pixels = np.asarray(image)
    if pixels.ndim == 3:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR)
    if level == 0:  # stored, not compressed: filtering would only cost time
        params = [cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_NONE]
    elif level == FAST_PNG_LEVEL:
        params = [cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_UP,
                  cv2.IMWRITE_PNG_STRATEGY, cv2.IMWRITE_PNG_STRATEGY_RLE]
    else:
        params = [cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_ALL_FILTERS,
                  cv2.IMWRITE_PNG_STRATEGY, cv2.IMWRITE_PNG_STRATEGY_DEFAULT]
    ok, data = cv2.imencode(".png", pixels, [cv2.IMWRITE_PNG_COMPRESSION, int(level), *params])
    if not ok:
        raise ValueError(f"OpenCV could not encode a {image.mode} image of {image.size} as PNG")
    return data.tobytes()
