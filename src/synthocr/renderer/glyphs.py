"""Glyph bitmaps by glyph id from FreeType, rendered with the load flags and size request Pillow uses.

Pillow's `draw.text` loads every glyph with FT_LOAD_DEFAULT (the font's own hinting), at
a nominal size request of `size` x 64 (26.6 pixels), renders it at a whole-pixel origin,
and places its bitmap at the pen position rounded to whole pixels. A glyph's bitmap
therefore depends only on (font, size, glyph id), and one cached bitmap serves every
place the glyph is drawn: tests/test_shaping.py checks lines against `draw.text`.
"""

from __future__ import annotations

import ctypes
import threading
from typing import NamedTuple

import freetype
import numpy as np
from PIL import Image

_LOAD_FLAGS = freetype.FT_LOAD_DEFAULT | freetype.FT_LOAD_RENDER
_MONO, _GRAY, _GRAY2, _GRAY4 = 1, 2, 3, 4  # FT_PIXEL_MODE_*


class Glyph(NamedTuple):
    """A rendered glyph: its coverage as a Pillow core image ("L") and its bitmap's offset from the pen.

    The bitmap's top-left pixel sits `left` pixels right of the pen and `top` pixels above the baseline.
    """

    core: object  # ImagingCore, pasted through as a mask
    left: int
    top: int
    width: int
    height: int


class FontRenderError(RuntimeError):
    """FreeType cannot draw a glyph of the font (the message names the font and the glyph)."""


class GlyphRaster:
    """FreeType's face of one font file at one pixel size; renders glyphs by id (a lock serialises FreeType)."""

    def __init__(self, path: str, size: int, name: str, index: int = 0) -> None:
        self.name = name
        self._lock = threading.Lock()
        try:
            self._face = freetype.Face(path, index)
            self._face.set_char_size(size * 64, size * 64, 72, 72)  # = Pillow's nominal request of size * 64
        except freetype.FT_Exception as exc:
            raise FontRenderError(f"font {name} cannot be opened at {size} px by FreeType ({exc})") from None

    def render(self, gid: int, bold: int = 0) -> Glyph | None:
        """The glyph's bitmap, or None when it has no ink (a space, a joiner); with `bold` (26.6 pixels),
        from its outline grown by that much (FT_Outline_Embolden, before rasterising)."""
        with self._lock:
            try:
                if bold:
                    self._face.load_glyph(gid, _LOAD_FLAGS & ~freetype.FT_LOAD_RENDER)
                    slot = self._face.glyph
                    if slot.format == freetype.FT_GLYPH_FORMAT_OUTLINE:
                        outline = ctypes.byref(self._face._FT_Face.contents.glyph.contents.outline)
                        freetype.FT_Outline_Embolden(outline, bold)
                    slot.render(freetype.FT_RENDER_MODE_NORMAL)
                else:
                    self._face.load_glyph(gid, _LOAD_FLAGS)
            except freetype.FT_Exception as exc:
                raise FontRenderError(f"font {self.name}: FreeType cannot render glyph {gid} ({exc})") from None
            slot = self._face.glyph
            bitmap = slot.bitmap._FT_Bitmap
            width, rows, pitch, mode = bitmap.width, bitmap.rows, bitmap.pitch, bitmap.pixel_mode
            if width == 0 or rows == 0:
                return None
            data = ctypes.string_at(bitmap.buffer, abs(pitch) * rows)
            left, top = slot.bitmap_left, slot.bitmap_top
        array = np.frombuffer(data, np.uint8).reshape(rows, abs(pitch))
        if pitch < 0:
            array = array[::-1]
        if mode == _GRAY:
            array = array[:, :width]
        elif mode == _MONO:
            array = np.unpackbits(array, axis=1)[:, :width] * np.uint8(255)
        elif mode in (_GRAY2, _GRAY4):
            bits = 2 if mode == _GRAY2 else 4
            levels = np.unpackbits(array, axis=1).reshape(rows, -1, bits)
            values = (levels * (1 << np.arange(bits - 1, -1, -1, dtype=np.uint8))).sum(axis=2)
            array = (values[:, :width] * (255 // ((1 << bits) - 1))).astype(np.uint8)
        else:
            raise FontRenderError(
                f"font {self.name}: glyph {gid} is a colour bitmap, which synthocr does not draw; use an outline font."
            )
        image = Image.fromarray(np.ascontiguousarray(array), "L")
        return Glyph(image.im, left, top, width, rows)
