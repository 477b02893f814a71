"""What the cache holds, and removing what has not been used for a while (`synthocr cache`).

Every cache file is made again from its source when it is missing (corpus_formats.extract and transcoded,
web_fonts), so any of them may go; each use sets its modification time (`used`), so a file's age is the
time since it was last read, not since it was made. Only files synthocr names itself are ever listed or
removed: a 40-digit hex key and a suffix, in the `corpus` and `fonts` folders (or a `.tmp-` file a writer
left there), so a `$SYNTHOCR_CACHE` set to a folder that holds other files loses none of them.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from synthocr.cache_root import cache_root

KINDS = ("corpus", "fonts")  # cache_root()'s folders: extracted corpus texts, unwrapped web fonts
_OURS = re.compile(r"[0-9a-f]{40}\.[a-z0-9]+")
_PARTIAL = re.compile(r"\.tmp-.+")  # a file being written (cache_root.cache_file), or left by a crash
PARTIAL_AGE = 86_400.0  # a partial file older than a day belongs to no writer still running


def used(path: Path) -> None:
    """Mark a cache file as just read: its age is counted from now. A cache that cannot be written (read
    only, shared) keeps its times."""
    with contextlib.suppress(OSError):
        os.utime(path)


@dataclass
class KindSummary:
    """The files of one kind: how many, their bytes, and the oldest and newest last use (epoch seconds)."""

    kind: str
    files: int = 0
    size: int = 0
    oldest: float | None = None
    newest: float | None = None
    removed: int = 0
    removed_size: int = 0


def cache_files(root: Path | None = None) -> dict[str, list[tuple[Path, os.stat_result]]]:
    """Every file synthocr made in the cache, by kind, with its stat; partial files are listed too."""
    root = cache_root() if root is None else root
    found: dict[str, list[tuple[Path, os.stat_result]]] = {kind: [] for kind in KINDS}
    for kind in KINDS:
        folder = root / kind
        if not folder.is_dir():
            continue
        with os.scandir(folder) as entries:
            for entry in entries:
                if not (_OURS.fullmatch(entry.name) or _PARTIAL.fullmatch(entry.name)):
                    continue
                with contextlib.suppress(FileNotFoundError):  # removed meanwhile by another process
                    if entry.is_file(follow_symlinks=False):
                        found[kind].append((Path(entry.path), entry.stat(follow_symlinks=False)))
    return found


def summarise(
    root: Path | None = None, older_than_days: float | None = None, now: float | None = None
) -> list[KindSummary]:
    """What the cache holds, by kind; with `older_than_days`, the files not used for that long are removed
    first (0 removes them all), and so are partial files older than a day (a writer's, when younger)."""
    now = time.time() if now is None else now
    out = []
    for kind, files in cache_files(root).items():
        summary = KindSummary(kind)
        for path, st in files:
            partial = _PARTIAL.fullmatch(path.name) is not None
            stale = (partial and now - st.st_mtime > PARTIAL_AGE) or (
                not partial and older_than_days is not None and now - st.st_mtime >= older_than_days * 86_400.0
            )
            if older_than_days is not None and stale:
                try:
                    path.unlink()
                except FileNotFoundError:
                    continue
                summary.removed += 1
                summary.removed_size += st.st_size
                continue
            summary.files += 1
            summary.size += st.st_size
            summary.oldest = st.st_mtime if summary.oldest is None else min(summary.oldest, st.st_mtime)
            summary.newest = st.st_mtime if summary.newest is None else max(summary.newest, st.st_mtime)
        out.append(summary)
    return out
