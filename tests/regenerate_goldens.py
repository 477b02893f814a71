"""Re-render the golden images in tests/golden/ from the fixed rows in golden_cases.py.

Run only on purpose, after a deliberate change of the rendered look:

    .venv/bin/python tests/regenerate_goldens.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from golden_cases import CASES, GOLDEN_DIR, golden_assets, render_golden


def main() -> int:
    GOLDEN_DIR.mkdir(exist_ok=True)
    for stale in GOLDEN_DIR.glob("*.png"):
        if stale.stem not in CASES:
            stale.unlink()
    assets = golden_assets()
    for name in CASES:
        path = GOLDEN_DIR / f"{name}.png"
        render_golden(name, assets).save(path, optimize=True)
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
