"""Re-render the golden images in tests/golden/ from the fixed rows in golden_cases.py.

Run only on purpose, after a deliberate change of the rendered look:

    .venv/bin/python tests/regenerate_goldens.py [--force] [NAME ...]

A golden whose new render is within test_effects_golden.py's tolerance (golden_cases.within_tolerance: the
test would pass on it) is left untouched, so a regeneration changes only the goldens whose look really
changed and the diff shows which; `--force` rewrites them all. NAMEs limit it to those cases. PNGs of cases
that no longer exist are deleted.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).parent))

from golden_cases import CASES, GOLDEN_DIR, golden_assets, golden_difference, render_golden, within_tolerance


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help="golden cases to regenerate (default: all)")
    parser.add_argument("--force", action="store_true", help="rewrite every golden, even one within tolerance")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(CASES))
    if unknown:
        parser.error(f"unknown golden case(s): {', '.join(unknown)}; known: {', '.join(CASES)}")
    GOLDEN_DIR.mkdir(exist_ok=True)
    for stale in GOLDEN_DIR.glob("*.png"):
        if stale.stem not in CASES:
            stale.unlink()
            print(f"deleted {stale} (no such case)")
    assets = golden_assets()
    for name in args.names or CASES:
        path = GOLDEN_DIR / f"{name}.png"
        image = render_golden(name, assets)
        if path.exists() and not args.force:
            with Image.open(path) as golden:
                golden.load()
            difference = golden_difference(image, golden)
            if within_tolerance(difference):
                assert difference is not None
                print(f"kept {path} (within tolerance: mean abs diff {difference[0]:.2f}, {difference[1]:.2%} far off)")
                continue
        image.save(path, optimize=True)
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
