"""Listing asset files: the font and corpus roots of a config, and the files under a root that match a glob."""

from __future__ import annotations

import logging
from pathlib import Path

from synthocr.assets import BUILTIN_DIRS
from synthocr.schemas.config import BatchConfig

FONT_SUFFIXES = (".ttf", ".otf", ".ttc")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff")

log = logging.getLogger(__name__)


def font_root(config: BatchConfig) -> Path:
    """The config's `font_dir`, or the fonts shipped with the package when it is empty."""
    return Path(config.font_dir) if config.font_dir else BUILTIN_DIRS["font"]


def corpus_root(config: BatchConfig) -> Path:
    """The config's `corpus_dir`, or the corpus shipped with the package when it is empty."""
    return Path(config.corpus_dir) if config.corpus_dir else BUILTIN_DIRS["corpus"]


def list_files(root: Path, pattern: str, suffixes: tuple[str, ...] | None = None) -> list[Path]:
    """Files under `root` whose path relative to it matches the glob `pattern`, sorted.

    Hidden files and folders are skipped. Symbolic links that lead outside `root` are left out with a
    warning: every asset read stays inside its root.
    """
    out = []
    real_root = root.resolve()
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if not p.is_file() or rel.startswith(".") or "/." in rel:
            continue
        if suffixes and p.suffix.lower() not in suffixes:
            continue
        if p.is_symlink() and not p.resolve().is_relative_to(real_root):  # the renderer would refuse it
            log.warning("%s left out: it links to %s, outside %s", p, p.resolve(), root)
            continue
        if Path(rel).match(pattern) or p.match(pattern):
            out.append(p)
    return out
