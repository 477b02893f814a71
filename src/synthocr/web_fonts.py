"""Web fonts (WOFF and WOFF2, what fontsource, npm font packages and web sites ship): the TrueType or OpenType
font each one wraps, for HarfBuzz, which reads no WOFF (it found no glyph in one, so the planner called the
font empty), and for FreeType, which reads WOFF2 only when built with Brotli.

A web font is recognised by its signature, whatever its name. The plan records the web font file itself
(its path and SHA-1); what is drawn is the font it unwraps to, which fontTools gives the same for the same
file (no timestamp or bounding box is recomputed). Unwrapping a WOFF2 rebuilds its glyph table in Python,
7 s for a 6 MB Japanese font, so the result is kept in the cache (`cache_root()/fonts`, named by the web
font's SHA-1 and fontTools' version): the planner and every render worker on a machine then map the same
file. Where the cache cannot be written, each process unwraps the font in memory.
"""

from __future__ import annotations

import hashlib
import io
import logging
from pathlib import Path
from typing import Any

from synthocr.cache_contents import used
from synthocr.cache_root import cache_file, cache_root
from synthocr.extras import require

WEB_FONT_SUFFIXES = (".woff", ".woff2")
_KINDS = {b"wOFF": "WOFF", b"wOF2": "WOFF2"}
_FORMAT_VERSION = "1"  # of the cached files: bump when what is cached changes

log = logging.getLogger(__name__)


def web_font_kind(head: bytes) -> str | None:
    """ "WOFF" or "WOFF2" when the bytes starting a font file are a web font's signature, else None."""
    return _KINDS.get(bytes(head[:4]))


def unwrap(data: bytes, name: str) -> bytes:
    """The TrueType/OpenType bytes of the web font `data` (named `name` in errors); any other font's bytes
    as they are. Unwrapped once per machine (the cache), else in memory.

    Raises:
        MissingExtra: fontTools (and Brotli for WOFF2) is not installed.
        Exception: fontTools cannot read the file (the callers report a font that does not load).
    """
    if web_font_kind(data) is None:
        return data
    found = _load(data, name)
    return found.read_bytes() if isinstance(found, Path) else found


def unwrapped_file(path: str) -> str | bytes | None:
    """For a web font at `path`: the path of the font it unwraps to in the cache, or its bytes where the
    cache cannot be written. None for any other font (read it in place)."""
    with open(path, "rb") as fh:
        if web_font_kind(fh.read(4)) is None:
            return None
        fh.seek(0)
        data = fh.read()
    found = _load(data, path)
    return str(found) if isinstance(found, Path) else found


def _fonttools(data: bytes, name: str) -> Any:
    """fontTools, with Brotli for a WOFF2 (MissingExtra naming the font if either is not installed)."""
    kind = web_font_kind(data)
    fonttools = require("fontTools", f"font {name} ({kind}, a web font)")
    require("fontTools.ttLib", f"font {name} ({kind}, a web font)")
    if kind == "WOFF2":
        require("brotli", f"font {name} (WOFF2, a web font compressed with Brotli)")
    return fonttools


MAX_UNWRAPPED = 256 << 20  # bytes a web font may unwrap to (planner.fonts.MAX_FONT_BYTES for other fonts)
MAX_RATIO = 100  # unwrapped over wrapped size: Google's WOFF2 decoder refuses more, real fonts stay under 20


def declared_size(data: bytes) -> int:
    """The bytes a web font's table directory says its tables unwrap to: what fontTools decompresses, each
    table bounded by its declared length, before any check of the whole. A font that declares gigabytes
    and holds a Brotli or zlib stream that gives them (a few MB of zeros) would take that memory.

    Raises:
        ValueError: a directory cut short or not readable.
    """
    kind = web_font_kind(data)
    if len(data) < 48:
        raise ValueError("shorter than a web font's header")
    count = int.from_bytes(data[12:14], "big")
    if kind == "WOFF":  # 44-byte header, then 20 bytes a table: tag, offset, compLength, origLength, checksum
        end = 44 + 20 * count
        if len(data) < end:
            raise ValueError("its table directory is cut short")
        return sum(int.from_bytes(data[p + 12 : p + 16], "big") for p in range(44, end, 20))
    total, pos = 0, 48  # WOFF2: a 48-byte header, then per table a flags byte, a tag, UIntBase128 lengths
    for _ in range(count):
        if pos >= len(data):
            raise ValueError("its table directory is cut short")
        flags, pos = data[pos], pos + 1
        index, version = flags & 0x3F, flags >> 6
        if index == 63:
            pos += 4
        length, pos = _base128(data, pos)
        glyf_or_loca = index in (10, 11)
        if (version == 0) == glyf_or_loca:  # transformed: glyf and loca at version 0, other tables at 1..3
            transformed, pos = _base128(data, pos)
            length = max(length, transformed)
        total += length
    return total


def _base128(data: bytes, pos: int) -> tuple[int, int]:
    """A WOFF2 UIntBase128 at `pos`, and the position after it."""
    value = 0
    for i in range(5):
        if pos + i >= len(data):
            raise ValueError("its table directory is cut short")
        byte = data[pos + i]
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, pos + i + 1
    raise ValueError("a table length in its directory is longer than 5 bytes")


def _unwrap(data: bytes, name: str) -> bytes:
    size = declared_size(data)
    if size > min(MAX_UNWRAPPED, MAX_RATIO * len(data)):
        raise ValueError(
            f"its tables declare {size:,} bytes unwrapped from {len(data):,}, over the limit of "
            f"{MAX_UNWRAPPED >> 20} MiB and {MAX_RATIO} times the file's size (a decompression bomb, or a damaged file)"
        )
    font = _fonttools(data, name).ttLib.TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False)
    font.flavor = None
    out = io.BytesIO()
    font.save(out, reorderTables=False)
    return out.getvalue()


def _load(data: bytes, name: str) -> Path | bytes:
    """The cached unwrapped font of the web font `data`, made if missing; its bytes where the cache cannot be
    written."""
    version = _fonttools(data, name).version
    key = hashlib.sha1(
        b"\0".join((_FORMAT_VERSION.encode(), hashlib.sha1(data).hexdigest().encode(), version.encode()))
    ).hexdigest()
    target = cache_root() / "fonts" / f"{key}.otf"
    if target.is_file():
        used(target)
        return target
    sfnt = _unwrap(data, name)
    try:
        with cache_file(target) as out:
            out.write(sfnt)
    except OSError as exc:
        log.info("web font %s unwrapped in memory: the cache %s cannot be written (%s)", name, target.parent, exc)
        return sfnt
    return target
