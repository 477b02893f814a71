"""Per-worker asset access: fonts and background images resolved from the plan's roots, cached and bounded."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Generic, TypeVar

import uharfbuzz as hb
from PIL import Image, ImageFont

from synthocr.assets import resolve_root
from synthocr.errors import UserError
from synthocr.renderer.layout import ShapingFont, render_cluster_mask

K = TypeVar("K")
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """A cache with a fixed number of entries, the oldest dropped first, owned by one RenderAssets.

    Hits take no lock (one dict read, atomic in CPython), which matters for the cluster masks
    looked up some twenty times per image. Inserts are locked, so threads sharing one (a Dask
    worker with several threads) keep it whole; values are loaded outside the lock, and a value
    loaded twice at once is the same value.
    """

    def __init__(self, load: Callable[[K], V], size: int) -> None:
        self._load, self._size = load, size
        self._data: dict[K, V] = {}
        self._lock = threading.Lock()

    def __call__(self, key: K) -> V:
        value = self._data.get(key, _MISSING)
        if value is not _MISSING:
            return value  # type: ignore[return-value]
        value = self._load(key)
        with self._lock:
            self._data[key] = value
            while len(self._data) > self._size:
                del self._data[next(iter(self._data))]
        return value


_MISSING = object()


class RenderAssets:
    """Where a plan's fonts and backgrounds live, with bounded caches for one worker."""

    def __init__(self, roots: Mapping[str, str]) -> None:
        self.font_root = resolve_root("font", roots.get("font", ""))
        self.background_root = resolve_root("background", roots.get("background", ""))
        self.pil_font = BoundedCache(self._load_pil_font, 256)
        self.pil_font_basic = BoundedCache(self._load_pil_font_basic, 256)  # for lone glyphs' masks
        self.hb_font = BoundedCache(self._load_hb_font, 64)
        self.background = BoundedCache(self._load_background, 32)
        # Coverage masks of clusters drawn alone (a few KiB each): (font, size, text, rtl, x phase, y phase).
        self.cluster_mask = BoundedCache(self._render_cluster_mask, 16384)

    def _path(self, root: Path | None, rel: str, what: str) -> Path:
        if root is None:
            raise UserError(f"the plan names {what} {rel!r} but records no {what} directory; re-plan it.")
        path = (root / rel).resolve()
        if not path.is_relative_to(root.resolve()):
            raise UserError(f"{what} {rel!r} lies outside the {what} directory {root}; the plan was tampered with.")
        if not path.is_file():
            raise FileNotFoundError(f"{what} file {path} does not exist (was it moved after planning?)")
        return path

    def _load_pil_font(self, key: tuple[str, int]) -> ImageFont.FreeTypeFont:
        rel, size = key
        return ImageFont.truetype(
            str(self._path(self.font_root, rel, "font")), size, layout_engine=ImageFont.Layout.RAQM
        )

    def _load_pil_font_basic(self, key: tuple[str, int]) -> ImageFont.FreeTypeFont:
        rel, size = key
        return ImageFont.truetype(
            str(self._path(self.font_root, rel, "font")), size, layout_engine=ImageFont.Layout.BASIC
        )

    def _render_cluster_mask(self, key: tuple[str, int, str, bool, int, int]) -> tuple[object, tuple[int, int]]:
        rel, size, *cluster = key
        return render_cluster_mask(
            self.pil_font((rel, size)),
            tuple(cluster),  # type: ignore[arg-type]
            self.pil_font_basic((rel, size)),
        )

    def _load_hb_font(self, rel: str) -> ShapingFont:
        face = hb.Face(hb.Blob.from_file_path(str(self._path(self.font_root, rel, "font"))))
        return ShapingFont(hb.Font(face))

    def _load_background(self, rel: str) -> Image.Image:
        with Image.open(self._path(self.background_root, rel, "background")) as im:
            return im.convert("RGB")
