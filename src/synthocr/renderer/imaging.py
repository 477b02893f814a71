"""The pixel kernels Pillow does slowly: gaussian blur (OpenCV) and PNG encoding (libdeflate, OpenCV).

OpenCV's 8-bit gaussian blur is its bit-exact fixed-point one, so a row gives the
same pixels on every machine; it runs about ten times faster than Pillow's on our
line images. Each render worker is one process doing one image at a time, so
OpenCV's own thread pool would only oversubscribe the cores: it is turned off.

PNG is deflate behind a fixed header, and deflate is where the time goes: paper
grain and noise hardly compress, and zlib's level 1 spends about a millisecond per
line image on them. The default level therefore filters the rows with numpy and
deflates them with libdeflate level 1 (the `deflate` package), about 2.5 times faster
than zlib's level 1 for files about 1% smaller; the few bytes of PNG framing around
that stream are written here. The higher levels keep OpenCV's libpng with its search
over all filters, for the smallest files.

Same pixels, same bytes: libdeflate compresses a whole buffer in one call from state it
initialises itself, so its output depends only on the input and the level. ISA-L, used
here before, did not give that: in a long-running worker about one image in 4,500 came
out with other (equally valid) deflate bytes than a fresh process gave for the same
filtered rows, and its output may also differ between its CPU-specific code paths.
"""

from __future__ import annotations

import struct
import threading

import cv2
import deflate
import numpy as np
import pyarrow as pa
from numpy.typing import NDArray
from PIL import Image

cv2.setNumThreads(1)

Pixels = NDArray[np.uint8]  # (h, w) for grey or masks, (h, w, 3) for RGB

FAST_PNG_LEVEL = 1  # the default: one filter (Up, or None) and libdeflate level 1, speed first
# image.info key with which the renderer says the fast level should use the None filter: grain that
# is new at every pixel (paper, noise) compresses better, and faster, unfiltered than as differences.
PNG_FILTER_KEY = "synthocr.png_filter"


def gaussian_blur(pixels: Pixels, sigma: float) -> Pixels:
    """`pixels` blurred by a gaussian of standard deviation `sigma` pixels (edges mirrored)."""
    return cv2.GaussianBlur(pixels, (0, 0), sigmaX=float(sigma), sigmaY=float(sigma), borderType=cv2.BORDER_REFLECT_101)


def pixels_of(image: Image.Image) -> Pixels:
    """The pixels of an image as an array ((h, w) for L, (h, w, 3) for RGB): read it only, and before the
    image changes (for L it is the image's own memory).

    np.asarray(image) packs them through Pillow's chunked raw encoder (19 us for a 475 x 76 RGB line).
    Pillow's Arrow export hands over its own buffer instead, four bytes a pixel for RGB, and OpenCV
    drops the fourth in one pass (8 us). Other modes, and images Pillow keeps in several blocks
    (over 16 MiB), go through np.asarray.
    """
    if image.mode not in ("L", "RGB"):
        return np.asarray(image)
    origin = _ORIGINS.pop(id(image.im), None)  # given back once: nothing stays held after the encode
    if origin is not None and origin[0] is image.im:
        return origin[1]
    try:
        exported = pa.array(image)  # Image.__arrow_c_array__: no copy, no pandas probe
    except ValueError:  # rows in several blocks
        return np.asarray(image)
    w, h = image.size
    if image.mode == "L":
        return np.frombuffer(exported.buffers()[1], np.uint8, w * h, exported.offset).reshape(h, w)
    values = exported.values
    padded = np.frombuffer(values.buffers()[1], np.uint8, 4 * w * h, values.offset).reshape(h, w, 4)
    return cv2.cvtColor(padded, cv2.COLOR_RGBA2RGB)


def image_of(pixels: Pixels) -> Image.Image:
    """An (h, w, 3) array as a read-only RGB image (an (h, w) one as L), for encoding: Pillow's Arrow
    import of the pixels padded to four bytes by OpenCV (11 us for a 475 x 76 line, Image.fromarray
    20 us). Changing the image (paste, draw) first copies it, as for any read-only image.

    The image's pixels_of is then `pixels` itself, made read only: the caller hands the array over.
    """
    if pixels.ndim != 3 or pixels.shape[2] != 3 or pixels.dtype != np.uint8:
        return Image.fromarray(pixels, "L" if pixels.ndim == 2 else None)
    h, w = pixels.shape[:2]
    padded = cv2.cvtColor(pixels, cv2.COLOR_RGB2RGBA)
    flat = pa.Array.from_buffers(pa.uint8(), padded.size, [None, pa.py_buffer(padded)])
    image = Image.fromarrow(pa.FixedSizeListArray.from_arrays(flat, 4), "RGB", (w, h))
    pixels = pixels.view()
    pixels.flags.writeable = False
    core = image.im
    with _ORIGINS_LOCK:  # threads of one worker (Dask) share it
        _ORIGINS[id(core)] = (core, pixels)
        while len(_ORIGINS) > _ORIGINS_KEPT:
            del _ORIGINS[next(iter(_ORIGINS))]
    return image


# The arrays image_of made its last few images from, by their core image, for pixels_of to give back
# once instead of exporting and unpadding the same pixels again (the renderer's image is encoded next).
# An entry holds the core itself, so its id is not reused while it is here; an image changed since has
# another core (a read-only image is copied before any change), so it is not found. Few are kept, as
# an image that is never encoded (a preview) holds its pixels here until pushed out.
_ORIGINS: dict[int, tuple[object, Pixels]] = {}
_ORIGINS_KEPT = 2
_ORIGINS_LOCK = threading.Lock()


def encode_png(image: Image.Image, level: int = FAST_PNG_LEVEL) -> bytes:
    """PNG bytes of an L, RGB or RGBA image at `level` 0-9 (0 stores the pixels uncompressed).

    Level 1 (the default) is one row filter deflated by libdeflate: Up, or None when
    image.info[PNG_FILTER_KEY] is "none". Levels 2-9 search all filters per row
    with zlib, as Pillow does, for the smallest files.
    """
    pixels = pixels_of(image)
    if level == FAST_PNG_LEVEL:
        return _png_fast(pixels, image.info.get(PNG_FILTER_KEY) == "none")
    if pixels.ndim == 3:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_RGBA2BGRA if pixels.shape[2] == 4 else cv2.COLOR_RGB2BGR)
    if level == 0:  # stored, not compressed: filtering would only cost time
        params = [cv2.IMWRITE_PNG_FILTER, cv2.IMWRITE_PNG_FILTER_NONE]
    else:
        params = [
            cv2.IMWRITE_PNG_FILTER,
            cv2.IMWRITE_PNG_ALL_FILTERS,
            cv2.IMWRITE_PNG_STRATEGY,
            cv2.IMWRITE_PNG_STRATEGY_DEFAULT,
        ]
    ok, data = cv2.imencode(".png", pixels, [cv2.IMWRITE_PNG_COMPRESSION, int(level), *params])
    if not ok:
        raise ValueError(f"OpenCV could not encode a {image.mode} image of {image.size} as PNG")
    return data.tobytes()


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_COLOUR_TYPE = {1: 0, 3: 2, 4: 6}  # channels -> PNG colour type: grey, truecolour, truecolour + alpha
_PNG_NONE, _PNG_UP = 0, 2  # the filter byte that opens each row: "None", or "Up" (the difference from the row above)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    # libdeflate's CRC-32 (the same checksum as zlib's) runs at tens of GB/s, zlib's at about 1.5
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", deflate.crc32(data, deflate.crc32(kind)))


_IDAT_CRC = deflate.crc32(b"IDAT")
_PNG_IEND = _png_chunk(b"IEND", b"")


def _png_fast(pixels: Pixels, unfiltered: bool = False) -> bytes:
    """An 8-bit PNG (PNG spec, section 9: filter type 2, Up, on every row but the first; or type 0,
    None, on every row when `unfiltered`) deflated by libdeflate level 1 (zlib container)."""
    height, width = pixels.shape[:2]
    channels = 1 if pixels.ndim == 2 else pixels.shape[2]
    if pixels.dtype != np.uint8 or channels not in _PNG_COLOUR_TYPE:
        raise ValueError(
            f"cannot write {pixels.dtype} pixels with {channels} channels as an 8-bit PNG; "
            "convert the image to L, RGB or RGBA first"
        )
    rows = pixels.reshape(height, -1)
    filtered = np.empty((height, rows.shape[1] + 1), np.uint8)
    if unfiltered:
        filtered[:, 0] = _PNG_NONE
        filtered[:, 1:] = rows
    else:
        filtered[:, 0] = _PNG_UP
        filtered[0, 0] = _PNG_NONE  # the first row has no row above
        filtered[0, 1:] = rows[0]
        np.subtract(rows[1:], rows[:-1], out=filtered[1:, 1:])  # wraps modulo 256, as the spec says
    header = struct.pack(">IIBBBBB", width, height, 8, _PNG_COLOUR_TYPE[channels], 0, 0, 0)
    data = deflate.zlib_compress(filtered, 1)
    return b"".join(
        (
            _PNG_SIGNATURE,
            _png_chunk(b"IHDR", header),
            struct.pack(">I", len(data)),  # the IDAT chunk written in pieces: its data is copied once, here
            b"IDAT",
            data,
            struct.pack(">I", deflate.crc32(data, _IDAT_CRC)),
            _PNG_IEND,
        )
    )
