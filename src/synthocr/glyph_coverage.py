"""Which characters a font draws: its character map less the characters it maps to blank glyphs, and the
default-ignorables HarfBuzz hides in every font. Read one way by the planner (which fonts cover a text) and
the renderer (which font of a row's fallback chain draws a character)."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import uharfbuzz as hb

from synthocr.glyph_decomposition import parts_missing
from synthocr.glyph_joining import unjoined
from synthocr.unicode_scripts import char_script

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
    """The characters of the face's character map that it draws (blank glyphs and a symbol font's Latin-1
    slots aside; see undrawn)."""
    cps = frozenset(face.unicodes)
    return cps - undrawn(face, cps)


def undrawn(face: hb.Face, cps: frozenset[int]) -> frozenset[int]:
    """Characters of the cmap `cps` the font does not draw as themselves (undrawn_parts)."""
    return undrawn_parts(face, cps).all


@dataclass(frozen=True)
class Undrawn:
    """What a font's cmap maps that the font does not draw as itself, by why: the one account the planner
    (coverage and its notes) and the renderer (fallback chains) both read, so they cannot disagree."""

    blank: frozenset[int]  # blank glyphs (blank_glyphs)
    symbol: frozenset[int]  # a symbol, pictorial or legacy font's ASCII and Latin-1 slots (symbol_slots)
    scripts: dict[str, tuple[str, frozenset[int]]]  # the letters of scripts it does not shape (unshaped)
    unjoined: frozenset[int]  # letters it does not join (glyph_joining.unjoined)
    other_case: frozenset[int]  # letters it draws as their other case (capital_small_letters)
    # characters HarfBuzz takes apart into characters it lacks (glyph_decomposition.parts_missing)
    parts_missing: frozenset[int] = frozenset()

    @property
    def all(self) -> frozenset[int]:
        script_letters = frozenset().union(*(letters for _, letters in self.scripts.values()))
        return self.blank | self.symbol | self.unjoined | self.other_case | self.parts_missing | script_letters


def undrawn_parts(face: hb.Face, cps: frozenset[int]) -> Undrawn:
    """Each check of this module on the font, once."""
    scripts = unshaped(face, cps)
    script_letters = frozenset().union(*(letters for _, letters in scripts.values()))
    return Undrawn(
        blank_glyphs(face, cps),
        symbol_slots(face, cps),
        scripts,
        unjoined(face, cps - script_letters),
        capital_small_letters(face, cps),
        parts_missing(face, cps),
    )


# Scripts a font must shape to draw them as they are written: letters joined to their neighbours, consonant
# clusters (conjuncts, stacks, subscript and reph forms), vowel signs moved before their consonant. Per
# script: its name, probes (two joined letters, consonant clusters, a split vowel sign) that every font made
# for the script draws otherwise than as its characters' own glyphs in order, and the blocks of its letters.
# Of the 2,762 font files under /usr/share/fonts here (Debian font packages), GNU Unifont (in most Linux
# desktops, for every script), GNU FreeFont (Gurmukhi, Oriya, Malayalam, Syriac, Devanagari), Zawgyi-One and
# Ayar (Myanmar, from fonts-myanmar), TSCu Paranar (Tamil), Monlam's Tibetan fonts (their few Tai Tham
# letters) and Awami Nastaliq (Arabic, Graphite only) fail:
# Unifont draws क्षत्रिय with visible viramas and its vowel sign ि after र instead of before त; FreeSerif
# draws प्र and ਪ੍ਰ as प्‌र and ਪ੍ ਰ (no rakaar, no pairin); Zawgyi-One draws Unicode Burmese as other
# letters. No other font here fails a probe of a script it covers.
SHAPED_SCRIPTS: dict[str, tuple[str, tuple[str, ...], tuple[tuple[int, int], ...]]] = {
    "Arab": ("Arabic", ("ببب",), ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF))),
    "Syrc": ("Syriac", ("ܒܒܒ",), ((0x0700, 0x074F), (0x0860, 0x086F))),
    "Nkoo": ("N'Ko", ("ߓߓߓ",), ((0x07C0, 0x07FF),)),
    "Mong": ("Mongolian", ("ᠪᠪᠪ",), ((0x1800, 0x18AF),)),
    "Deva": ("Devanagari", ("क्क", "क्र", "र्क"), ((0x0900, 0x097F), (0xA8E0, 0xA8FF))),
    "Beng": ("Bengali", ("ক্ক", "ক্র", "র্ক"), ((0x0980, 0x09FF),)),
    "Guru": ("Gurmukhi", ("ਕ੍ਰ",), ((0x0A00, 0x0A7F),)),
    "Gujr": ("Gujarati", ("ક્ક", "ક્ર", "ર્ક"), ((0x0A80, 0x0AFF),)),
    "Orya": ("Oriya", ("କ୍କ", "କ୍ର", "ର୍କ"), ((0x0B00, 0x0B7F),)),
    "Taml": ("Tamil", ("கொ", "க்ஷ"), ((0x0B80, 0x0BFF),)),  # கொ: its vowel sign split around the consonant
    "Telu": ("Telugu", ("క్క", "క్ర"), ((0x0C00, 0x0C7F),)),
    "Knda": ("Kannada", ("ಕ್ಕ", "ಕ್ರ"), ((0x0C80, 0x0CFF),)),
    "Mlym": ("Malayalam", ("ക്ക", "ക്ര"), ((0x0D00, 0x0D7F),)),
    "Sinh": ("Sinhala", ("කෙ",), ((0x0D80, 0x0DFF),)),  # කෙ: its vowel sign before the consonant
    "Tibt": ("Tibetan", ("སྒྲ",), ((0x0F00, 0x0FFF),)),  # a stack of three: a subjoined letter alone may be a mark
    "Mymr": ("Myanmar", ("က္က", "ကြ"), ((0x1000, 0x109F), (0xA9E0, 0xA9FF), (0xAA60, 0xAA7F))),
    "Khmr": ("Khmer", ("ក្ក",), ((0x1780, 0x17FF), (0x19E0, 0x19FF))),
    "Bali": ("Balinese", ("ᬓ᭄ᬓ",), ((0x1B00, 0x1B7F),)),
    "Java": ("Javanese", ("ꦏ꧀ꦏ",), ((0xA980, 0xA9DF),)),
    "Sylo": ("Syloti Nagri", ("ꠇ꠆ꠇ",), ((0xA800, 0xA82F),)),
    "Lana": ("Tai Tham", ("ᨠ᩠ᨠ",), ((0x1A20, 0x1AAF),)),
    # Consonant, virama, consonant, in scripts beyond the BMP (Noto draws a conjunct; GNU Unifont's
    # unifont_upper.otf the three letters)
    "Kthi": ("Kaithi", ("\U0001108d\U000110b9\U0001108d",), ((0x11080, 0x110CF),)),
    "Cakm": ("Chakma", ("\U00011107\U00011133\U00011107",), ((0x11100, 0x1114F),)),
    "Shrd": ("Sharada", ("\U00011191\U000111c0\U00011191",), ((0x11180, 0x111DF),)),
    "Gran": ("Grantha", ("\U00011315\U0001134d\U00011315",), ((0x11300, 0x1137F),)),
    "Newa": ("Newa", ("\U0001140e\U00011442\U0001140e",), ((0x11400, 0x1147F),)),
    "Sidd": ("Siddham", ("\U0001158e\U000115bf\U0001158e",), ((0x11580, 0x115FF),)),
    "Modi": ("Modi", ("\U0001160e\U0001163f\U0001160e",), ((0x11600, 0x1165F),)),
    "Zanb": ("Zanabazar Square", ("\U00011a00\U00011a47\U00011a00",), ((0x11A00, 0x11A4F),)),
    "Gonm": ("Masaram Gondi", ("\U00011d0c\U00011d45\U00011d0c",), ((0x11D00, 0x11D5F),)),
    "Gong": ("Gunjala Gondi", ("\U00011d6c\U00011d97\U00011d6c",), ((0x11D60, 0x11DAF),)),
}


def unshaped(face: hb.Face, cps: frozenset[int]) -> dict[str, tuple[str, frozenset[int]]]:
    """Per script of SHAPED_SCRIPTS the font does not shape, the probe it failed and the characters of `cps`
    written in the script.

    A font that covers one of a script's probes and draws it as its characters' own glyphs, in order, does not
    shape the script (with no OpenType tables for it, HarfBuzz uses its default shaper, which neither joins
    nor reorders; or its tables lack the script's common clusters, as FreeSerif's rakaar): the image would
    show letterforms no reader of the script writes (a visible virama, a vowel sign after its consonant,
    Syriac unjoined) under a label that names the right letters. Pillow draws them so too."""
    font: hb.Font | None = None
    out: dict[str, tuple[str, frozenset[int]]] = {}
    for tag, (_, probes, blocks) in SHAPED_SCRIPTS.items():
        for probe in probes:
            if not all(ord(c) in cps for c in probe):
                continue
            font = font or hb.Font(face)
            buf = hb.Buffer()
            buf.add_str(probe)
            buf.guess_segment_properties()
            hb.shape(font, buf, {})
            if [g.codepoint for g in buf.glyph_infos] == [font.get_nominal_glyph(ord(c)) for c in probe]:
                letters = (cp for lo, hi in blocks for cp in range(lo, hi + 1) if cp in cps)
                out[tag] = probe, frozenset(cp for cp in letters if char_script(chr(cp)) == tag)
                break
    return out


# Scripts whose small letters stand at the x-height, under capitals: a small letter drawn with its capital's
# outline is a capital in the image. Their blocks: Latin (with its extensions), Greek, Cyrillic, Armenian.
# Cyrillic's palochka (ӏ Ӏ) has one shape in both cases.
_CASED_BLOCKS = (
    (0x0000, 0x058F), (0x1C80, 0x1C8F), (0x1D00, 0x1FFF), (0x2C60, 0x2C7F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F),
    (0xA720, 0xA7FF), (0xAB30, 0xAB6F), (0xFB00, 0xFB17), (0xFF21, 0xFF5A),
)  # fmt: skip
_CASED_SCRIPTS = frozenset({"Latn", "Grek", "Cyrl", "Armn"})
_SAME_SHAPE_IN_BOTH_CASES = frozenset({0x04CF})


@functools.cache
def _case_pairs() -> tuple[tuple[int, int], ...]:
    """(small letter, its capital) of the cased scripts: one character each way, not the same character."""
    pairs = []
    for lo, hi in _CASED_BLOCKS:
        for cp in range(lo, hi + 1):
            upper = chr(cp).upper()
            if upper == chr(cp) or len(upper) != 1 or cp in _SAME_SHAPE_IN_BOTH_CASES:
                continue
            if char_script(chr(cp)) in _CASED_SCRIPTS:
                pairs.append((cp, ord(upper)))
    return tuple(pairs)


class _OutlinePen:
    """Records a glyph's outline as HarfBuzz draws it, to compare two glyphs' shapes."""

    def __init__(self) -> None:
        self.ops: list[tuple[object, ...]] = []

    def moveTo(self, p: tuple[float, float]) -> None:
        self.ops.append(("M", p))

    def lineTo(self, p: tuple[float, float]) -> None:
        self.ops.append(("L", p))

    def qCurveTo(self, *p: tuple[float, float]) -> None:
        self.ops.append(("Q", p))

    def curveTo(self, *p: tuple[float, float]) -> None:
        self.ops.append(("C", p))

    def closePath(self) -> None:
        self.ops.append(("Z",))


def _outline(font: hb.Font, glyph: int) -> list[tuple[object, ...]]:
    pen = _OutlinePen()
    font.draw_glyph_with_pen(glyph, pen)
    return pen.ops


def capital_small_letters(face: hb.Face, cps: frozenset[int]) -> frozenset[int]:
    """The letters of `cps` (Latin, Greek, Cyrillic, Armenian) the font draws as their other case: where a
    small letter and its capital have the same glyph, or glyphs of the same outline, the small letters, or
    the capitals where the shared glyphs stand at the small letters' height (_small_shapes).

    Display fonts without small letters copy their capitals: Bebas Neue, one of the most used web fonts,
    draws `hello` as HELLO, and so do 112 of Debian's 465 Ænigma fonts. The label would say `hello` under an
    image that reads HELLO. Some fonts do it for a few letters: EB Garamond 0.016's 8-point italic for its
    Greek (α β γ as Α Β Γ), Nakula and Sahadeva for ė ġ ģ and 47 more."""
    font: hb.Font | None = None
    shared = []
    for cp, upper in _case_pairs():
        if cp not in cps or upper not in cps:
            continue
        font = font or hb.Font(face)
        small, capital = font.get_nominal_glyph(cp), font.get_nominal_glyph(upper)
        if small == capital:
            shared.append((cp, upper))
            continue
        if font.get_glyph_h_advance(small) != font.get_glyph_h_advance(capital):
            continue
        if font.get_glyph_extents(small) == font.get_glyph_extents(capital) and _outline(font, small) == _outline(
            font, capital
        ):
            shared.append((cp, upper))
    if font is None or not shared:
        return frozenset()
    side = 1 if _small_shapes(font, cps, [cp for cp, _ in shared]) else 0
    return frozenset(pair[side] for pair in shared)


# Small letters without ascenders or descenders: they stand at the x-height.
_X_HEIGHT_LETTERS = frozenset(map(ord, "acemnorsuvwxz"))


def _small_shapes(font: hb.Font, cps: frozenset[int], shared: list[int]) -> bool:
    """Whether the glyphs a font shares between cases are small letters: those of `acemnorsuvwxz` among them
    reach less than 80% of the height of its tallest digit (digits stand at the capitals' height, or reach
    it in old-style figures). Capitals-only fonts share capitals (every one here reaches 87% or more)."""
    digits = [font.get_glyph_extents(font.get_nominal_glyph(d)) for d in range(0x30, 0x3A) if d in cps]
    digit = max((abs(e.height) for e in digits if e), default=0)
    letters = [font.get_glyph_extents(font.get_nominal_glyph(cp)) for cp in shared if cp in _X_HEIGHT_LETTERS]
    tallest = max((abs(e.height) for e in letters if e), default=0)
    return bool(digit and tallest) and tallest < 0.8 * digit


# The characters of Windows-1252's upper half (Latin-1's letters and signs, and the quotes, dashes, € and
# ellipsis at 0x80-0x9F): the slots a legacy 8-bit font fills with the glyphs of its own script.
_CP1252_UPPER = frozenset(map(ord, bytes(range(0x80, 0x100)).decode("cp1252", errors="ignore")))
# A symbol font's letters, digits and punctuation there and in ASCII are other signs: Symbol's `a` is α,
# Wingdings' are pictures. U+0020, the space, stays a space.
_SYMBOL_SLOTS = frozenset(range(0x21, 0x100)) | _CP1252_UPPER


def symbol_slots(face: hb.Face, cps: frozenset[int]) -> frozenset[int]:
    """The characters of `cps` a font draws other signs for, though its cmap says otherwise.

    A symbol font, which declares the Symbol character set and not Latin 1 (OS/2 code page bits 31 and 0:
    Symbol, Wingdings), maps a symbol cmap (3,0), or names the glyphs of its ASCII letters as other signs
    (_letters_named_otherwise): ASCII and Latin-1 (U+0021-U+00FF) and Windows-1252's upper half. Wine's
    symbol.ttf and URW's StandardSymbolsPS (installed with Ghostscript) map `a` to their alpha in a Unicode
    cmap, so a Latin text ("hello") was drawn in Greek letters ("ηελλο") under a Latin label. A pictorial
    font (_pictorial: pictures, or letters turned or framed) is taken as a symbol font too. A legacy 8-bit
    font of another script (_accents_misdrawn): Windows-1252's upper half."""
    if _is_symbol_font(face) or _letters_named_otherwise(face) or _pictorial(face):
        return cps & _SYMBOL_SLOTS
    if _accents_misdrawn(face):
        return cps & _CP1252_UPPER
    return frozenset()


def _pictorial(face: hb.Face) -> bool:
    """Whether the font draws pictures, or letters turned or framed, for ASCII, whatever its cmap and glyph
    names say: its full stop, I and M have ink of one size, or its I, l and 1 are each as wide as they are
    tall. No text font does either (a full stop is a dot; I, l and 1 are upright strokes). Of Debian's 465
    Ænigma fonts, 23 do: Linedings draws `HELLO` as ornaments, 90 Stars as stars, Binary X as the letters'
    ASCII codes in ones and zeros, Vertigo its letters turned on their side, Double Layer half of each letter
    (the other half is another font); Hearts, Spheroid and Zoidal put letters in hearts, rings and trapezoids.
    So does Linux Biolinum's keyboard font (letters on key caps). Of the 2,762 font files here, no other but
    URW's Dingbats, a symbol font already."""
    font = hb.Font(face)
    boxes = {}
    for char in ".IMl1":
        glyph = font.get_nominal_glyph(ord(char))
        extents = font.get_glyph_extents(glyph) if glyph else None
        if extents is not None and extents.width and extents.height:
            boxes[char] = (extents.width, abs(extents.height))
    if all(c in boxes for c in ".IM"):
        (dot_w, dot_h), (i_w, _), (m_w, m_h) = boxes["."], boxes["I"], boxes["M"]
        if i_w >= 0.9 * m_w and dot_w * dot_h >= 0.8 * m_w * m_h:
            return True
    return all(c in boxes and boxes[c][0] >= boxes[c][1] for c in "Il1")


def _accents_misdrawn(face: hb.Face) -> bool:
    """Whether the font draws other glyphs than Latin letters in the slots of Latin-1's accented letters: a
    legacy 8-bit font of another script, as Debian's TSCu Tamil fonts are (`é` is ளு, `À` is ப, while the
    glyph names still say `eacute`, `Agrave`). An accented letter with its mark above (à á â ã ä å, …) is
    as tall as its base letter or taller, and about as wide; 35% of at least 10 that are not: such a font.
    Of the 426 fonts here, the legacy ones fail 80% of them, Latin fonts at most 16%."""
    font = hb.Font(face)
    checked = wrong = 0
    for cp in range(0xC0, 0x100):
        decomposed = unicodedata.normalize("NFD", chr(cp))
        base, marks = decomposed[0], decomposed[1:]
        if not marks or not base.isascii() or any(unicodedata.combining(m) != 230 for m in marks):
            continue
        accented, plain = font.get_nominal_glyph(cp), font.get_nominal_glyph(ord(base))
        if not accented or not plain:
            continue
        a, p = font.get_glyph_extents(accented), font.get_glyph_extents(plain)
        if a is None or p is None or not p.width or not p.height:
            continue
        checked += 1
        wrong += a.y_bearing < p.y_bearing or not 0.5 <= a.width / p.width <= 2.0
    return checked >= 10 and wrong >= 0.35 * checked


# Glyph names that say nothing of the glyph: made up by a font tool from its index or code point, or Adobe's
# CID numbers (`aj296` for `a` in IPA Gothic: Adobe-Japan1; ag, ac, ak: the Chinese and Korean collections).
_NUMBERED = re.compile(r"(glyph|gid|cid|index|uni|u|aj|ag|ac|ak)[0-9A-Fa-f]+|\.notdef|")


def _letters_named_otherwise(face: hb.Face) -> bool:
    """Whether the glyphs of the font's ASCII letters are named as other signs: `alpha` for `a` (URW's
    StandardSymbolsPS), `a60` (its Dingbats, D050000L). At least 10 letters with telling names, 80% of them
    not the letter's own (`a`, `a.sc`, `a_b`)."""
    font = hb.Font(face)
    named = other = 0
    for cp in (*range(0x41, 0x5B), *range(0x61, 0x7B)):
        gid = font.get_nominal_glyph(cp)
        name = font.get_glyph_name(gid) if gid else None
        if not name or _NUMBERED.fullmatch(name):
            continue
        named += 1
        letter = chr(cp)
        if name != letter and not name.startswith((letter + ".", letter + "_")):
            other += 1
    return named >= 10 and other >= 0.8 * named


def _is_symbol_font(face: hb.Face) -> bool:
    os2 = bytes(face.reference_table("OS/2").data or b"")
    # ulCodePageRange1: the Symbol character set (bit 31) and not Latin 1 (bit 0). Monlam's Tibetan fonts set
    # every bit, their Latin letters being Latin.
    if len(os2) >= 82 and int.from_bytes(os2[:2], "big") >= 1 and os2[78] & 0x80 and not os2[81] & 0x01:
        return True
    cmap = bytes(face.reference_table("cmap").data or b"")
    count = int.from_bytes(cmap[2:4], "big") if len(cmap) >= 4 else 0
    records = (cmap[4 + 8 * i : 8 + 8 * i] for i in range(count) if len(cmap) >= 12 + 8 * i)
    return any(r == b"\x00\x03\x00\x00" for r in records)  # platform 3 (Windows), encoding 0 (Symbol)


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


def inks_nothing(face: hb.Face, cps: frozenset[int]) -> bool:
    """Whether every character of `cps` that should have ink maps to a glyph with none: a bitmap font whose
    outlines are empty (Wine's fixedsys.ttf), of which FreeType draws nothing at the plan's sizes."""
    inked = frozenset(cp for cp in cps if cp not in _BLANK_BY_DESIGN and not chr(cp).isspace())
    return bool(inked) and blank_glyphs(face, inked) == inked


def draws(drawn: frozenset[int], text: str) -> bool:
    """Whether a font that draws `drawn` (drawn_codepoints) draws every character of `text`."""
    return all(ord(c) in drawn or ord(c) in _HIDDEN for c in text)
