"""Paths in messages: a relative path is followed by what it resolves to, so the user sees where it was looked for."""

from __future__ import annotations

import os
from pathlib import Path


def resolved_note(path: str | os.PathLike[str]) -> str:
    """` (resolved to /abs/path/font, relative to the current directory)` for a relative path, "" otherwise.

    It goes at the end of a message: `directory font does not exist (resolved to ...)`.
    """
    if Path(path).is_absolute() or "://" in str(path):
        return ""
    return f" (resolved to {os.path.abspath(path)}, relative to the current directory)"
