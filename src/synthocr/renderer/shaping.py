"""Whole-run shaping with HarfBuzz: a font at a pixel size, and the glyphs of a line in visual order.

HarfBuzz shapes every run (one direction, one script) of the line as a whole, from the
font's own GSUB/GPOS tables, with the rest of the line as context: joining, marks,
kerning and ligatures are the font's. Positions are in 26.6 fixed point (1/64 pixel)
at the scale and with the advances of the HarfBuzz font raqm makes from FreeType
(hb-ft: unhinted advances rounded as FreeType rounds them), so glyphs land where
Pillow's `draw.text` puts them.
"""

from __future__ import annotations

import ctypes
import functools
import struct
import threading
import unicodedata
from collections.abc import Hashable
from typing import NamedTuple, Protocol

import uharfbuzz as hb

from synthocr.font_instances import collection_faces, named_instances
from synthocr.glyph_coverage import drawn_codepoints
from synthocr.renderer.bidi import Run, visual_runs
from synthocr.renderer.fonttables import ligature_carets
from synthocr.renderer.glyphs import FontRenderError, Glyph, GlyphRaster, mapped_font, turn_glyph
from synthocr.renderer.scripts import itemize
from synthocr.web_fonts import unwrapped_file

# Every run is shaped as the beginning and end of a text (raqm's flags); the line around it is context.
# A combining mark with no base (at the text's start, after a space, a broken Indic cluster) is drawn
# as it is: HarfBuzz would otherwise put it on a dotted circle (U+25CC), a glyph the text and its
# label do not have.
_FLAGS = hb.BufferFlags.BOT | hb.BufferFlags.EOT | hb.BufferFlags.DO_NOT_INSERT_DOTTED_CIRCLE
UNSAFE_TO_BREAK = int(hb.GlyphFlags.UNSAFE_TO_BREAK)
# Scripts whose letters connect: a cluster boundary that HarfBuzz marks unsafe to break is a join.
CURSIVE_SCRIPTS = frozenset({"Arab", "Syrc", "Nkoo", "Mong", "Mand", "Adlm", "Rohg", "Phag", "Sogd", "Hmnp"})
# Scripts whose letters a headline joins within a word (the shirorekha of Devanagari, Bengali, Gurmukhi):
# tracking would cut it into pieces that print never shows, as it would break cursive joins.
HEADLINE_SCRIPTS = frozenset({"Deva", "Beng", "Guru"})
UNTRACKED_SCRIPTS = CURSIVE_SCRIPTS | HEADLINE_SCRIPTS
# Scripts written in columns, upright in a mixed vertical line; runs of the others are turned sideways there.
UPRIGHT_SCRIPTS = frozenset({"Hani", "Hira", "Kana", "Hrkt", "Hang", "Bopo", "Yiii", "Tang", "Nshu", "Kits"})


class FontFile:
    """A font file checked against the plan's fingerprint: its HarfBuzz face and GDEF caret table."""

    def __init__(self, path: str, name: str, index: int = 0) -> None:
        self.path, self.name, self.index = path, name, index
        # A web font is drawn from the font it wraps: a file in the cache, or its bytes (web_fonts.py).
        unwrapped = unwrapped_file(path)
        source = unwrapped if isinstance(unwrapped, str) else path
        blob = hb.Blob(unwrapped) if isinstance(unwrapped, bytes) else hb.Blob.from_file_path(source)
        self.face = hb.Face(blob, index)
        # FreeType's faces at every size read the font from this one mapping (or copy)
        if isinstance(unwrapped, bytes):
            self.mapped = ctypes.create_string_buffer(unwrapped, len(unwrapped))
        else:
            self.mapped = mapped_font(source)
        self.upem: int = self.face.upem
        self._carets: dict[int, tuple[int, ...]] | None = None
        self.fallback_v_metrics = _fallback_v_metrics(self.face)
        self.instances = named_instances(self.face)  # a variable font's named instances: name -> axis values
        self.faces = collection_faces(blob)  # a font collection's faces: name -> index (empty for one font)
        self._lock = threading.Lock()

    @functools.cached_property
    def drawn(self) -> frozenset[int]:
        """The characters the font draws as the planner counted them (of the first face of a collection):
        which font of a row's fallback chain draws a character is decided on this, as it was planned."""
        face = self.face if self.index == 0 else hb.Face(self.face.blob, 0)
        return drawn_codepoints(face)

    @property
    def carets(self) -> dict[int, tuple[int, ...]]:
        """Glyph id -> ligature caret positions in font units (GDEF), read on first use."""
        if self._carets is None:
            with self._lock:
                self._carets = ligature_carets(bytes(self.face.reference_table("GDEF").data or b""))
        return self._carets


def styles_of(file: FontFile) -> str:
    """What a font file offers as `font_instance`, for messages."""
    if file.faces:
        return f"its faces are {list(file.faces)}"
    if file.instances:
        return f"its named instances are {list(file.instances)}"
    return "it is neither a variable font nor a font collection"


def _fallback_v_metrics(face: hb.Face) -> tuple[int, int] | None:
    """(ascender, descender) in font units that FreeType stacks vertical glyphs by when the font has
    no vertical metrics (vmtx): OS/2's typographic ones, else hhea's; None when it has vmtx."""
    if face.reference_table("vmtx").data:
        return None
    os2 = bytes(face.reference_table("OS/2").data or b"")
    if len(os2) >= 72:
        ascender, descender = struct.unpack_from(">hh", os2, 68)
    else:
        hhea = bytes(face.reference_table("hhea").data or b"")
        ascender, descender = struct.unpack_from(">hh", hhea, 4) if len(hhea) >= 8 else (face.upem, 0)
    return ascender, -descender


def _ft_scale(size: int, upem: int) -> int:
    """FreeType's x_scale (16.16) for a nominal size request of `size` pixels: FT_DivFix(size * 64, upem)."""
    return ((size * 64 << 16) + upem // 2) // upem


def _ft_advance(units: int, scale: int) -> int:
    """hb-ft's advance in 26.6 for `units`: FreeType's FT_MulDiv(units, scale, 64), then rounded to 1/64."""
    sign = -1 if units < 0 else 1
    v16 = sign * ((abs(units) * scale + 32) // 64)
    return (abs(v16) + 512) >> 10


class ShapedGlyph(NamedTuple):
    """One glyph of a shaped run, as HarfBuzz gives it (26.6 units; y up)."""

    gid: int
    cluster: int  # index in the line's text of the first character of its HarfBuzz cluster
    x_advance: int
    y_advance: int
    x_offset: int
    y_offset: int
    flags: int  # HarfBuzz's glyph flags (UNSAFE_TO_BREAK...), read only in CURSIVE_SCRIPTS (0 elsewhere)


_NONE_YET = object()


class _Metrics:
    """A SizedFont's horizontal advances (and vertical metrics, for a font without vmtx) for HarfBuzz's
    callbacks: FreeType's (`raster`, a variable instance) or the font's own, rounded as FreeType rounds them."""

    def __init__(self, raster: GlyphRaster | None, unit: hb.Font, scale: int, v_units: tuple[int, int] | None) -> None:
        self.raster, self.unit, self.scale, self.v_units = raster, unit, scale, v_units
        self.advances: dict[int, int] = {}

    def h_advance(self, font: object, gid: int, data: object) -> int:
        advance = self.advances.get(gid)
        if advance is None:
            if self.raster is not None:
                advance = self.advances[gid] = self.raster.advance(gid)
            else:
                advance = self.advances[gid] = _ft_advance(self.unit.get_glyph_h_advance(gid), self.scale)
        return advance

    def v_advance(self, font: object, gid: int, data: object) -> int:
        height = self.v_units[0] + self.v_units[1]  # type: ignore[index]
        return -_ft_advance(height, self.scale)

    def v_origin(self, font: object, gid: int, data: object) -> tuple[bool, int, int]:
        ascender = _ft_advance(self.v_units[0], self.scale)  # type: ignore[index]
        return True, self.h_advance(font, gid, data) // 2, ascender


class GlyphCache(Protocol):
    """A bounded cache of glyph bitmaps keyed by (font token, glyph id), which SizedFont.glyph fills."""

    @property
    def data(self) -> dict[tuple[Hashable, int], Glyph | None]: ...

    def insert(self, key: tuple[Hashable, int], value: Glyph | None, /) -> Glyph | None: ...


class SizedFont:
    """One font at one pixel size: a HarfBuzz font for shaping and FreeType for its glyphs' bitmaps.

    `glyph(gid)` goes through `glyph_cache` (a BoundedCache keyed by (token, glyph id), shared by
    every SizedFont of a worker) when one is given; the bitmap is the same either way.
    """

    def __init__(
        self,
        file: FontFile,
        size: int,
        glyph_cache: GlyphCache | None = None,
        instance: str = "",
        token: Hashable | None = None,
    ) -> None:
        """`instance`: a named instance of a variable font ("" for its default instance). `token`: what names
        this font at this size in `glyph_cache` (the same for a font loaded again: its glyphs are the same),
        so the cache holds no font alive; needed with a cache, unused without one.

        Raises:
            FontRenderError: the font has no such named instance, or FreeType cannot open it at `size`.
            ValueError: a `glyph_cache` without a `token`.
        """
        self.file, self.size, self.instance = file, size, instance
        upem = file.upem
        self._scale = _ft_scale(size, upem)
        scale = (self._scale * upem + (1 << 15)) >> 16  # hb-ft's font scale: about size * 64
        parent = hb.Font(file.face)
        parent.scale = (scale, scale)
        self._unit = hb.Font(file.face)  # at upem scale: advances in font units
        axes = None
        if instance:
            axes = file.instances.get(instance)
            if axes is None:
                raise FontRenderError(f"font {file.name} has no named instance {instance!r}; {styles_of(file)}")
        coords = None if axes is None else list(axes.values())
        self.raster = GlyphRaster(file.mapped, size, file.name, file.index, coords)
        # A variable instance is shaped as Pillow/raqm (hb-ft) shapes it: HarfBuzz at FreeType's normalised
        # axis values, with FreeType's advances. On Inter this gives the same advances as HarfBuzz's own
        # (float) normalisation and HVAR deltas; hb-ft's way keeps raqm's by construction where the two round
        # differently (an `avar` mapping, a delta at half a font unit).
        if axes is not None:
            normalized = self.raster.normalized_coords()
            parent.set_var_coords_normalized(normalized)  # the sub-font below starts from its parent's values
            self._unit.set_var_coords_normalized(normalized)
        self._turned: dict[int, Glyph | None] = {}
        # HarfBuzz's callbacks belong to an object of their own: bound to this font's methods, they made a
        # cycle (font -> hb.Font -> callbacks -> font) that only Python's full collections free, and a worker
        # drawing from hundreds of fonts held every evicted one until then (889 alive, 760 MB).
        metrics = _Metrics(self.raster if axes is not None else None, self._unit, self._scale, file.fallback_v_metrics)
        funcs = hb.FontFuncs()
        funcs.set_glyph_h_advance_func(metrics.h_advance, None)
        if file.fallback_v_metrics is not None:  # no vmtx: FreeType's made-up vertical metrics, as raqm gets them
            funcs.set_glyph_v_advance_func(metrics.v_advance, None)
            funcs.set_glyph_v_origin_func(metrics.v_origin, None)
        self.em: int = scale  # the em in 26.6 pixels, as HarfBuzz scales the font (an ideograph's vertical advance)
        self.hb = hb.Font(parent)  # a sub-font: only the horizontal advances are replaced
        self.hb.funcs = funcs
        self._keep = (parent, funcs, metrics)
        extents = self._unit.get_font_extents("ltr")  # font units
        self.ascender: float = extents.ascender * size / upem  # pixels above the baseline
        self.descender: float = -extents.descender * size / upem  # pixels below it
        tag, metric = hb.OTMetricsTag, self._unit.get_metric_position_with_fallback
        # (top below the baseline, thickness) in pixels, from the post table (underline; its position is the
        # rule's top) and OS/2 (strikeout; its position is the stroke's top above the baseline).
        self.underline: tuple[float, float] = (
            -metric(tag.UNDERLINE_OFFSET) * size / upem,
            max(metric(tag.UNDERLINE_SIZE), 1) * size / upem,
        )
        self.strikeout: tuple[float, float] = (
            -metric(tag.STRIKEOUT_OFFSET) * size / upem,
            max(metric(tag.STRIKEOUT_SIZE), 1) * size / upem,
        )
        self._cache = glyph_cache
        if glyph_cache is not None and token is None:
            raise ValueError("a SizedFont sharing a glyph cache needs the token that names it there")
        self.glyph_key: Hashable = token  # alone in its own dict, a font needs no name there
        # (glyph_key, glyph id) -> bitmap: the shared cache's own dict, or one of this font's.
        self.cached: dict[tuple[Hashable, int], Glyph | None] = glyph_cache.data if glyph_cache is not None else {}

    def glyph(self, gid: int) -> Glyph | None:
        """The glyph's bitmap (None: no ink), rendered once. Hot loops look in `cached` first:
        `cached.get((glyph_key, gid), MISSING)`."""
        key = (self.glyph_key, gid)
        got = self.cached.get(key, _NONE_YET)
        if got is _NONE_YET:
            got = self.raster.render(gid)
            if self._cache is not None:
                return self._cache.insert(key, got)
            self.cached[key] = got
        return got  # type: ignore[return-value]

    def turned_glyph(self, gid: int) -> Glyph | None:
        """The glyph's bitmap turned 90 degrees clockwise, for a sideways run of a vertical line; made once."""
        if gid not in self._turned:
            glyph = self.glyph(gid)
            self._turned[gid] = None if glyph is None else turn_glyph(glyph)
        return self._turned[gid]

    def styled_glyph(self, gid: int, bold: int, italic: bool, x_scale: int = 0x10000, x_shift: int = 0) -> Glyph | None:
        """The glyph's bitmap from its outline grown by `bold` (26.6 pixels; FreeType's outline embolden),
        slanted when `italic` (FreeType's synthetic oblique), narrowed by `x_scale` (16.16) and moved right by
        `x_shift` (26.6), not cached: only an emphasised run and digits compressed into one em of a column
        (renderer/upright.py) ask for it."""
        return self.raster.render(gid, bold, italic, x_scale, x_shift)

    def caret_fractions(self, gid: int, parts: int) -> tuple[float, ...] | None:
        """Where the font's ligature carets cut glyph `gid` into `parts` pieces, as fractions of its
        advance from its left edge (None unless the font has exactly parts - 1 carets for it, each piece
        at least a quarter of an equal part).

        Carets that leave a piece narrower than that do not fit the glyph: a font's carets copied from
        another style (Noto Sans Condensed Thin's ffi: 315 and 631 of 633 units, as in the Regular's 947),
        two at one place (Loma's ffi: 569 and 569) or outside the advance (FreeFarsi's lam-alef: -154)
        gave a character a box of no width and no ink; equal parts are used instead."""
        carets = self.file.carets.get(gid)
        if carets is None or len(carets) != parts - 1:
            return None
        advance = self._unit.get_glyph_h_advance(gid)
        if advance <= 0:
            return None
        fractions = tuple(c / advance for c in carets)
        least = 0.25 / parts
        if any(b - a < least for a, b in zip((0.0, *fractions), (*fractions, 1.0))):
            return None
        return fractions


def line_runs(text: str, direction: str) -> list[Run]:
    """Runs of one direction and one script in visual order (left to right; top to bottom for ttb)."""
    if not text:
        return []
    if direction == "ttb":
        return itemize([Run(0, len(text), False)], text)
    rtl = direction == "rtl"
    if not rtl and all(map(_plain_ltr, text)):
        return itemize([Run(0, len(text), False)], text)
    return itemize(visual_runs(text, rtl), text)


def shape_run(
    font: SizedFont,
    codepoints: list[int],
    run: Run,
    vertical: bool,
    language: str = "",
    features: dict[str, bool] | None = None,
) -> list[tuple[int, int, int, int, int, int, int]]:
    """HarfBuzz's glyphs (as ShapedGlyph's fields) for text[run.start:run.stop] with the whole line as
    context, in visual order. `language` (BCP 47) picks the font's forms for it; without one HarfBuzz
    would take the process's locale, so "und" (undetermined) keeps the drawing the same on every machine.
    `features`: OpenType features turned on (or off) beyond the font's defaults (`{"hwid": True}`)."""
    buf = hb.Buffer()
    buf.add_codepoints(codepoints, run.start, run.stop - run.start)
    buf.direction = "ttb" if vertical else ("rtl" if run.rtl else "ltr")
    if run.script is not None:
        buf.script = run.script
    buf.language = language or "und"
    buf.guess_segment_properties()
    buf.flags = _FLAGS
    hb.shape(font.hb, buf, features or {})
    # Plain tuples in ShapedGlyph's field order: cheaper to make, one per glyph of every line. The flags
    # (an enum made per glyph, not cheap) are read only where joins matter.
    if run.script in CURSIVE_SCRIPTS:
        return [
            (i.codepoint, i.cluster, p.x_advance, p.y_advance, p.x_offset, p.y_offset, int(i.flags))
            for i, p in zip(buf.glyph_infos, buf.glyph_positions)
        ]
    return [
        (i.codepoint, i.cluster, p.x_advance, p.y_advance, p.x_offset, p.y_offset, 0)
        for i, p in zip(buf.glyph_infos, buf.glyph_positions)
    ]


@functools.cache  # a few thousand distinct characters at most
def _plain_ltr(ch: str) -> bool:
    """Whether `ch` keeps level 0 in a left-to-right paragraph, whatever its neighbours."""
    return unicodedata.bidirectional(ch) not in _NOT_PLAIN_LTR


_NOT_PLAIN_LTR = frozenset({"R", "AL", "AN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"})
