"""Glyph bitmaps by glyph id from FreeType, rendered with the load flags and size request Pillow uses.

Pillow's `draw.text` loads every glyph with FT_LOAD_DEFAULT (the font's own hinting), at
a nominal size request of `size` x 64 (26.6 pixels), renders it at a whole-pixel origin,
and places its bitmap at the pen position rounded to whole pixels. A glyph's bitmap
therefore depends only on (font, size, glyph id), and one cached bitmap serves every
place the glyph is drawn: tests/test_shaping.py checks lines against `draw.text`.
"""

from __future__ import annotations

import ctypes
import mmap
import os
import threading
import weakref
from typing import NamedTuple

import freetype
import numpy as np
from freetype.raw import FT_Get_Advance, FT_Get_Var_Blend_Coordinates, FT_Load_Glyph, FT_Render_Glyph
from PIL import Image

from synthocr.renderer.pillow_core import map_core

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


def turn_glyph(glyph: Glyph) -> Glyph:
    """The glyph turned 90 degrees clockwise (exact: its bitmap transposed), placed from the same pen: the
    pen's along-line direction is now down, and the glyph's up is right."""
    core, left, top, width, height = glyph
    return Glyph(core.transpose(Image.Transpose.ROTATE_270), top - height, -left, height, width)  # type: ignore[attr-defined]


def mapped_font(path: str) -> ctypes.Array[ctypes.c_char]:
    """The font file mapped into memory once (copy on write; never written), for GlyphRaster: FreeType
    maps the file again for each face opened from its path, one face per size, and every mapping's
    pages count in the process's memory (about 0.7 MiB per size of DejaVu Sans).

    The file is closed once mapped (a mapping outlives its descriptor): Python's mmap keeps a descriptor per
    mapping, and a worker drawing from hundreds of fonts, whose faces its glyph cache keeps alive, ran out
    of them ("Too many open files") and failed its rows. The mapping goes with the array."""
    if _LIBC is None:  # no C library mmap (Windows): Python's, which keeps a descriptor open
        with open(path, "rb") as fh:
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_COPY)
        return (ctypes.c_char * len(mapped)).from_buffer(mapped)  # keeps the mapping open while it lives
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        if size == 0:
            raise ValueError(f"{path} is empty")
        addr = _LIBC.mmap(None, size, mmap.PROT_READ | mmap.PROT_WRITE, mmap.MAP_PRIVATE, fd, 0)
    finally:
        os.close(fd)
    if addr is None or addr == _MAP_FAILED:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err), path)
    array = (ctypes.c_char * size).from_address(addr)
    weakref.finalize(array, _LIBC.munmap, ctypes.c_void_p(addr), ctypes.c_size_t(size))
    return array


def _libc() -> ctypes.CDLL | None:
    """The C library's mmap and munmap, where there is one to call."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mmap.restype = ctypes.c_void_p
        libc.mmap.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_int64,
        ]
        libc.munmap.restype = ctypes.c_int
        libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    except (OSError, AttributeError, TypeError):
        return None
    return libc


_LIBC = _libc() if hasattr(mmap, "MAP_PRIVATE") else None
_MAP_FAILED = ctypes.c_void_p(-1).value


class _InPlace:
    """A stream whose read() is the mapped font itself: freetype.Face hands it to FT_New_Memory_Face and
    keeps it alive with the face, without the copy of the file an io.BytesIO's read() would be."""

    __slots__ = ("data",)

    def __init__(self, data: ctypes.Array[ctypes.c_char]) -> None:
        self.data = data

    def read(self) -> ctypes.Array[ctypes.c_char]:
        return self.data


# FreeType's synthetic oblique (FT_GlyphSlot_Oblique): x += 0x0366A / 0x10000 (about tan 12 degrees) of y, 16.16.
_OBLIQUE = freetype.FT_Matrix(0x10000, 0x0366A, 0, 0x10000)


class FontRenderError(RuntimeError):
    """FreeType cannot draw a glyph of the font (the message names the font and the glyph)."""


class GlyphRaster:
    """FreeType's face of one font file at one pixel size; renders glyphs by id (a lock serialises FreeType)."""

    def __init__(
        self,
        font: str | ctypes.Array[ctypes.c_char],
        size: int,
        name: str,
        index: int = 0,
        coords: list[float] | None = None,
    ) -> None:
        """`font`: the file's path, or its mapped_font. Faces of one font at several sizes made from one
        mapping share its pages; a face opened from the path maps the file again. `coords`: a variable
        font's design axis values, in the font's axis order (None for its default instance)."""
        self.name = name
        self._lock = threading.Lock()
        try:
            self._face = freetype.Face(font if isinstance(font, str) else _InPlace(font), index)
            self._face.set_char_size(size * 64, size * 64, 72, 72)  # = Pillow's nominal request of size * 64
            if coords is not None:
                self._face.set_var_design_coords(coords)
        except freetype.FT_Exception as exc:
            raise FontRenderError(f"font {name} cannot be opened at {size} px by FreeType ({exc})") from None
        self._ft = self._face._FT_Face  # FT_Face, for the ctypes calls
        self._slot_ptr = self._ft.contents.glyph  # the face's one glyph slot, where FT_Load_Glyph puts the glyph
        self._slot = self._slot_ptr.contents  # read in place: its fields are FreeType's memory, not a copy

    def normalized_coords(self) -> list[float]:
        """The face's axis values normalised as hb-ft hands them to HarfBuzz: FreeType's blend coordinates
        (16.16, after `avar`) cut to 2.14 by dropping two bits, as floats (exact multiples of 2**-14).
        Shaping a variable instance with these, as Pillow/raqm does, gives the same variable kerning and
        mark offsets."""
        count = len(self._face.get_variation_info().axes)
        fixed = (freetype.FT_Fixed * count)()
        with self._lock:
            error = FT_Get_Var_Blend_Coordinates(self._ft, count, ctypes.byref(fixed))
        if error:
            raise FontRenderError(
                f"font {self.name}: FreeType cannot read its axis values ({freetype.FT_Exception(error)})"
            )
        return [(int(v) >> 2) / 16384 for v in fixed]

    def advance(self, gid: int) -> int:
        """hb-ft's horizontal advance of glyph `gid` (26.6): FreeType's unhinted one (16.16, with a variable
        font's HVAR deltas as FreeType computes them) rounded to 1/64, as hb-ft rounds it."""
        fixed = freetype.FT_Fixed(0)
        with self._lock:
            error = FT_Get_Advance(self._ft, gid, freetype.FT_LOAD_NO_HINTING, ctypes.byref(fixed))
        if error:
            raise FontRenderError(
                f"font {self.name}: FreeType cannot read glyph {gid}'s advance ({freetype.FT_Exception(error)})"
            )
        return (fixed.value + 512) >> 10

    def render(
        self, gid: int, bold: int = 0, italic: bool = False, x_scale: int = 0x10000, x_shift: int = 0
    ) -> Glyph | None:
        """The glyph's bitmap, or None when it has no ink (a space, a joiner); with `bold` (26.6 pixels),
        from its outline grown by that much (FT_Outline_Embolden, before rasterising); with `italic`, from its
        outline slanted as FT_GlyphSlot_Oblique slants it (x moves by 0x0366A / 0x10000, about tan 12°, of y);
        with `x_scale` (16.16, below 0x10000), from its outline narrowed about its origin by that factor and moved
        right by `x_shift` (26.6, under half a pixel: where it falls between whole pixels), for a run of digits
        compressed into one em of a column (renderer/upright.py).

        Called once per glyph of every (font, size) a worker meets (a few per image of a varied plan),
        so it goes to FreeType through its ctypes functions and the face's one glyph slot directly,
        and an 8-bit bitmap becomes Pillow's image by mapping a copy of FreeType's buffer in place:
        a third of the time of the freetype-py objects and a numpy round trip.
        """
        with self._lock:
            if bold or italic or x_scale != 0x10000 or x_shift:
                error = FT_Load_Glyph(self._ft, gid, _LOAD_FLAGS & ~freetype.FT_LOAD_RENDER)
                if not error:
                    if self._slot.format == freetype.FT_GLYPH_FORMAT_OUTLINE:
                        outline = ctypes.byref(self._slot.outline)
                        if bold:
                            freetype.FT_Outline_Embolden(outline, bold)
                        if italic or x_scale != 0x10000:  # narrowed, then slanted: x' = s x + k y
                            matrix = freetype.FT_Matrix(x_scale, _OBLIQUE.xy if italic else 0, 0, 0x10000)
                            freetype.FT_Outline_Transform(outline, ctypes.byref(matrix))
                        if x_shift:
                            freetype.FT_Outline_Translate(outline, x_shift, 0)
                    error = FT_Render_Glyph(self._slot_ptr, freetype.FT_RENDER_MODE_NORMAL)
            else:
                error = FT_Load_Glyph(self._ft, gid, _LOAD_FLAGS)
            if error:
                raise FontRenderError(
                    f"font {self.name}: FreeType cannot render glyph {gid} ({freetype.FT_Exception(error)})"
                )
            slot = self._slot
            bitmap = slot.bitmap
            width, rows, pitch, mode = bitmap.width, bitmap.rows, bitmap.pitch, bitmap.pixel_mode
            if width == 0 or rows == 0:
                return None
            data = ctypes.string_at(bitmap.buffer, abs(pitch) * rows)
            left, top = slot.bitmap_left, slot.bitmap_top
        if mode == _GRAY and pitch > 0:
            # Rows `pitch` bytes apart, `width` pixels each: Pillow maps them as they are (read only; the
            # image keeps `data` alive), as Image.frombuffer does, without its Image wrapper.
            return Glyph(map_core(data, (width, rows), "L", pitch), left, top, width, rows)
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
