"""Listing asset files: the font and corpus roots of a config, and the files under a root that match a glob."""

from __future__ import annotations

import glob
import logging
import os
from pathlib import Path

from synthocr.assets import BUILTIN_DIRS
from synthocr.schemas.config import BatchConfig

# .ttc and .otc: collections of several faces; .woff and .woff2: web fonts (web_fonts.py)
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2")
FONT_KINDS = "/".join(FONT_SUFFIXES)  # for messages: ".ttf/.otf/.ttc/.otc/.woff/.woff2"
# Font files of kinds HarfBuzz does not shape: PostScript Type 1 (Debian's URW and TeX fonts) and X11 bitmap
# fonts. A font dir of only these is named as such in the error, with what to use instead.
UNREAD_FONT_SUFFIXES = (".pfb", ".pfa", ".t1", ".pcf", ".bdf", ".fon")
# .jfif: JPEG as browsers on Windows save it; .gif: its first frame; .avif: where Pillow has its decoder
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".jpe", ".jfif", ".webp", ".bmp", ".tif", ".tiff", ".gif", ".avif")
# Image files no background can come from (Pillow reads none of them): named in a warning, not passed over.
UNREAD_IMAGE_SUFFIXES = (".heic", ".heif", ".jxl", ".svg", ".psd", ".dng", ".cr2", ".cr3", ".nef", ".arw", ".raw")

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
        if path_matches(rel, p, pattern):
            out.append(p)
    return out


def unread_images(root: Path) -> str:
    """The image files under `root` that no background can come from, counted by kind, with what to do
    ("" when there are none): a phone's HEIC photos were passed over without a word."""
    kinds: dict[str, int] = {}
    for p in list_files(root, "*", UNREAD_IMAGE_SUFFIXES):
        kinds[p.suffix.lower()] = kinds.get(p.suffix.lower(), 0) + 1
    if not kinds:
        return ""
    counted = ", ".join(f"{n} {suffix}" for suffix, n in sorted(kinds.items()))
    return (
        f"its {counted} file(s) cannot be read (convert them to JPEG or PNG: HEIC with `heif-convert`, or "
        "any with ImageMagick's `magick mogrify -format jpg *.heic`)"
    )


def path_matches(rel: str, path: Path, pattern: str) -> bool:
    """Whether a file, by its path relative to its root and its full path, matches a config glob, matched
    from the right as pathlib's `match` does. A pattern that is the file's name or relative path as written
    matches too: Google Fonts names its variable fonts `Roboto[wdth,wght].ttf`, where `[wdth,wght]` as a
    glob is one of those letters, so the font named as it is matched nothing. An empty pattern ('', '.')
    matches nothing (pathlib raises ValueError on it)."""
    if not Path(pattern).parts:
        return False
    return Path(rel).match(pattern) or path.match(pattern) or rel == pattern or rel.endswith("/" + pattern)


def corpus_pattern_path(pattern: str) -> Path | None:
    """The absolute path a `corpus_file` names (after `~` expansion), or None for a glob relative to the corpus dir."""
    expanded = os.path.expanduser(pattern)
    return Path(os.path.abspath(expanded)) if os.path.isabs(expanded) else None


def corpus_matches(root: Path, pattern: str) -> list[Path]:
    """The corpus files a specification's `corpus_file` names, sorted.

    A relative pattern is a glob under the corpus dir `root` (list_files). An absolute one, or one
    starting with `~`, names a file where it lies, with no corpus dir needed; glob characters in it
    (`/data/texts/*.txt`) match files as the shell would (hidden ones left out).
    """
    path = corpus_pattern_path(pattern)
    if path is None:
        return list_files(root, pattern)
    if path.is_file():
        return [path]
    return sorted(Path(p) for p in glob.glob(str(path)) if Path(p).is_file())
