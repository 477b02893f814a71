"""Characters a font maps but HarfBuzz draws with glyphs of other characters, which the font lacks.

HarfBuzz's shapers for Thai, Lao and the Indic, Khmer, Myanmar and Tibetan scripts take some characters apart
before shaping, whatever glyph the font maps them to: Thai's SARA AM (ำ) becomes NIKHAHIT and SARA AA, Bengali's
O sign (ো) the E and AA signs around its consonant, Khmer's split vowels their parts. A font that maps the
character but not a part (Monlam's Tibetan fonts map ำ and not ํ) draws the part as its missing-glyph box, and
every row planned with `น้ำ` in it failed at render time. Such a character is not drawn by the font.
"""

from __future__ import annotations

import uharfbuzz as hb

# The blocks whose shapers take characters apart: Devanagari to Sinhala, Thai, Lao, Tibetan, Myanmar, Khmer,
# Balinese, Tai Tham.
_DECOMPOSING_BLOCKS = (
    (0x0900, 0x0DFF), (0x0E00, 0x0EFF), (0x0F00, 0x0FFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x1A20, 0x1AAF),
    (0x1B00, 0x1B7F),
)  # fmt: skip
_FLAGS = hb.BufferFlags.DO_NOT_INSERT_DOTTED_CIRCLE  # as the renderer shapes: a lone sign on no circle


def parts_missing(face: hb.Face, cps: frozenset[int]) -> frozenset[int]:
    """The characters of `cps` in _DECOMPOSING_BLOCKS that, shaped alone, give the missing glyph (0)."""
    letters = sorted(cp for cp in cps if any(lo <= cp <= hi for lo, hi in _DECOMPOSING_BLOCKS))
    if not letters:
        return frozenset()
    font = hb.Font(face)
    out = []
    for cp in letters:
        buf = hb.Buffer()
        buf.add_str(chr(cp))
        buf.guess_segment_properties()
        buf.flags = _FLAGS
        hb.shape(font, buf, {})
        if any(g.codepoint == 0 for g in buf.glyph_infos):
            out.append(cp)
    return frozenset(out)
