"""The trdg bench's config does trdg's work (and only that), and its ours-only path runs without trdg."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq
import pytest
from PIL import Image

from synthocr.schemas.params import EFFECTS

REPO = Path(__file__).resolve().parent.parent
_SPEC = importlib.util.spec_from_file_location("trdg_bench", REPO / "bench" / "trdg_bench.py")
assert _SPEC is not None and _SPEC.loader is not None
trdg_bench = importlib.util.module_from_spec(_SPEC)  # bench/ is not a package, and stays off sys.path
sys.modules["trdg_bench"] = trdg_bench  # its dataclasses look their module up there
_SPEC.loader.exec_module(trdg_bench)

KEPT = {"rotation_angle": (-5.0, 5.0), "blur_radius": (0.0, 1.0)}  # trdg's -k 5 -rk, -bl 1 -rbl


def test_trdg_config_plans_and_renders_trdgs_work_from_the_cli(cli, tmp_path):
    plan, out = tmp_path / "plan.parquet", tmp_path / "out"
    corpus = f"corpus_dir={REPO / 'bench' / 'trdg_corpus'}"
    code, _, err = cli("plan", trdg_bench.CONFIG, "-o", plan, "total_images=60", corpus)
    assert code == 0, err
    table = pq.read_table(plan).to_pydict()
    for name, (lo, hi) in KEPT.items():
        values = np.array(table[name])
        assert lo <= values.min() and values.max() <= hi and values.std() > 0.1, name
    for effect in EFFECTS:  # every other effect off on every row: nothing of ours trdg does not do
        if effect.name not in KEPT:
            assert set(table[effect.name]) == {effect.neutral}, effect.name
    assert set(table["background_kind"]) == {"noise"}
    assert set(table["font"]) == {trdg_bench.FONT}
    assert all(" " not in text for text in table["text"])  # one word, trdg's default

    code, _, err = cli("render", plan, "-o", out, "--format", "jpg", "--workers", "1", "--quiet")
    assert code == 0, err
    images = sorted(out.rglob("*.jpg"))
    assert len(images) == 60 and len(list(out.rglob("*.json"))) >= 60
    heights = [Image.open(p).size[1] for p in images]
    assert 30 <= np.mean(heights) <= 40  # about trdg's 32 px (the skew adds a few)


@pytest.mark.slow
def test_measure_without_trdg_times_ours_on_five_word_texts(tmp_path):
    result = trdg_bench.measure(tmp_path, 5, None, block=3, blocks=2)
    assert result.trdg is None and len(result.ours.cpu) == 1 and result.ours.cpu[0] > 0
    assert len(result.ours.sizes) == 6  # both blocks written, the warm-up's too
    assert 0 < result.files_share() < 1
    texts = pq.read_table(tmp_path / "trdg_same_work_w5.parquet", columns=["text"]).column("text").to_pylist()
    assert all(len(text.split(" ")) == 5 for text in texts)


def test_probe_trdg_explains_a_missing_trdg(tmp_path, monkeypatch):
    monkeypatch.setattr(trdg_bench, "DEFAULT_TRDG_PYTHON", tmp_path / "no-venv" / "bin" / "python")
    assert "trdg not installed" in str(trdg_bench.probe_trdg(None))
    with pytest.raises(SystemExit, match="no such file"):
        trdg_bench.probe_trdg(tmp_path / "nothing")
    with pytest.raises(SystemExit, match="cannot import trdg"):
        trdg_bench.probe_trdg(sys.executable)  # this venv has no trdg


@pytest.mark.slow
@pytest.mark.skipif(not trdg_bench.DEFAULT_TRDG_PYTHON.exists(), reason="trdg not installed (make bench-trdg-venv)")
def test_measure_with_trdg_makes_the_same_texts_on_both_sides(tmp_path):
    trdg = trdg_bench.probe_trdg(None)
    assert isinstance(trdg, trdg_bench.Trdg)
    result = trdg_bench.measure(tmp_path, 1, trdg, block=2, blocks=2)
    assert result.trdg is not None and len(result.trdg.cpu) == 1 and result.ratio() > 0
    assert all(h == 32 for _, h in result.trdg.sizes) and len(result.trdg.sizes) == 4  # trdg's -f 32
    texts = pq.read_table(tmp_path / "trdg_same_work_w1.parquet", columns=["text"]).column("text").to_pylist()
    written = {p.stem.rsplit("_", 1)[0] for p in (tmp_path / "trdg_w1" / "trdg").glob("*.jpg")}
    assert written == set(texts)  # trdg names its images after their text
    if result.trdg_layout == "raqm":  # Pillow's basic layout forced: the same pixels for these Latin words
        assert result.trdg_basic is not None and len(result.trdg_basic.cpu) == 1
        for image in (tmp_path / "trdg_w1" / "trdg").glob("*.jpg"):
            assert image.read_bytes() == (tmp_path / "trdg_w1" / "trdg_basic" / image.name).read_bytes()
