"""Peak memory of one worker on the largest rows the limits allow: every effect on, images near max_image_pixels.

Run as a script (a fresh process, so its peak RSS is its own):
    .venv/bin/python tests/reliability/memory.py [--pixels N] [--rows N] [--workers N]
prints one JSON line: {"peak_rss_mb": ..., "pixels": ..., "rendered": ..., "failed": ...}.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import sys
import tempfile
from pathlib import Path

import yaml

from synthocr.cli import main as synthocr
from synthocr.schemas.config import DEFAULT_MAX_IMAGE_PIXELS, SPEC_FIELDS


def worst_config(pixels: int, rows: int, max_pixels: int) -> dict[str, object]:
    """Every effect always on at its widest range; padding that brings a 40-character line near `pixels`."""
    spec: dict[str, object] = {f: 1.0 for f in SPEC_FIELDS if f.endswith("_probability")}
    spec.update(name="worst", font_size_min=44, font_size_max=44, min_text_length=40, max_text_length=40)
    # text about 40 x 22 = 880 px wide, 57 high: a square-ish page of `pixels` with padding around it
    pad = int((math.sqrt(pixels) - 880) / 2)
    spec.update(padding_min=max(pad - 8, 0), padding_max=max(pad, 0), rotation_angle_min=-3, rotation_angle_max=3)
    return {"total_images": rows, "seed": 11, "max_image_pixels": max_pixels, "specifications": [spec]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pixels", type=int, default=int(DEFAULT_MAX_IMAGE_PIXELS * 0.9))
    parser.add_argument("--max-pixels", type=int, default=DEFAULT_MAX_IMAGE_PIXELS)
    parser.add_argument("--rows", type=int, default=6)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp())
    config = root / "worst.yaml"
    config.write_text(yaml.safe_dump(worst_config(args.pixels, args.rows, args.max_pixels)))
    if synthocr(["plan", str(config), "-o", str(root / "plan.parquet")]) != 0:
        return 2
    code = synthocr(
        ["render", str(root / "plan.parquet"), "-o", str(root / "out"), "--workers", str(args.workers), "--quiet"]
    )
    peak = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    )
    labels = [json.loads(p.read_bytes()) for p in (root / "out").rglob("image_*.json")]
    print(
        json.dumps(
            {
                "peak_rss_mb": round(peak / 1024),
                "pixels": max((lb["width"] * lb["height"] for lb in labels), default=0),
                "rendered": len(labels),
                "exit": code,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
