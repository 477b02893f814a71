"""Web fonts (WOFF and WOFF2, what fontsource, npm font packages and web sites ship): the TrueType or OpenType
font each one wraps, for HarfBuzz, which reads no WOFF (it found no glyph in one, so the planner called the
font empty), and for FreeType, which reads WOFF2 only when built with Brotli.

A web font is recognised by its signature, whatever its name. The plan records the web font file itself
(its path and SHA-1); what is drawn is the font it unwraps to, which fontTools gives the same for the same
file (no timestamp or bounding box is recomputed).
"""

from __future__ import annotations

import io

from synthocr.extras import require

WEB_FONT_SUFFIXES = (".woff", ".woff2")
_KINDS = {b"wOFF": "WOFF", b"wOF2": "WOFF2"}


def web_font_kind(head: bytes) -> str | None:
    """ "WOFF" or "WOFF2" when the bytes starting a font file are a web font's signature, else None."""
    return _KINDS.get(bytes(head[:4]))


def unwrap(data: bytes, name: str) -> bytes:
    """The TrueType/OpenType bytes of the web font `data` (named `name` in errors); any other font's bytes
    as they are.

    Raises:
        MissingExtra: fontTools (and Brotli for WOFF2) is not installed.
        Exception: fontTools cannot read the file (the callers report a font that does not load).
    """
    kind = web_font_kind(data)
    if kind is None:
        return data
    ttlib = require("fontTools.ttLib", f"font {name} ({kind}, a web font)")
    if kind == "WOFF2":
        require("brotli", f"font {name} (WOFF2, a web font compressed with Brotli)")
    font = ttlib.TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False)
    font.flavor = None
    out = io.BytesIO()
    font.save(out, reorderTables=False)
    return out.getvalue()


def read_font(path: str) -> bytes | None:
    """The unwrapped bytes of the font file at `path` when it is a web font, else None (read it in place)."""
    with open(path, "rb") as fh:
        if web_font_kind(fh.read(4)) is None:
            return None
        fh.seek(0)
        return unwrap(fh.read(), path)
