"""OpenType data HarfBuzz's Python binding does not expose: the ligature caret positions of GDEF."""

from __future__ import annotations

import struct


def _coverage(data: bytes, offset: int) -> list[int]:
    """Glyph ids of a Coverage table, in coverage index order."""
    fmt, count = struct.unpack_from(">HH", data, offset)
    if fmt == 1:
        return list(struct.unpack_from(f">{count}H", data, offset + 4))
    if fmt == 2:
        glyphs: list[int] = []
        for k in range(count):
            first, last, _ = struct.unpack_from(">HHH", data, offset + 4 + 6 * k)
            glyphs.extend(range(first, last + 1))
        return glyphs
    return []


def ligature_carets(gdef: bytes) -> dict[int, tuple[int, ...]]:
    """Glyph id -> caret positions (font units from the glyph origin, ascending) from GDEF's LigCaretList.

    Carets given as a design coordinate (formats 1 and 3) are read; a glyph with a caret
    given only as a contour point (format 2) is left out (its parts are then equal).
    A table that is missing or does not parse gives no carets.
    """
    try:
        if len(gdef) < 12:
            return {}
        lig_caret_list = struct.unpack_from(">H", gdef, 8)[0]
        if lig_caret_list == 0:
            return {}
        base = lig_caret_list
        coverage_offset, count = struct.unpack_from(">HH", gdef, base)
        glyphs = _coverage(gdef, base + coverage_offset)
        out: dict[int, tuple[int, ...]] = {}
        for k, glyph in enumerate(glyphs[:count]):
            lig = base + struct.unpack_from(">H", gdef, base + 4 + 2 * k)[0]
            n_carets = struct.unpack_from(">H", gdef, lig)[0]
            carets = []
            for c in range(n_carets):
                caret = lig + struct.unpack_from(">H", gdef, lig + 2 + 2 * c)[0]
                fmt = struct.unpack_from(">H", gdef, caret)[0]
                if fmt not in (1, 3):
                    break
                carets.append(struct.unpack_from(">h", gdef, caret + 2)[0])
            else:
                if carets:
                    out[glyph] = tuple(sorted(carets))
        return out
    except struct.error:
        return {}
