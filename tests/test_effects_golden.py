"""Golden images: a few fixed rows rendered and compared with checked-in PNGs, with a tolerance.

Regenerate them on purpose only: `.venv/bin/python tests/regenerate_goldens.py`.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from golden_cases import BASE, CASES, GOLDEN_DIR, golden_assets, render_golden
from synthocr.renderer.assets import RenderAssets
from synthocr.schemas.params import EFFECTS

MAX_MEAN_ABS_DIFF = 2.0  # grey levels, over all pixels and channels
FAR_OFF = 48  # grey levels: a pixel further off than this is "far off"
MAX_FAR_OFF_SHARE = 0.01  # font rasterisation drifts between versions; a changed look moves far more


def test_golden_cases_turn_on_every_effect():
    on = {k for case in CASES.values() for k, v in case.items() if k in BASE and BASE[k] != v}
    assert {e.name for e in EFFECTS} <= on
    assert sorted(p.stem for p in GOLDEN_DIR.glob("*.png")) == sorted(CASES), (
        "golden PNGs and CASES differ; run `.venv/bin/python tests/regenerate_goldens.py`"
    )


@pytest.fixture(scope="module")
def assets() -> RenderAssets:
    return golden_assets()


@pytest.mark.parametrize("name", list(CASES))
def test_render_matches_golden(name, assets, tmp_path):
    image = render_golden(name, assets)
    with Image.open(GOLDEN_DIR / f"{name}.png") as golden:
        golden.load()
        assert image.mode == golden.mode and image.size == golden.size, (
            f"{name}: {image.mode} {image.size} vs golden {golden.mode} {golden.size}"
        )
        ours = np.asarray(image, np.int16)
        want = np.asarray(golden, np.int16)
    diff = np.abs(ours - want)
    mean, far = float(diff.mean()), float((diff > FAR_OFF).mean())
    if mean > MAX_MEAN_ABS_DIFF or far > MAX_FAR_OFF_SHARE:
        out = tmp_path / f"{name}_diff.png"
        Image.fromarray(np.clip(diff * 4, 0, 255).astype(np.uint8)).save(out)
        image.save(tmp_path / f"{name}_rendered.png")
        pytest.fail(
            f"{name}: mean abs diff {mean:.2f} (max {MAX_MEAN_ABS_DIFF}), {far:.2%} of pixels "
            f"more than {FAR_OFF} off (max {MAX_FAR_OFF_SHARE:.0%}); diff image: {out}"
        )
