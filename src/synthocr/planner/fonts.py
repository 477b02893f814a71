"""Font health (which fonts load, which characters they cover) and coverage-aware font choice."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import uharfbuzz as hb
from numpy.typing import NDArray
from PIL import ImageFont

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FontInfo:
    """One font file: whether it is usable and the code points its character map covers."""

    rel: str  # relative to the font root, as recorded in the plan
    path: Path
    healthy: bool
    reason: str  # why it is excluded ("" when healthy)
    codepoints: frozenset[int]


def inspect_font(path: Path, rel: str) -> FontInfo:
    """Load a font with both HarfBuzz (character map) and FreeType (what draws it)."""
    try:
        face = hb.Face(hb.Blob.from_file_path(str(path)))
        cps = frozenset(face.unicodes)
        ImageFont.truetype(str(path), 16)
    except Exception as exc:  # any failure to parse makes the font unusable; the reason is reported
        return FontInfo(rel, path, False, f"cannot be loaded ({type(exc).__name__}: {exc})", frozenset())
    if not cps:
        return FontInfo(rel, path, False, "its character map covers no character", frozenset())
    if face.upem <= 0:
        return FontInfo(rel, path, False, "it has no valid units-per-em", frozenset())
    return FontInfo(rel, path, True, "", cps)


class FontHealthManager:
    """Scans the fonts once and answers which fonts can draw which texts."""

    def __init__(self, root: Path, paths: list[Path]) -> None:
        self.root = root
        self.fonts = [inspect_font(p, p.relative_to(root).as_posix()) for p in paths]
        for f in self.fonts:
            if not f.healthy:
                log.warning("font %s left out: %s", f.path, f.reason)
        self.healthy = [f for f in self.fonts if f.healthy]
        self._index = {f.rel: i for i, f in enumerate(self.healthy)}

    def indices(self, rels: list[str]) -> list[int]:
        """Positions in `healthy` of the given fonts (unhealthy ones are skipped)."""
        return [self._index[r] for r in rels if r in self._index]

    def coverage(self, texts: list[str]) -> NDArray[np.bool_]:
        """(len(texts), len(healthy)) matrix: True where the font covers every character of the text."""
        n_fonts = len(self.healthy)
        if not texts:
            return np.zeros((0, n_fonts), bool)
        lengths = np.fromiter((len(t) for t in texts), np.int64, len(texts))
        safe = [t if t else " " for t in texts]
        cps = np.frombuffer("".join(safe).encode("utf-32-le"), np.uint32)
        uniq, inverse = np.unique(cps, return_inverse=True)
        table = np.array([[int(c) in f.codepoints for f in self.healthy] for c in uniq], bool).reshape(
            len(uniq), n_fonts
        )
        starts = np.concatenate([[0], np.cumsum(np.maximum(lengths, 1))[:-1]])
        covered = np.logical_and.reduceat(table[inverse], starts, axis=0)
        covered[lengths == 0] = False
        return covered


def pick_columns(allowed: NDArray[np.bool_], u: NDArray[np.float64]) -> NDArray[np.int64]:
    """For each row, the column of the floor(u * k)-th True among its k allowed ones (-1 if none)."""
    counts = allowed.sum(axis=1)
    k = np.minimum((u * counts).astype(np.int64), np.maximum(counts - 1, 0))
    rank = np.cumsum(allowed, axis=1) - 1
    hit = allowed & (rank == k[:, None])
    out = np.where(counts > 0, hit.argmax(axis=1), -1)
    return out.astype(np.int64)
