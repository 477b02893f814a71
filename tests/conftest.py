"""Shared fixtures: tiny configs on the built-in assets, plans, and an in-process CLI runner."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from helpers import FAULT_ROWS, TINY, plan_and_render
from synthocr.cli import main
from synthocr.config import config_from_dict
from synthocr.planner.plan import plan_batch
from synthocr.renderer.assets import RenderAssets
from synthocr.schemas.plan import asset_roots, plan_metadata


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


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    """A 48-row plan and a clean single-process render of it: (plan path, outputs by relative path)."""
    return plan_and_render(tmp_path_factory.mktemp("faults"), {**TINY, "total_images": FAULT_ROWS})


@pytest.fixture(scope="module")
def long_job(tmp_path_factory):
    """A 400-row plan and its clean render, for stops sent after the first labels: 48 rows can all be
    rendered before a test process starved by a loaded machine gets to send the signal."""
    return plan_and_render(tmp_path_factory.mktemp("long"), {**TINY, "total_images": 400})
