"""Pillow's core calls behind Image.frombuffer, Image.putpalette and Image.convert, without their wrappers.

A row draws many small images (glyph bitmaps, palette backgrounds), where the Python
wrappers cost as much as the pixels. These core calls are not Pillow's public API: where a
Pillow lacks them, or takes other arguments, the public calls do the same work
(tests/test_pillow_core.py checks that both give the same pixels).
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from PIL import Image

_MAP_BUFFER = getattr(Image.core, "map_buffer", None)
_WRAP = getattr(Image.new("L", (0, 0)), "_new", None)  # Image._new: an Image around a core image


def map_core(data: bytes | NDArray[np.uint8], size: tuple[int, int], mode: str, stride: int) -> object:
    """Pillow's core image ("L" or "P") over the bytes of `data`, rows `stride` bytes apart, without a copy
    (it keeps `data` alive)."""
    if _MAP_BUFFER is not None:
        try:
            return _MAP_BUFFER(data, size, "raw", 0, (mode, stride, 1))
        except (TypeError, ValueError):  # another signature in another Pillow
            pass
    return Image.frombuffer(mode, size, data, "raw", mode, stride, 1).im


def palette_image(index: NDArray[np.uint8], palette: NDArray[np.uint8]) -> Image.Image:
    """The RGB image of the (h, w) palette indices `index` under the (256, 3) `palette`: Pillow expands it
    in one pass that writes its own pixel format, on its core image where it can (half the time of the
    Python palette object that Image.putpalette and Image.convert go through)."""
    h, w = index.shape
    data = np.ascontiguousarray(index)
    table = np.ascontiguousarray(palette, np.uint8).tobytes()
    if _WRAP is not None:
        try:
            core: Any = map_core(data, (w, h), "P", w)
            core.putpalette("RGB", "RGB", table)
            return cast(Image.Image, _WRAP(core.convert("RGB")))
        except (AttributeError, TypeError, ValueError):  # another core API in another Pillow
            pass
    return palette_image_public(data, table)


def palette_image_public(index: NDArray[np.uint8], table: bytes) -> Image.Image:
    """palette_image through Pillow's public API only (the reference it is tested against)."""
    h, w = index.shape
    image = Image.frombuffer("P", (w, h), np.ascontiguousarray(index), "raw", "P", w, 1)
    image.putpalette(table, "RGB")
    return image.convert("RGB")
