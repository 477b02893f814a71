"""The preset configs plan and render with the bundled assets, through the CLI, from the repository root."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PRESETS = ("default", "documents", "receipts", "scans", "scene", "degraded")


@pytest.mark.slow
@pytest.mark.parametrize("name", PRESETS)
def test_preset_plans_and_renders(cli, tmp_path, monkeypatch, name):
    monkeypatch.chdir(REPO)  # the scene preset's background dir is relative to the repository root
    plan, out = tmp_path / "plan.parquet", tmp_path / "out"
    code, _, err = cli("plan", f"configs/{name}.yaml", "total_images=12", "-o", plan)
    assert code == 0, err
    code, _, err = cli("render", plan, "-o", out, "--workers", "1", "--quiet")
    assert code == 0, err
    labels = [json.loads(p.read_text()) for p in out.rglob("image_*.json")]
    assert len(labels) == 12
    assert all(lab["appearance"]["contrast"] >= lab["params"]["min_contrast"] for lab in labels)
    if name == "scene":
        assert any(lab["params"]["background_kind"] == "image" for lab in labels)


def test_scene_backgrounds_are_the_generated_ones():
    """configs/backgrounds/scene holds what docs/make_scene_backgrounds.py makes (names; the files are JPEGs)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_scenes", REPO / "docs" / "make_scene_backgrounds.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    files = sorted(p.stem for p in (REPO / "configs" / "backgrounds" / "scene").glob("*.jpg"))
    assert files == sorted(module.MAKERS)
    assert all(os.path.getsize(REPO / "configs" / "backgrounds" / "scene" / f"{f}.jpg") < 100_000 for f in files)


@pytest.mark.slow
def test_gallery_sheets_are_deterministic(tmp_path, monkeypatch):
    """docs/gallery.py (make gallery) writes one sheet per preset, the same bytes on a second run."""
    import importlib.util

    monkeypatch.chdir(REPO)
    spec = importlib.util.spec_from_file_location("gallery", REPO / "docs" / "gallery.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for run in ("a", "b"):
        assert module.main(["--rows", "4", "--out", str(tmp_path / run)]) == 0
    names = sorted(p.name for p in (tmp_path / "a").glob("*.png"))
    assert names == sorted(f"{n}.png" for n in PRESETS)
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
