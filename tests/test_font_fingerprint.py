"""No silent fallback: a font changed or broken after planning fails its rows, named in the failure log."""

from __future__ import annotations

import hashlib
import json
import shutil

import pyarrow.parquet as pq
import pytest

from helpers import outputs, plan_with_fonts
from synthocr.assets import BUILTIN_DIRS


def _plan(cli, tiny_dict, tmp_path):
    return plan_with_fonts(cli, tiny_dict, tmp_path, ["DejaVuSans.ttf", "DejaVuSansMono.ttf"])


def test_the_plan_records_each_fonts_sha1(cli, tiny_dict, tmp_path):
    fonts, plan = _plan(cli, tiny_dict, tmp_path)
    df = pq.read_table(plan).to_pandas()
    for font, sha1 in df[["font", "font_sha1"]].drop_duplicates().itertuples(index=False):
        assert sha1 == hashlib.sha1((fonts / font).read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: shutil.copy(BUILTIN_DIRS["font"] / "DejaVuSerif.ttf", p), id="replaced-by-another-font"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:5000]), id="truncated"),
        pytest.param(lambda p: p.unlink(), id="missing"),
    ],
)
def test_a_changed_font_fails_its_rows_and_no_other_font_draws_them(cli, tiny_dict, tmp_path, damage):
    fonts, plan = _plan(cli, tiny_dict, tmp_path)
    damage(fonts / "DejaVuSansMono.ttf")
    df = pq.read_table(plan).to_pandas()
    lost = set(df[df.font == "DejaVuSansMono.ttf"].image_id)
    assert lost and len(lost) < len(df)
    out = tmp_path / "out"
    code, text, err = cli("render", plan, "-o", out, "--quiet", "--workers", "1")
    assert code == 1 and f"failed {len(lost)}" in text and "Traceback" not in err
    log = [json.loads(line) for line in (out / "_render_state.jsonl").read_text().splitlines()]
    assert {r["image_id"] for r in log} == lost
    for record in log:
        assert record["status"] == "failed" and "DejaVuSansMono.ttf" in record["error_message"]
        assert "re-plan" in record["error_message"]
    written = outputs(out)
    assert len([f for f in written if f.endswith(".json")]) == len(df) - len(lost)
    for name in df[df.font == "DejaVuSansMono.ttf"].output_name:
        assert f"{name}.png" not in written and f"{name}.json" not in written
