"""Resource bounds: images past max_image_pixels are refused at plan time or fail their row; texts are bounded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthocr.schemas.config import DEFAULT_MAX_IMAGE_PIXELS, MAX_IMAGE_PIXELS_CEILING

HERE = Path(__file__).resolve().parent

# config fields -> words the error names
HUGE_CONFIGS = {
    "padding 10000": ({"padding_min": 10000, "padding_max": 10000}, "padding_max"),
    "font 1000 x 1000 characters": (
        {"font_size_min": 900, "font_size_max": 1000, "min_text_length": 900, "max_text_length": 1000},
        "font_size_max",
    ),
    "long lines turned 45 degrees": (
        {
            "font_size_max": 200,
            "max_text_length": 400,
            "rotation_angle_min": 45,
            "rotation_angle_max": 45,
            "rotation_angle_probability": 1.0,
        },
        "45",
    ),
}


@pytest.mark.parametrize("case", HUGE_CONFIGS)
def test_config_whose_images_are_too_large_is_refused_at_plan_time(ws, synthocr, outcome, case):
    fields, words = HUGE_CONFIGS[case]
    config = ws.config(specifications=[{"name": "big", **fields}])
    result = synthocr("plan", config, "-o", ws.root / "plan.parquet")
    assert result.clean_error and "max_image_pixels" in result.err and words in result.err, result
    assert not (ws.root / "plan.parquet").exists()
    outcome("clean_error")


@pytest.mark.parametrize("value", [0, -5, MAX_IMAGE_PIXELS_CEILING + 1])
def test_max_image_pixels_out_of_range(ws, synthocr, outcome, value):
    result = synthocr("plan", ws.config(max_image_pixels=value), "-o", ws.root / "plan.parquet")
    assert result.clean_error and "max_image_pixels" in result.err, result
    outcome("clean_error")


def test_row_over_max_image_pixels_fails_alone(ws, synthocr, record_property):
    """A plan edited within the columns' ranges (padding 9000 on one row): that row fails, the others render."""
    plan = ws.plan(synthocr)
    table = pq.read_table(plan)
    for col in ("padding_top", "padding_left"):
        i = table.schema.get_field_index(col)
        values = table.column(i).to_pylist()
        values[3] = 9000
        table = table.set_column(i, table.schema.field(i), pa.array(values, pa.int16()))
    edited = ws.root / "edited.parquet"
    pq.write_table(table, edited)
    out = ws.root / "out"
    result = synthocr("render", edited, "-o", out, "--workers", "1", "--quiet")
    assert result.code == 1 and "failed 1" in result.out, result
    state = [json.loads(line) for line in (out / "_render_state.jsonl").read_text().splitlines()]
    failed = [r for r in state if r.get("status") == "failed"]
    assert [r["image_id"] for r in failed] == [3] and "max_image_pixels" in failed[0]["error_message"]
    assert f"{DEFAULT_MAX_IMAGE_PIXELS:,}" in failed[0]["error_message"]
    record_property("outcomes", {"row_failure": 1})


def test_requested_text_over_the_length_bound_is_rejected(ws, synthocr, outcome):
    requests = ws.root / "r.jsonl"
    requests.write_text(json.dumps({"text": "abc " * 400}) + "\n" + json.dumps({"text": "fine text"}) + "\n")
    result = synthocr("plan", ws.config(), "-o", ws.root / "plan.parquet", "--requests", requests)
    assert result.code == 0, result
    rejected = (ws.root / "r.jsonl.rejected.csv").read_text()
    assert "1600 characters" in rejected
    outcome("excluded")


@pytest.mark.reliability
def test_worker_memory_at_the_pixel_limit(record_property):
    """Every effect on, images near max_image_pixels: the rendering process stays under 1 GB."""
    out = subprocess.run(
        [sys.executable, str(HERE / "memory.py"), "--rows", "4", "--pixels", str(int(DEFAULT_MAX_IMAGE_PIXELS * 1.1))],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    record_property("peak_rss_mb", figures["peak_rss_mb"])
    assert figures["rendered"] >= 1 and figures["pixels"] > DEFAULT_MAX_IMAGE_PIXELS * 0.6, figures
    assert figures["peak_rss_mb"] < 1024, figures
