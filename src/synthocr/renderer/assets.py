"""Per-worker asset access: fonts and background images resolved from the plan's roots, cached and bounded."""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections.abc import Callable, Hashable, Mapping
from pathlib import Path
from typing import Generic, TypeVar

import numpy as np
from PIL import Image, ImageOps

from synthocr.assets import resolve_root
from synthocr.errors import UserError
from synthocr.renderer.glyphs import FontRenderError, Glyph
from synthocr.renderer.shaping import FontFile, SizedFont

K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """A cache with a fixed number of entries, the oldest dropped first, owned by one RenderAssets; with
    `weigh`, also at most `budget` in all (the newest entry is kept whatever it weighs).

    Hits take no lock (one dict read, atomic in CPython), which matters for the glyph bitmaps
    looked up some thirty times per image. Inserts are locked, so threads sharing one (a Dask
    worker with several threads) keep it whole; values are loaded outside the lock, and a value
    loaded twice at once is the same value.
    """

    def __init__(
        self, load: Callable[[K], V], size: int, weigh: Callable[[V], int] | None = None, budget: int = 0
    ) -> None:
        self._load, self._size = load, size
        self._weigh, self._budget = weigh, budget
        self._data: dict[K, V] = {}
        self._weights: dict[K, int] = {}
        self._total = 0
        self._lock = threading.Lock()

    @property
    def data(self) -> dict[K, V]:
        """The entries, for lookups in hot loops (read them only; a miss goes through the call)."""
        return self._data

    def __call__(self, key: K) -> V:
        value = self._data.get(key, _MISSING)
        if value is not _MISSING:
            return value  # type: ignore[return-value]
        return self.insert(key, self._load(key))

    def insert(self, key: K, value: V) -> V:
        """Keep `value` for `key` (loaded by the caller), dropping the oldest entries beyond the bounds; the
        value kept (another thread's, where it stored one first)."""
        with self._lock:
            if key in self._data:  # loaded by another thread meanwhile
                return self._data[key]
            self._data[key] = value
            if self._weigh is not None:
                self._weights[key] = self._weigh(value)
                self._total += self._weights[key]
            while len(self._data) > 1 and (len(self._data) > self._size or self._total > self._budget > 0):
                oldest = next(iter(self._data))
                del self._data[oldest]
                self._total -= self._weights.pop(oldest, 0)
        return value


_MISSING = object()
BACKGROUND_CACHE_BYTES = 256 << 20  # per worker: what its decoded background images may hold at once
GLYPH_CACHE_BYTES = 64 << 20  # per worker: its glyph bitmaps' pixels (about 1 KiB a glyph at 30 px)


def _image_bytes(image: Image.Image) -> int:
    return image.width * image.height * len(image.getbands())


class FontChangedError(RuntimeError):
    """A font differs from the one the plan was made with, or cannot be read: its rows fail."""


class RenderAssets:
    """Where a plan's fonts and backgrounds live, with bounded caches for one worker.

    A font is read and checked against the plan's fingerprint (sha1 of the file) once per
    worker; a font that changed or cannot be read fails every row that uses it, and is
    never replaced by another.
    """

    def __init__(self, roots: Mapping[str, str]) -> None:
        self.font_root = resolve_root("font", roots.get("font", ""))
        self.background_root = resolve_root("background", roots.get("background", ""))
        self.font_file = BoundedCache(self._load_font_file, 64)  # (font, sha1, face) -> FontFile or the error
        self.sized_font = BoundedCache(self._load_sized_font, 256)  # (font, sha1, size, instance) -> SizedFont
        # Glyph bitmaps (about 1 KiB each at 30 px): (font token, glyph id) -> Glyph or None, filled by the
        # SizedFonts. Keyed by a token, not the SizedFont: a key holding the font kept every font it had drawn
        # with alive, past the bounds above (1,624 fonts at sizes, 1.1 GB, in a render from 282 fonts).
        # At most GLYPH_CACHE_BYTES of bitmaps too: 16,384 glyphs of Chinese at 200 px were 650 MB.
        self.glyph: BoundedCache[tuple[Hashable, int], Glyph | None] = BoundedCache(
            _no_load, 16384, _glyph_bytes, GLYPH_CACHE_BYTES
        )
        self._font_tokens: dict[tuple[str, str, int, str], int] = {}  # of each (font, sha1, size, instance)
        self._next_token = itertools.count()
        # Decoded photos: 32 at most, and at most BACKGROUND_CACHE_BYTES (a 12-megapixel photo is 36 MB).
        self.background = BoundedCache(self._load_background, 32, _image_bytes, BACKGROUND_CACHE_BYTES)

    def _path(self, root: Path | None, rel: str, what: str) -> Path:
        if root is None:
            raise UserError(f"the plan names {what} {rel!r} but records no {what} directory; re-plan it.")
        path = (root / rel).resolve()
        if not path.is_relative_to(root.resolve()):
            raise UserError(f"{what} {rel!r} lies outside the {what} directory {root}; the plan was tampered with.")
        if not path.is_file():
            raise FileNotFoundError(f"{what} file {path} does not exist (was it moved after planning?)")
        return path

    def font(self, rel: str, sha1: str, size: int, instance: str = "") -> SizedFont:
        """The plan's font `rel` at `size` pixels, checked against its fingerprint `sha1`, in its named
        instance `instance` ("" for the default).

        Raises:
            FontChangedError: the file is missing, unreadable or not the file that was planned, or has no
                such named instance.
        """
        return self.sized_font((rel, sha1, size, instance))

    def _load_font_file(self, key: tuple[str, str, int]) -> FontFile | Exception:
        """Face `face` of the font file (0 for a single font), checked against the plan's fingerprint
        once: another face of a collection is opened from its checked first face's path."""
        rel, sha1, face = key
        if face:
            first = self.font_file((rel, sha1, 0))
            if isinstance(first, Exception):
                return first
            try:
                return FontFile(first.path, rel, face)
            except Exception as exc:  # a parse failure of the face's own bytes
                return FontChangedError(f"font {rel} ({first.path}): face {face} cannot be loaded by HarfBuzz ({exc}).")
        try:
            path = self._path(self.font_root, rel, "font")
            digest = hashlib.sha1()
            with open(path, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    digest.update(chunk)
        except (OSError, UserError) as exc:
            return FontChangedError(f"font {rel} cannot be read ({exc}); restore it or re-plan.")
        if digest.hexdigest() != sha1:
            return FontChangedError(
                f"font {rel} ({path}) is not the file the plan was made with (sha1 {digest.hexdigest()[:12]}, "
                f"planned {sha1[:12] or 'unknown'}); restore that file or re-plan, so that no row is drawn "
                "with a font other than the one its label names."
            )
        try:
            return FontFile(str(path), rel)
        except Exception as exc:  # a parse failure of the font's own bytes
            return FontChangedError(f"font {rel} ({path}) cannot be loaded by HarfBuzz ({exc}).")

    def _load_sized_font(self, key: tuple[str, str, int, str]) -> SizedFont:
        rel, sha1, size, instance = key
        file = self.font_file((rel, sha1, 0))
        if not isinstance(file, Exception) and instance in file.faces:  # a face of a font collection
            file, instance = self.font_file((rel, sha1, file.faces[instance])), ""
        if isinstance(file, Exception):
            raise FontChangedError(str(file))  # a new one each time: a cached one would grow its traceback
        try:
            token = self._font_tokens.setdefault(key, next(self._next_token))  # the same after a reload
            return SizedFont(file, size, self.glyph, instance, token)
        except FontRenderError as exc:
            raise FontChangedError(str(exc)) from None

    def _load_background(self, rel: str) -> Image.Image:
        """The image upright, as a viewer shows it: a photo whose EXIF orientation says it was stored sideways
        (as phones store them) is turned first. An image with transparency (a PNG texture, a GIF) lies on
        white paper: its transparent pixels were the colour stored under them, black in most files."""
        with Image.open(self._path(self.background_root, rel, "background")) as im:
            upright = _eight_bit(ImageOps.exif_transpose(im))
            if not upright.has_transparency_data:
                return upright.convert("RGB")
            paper = Image.new("RGBA", upright.size, (255, 255, 255, 255))
            return Image.alpha_composite(paper, upright.convert("RGBA")).convert("RGB")


def _eight_bit(image: Image.Image) -> Image.Image:
    """A grey image of more than 8 bits as a viewer shows it, in 8 bits: a 16-bit PNG (mode I;16, or I) scaled
    by 255/65535 (a 32-bit one whose values pass 65535 by 255/its largest), a float TIFF (F) of 0-1 by 255.
    Pillow's convert("RGB") clips them at 255 instead: a 16-bit scan came out white, a float one black."""
    if image.mode not in ("I", "F") and not image.mode.startswith("I;16"):
        return image
    values = np.asarray(image, np.float64)
    values = np.where(np.isfinite(values), values, 0.0)
    top = float(values.max(initial=0.0))
    if image.mode == "F":
        scale = 255.0 if top <= 1.0 else 1.0
    else:
        scale = 255.0 / max(top, 65535.0)
    return Image.fromarray(np.clip(np.rint(values * scale), 0, 255).astype(np.uint8), "L")


def _glyph_bytes(glyph: Glyph | None) -> int:
    return 64 if glyph is None else 64 + glyph.width * glyph.height


def _no_load(key: tuple[Hashable, int]) -> Glyph | None:
    raise KeyError(f"glyph {key}: SizedFont.glyph renders and inserts glyphs")
