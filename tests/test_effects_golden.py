"""Golden images: a few fixed rows rendered and compared with checked-in PNGs, with a tolerance.

Regenerate them on purpose only: `.venv/bin/python tests/regenerate_goldens.py`.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from golden_cases import (
    BASE,
    CASES,
    FAR_OFF,
    GOLDEN_DIR,
    MAX_FAR_OFF_SHARE,
    MAX_MEAN_ABS_DIFF,
    golden_assets,
    golden_difference,
    render_golden,
    within_tolerance,
)
from synthocr.renderer.assets import RenderAssets
from synthocr.schemas.params import EFFECTS


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
    difference = golden_difference(image, golden)
    assert difference is not None, f"{name}: {image.mode} {image.size} vs golden {golden.mode} {golden.size}"
    if not within_tolerance(difference):
        mean, far = difference
        diff = np.abs(np.asarray(image, np.int16) - np.asarray(golden, np.int16))
        out = tmp_path / f"{name}_diff.png"
        Image.fromarray(np.clip(diff * 4, 0, 255).astype(np.uint8)).save(out)
        image.save(tmp_path / f"{name}_rendered.png")
        pytest.fail(
            f"{name}: mean abs diff {mean:.2f} (max {MAX_MEAN_ABS_DIFF}), {far:.2%} of pixels "
            f"more than {FAR_OFF} off (max {MAX_FAR_OFF_SHARE:.0%}); diff image: {out}"
        )
