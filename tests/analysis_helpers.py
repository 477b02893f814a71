"""Test helper for the analysis commands: a tiny plan made and rendered through the CLI, once per test module."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from synthocr.cli import main

# Three specifications on the built-in assets; the inspect tests rely on the 2:1:1 mix and the directions.
CONFIG = {
    "seed": 7,
    "specifications": [
        {"name": "latin", "proportion": 2, "corpus_file": "latin.txt", "max_text_length": 24,
         "rotation_angle_min": -5.0, "rotation_angle_max": 5.0},
        {"name": "arabic", "proportion": 1, "text_direction": "rtl", "corpus_file": "arabic.txt",
         "max_text_length": 20},
        {"name": "hebrew", "proportion": 1, "text_direction": "rtl", "corpus_file": "hebrew.txt",
         "max_text_length": 20, "perspective_warp_magnitude_max": 0.05},
    ],
}


@dataclass(frozen=True)
class Rendered:
    plan: Path
    out: Path


def plan_and_render(root: Path, total_images: int = 12, render: bool = True) -> Rendered:
    """`synthocr plan` on the tiny config (3 specs: latin, arabic, hebrew), then `synthocr render` in one process."""
    config = root / "tiny.yaml"
    config.write_text(yaml.safe_dump({**CONFIG, "total_images": total_images}))
    plan, out = root / "plan.parquet", root / "out"
    assert main(["plan", str(config), "-o", str(plan)]) == 0
    if render:
        assert main(["render", str(plan), "-o", str(out), "--workers", "1", "--quiet"]) == 0
    return Rendered(plan, out)
