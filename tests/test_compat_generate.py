"""`synthocr generate`: the seed system's one-shot command, its flags, resume and validation block."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from synthocr.assets import BUILTIN_DIRS

REPO = Path(__file__).resolve().parents[1]


def run(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "synthocr", *map(str, args)], capture_output=True, text=True, timeout=timeout, cwd=REPO
    )


def images(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob("image_*"))}


@pytest.fixture
def assets(tmp_path):
    fonts, corpus, bg = tmp_path / "fonts", tmp_path / "corpus", tmp_path / "bg"
    fonts.mkdir(), corpus.mkdir(), bg.mkdir()
    for name in ("DejaVuSans.ttf", "DejaVuSerif.ttf"):
        (fonts / name).write_bytes((BUILTIN_DIRS["font"] / name).read_bytes())
    for name in ("latin.txt", "hebrew.txt"):
        (corpus / name).write_bytes((BUILTIN_DIRS["corpus"] / name).read_bytes())
    from PIL import Image

    Image.new("RGB", (400, 160), (228, 220, 200)).save(bg / "paper.png")
    return fonts, corpus, bg


def write_config(path: Path, total: int = 12, **spec) -> Path:
    specs = [
        {"name": "latin", "corpus_file": "latin.txt", "max_text_length": 20, **spec},
        {"name": "hebrew", "text_direction": "rtl", "corpus_file": "hebrew.txt", "max_text_length": 20},
    ]
    path.write_text(yaml.safe_dump({"total_images": total, "seed": 3, "specifications": specs}))
    return path


@pytest.mark.slow
def test_generate_with_every_flag(tmp_path, assets):
    fonts, corpus, bg = assets
    cfg, out = write_config(tmp_path / "batch.yaml"), tmp_path / "out"
    proc = run(
        "generate",
        "--batch-config",
        cfg,
        "--output-dir",
        out,
        "--font-dir",
        fonts,
        "--background-dir",
        bg,
        "--corpus-dir",
        corpus,
        "--log-level",
        "DEBUG",
        "--generation-workers",
        "2",
        "--workers",
        "2",
        "--chunk-size",
        "4",
        "--io-batch-size",
        "3",
        "--quiet",
    )
    assert proc.returncode == 0, proc.stderr
    assert "DEBUG" in proc.stderr  # the flag took effect
    got = images(out)
    assert sorted(n for n in got if n.endswith(".png")) == [f"image_{i:05d}.png" for i in range(12)]
    label = json.loads(got["image_00003.json"])
    assert label["bboxes"] and all(len(b) == 4 for b in label["bboxes"])
    assert label["params"]["image_id"] == 3 and label["params"]["font"] in {"DejaVuSans.ttf", "DejaVuSerif.ttf"}
    plan = pq.read_table(out / "plan.parquet").to_pandas()
    assert len(plan) == 12 and set(plan.output_name) == {f"image_{i:05d}" for i in range(12)}
    assert (out / ".generation_checkpoint.json").exists()

    # The same run again without --resume is refused; with --resume nothing is redone.
    proc = run(
        "generate",
        "--batch-config",
        cfg,
        "--output-dir",
        out,
        "--font-dir",
        fonts,
        "--corpus-dir",
        corpus,
        "--background-dir",
        bg,
        "--quiet",
    )
    assert proc.returncode == 2 and "--resume" in proc.stderr and "Traceback" not in proc.stderr
    proc = run(
        "generate",
        "--batch-config",
        cfg,
        "--output-dir",
        out,
        "--font-dir",
        fonts,
        "--corpus-dir",
        corpus,
        "--background-dir",
        bg,
        "--resume",
        "--quiet",
    )
    assert proc.returncode == 0 and "rendered 0" in proc.stdout
    assert images(out) == got


@pytest.mark.slow
def test_generate_resume_after_interruption_gives_the_same_images(tmp_path, assets):
    fonts, corpus, _ = assets
    cfg = write_config(tmp_path / "batch.yaml", total=60)
    clean, out = tmp_path / "clean", tmp_path / "out"
    common = ["--batch-config", cfg, "--font-dir", fonts, "--corpus-dir", corpus, "--quiet"]
    assert run("generate", *common, "--output-dir", clean, "--generation-workers", "1").returncode == 0

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "synthocr",
            "generate",
            *map(str, common),
            "--output-dir",
            str(out),
            "--generation-workers",
            "1",
            "--chunk-size",
            "2",
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline and len(list(out.glob("image_*.json"))) < 6:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = len(list(out.glob("image_*.json")))
    assert 0 < done < 60

    again = run("generate", *common, "--output-dir", out, "--resume")
    assert again.returncode == 0, again.stderr
    assert images(out) == images(clean)
    assert not list(out.glob(".tmp-*"))


@pytest.mark.slow
def test_changed_config_with_resume_warns_and_continues(tmp_path, assets):
    fonts, corpus, _ = assets
    cfg, out = write_config(tmp_path / "batch.yaml", total=6), tmp_path / "out"
    common = ["--font-dir", fonts, "--corpus-dir", corpus, "--output-dir", out, "--quiet"]
    assert run("generate", "--batch-config", cfg, *common).returncode == 0
    write_config(cfg, total=9, rotation_angle_max=9.0)
    proc = run("generate", "--batch-config", cfg, *common, "--resume")
    assert proc.returncode == 0, proc.stderr
    assert "configuration changed" in proc.stderr
    assert len(list(out.glob("image_*.png"))) == 9


def test_validation_block_for_a_missing_corpus_pattern(tmp_path, assets):
    fonts, corpus, _ = assets
    cfg = tmp_path / "batch.yaml"
    cfg.write_text(
        yaml.safe_dump({"total_images": 4, "specifications": [{"name": "my_spec", "corpus_file": "missing.txt"}]})
    )
    proc = run(
        "generate", "--batch-config", cfg, "--output-dir", tmp_path / "out", "--corpus-dir", corpus, "--font-dir", fonts
    )
    assert proc.returncode == 2
    rule = "=" * 60
    expected = (
        f"{rule}\nERROR: Configuration validation failed\n{rule}\n\n"
        f"specifications[0] (my_spec).corpus_file: No corpus files found matching pattern 'missing.txt'\n"
        f"in directory {corpus.resolve()}\n\n"
        f"Please fix the configuration and try again.\n{rule}\n"
    )
    assert proc.stderr.endswith(expected), proc.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_generate_logs_at_info_by_default_and_log_level_after_the_subcommand(tmp_path, assets):
    fonts, corpus, _ = assets
    cfg = write_config(tmp_path / "batch.yaml", total=3)
    common = ["generate", "--batch-config", cfg, "--font-dir", fonts, "--corpus-dir", corpus, "--quiet"]
    proc = run(*common, "--output-dir", tmp_path / "a")
    assert proc.returncode == 0 and "INFO" in proc.stderr
    proc = run(*common, "--output-dir", tmp_path / "b", "--log-level", "ERROR")
    assert proc.returncode == 0 and "INFO" not in proc.stderr


def test_python_m_synthocr_is_the_cli():
    proc = run("--help")
    assert proc.returncode == 0 and "generate" in proc.stdout and "render" in proc.stdout
