"""Test helper for the analysis commands: a tiny plan made and rendered through the CLI, once per test module."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from helpers import TINY
from synthocr.cli import main

# The shared tiny config (3 specifications on the built-in assets, latin:arabic:hebrew = 2:1:1);
# the inspect tests rely on that mix and on the directions.
CONFIG = {k: v for k, v in TINY.items() if k != "total_images"}


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
