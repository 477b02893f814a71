"""Shared fixtures: tiny configs on the built-in assets, plans, and an in-process CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from synthocr.cli import main
from synthocr.config import config_from_dict
from synthocr.planner.plan import plan_batch
from synthocr.renderer.assets import RenderAssets
from synthocr.schemas.plan import asset_roots, plan_metadata

TINY = {
    "total_images": 24,
    "seed": 7,
    "specifications": [
        {
            "name": "latin",
            "proportion": 2,
            "corpus_file": "latin.txt",
            "max_text_length": 24,
            "rotation_angle_min": -5.0,
            "rotation_angle_max": 5.0,
        },
        {
            "name": "arabic",
            "proportion": 1,
            "text_direction": "rtl",
            "corpus_file": "arabic.txt",
            "max_text_length": 20,
        },
        {
            "name": "hebrew",
            "proportion": 1,
            "text_direction": "rtl",
            "corpus_file": "hebrew.txt",
            "max_text_length": 20,
            "perspective_warp_magnitude_max": 0.05,
        },
    ],
}


@pytest.fixture
def tiny_dict() -> dict:
    return yaml.safe_load(yaml.safe_dump(TINY))


@pytest.fixture
def tiny_config_path(tmp_path: Path, tiny_dict: dict) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(yaml.safe_dump(tiny_dict))
    return path


@pytest.fixture(scope="session")
def tiny_plan():
    return plan_batch(config_from_dict(yaml.safe_load(yaml.safe_dump(TINY))))


@pytest.fixture(scope="session")
def tiny_assets(tiny_plan) -> RenderAssets:
    return RenderAssets(asset_roots(plan_metadata(tiny_plan)))


@pytest.fixture
def cli(capsys):
    """Run `synthocr ARGS...` in-process; returns (exit status, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run
