"""Font health (which fonts load, which characters they cover) and coverage-aware font choice."""

from __future__ import annotations

import csv
import ctypes
import dataclasses
import hashlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import uharfbuzz as hb
from joblib import Parallel, delayed
from numpy.typing import NDArray
from PIL import ImageFont

from synthocr.assets.listing import path_matches
from synthocr.extras import MissingExtra
from synthocr.font_instances import collection_faces, named_instances
from synthocr.glyph_coverage import (
    HIDDEN_CODEPOINTS,
    SHAPED_SCRIPTS,
    inks_nothing,
    undrawn_parts,
)
from synthocr.output_paths import atomic_output
from synthocr.renderer.glyphs import FontRenderError, GlyphRaster
from synthocr.web_fonts import unwrap

PARALLEL_SCAN = 32  # fonts from which the scan runs in worker processes
MAX_FONT_BYTES = 256 << 20  # larger than any real font (big CJK collections are ~100 MB): never read whole

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FontInfo:
    """One font file: whether it is usable and the code points its character map covers."""

    rel: str  # relative to the font root, as recorded in the plan
    path: Path
    healthy: bool
    reason: str  # why it is excluded ("" when healthy)
    codepoints: frozenset[int]
    sha1: str = ""  # content hash: identical files are inspected once
    # What `font_instances` may pick (font_instances.py): a variable font's named instances, or the faces of
    # a font collection that draw every character its first face covers.
    instances: tuple[str, ...] = ()
    note: str = ""  # what a usable font does not draw as its cmap says (its Latin-1 slots: symbol_slots)
    unjoined: frozenset[int] = frozenset()  # joining letters it draws in no joined form (glyph_coverage.unjoined)
    capitals: frozenset[int] = frozenset()  # letters it draws as their other case (capital_small_letters)


_OUTLINE_TABLES = frozenset({"glyf", "CFF ", "CFF2"})
_BITMAP_TABLES = frozenset({"CBDT", "sbix", "EBDT", "bdat"})


_Inspection = tuple[bool, str, frozenset[int], tuple[str, ...], str, frozenset[int], frozenset[int]]


def _unusable(reason: str) -> _Inspection:
    return False, reason, frozenset(), (), "", frozenset(), frozenset()


def _inspect_bytes(data: bytes, path: Path) -> _Inspection:
    """(healthy, why not, covered code points, named styles, note, unjoined letters, small letters drawn as
    capitals) of one font file's bytes (of its first face, for a collection)."""
    try:
        sfnt = unwrap(data, str(path))  # a web font (WOFF, WOFF2) as the font it wraps
        blob = hb.Blob(sfnt)
        face = hb.Face(blob)
        tables = set(face.table_tags)
        if tables & _BITMAP_TABLES and not tables & _OUTLINE_TABLES:
            return _unusable(BITMAP_ONLY)
        if "Silf" in tables and "GSUB" not in tables:
            return _unusable(GRAPHITE_ONLY)
        cps = frozenset(face.unicodes)
        if tables & _BITMAP_TABLES and inks_nothing(face, cps):  # bitmaps behind empty outlines
            return _unusable(BITMAP_ONLY)
        try:
            ImageFont.truetype(str(path) if sfnt is data else io.BytesIO(sfnt), 16)
        except OSError as exc:  # FreeType finds no 16 px strike in a bitmap font with (almost) empty outlines
            if tables & _BITMAP_TABLES and "pixel size" in str(exc):
                return _unusable(BITMAP_ONLY)
            raise
        faces = collection_faces(blob)
    except MissingExtra as exc:  # a web font without the webfonts extra: the reason says what to install
        return _unusable(f"cannot be loaded: {exc}")
    except Exception as exc:  # any failure to parse makes the font unusable; the reason is reported
        return _unusable(f"cannot be loaded ({type(exc).__name__}: {exc})")
    if not cps:
        return _unusable("its character map covers no character")
    if face.upem <= 0:
        return _unusable("it has no valid units-per-em")
    parts = undrawn_parts(face, cps)  # once: the renderer reads the same account (FontFile.drawn)
    covered = cps - parts.all
    broken, failed = _freetype_failures(face, covered, str(path) if sfnt is data else sfnt)
    if broken:
        return _unusable(broken)
    styles = _full_faces(blob, path, faces, covered) if faces else tuple(named_instances(face))
    notes = [
        f"{len(parts.symbol)} of its characters of ASCII and Latin-1 are other signs (a symbol or pictorial "
        "font, or a legacy 8-bit font of another script): it is not used for them"
    ] * bool(parts.symbol)
    notes += [failed] * bool(failed)
    if parts.scripts:
        names = ", ".join(SHAPED_SCRIPTS[tag][0] for tag in parts.scripts)
        probes = " ".join(probe for probe, _ in list(parts.scripts.values())[:3]) + " …" * (len(parts.scripts) > 3)
        notes.append(
            f"it does not shape {names} (it draws {probes} letter by letter: no joining, no conjuncts, no vowel "
            "sign moved before its consonant), so it is not used for their text"
        )
    return True, "", covered, styles, "; ".join(notes), parts.unjoined, parts.other_case


# The pixel sizes and the number of its characters' glyphs a font is drawn at while it is inspected.
CHECK_SIZES = (12, 40)
CHECK_GLYPHS = 16


def _freetype_failures(face: hb.Face, covered: frozenset[int], font: str | bytes) -> tuple[str, str]:
    """(why the font is unusable, a note on glyphs that fail) as the renderer's FreeType face (GlyphRaster,
    with its load flags: hinted) draws the glyphs of CHECK_GLYPHS characters spread over `covered` at each of
    CHECK_SIZES. HarfBuzz and Pillow's 16 px open do not run a TrueType font's hinting programs, FreeType
    does for every glyph: a font whose `fpgm` or `prep` is broken ('nested DEFS', 'invalid opcode'), or whose
    `head` FreeType refuses at a size, draws no glyph, and each row planned in it failed at render time.
    Such a font is left out here; one that fails some glyphs only is kept with a note (its rows with those
    glyphs fail, each named in the render's failed rows)."""
    letters = sorted(covered)
    sample = letters[:: max(1, len(letters) // CHECK_GLYPHS)][:CHECK_GLYPHS]
    hb_font = hb.Font(face)
    glyphs = sorted({hb_font.get_nominal_glyph(cp) or 0 for cp in sample})
    source = font if isinstance(font, str) else ctypes.create_string_buffer(font, len(font))
    failures: dict[int, str] = {}
    for size in CHECK_SIZES:
        try:
            raster = GlyphRaster(source, size, "")
        except FontRenderError as exc:
            return f"FreeType cannot open it at {size} px ({_ft_error(exc)})", ""
        errors = []
        for gid in glyphs:
            try:
                raster.render(gid)
            except FontRenderError as exc:
                errors.append(_ft_error(exc))
                failures.setdefault(gid, errors[-1])
        if glyphs and len(errors) == len(glyphs):
            return (
                f"FreeType cannot draw its glyphs at {size} px ({errors[0]}: a hinting program or table of the "
                "font is broken); use an undamaged copy of the font",
                "",
            )
    if not failures:
        return "", ""
    first = next(iter(failures.values()))
    return "", (
        f"FreeType cannot draw {len(failures)} of {len(glyphs)} of its glyphs tried ({first}): rows drawn with "
        "such glyphs fail, and are listed as failed by render"
    )


def _ft_error(exc: FontRenderError) -> str:
    """FreeType's words of a FontRenderError, without the font's name: 'nested DEFS'."""
    text = str(exc)
    return text[text.rfind("(") + 1 : text.rfind(")")].replace("FT_Exception:", "").strip("( )") or text


def _full_faces(blob: hb.Blob, path: Path, faces: dict[str, int], covered: frozenset[int]) -> tuple[str, ...]:
    """The faces of a collection a row may be drawn in: those that load and map every character the first
    face covers (the coverage a text was checked against). A face that lacks one would draw a box."""
    out = []
    for name, index in faces.items():
        try:
            if index:
                ImageFont.truetype(str(path), 16, index=index)
            if covered <= frozenset(hb.Face(blob, index).unicodes):
                out.append(name)
        except Exception:  # a face that does not load is not offered (the first face was checked above)
            continue
    return tuple(out)


GRAPHITE_ONLY = (
    "it is a Graphite font (a Silf table) without OpenType substitutions (GSUB), as Awami Nastaliq 2.200 "
    "(Debian's fonts-sil-awami-nastaliq) is: HarfBuzz, as synthocr uses it, has no Graphite, so its letters "
    "would be drawn without the font's shaping (Awami's Arabic as isolated letters, unjoined; Pillow draws "
    "them so too); use an OpenType version of the font, or another font"
)
BITMAP_ONLY = (
    "it has only bitmap glyphs, drawn at a few fixed sizes (a colour emoji font such as Noto Color Emoji, or "
    "a screen font such as Wine's fixedsys.ttf, whose outlines are empty), "
    "which cannot be scaled to the plan's font sizes or drawn in its ink; for these characters use an "
    "outline font (Noto Emoji, Symbola)"
)


def inspect_font(path: Path, rel: str) -> FontInfo:
    """Load a font with both HarfBuzz (character map) and FreeType (what draws it)."""
    try:
        size = path.stat().st_size
        if size > MAX_FONT_BYTES:
            return FontInfo(
                rel,
                path,
                False,
                f"is {size >> 20} MiB, over the {MAX_FONT_BYTES >> 20} MiB limit for a font file",
                frozenset(),
            )
        data = path.read_bytes()
    except OSError as exc:
        return FontInfo(rel, path, False, f"cannot be read ({exc.strerror})", frozenset())
    healthy, reason, cps, instances, note, loose, capitals = _inspect_bytes(data, path)
    sha1 = hashlib.sha1(data).hexdigest()
    return FontInfo(rel, path, healthy, reason, cps, sha1, instances, note, loose, capitals)


def scan_fonts(root: Path, paths: list[Path]) -> list[FontInfo]:
    """Inspect every font once: files with the same content share one inspection.

    From PARALLEL_SCAN distinct files on, the inspections run in joblib worker
    processes (fonts are parsed by C libraries that hold the GIL).
    """
    by_hash: dict[str, Path] = {}
    hashes = []
    for p in paths:
        try:
            digest = hashlib.sha1(p.read_bytes()).hexdigest() if p.stat().st_size <= MAX_FONT_BYTES else f"huge:{p}"
        except OSError:
            digest = f"unreadable:{p}"
        hashes.append(digest)
        by_hash.setdefault(digest, p)
    unique = list(by_hash.items())
    jobs = [delayed(inspect_font)(p, p.relative_to(root).as_posix()) for _, p in unique]
    results = Parallel(n_jobs=-1 if len(jobs) >= PARALLEL_SCAN else 1)(jobs)
    info = {digest: r for (digest, _), r in zip(unique, results)}
    return [dataclasses.replace(info[h], rel=p.relative_to(root).as_posix(), path=p) for p, h in zip(paths, hashes)]


UNJOINED_WARNING = 10  # joining letters a font does not join, from which the note is a warning
# Per kind of letters fonts draw as other letters: what the note says of them.
_LETTER_NOTES = {
    "unjoined": "joining letters in no joined form, so inside a word each would stand apart from its neighbours",
    "capitals": "letters as their other case (display fonts with capitals only, as Bebas Neue, copy their "
    "capitals into the small letters: `hello` would be drawn HELLO under the label hello)",
}
NOTED_FONTS = 4  # fonts named in a note, with their letters


def _letter_notes(fonts: list[FontInfo], wanted: set[str] | None) -> None:
    """One line per kind of letters fonts draw as other letters, naming the first fonts and their letters: a
    warning where a wanted font draws capitals for small letters or leaves many letters unjoined (a few
    rare letters such as ڜ, unjoined in 38 styles of Noto Sans Arabic, are no news to act on)."""
    for kind, what in _LETTER_NOTES.items():
        members = [f for f in fonts if getattr(f, kind)]
        if not members:
            continue
        many = [f for f in members if kind == "capitals" or len(f.unjoined) >= UNJOINED_WARNING]
        level = logging.WARNING if any(wanted is None or f.rel in wanted for f in many) else logging.INFO
        shown = (many or members)[:NOTED_FONTS]
        names = ", ".join(f"{f.rel} ({_letters(getattr(f, kind))})" for f in shown)
        more = f" and {len(members) - len(shown)} more" if len(members) > len(shown) else ""
        log.log(level, "%d font(s) draw %s; they are not used for those letters: %s%s", len(members), what, names, more)


def _letters(letters: frozenset[int]) -> str:
    shown = " ".join(chr(cp) for cp in sorted(letters)[:6])
    return f"{len(letters)}: {shown} …" if len(letters) > 6 else shown


class FontCoverage:
    """Scans the fonts once and answers which fonts can draw which texts.

    Args:
        root: the font directory; fonts are recorded in the plan relative to it.
        paths: the font files to scan (unhealthy ones are warned about and left out).
        wanted: the fonts (paths relative to `root`) a config asks for; an unhealthy font outside them is only
            noted at INFO level (a colour emoji font in /usr/share/fonts that no specification matches is no
            news to act on). None: every font is wanted.
    """

    def __init__(self, root: Path, paths: list[Path], wanted: set[str] | None = None) -> None:
        self.root = root
        self.fonts = scan_fonts(root, paths)
        for f in self.fonts:
            level = logging.WARNING if wanted is None or f.rel in wanted else logging.INFO
            if not f.healthy:
                log.log(level, "font %s left out: %s", f.path, f.reason)
            elif f.note:
                log.log(level, "font %s: %s", f.path, f.note)
        _letter_notes([f for f in self.fonts if f.healthy], wanted)
        self.healthy = [f for f in self.fonts if f.healthy]
        self._index = {f.rel: i for i, f in enumerate(self.healthy)}
        self._codepoints, self._masks = _coverage_table(self.healthy)

    def indices(self, rels: list[str]) -> list[int]:
        """Positions in `healthy` of the given fonts (unhealthy ones are skipped)."""
        return [self._index[r] for r in rels if r in self._index]

    def coverage(self, texts: list[str]) -> NDArray[np.bool_]:
        """(len(texts), len(healthy)) matrix: True where the font covers every character of the text.

        Each code point maps to a bit mask of the fonts that cover it; a text's
        mask is the AND over its characters (one reduceat for all texts).
        """
        n_fonts = len(self.healthy)
        if not texts:
            return np.zeros((0, n_fonts), bool)
        lengths = np.fromiter((len(t) for t in texts), np.int64, len(texts))
        safe = [t if t else " " for t in texts]
        cps = np.frombuffer("".join(safe).encode("utf-32-le"), np.uint32)
        where = np.minimum(np.searchsorted(self._codepoints, cps), len(self._codepoints) - 1)
        known = self._codepoints[where] == cps
        masks = np.where(known[:, None], self._masks[where], np.uint64(0))
        starts = np.concatenate([[0], np.cumsum(np.maximum(lengths, 1))[:-1]])
        text_masks = np.bitwise_and.reduceat(masks, starts, axis=0)
        font = np.arange(n_fonts)
        bits = (text_masks[:, font // 64] >> (font % 64).astype(np.uint64)) & np.uint64(1)
        covered = bits.astype(bool)
        covered[lengths == 0] = False
        return covered

    def write_report(self, path: str | Path) -> None:
        """The health of every scanned font as a CSV table (font, healthy, codepoints, reason, sha1, and the
        named instances of a variable font, `|`-separated: what `font_instances` globs match)."""
        with atomic_output(path, "--font-report") as tmp, open(tmp, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["font", "healthy", "codepoints", "reason", "sha1", "instances"])
            for f in self.fonts:
                writer.writerow(
                    [f.rel, str(f.healthy).lower(), len(f.codepoints), f.reason, f.sha1, "|".join(f.instances)]
                )


def _coverage_table(fonts: list[FontInfo]) -> tuple[NDArray[np.uint32], NDArray[np.uint64]]:
    """Sorted code points covered by any font, and per code point a bit mask of the fonts covering it (all of
    them for the code points HarfBuzz hides)."""
    if not fonts:
        return np.zeros(1, np.uint32), np.zeros((1, 1), np.uint64)
    union = np.union1d(np.array(sorted(set().union(*(f.codepoints for f in fonts))), np.uint32), HIDDEN_CODEPOINTS)
    masks = np.zeros((len(union), -(-len(fonts) // 64)), np.uint64)
    hidden = np.searchsorted(union, HIDDEN_CODEPOINTS)
    for i, f in enumerate(fonts):
        rows = np.searchsorted(union, np.fromiter(f.codepoints, np.uint32, len(f.codepoints)))
        bit = np.uint64(1) << np.uint64(i % 64)
        masks[rows, i // 64] |= bit
        masks[hidden, i // 64] |= bit
    return union, masks


def pick_columns(allowed: NDArray[np.bool_], u: NDArray[np.float64]) -> NDArray[np.int64]:
    """For each row, the column of the floor(u * k)-th True among its k allowed ones (-1 if none)."""
    counts = allowed.sum(axis=1)
    k = np.minimum((u * counts).astype(np.int64), np.maximum(counts - 1, 0))
    rank = np.cumsum(allowed, axis=1) - 1
    hit = allowed & (rank == k[:, None])
    out = np.where(counts > 0, hit.argmax(axis=1), -1)
    return out.astype(np.int64)


def pick_weighted(
    allowed: NDArray[np.bool_], weights: NDArray[np.float64], u: NDArray[np.float64]
) -> NDArray[np.int64]:
    """For each row, an allowed column chosen with probability proportional to its weight (-1 if none has weight)."""
    w = np.where(allowed, weights, 0.0)
    cum = np.cumsum(w, axis=1)
    total = cum[:, -1]
    target = u * total
    out = np.minimum((cum <= target[:, None]).sum(axis=1), allowed.shape[1] - 1)
    # Land on a column of positive weight (cum <= target counts zero-weight columns past the last positive one).
    out = np.where(w[np.arange(len(u)), out] > 0, out, np.argmax(w > 0, axis=1))
    return np.where(total > 0, out, -1).astype(np.int64)


def select_fonts(fonts: list[tuple[str, Path]], filters: list[str], excludes: list[str]) -> list[str]:
    """The fonts (relative name, path) matching any glob of `filters` and none of `excludes`."""
    return [
        rel
        for rel, path in fonts
        if any(path_matches(rel, path, g) for g in filters) and not any(path_matches(rel, path, g) for g in excludes)
    ]


def font_weight_vector(names: list[str], paths: list[Path], weights: dict[str, float]) -> NDArray[np.float64]:
    """Weight per font from `font_weights` (glob -> weight; the first glob that matches, in the order written;
    fonts no glob matches weigh 1). All zeros when `weights` is empty (meaning: choose uniformly)."""
    if not weights:
        return np.zeros(len(names))
    out = np.ones(len(names))
    for i, (rel, path) in enumerate(zip(names, paths)):
        for glob, w in weights.items():
            if path_matches(rel, path, glob):
                out[i] = float(w)
                break
    return out
