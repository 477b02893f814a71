"""Where every bench script's Markdown report goes: the file named by --out (its folder made) and stdout."""

from __future__ import annotations

from pathlib import Path


def write_report(text: str, out: str | Path) -> int:
    """Write `text` to `out` and print it; the script's exit status (0)."""
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(text)
    return 0
