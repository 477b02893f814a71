"""Which characters a font draws: its character map less the characters it maps to blank glyphs, and the
default-ignorables HarfBuzz hides in every font. Read one way by the planner (which fonts cover a text) and
the renderer (which font of a row's fallback chain draws a character)."""

from __future__ import annotations

import numpy as np
import uharfbuzz as hb

# Default-ignorable code points HarfBuzz hides (it puts the font's space glyph there, with no advance)
# whether the font maps them or not: the soft hyphen, joiners, bidi marks and isolates, variation
# selectors, tags. Every font draws them, so a text with one does not need a font whose cmap has it
# (a Hebrew font without U+2066, an emoji's U+FE0F). Unicode's Default_Ignorable_Code_Point but the
# Hangul fillers and U+1BCA0-1BCA3, which HarfBuzz draws as glyphs (checked code point by code point).
HIDDEN_BY_HARFBUZZ = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F),
    (0x202A, 0x202E), (0x2060, 0x206F), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF), (0xFFF0, 0xFFF8), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)  # fmt: skip
HIDDEN_CODEPOINTS = np.concatenate([np.arange(lo, hi + 1, dtype=np.uint32) for lo, hi in HIDDEN_BY_HARFBUZZ])
_HIDDEN = frozenset(HIDDEN_CODEPOINTS.tolist())
_BLANK_BY_DESIGN = frozenset({0x2800, 0x115F, 0x1160, 0x3164, 0xFFA0, *_HIDDEN})


def drawn_codepoints(face: hb.Face) -> frozenset[int]:
    """The characters of the face's character map that it draws (blank glyphs aside; see blank_glyphs)."""
    cps = frozenset(face.unicodes)
    return cps - blank_glyphs(face, cps)


def blank_glyphs(face: hb.Face, cps: frozenset[int]) -> frozenset[int]:
    """Characters the cmap maps to a glyph with no ink that should have some: the font does not draw
    them (WQY MicroHei's ǎ ǐ ǒ ǔ and ℃, 80 Arabic letters of KacstQurn), so it does not cover them: the
    label would hold a character the image does not show. Blank by design: whitespace, what HarfBuzz
    hides, U+2800 BRAILLE PATTERN BLANK, the Hangul fillers."""
    font = hb.Font(face)
    out = []
    for cp in cps:
        if cp in _BLANK_BY_DESIGN or chr(cp).isspace():
            continue
        extents = font.get_glyph_extents(font.get_nominal_glyph(cp) or 0)
        if extents is None or not (extents.width and extents.height):
            out.append(cp)
    return frozenset(out)


def draws(drawn: frozenset[int], text: str) -> bool:
    """Whether a font that draws `drawn` (drawn_codepoints) draws every character of `text`."""
    return all(ord(c) in drawn or ord(c) in _HIDDEN for c in text)
