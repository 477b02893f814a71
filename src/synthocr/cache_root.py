"""The folder synthocr keeps derived files in: corpus columns extracted from tables and compressed files, and
web fonts unwrapped. Each file is named by its source's content, so it is made once per machine."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


def cache_root() -> Path:
    """`$SYNTHOCR_CACHE`, else `$XDG_CACHE_HOME/synthocr`, else `~/.cache/synthocr`."""
    if os.environ.get("SYNTHOCR_CACHE"):
        return Path(os.environ["SYNTHOCR_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "synthocr"


@contextlib.contextmanager
def cache_file(target: Path) -> Iterator[IO[bytes]]:
    """A new file beside `target` to write; it becomes `target` only when the block ends without error, so
    concurrent planners and workers, which write the same bytes, never read half a file.

    Raises:
        OSError: the cache folder cannot be made, or the file written or put in place.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=target.suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            yield out
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
