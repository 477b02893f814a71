"""What the commands give a user back: a one-step preview of a config, --open, --json wherever a table is
printed, and output that survives a reader that stops early (`| head`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from synthocr.analysis.preview import HEADER_HEIGHT, source_kind


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_preview_of_a_config_is_the_plan_plan_would_write(cli, tiny_config_path, tmp_path):
    """`preview CONFIG -n 4` shows the rows `plan CONFIG total_images=4` writes, rendered, and writes nothing else."""
    before = files_under(tmp_path)
    sheet = tmp_path / "sheet.png"
    code, out, _ = cli("preview", tiny_config_path, "-n", 4, "-o", sheet)
    assert code == 0 and "4 samples" in out
    assert files_under(tmp_path) == sorted([*before, "sheet.png"])
    plan = tmp_path / "p.parquet"
    assert cli("plan", tiny_config_path, "total_images=4", "-o", plan)[0] == 0
    from_plan = tmp_path / "from_plan.png"
    assert cli("preview", plan, "-n", 4, "-o", from_plan)[0] == 0
    with Image.open(sheet) as a, Image.open(from_plan) as b:
        assert a.size == b.size
        body = (0, HEADER_HEIGHT, a.width, a.height)  # the header names the source, the cells must agree
        assert np.array_equal(np.asarray(a.crop(body)), np.asarray(b.crop(body)))


def test_preview_of_a_config_takes_overrides(cli, tiny_config_path, tmp_path):
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    assert cli("preview", tiny_config_path, "-n", 2, "-o", a)[0] == 0
    code, _, _ = cli("preview", tiny_config_path, "seed=99", "-n", 2, "-o", b)
    assert code == 0 and a.read_bytes() != b.read_bytes()
    code, _, err = cli("preview", tiny_config_path, "specifications.0.font_size_min=oops", "-o", b)
    assert code == 2 and "font_size_min" in err


def test_preview_source_is_recognised_by_content(tiny_config_path, tmp_path):
    plan = tmp_path / "plan.yaml"  # a misleading name: the content decides
    plan.write_bytes(b"PAR1" + b"\0" * 8)
    assert source_kind(plan) == "plan"
    assert source_kind(tiny_config_path) == "config"
    assert source_kind(tmp_path) == "output"


def test_overrides_with_an_output_dir_are_refused(cli, tmp_path):
    code, _, err = cli("preview", tmp_path, "total_images=3", "-o", tmp_path / "s.png")
    assert code == 2 and "apply to a batch config" in err and "total_images=3" in err


def test_preview_open_hands_the_sheet_to_a_viewer(cli, tiny_config_path, tmp_path, monkeypatch):
    bin_dir, seen = tmp_path / "bin", tmp_path / "seen.txt"
    bin_dir.mkdir()
    viewer = bin_dir / "xdg-open"
    viewer.write_text(f'#!/bin/sh\necho "$1" > {seen}\n')
    viewer.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    sheet = tmp_path / "s.png"
    assert cli("preview", tiny_config_path, "-n", 1, "-o", sheet, "--open")[0] == 0
    for _ in range(100):  # the viewer runs detached
        if seen.exists() and seen.read_text().strip():
            break
        time.sleep(0.05)
    assert seen.read_text().strip() == str(sheet)
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    code, _, err = cli("preview", tiny_config_path, "-n", 1, "-o", sheet, "--open")
    assert code == 0 and "no image viewer found" in err


def test_status_and_plan_print_json(cli, tiny_config_path, tmp_path):
    plan = tmp_path / "p.parquet"
    code, out, err = cli("plan", tiny_config_path, "-o", plan, "--json")
    assert code == 0 and json.loads(out)["rows"] == 24
    code, out, _ = cli("plan", tiny_config_path, "--dry-run", "--json")
    summary = json.loads(out)
    assert code == 0 and summary["dry_run"] and sum(summary["rows"].values()) == 24
    assert set(summary["stats"]["latin"]["font_size"]) == {"min", "mean", "max"}
    code, out, _ = cli("status", plan, tmp_path / "out", "--json")
    rows = json.loads(out)
    assert code == 0 and rows[-1] == {"spec": "all", "total": 24, "done": 0, "missing": 24, "damaged": 0, "failed": 0}


@pytest.mark.slow
def test_inspect_into_head_still_writes_the_plots(cli, tiny_config_path, tmp_path):
    plan, plots = tmp_path / "p.parquet", tmp_path / "plots"
    assert cli("plan", tiny_config_path, "-o", plan)[0] == 0
    # `true` reads nothing and exits at once: the table is written into a closed pipe, every time.
    for reader in ("head -1", "true"):
        command = f"{sys.executable} -m synthocr inspect {plan} --plots {plots} | {reader}"
        proc = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=120, env=os.environ)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr and "Broken" not in proc.stderr
        assert proc.stdout.startswith("plan ") if reader != "true" else not proc.stdout
        assert (plots / "overview.png").is_file()
        for p in plots.iterdir():
            p.unlink()


ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "synthocr").exists(), reason="needs `make install`'s .venv")
def test_make_render_ends_saying_where_the_images_are_and_what_next(tiny_config_path, tmp_path):
    out = tmp_path / "out"
    command = [
        "make",
        "--no-print-directory",
        "-o",
        ".venv/.installed",  # never reinstall from a test
        "render",
        f"CONFIG={tiny_config_path}",
        f"PLAN={tmp_path / 'plan.parquet'}",
        f"OUT={out}",
        "WORKERS=1",
    ]
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    last = proc.stdout.strip().splitlines()[-3:]
    assert str(out) in last[0]
    assert f".venv/bin/synthocr preview {out}" in last[1]
    assert ".venv/bin/synthocr --help" in last[2] and ". .venv/bin/activate" in last[2]
    assert len(list(out.rglob("image_*.json"))) == 24
