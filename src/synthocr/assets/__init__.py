"""The fonts and corpus shipped with the package, used when a config names no asset dir."""

from __future__ import annotations

from pathlib import Path

from synthocr.schemas.plan import BUILTIN_ROOT

_HERE = Path(__file__).resolve().parent
BUILTIN_DIRS: dict[str, Path] = {"font": _HERE / "fonts", "corpus": _HERE / "corpus"}


def resolve_root(kind: str, root: str) -> Path | None:
    """The directory behind an asset root as recorded in a plan ("builtin" or a path).

    An empty background root means "procedural backgrounds only" and gives None.
    """
    if root == BUILTIN_ROOT:
        if kind not in BUILTIN_DIRS:
            return None
        return BUILTIN_DIRS[kind]
    if not root:
        return None
    return Path(root)
