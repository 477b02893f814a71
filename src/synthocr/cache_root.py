"""The folder synthocr keeps derived files in: corpus columns extracted from tables and compressed files, and
web fonts unwrapped. Each file is named by its source's content, so it is made once per machine."""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    """`$SYNTHOCR_CACHE`, else `$XDG_CACHE_HOME/synthocr`, else `~/.cache/synthocr`."""
    if os.environ.get("SYNTHOCR_CACHE"):
        return Path(os.environ["SYNTHOCR_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "synthocr"
