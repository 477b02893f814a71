"""The background pool: image files from weighted source dirs that open cleanly, and the kind chosen per row."""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from synthocr.assets.listing import IMAGE_SUFFIXES, list_files, unread_images
from synthocr.errors import UserError
from synthocr.schemas.config import DEFAULT_SOURCE, BatchConfig
from synthocr.schemas.params import BACKGROUND_KINDS

log = logging.getLogger(__name__)


def background_sources(config: BatchConfig) -> dict[str, Path]:
    """Image sources by name: `background_dir` as "default", then `background_dirs`, in name order."""
    sources = {DEFAULT_SOURCE: Path(config.background_dir)} if config.background_dir else {}
    for name in sorted(config.background_dirs):
        sources[name] = Path(config.background_dirs[name])
    return sources


def check_background(path: Path) -> str:
    """Why an image file cannot serve as a background ("" if it can)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                im.verify()
            with Image.open(path) as im:
                if im.width < 1 or im.height < 1:
                    return "it has no pixels"
                im.load()  # verify() misses truncated pixel data
    except Exception as exc:  # any decoding failure excludes the file; the reason is reported
        return f"cannot be decoded ({type(exc).__name__}: {exc})"
    return ""


class BackgroundPool:
    """Background image files from named source dirs; corrupt ones are reported and left out.

    Files are recorded relative to `root`, the deepest directory holding every
    source, so one root in the plan's metadata serves them all.

    Args:
        sources: source name -> directory of images (searched recursively).
        dir_weights: directory -> weight, the seed system's form: each directory becomes a
            source named by its path, and the weights apply to every specification that
            sets no `background_dir_weights` of its own.
    """

    def __init__(
        self, sources: Mapping[str, Path] | None = None, *, dir_weights: Mapping[str | Path, float] | None = None
    ) -> None:
        sources = dict(sources or {})
        self.default_weights: dict[str, float] = {}
        for d, w in (dir_weights or {}).items():
            sources[str(d)] = Path(d)
            self.default_weights[str(d)] = float(w)
        if any(w < 0 for w in self.default_weights.values()):
            raise UserError(f"BackgroundPool: dir_weights must be >= 0, got {dict(dir_weights or {})}.")
        for name, d in sources.items():
            if not Path(d).is_dir():
                raise UserError(f"background directory {d} (source {name!r}) does not exist.")
        self.source_names = list(sources)
        dirs = [Path(p).resolve() for p in sources.values()]
        self.root: Path | None = Path(os.path.commonpath(dirs)) if dirs else None
        self.files: list[str] = []
        self.sizes: list[int] = []
        self.dirs = dirs
        self.failed: dict[int, list[tuple[Path, str]]] = {}  # source index -> (file, why it was left out)
        file_source: list[int] = []
        for k, d in enumerate(dirs):
            unread = unread_images(d)
            if unread:
                log.warning("background dir %s: %s; they are left out", d, unread)
            for p in list_files(d, "*", IMAGE_SUFFIXES):
                reason = check_background(p)
                if reason:
                    log.warning("background %s left out: %s", p, reason)
                    self.failed.setdefault(k, []).append((p, reason))
                    continue
                assert self.root is not None
                self.files.append(p.relative_to(self.root).as_posix())
                self.sizes.append(p.stat().st_size)
                file_source.append(k)
        self.file_source = np.array(file_source, np.int64)
        counts = np.bincount(self.file_source, minlength=len(dirs))
        self._first = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        self._counts = counts.astype(np.int64)

    def source_weights(self, weights: Mapping[str, float]) -> NDArray[np.float64]:
        """Weight per source (`background_dir_weights`; equal when empty); sources without images get 0."""
        if not self.source_names:
            return np.ones(1)
        weights = weights or self.default_weights
        w = np.array([float(weights.get(s, 0.0)) if weights else 1.0 for s in self.source_names])
        w[self._counts == 0] = 0.0
        return w if w.sum() > 0 else np.where(self._counts > 0, 1.0, 0.0) + (self._counts.sum() == 0)

    def check_sources(self, specs: Sequence[Any], rows: Sequence[int]) -> None:
        """Every source a specification with rows may draw `image` backgrounds from holds a decodable image.

        Raises:
            UserError: naming the folder and the first files that failed to decode, and why.
        """
        for spec, n in zip(specs, rows):
            if not n or float(spec.background_weights.get("image", 0.0)) <= 0:
                continue
            weights = spec.background_dir_weights or self.default_weights
            for k, name in enumerate(self.source_names):
                if self._counts[k] or (weights and float(weights.get(name, 0.0)) <= 0):
                    continue
                failed = self.failed.get(k, [])
                detail = "; ".join(f"{p.name}: {why}" for p, why in failed[:3])
                more = f" (and {len(failed) - 3} more)" if len(failed) > 3 else ""
                found = (
                    f"none of its {len(failed)} image files decodes ({detail}{more})"
                    if failed
                    else "it holds no image file"
                )
                raise UserError(
                    f"specification {spec.name!r}: background source {name!r} ({self.dirs[k]}) has weight > 0, "
                    f"but {found}. Replace the files, or give the source weight 0 in background_dir_weights "
                    "(or the image kind weight 0 in background_weights)."
                )

    def choose(
        self, rng: np.random.Generator, source_cum: NDArray[np.float64]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(file index, source index) per row: a source by the row's weights, then a file of it uniformly."""
        n = len(source_cum)
        u_source, u_file = rng.random((2, n))
        source = np.minimum((u_source[:, None] >= source_cum).sum(axis=1), source_cum.shape[1] - 1)
        if not self.files:
            return np.zeros(n, np.int64), np.zeros(n, np.int64)
        count = self._counts[source]
        file = self._first[source] + np.minimum((u_file * count).astype(np.int64), np.maximum(count - 1, 0))
        return file, source

    def inventory(self) -> list[tuple[str, int]]:
        """(file, size in bytes) of every usable image: part of the plan fingerprint."""
        return list(zip(self.files, self.sizes))


def kind_weights(weights: dict[str, float], have_images: bool) -> NDArray[np.float64]:
    """Normalised weight per kind in BACKGROUND_KINDS order; "image" counts only with images."""
    w = np.array([float(weights.get(k, 0.0)) for k in BACKGROUND_KINDS])
    if not have_images:
        w[BACKGROUND_KINDS.index("image")] = 0.0
    if w.sum() <= 0:  # only "image" was asked for but there are none: fall back to paper
        w[BACKGROUND_KINDS.index("paper")] = 1.0
    return w / w.sum()
