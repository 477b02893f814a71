"""Planner features over assets: weighted background dirs, corrupt images, direction weights, corpus modes,
a corpus larger than a memory cap, the font report and the dry run."""

from __future__ import annotations

import csv
import logging
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from PIL import Image

from helpers import copy_builtin_assets
from synthocr.config import load_config
from synthocr.errors import ConfigError
from synthocr.planner.plan import plan_batch


def _config(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "batch.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _images(folder: Path, n: int) -> None:
    folder.mkdir(parents=True)
    for i in range(n):
        Image.new("RGB", (64, 32), (i * 40, 100, 100)).save(folder / f"bg{i}.png")


def test_weighted_background_dirs_and_corrupt_image(tmp_path, caplog):
    _images(tmp_path / "bg" / "scans", 2)
    _images(tmp_path / "bg" / "photos", 3)
    (tmp_path / "bg" / "photos" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    data = {
        "total_images": 400,
        "seed": 1,
        "background_dir": str(tmp_path / "bg" / "scans"),
        "background_dirs": {"photos": str(tmp_path / "bg" / "photos")},
        "specifications": [
            {
                "name": "a",
                "corpus_file": "latin.txt",
                "background_weights": {"image": 1},
                "background_dir_weights": {"default": 1, "photos": 3},
            }
        ],
    }
    with caplog.at_level(logging.WARNING, logger="synthocr"):
        frame = plan_batch(load_config(_config(tmp_path, data))).to_pandas()
    warned = [r.getMessage() for r in caplog.records if "broken.png" in r.getMessage()]
    assert len(warned) == 1 and "left out" in warned[0]
    files = frame.background_file.astype(str)
    assert (frame.background_kind.astype(str) == "image").all()
    assert not files.str.contains("broken").any()
    share = files.str.startswith("photos/").mean()
    assert 0.65 < share < 0.85, share  # weight 3 of 4
    assert set(files[files.str.startswith("scans/")]) == {"scans/bg0.png", "scans/bg1.png"}


def test_unknown_background_source_weight_is_reported(tmp_path):
    _images(tmp_path / "bg", 1)
    data = {"background_dir": str(tmp_path / "bg"), "specifications": [{"background_dir_weights": {"photo": 1}}]}
    with pytest.raises(ConfigError, match="background_dir_weights.photo: unknown background source"):
        load_config(_config(tmp_path, data))


def test_text_direction_weights(tmp_path):
    data = {
        "total_images": 300,
        "seed": 2,
        "specifications": [{"corpus_file": "latin.txt", "text_direction_weights": {"ltr": 1, "ttb": 1}}],
    }
    frame = plan_batch(load_config(_config(tmp_path, data))).to_pandas()
    counts = frame.text_direction.astype(str).value_counts()
    assert set(counts.index) == {"ltr", "ttb"} and counts.min() > 100


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"text_direction_weights": {"up": 1}}, "text_direction_weights.up: unknown text direction"),
        ({"text_direction_weights": {"ltr": -1}}, "text_direction_weights.ltr: weight must be >= 0"),
        ({"corpus_mode": "pages"}, "corpus_mode: must be one of"),
    ],
)
def test_new_fields_are_validated(tmp_path, bad, message):
    with pytest.raises(ConfigError, match=message):
        load_config(_config(tmp_path, {"specifications": [{"name": "s", **bad}]}))


def test_line_mode_keeps_texts_inside_one_line(tmp_path):
    assets = copy_builtin_assets(tmp_path)
    lines = ["alpha beta gamma delta", "one two three four five", "red green blue"]
    (assets.corpus / "list.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = {
        "total_images": 200,
        "seed": 3,
        "font_dir": str(assets.fonts),
        "corpus_dir": str(assets.corpus),
        "specifications": [
            {"corpus_file": "list.txt", "corpus_mode": "lines", "min_text_length": 5, "max_text_length": 40}
        ],
    }
    frame = plan_batch(load_config(_config(tmp_path, data))).to_pandas()
    for text, line in zip(frame.text, frame.corpus_line):
        assert text in lines[line], (text, line)
    running = plan_batch(
        load_config(
            _config(
                tmp_path,
                {**data, "specifications": [{"corpus_file": "list.txt", "min_text_length": 30, "max_text_length": 40}]},
            )
        )
    ).to_pandas()
    assert (running.text.str.len() >= 30).all()  # longer than any line: runs on into the next


@pytest.mark.slow
def test_corpus_larger_than_the_memory_cap_plans(tmp_path):
    """A 160 MB corpus plans in a process whose data segment is capped far below that."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    line = ("the quick brown fox jumps over the lazy dog " * 3).strip() + "\n"
    with open(corpus / "big.txt", "w", encoding="utf-8") as fh:
        chunk = line * 20_000
        for _ in range(int(160e6 // len(chunk)) + 1):
            fh.write(chunk)
    size_mb = (corpus / "big.txt").stat().st_size / 1e6
    config = _config(
        tmp_path, {"total_images": 5000, "corpus_dir": str(corpus), "specifications": [{"corpus_file": "big.txt"}]}
    )
    script = textwrap.dedent(f"""
        import resource, sys
        from synthocr.planner.plan import write_plan
        from synthocr.config import load_config
        config = load_config({str(config)!r})
        used = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        cap = used + 100 * 2**20  # 100 MiB over what the libraries already use
        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
        print(write_plan(config, {str(tmp_path / "plan.parquet")!r}))
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "5000" and size_mb > 150
    lines = pd.read_parquet(tmp_path / "plan.parquet", columns=["corpus_line"]).corpus_line
    assert lines.max() > 1_000_000  # texts come from all over the file


def test_font_report_and_dry_run(cli, tmp_path):
    assets = copy_builtin_assets(tmp_path, ["DejaVuSans.ttf"])
    (assets.fonts / "Broken.ttf").write_bytes(np.random.default_rng(0).bytes(5000))
    config = _config(
        tmp_path,
        {
            "total_images": 50,
            "font_dir": str(assets.fonts),
            "corpus_dir": str(assets.corpus),
            "specifications": [{"name": "latin", "corpus_file": "latin.txt"}],
        },
    )
    report, plan = tmp_path / "fonts.csv", tmp_path / "plan.parquet"
    code, out, err = cli("plan", config, "--dry-run", "--font-report", report, "-o", plan)
    assert code == 0, err
    assert not plan.exists()
    assert "50 rows" in out and "latin: 50 rows" in out and "DejaVuSans.ttf: 50" in out
    assert "rotation_angle" in out and "text_length" in out
    with open(report, newline="") as fh:
        rows = {r["font"]: r for r in csv.DictReader(fh)}
    assert rows["DejaVuSans.ttf"]["healthy"] == "true" and int(rows["DejaVuSans.ttf"]["codepoints"]) > 1000
    assert rows["Broken.ttf"]["healthy"] == "false" and "cannot be loaded" in rows["Broken.ttf"]["reason"]
