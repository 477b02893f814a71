"""Hostile output dirs: not writable, full, or already holding other files."""

from __future__ import annotations

import errno
import json
import os
import subprocess

import pytest


@pytest.fixture
def plan(ws, synthocr):
    return ws.plan(synthocr)


def test_output_path_is_a_file(ws, synthocr, outcome, plan):
    target = ws.root / "taken"
    target.write_text("someone's file")
    result = synthocr("render", plan, "-o", target, "--workers", "1", "--quiet")
    assert result.clean_error and "taken" in result.err, result
    assert target.read_text() == "someone's file"
    outcome("clean_error")


def test_output_dir_under_a_read_only_filesystem(ws, synthocr, outcome, plan):
    result = synthocr("render", plan, "-o", "/proc/synthocr-out", "--workers", "1", "--quiet")
    assert result.clean_error, result
    outcome("clean_error")


def test_disk_full_while_writing_the_temp_file(ws, synthocr, outcome, plan, monkeypatch):
    """ENOSPC in the middle of a write (not at the rename): the run stops, nothing half-written counts."""
    real_open = open
    calls = {"n": 0}

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            self.fh.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")

    def fake_open(path, mode="r", *args, **kwargs):
        fh = real_open(path, mode, *args, **kwargs)
        if "w" in mode and ".tmp-" in str(path):
            calls["n"] += 1
            if calls["n"] == 5:
                return Full(fh)
        return fh

    monkeypatch.setattr("synthocr.renderer.storage.open", fake_open, raising=False)
    out = ws.root / "out"
    result = synthocr("render", plan, "-o", out, "--workers", "1", "--quiet")
    assert result.clean_error and "No space left" in result.err, result
    assert not list(out.rglob(".tmp-*"))
    labels = list(out.rglob("image_*.json"))
    assert len(labels) == 2  # rows 0 and 1 (4 writes); row 2's image never completed
    monkeypatch.undo()
    assert synthocr("render", plan, "-o", out, "--workers", "1", "--quiet").code == 0
    assert len(list(out.rglob("image_*.json"))) == 6
    outcome("clean_error")


@pytest.mark.reliability
def test_real_full_filesystem(ws, synthocr, outcome, plan, tmp_path):
    """A 200 kB tmpfs (needs root and mount rights; skipped where the machine gives neither)."""
    mnt = tmp_path / "small"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        big = ws.plan(synthocr, ws.config(name="big.yaml", total_images=400), name="big.parquet")
        result = synthocr("render", big, "-o", mnt / "out", "--workers", "1", "--quiet")
        assert result.clean_error and "No space left" in result.err, result
        assert not list((mnt / "out").rglob(".tmp-*"))
        for label in (mnt / "out").rglob("image_*.json"):
            json.loads(label.read_bytes())
            assert label.with_suffix(".png").exists()
    finally:
        subprocess.run(["umount", str(mnt)], check=False)
    outcome("clean_error")


def test_output_dir_holding_other_files(ws, synthocr, outcome, plan):
    out = ws.root / "out"
    (out / "00000").mkdir(parents=True)
    (out / "notes.txt").write_text("keep me")
    (out / "photos").mkdir()
    (out / "photos" / "cat.png").write_bytes(b"\x89PNG not ours")
    (out / "00000" / "image_00000001.png").write_bytes(b"half an image, no label")
    (out / "00000" / "image_00000002.png").write_bytes(b"image")
    (out / "00000" / "image_00000002.json").write_text('{"truncated": ')
    (out / "00000" / "image_00000003.json").write_text("{}")  # a label without its image
    result = synthocr("render", plan, "-o", out, "--workers", "1", "--quiet")
    assert result.code == 0 and "rendered 6," in result.out, result
    assert (out / "notes.txt").read_text() == "keep me"
    assert (out / "photos" / "cat.png").read_bytes() == b"\x89PNG not ours"
    for i in range(6):
        json.loads((out / "00000" / f"image_{i:08d}.json").read_bytes())
        assert (out / "00000" / f"image_{i:08d}.png").read_bytes().startswith(b"\x89PNG\r\n")
    outcome("rendered")


def test_folders_with_output_names(ws, synthocr, outcome, plan):
    """An empty folder where an output goes is replaced; one holding files fails its row only, keeps its
    files and is named in the run log; the next render, once it is moved away, finishes the row."""
    out = ws.root / "out"
    (out / "00000" / "image_00000001.png").mkdir(parents=True)
    (out / "00000" / "image_00000002.json").mkdir()
    (out / "00000" / "image_00000004.png").mkdir()
    (out / "00000" / "image_00000004.png" / "mine.txt").write_text("keep me")
    result = synthocr("render", plan, "-o", out, "--workers", "1", "--quiet")
    assert result.code == 1 and "rendered 5," in result.out and "Traceback" not in result.err, result
    log = (out / "_render_state.jsonl").read_text()
    assert log.count('"failed"') == 1 and "image_00000004.png" in log and "folder" in log, log
    assert (out / "00000" / "image_00000004.png" / "mine.txt").read_text() == "keep me"
    assert not (out / "00000" / "image_00000004.json").exists()
    for i in (1, 2):
        assert (out / "00000" / f"image_{i:08d}.png").read_bytes().startswith(b"\x89PNG\r\n")
        json.loads((out / "00000" / f"image_{i:08d}.json").read_bytes())
    (out / "00000" / "image_00000004.png").rename(ws.root / "moved")
    result = synthocr("render", plan, "-o", out, "--workers", "1", "--quiet")
    assert result.code == 0 and "rendered 1," in result.out, result
    outcome("clean_error")


def test_output_dir_holding_file_names_that_are_not_utf8(ws, synthocr, outcome, plan):
    """Names no plan can have (Linux file names are bytes): left alone and named, not a traceback."""
    out = ws.root / "out"
    (out / "00000").mkdir(parents=True)
    for ext in (b".json", b".png"):
        with open(bytes(out / "00000") + b"/image_\xff" + ext, "wb") as fh:
            fh.write(b"{}" if ext == b".json" else b"\x89PNG not ours")
    result = synthocr("status", plan, out)
    assert result.code == 0 and "image_\\xff" in result.warnings and "not UTF-8" in result.warnings, result
    result = synthocr("render", plan, "-o", out, "--workers", "1", "--quiet")
    assert result.code == 0 and "rendered 6," in result.out, result
    assert os.path.exists(bytes(out / "00000") + b"/image_\xff.png")
    result = synthocr("collect", out, "-o", ws.root / "table.parquet")
    assert result.code == 0 and "not UTF-8" in result.warnings, result
    result = synthocr("export", out, "--to", "hf-imagefolder", "-o", ws.root / "hf")
    assert result.code == 0, result
    outcome("rendered")


@pytest.mark.reliability
def test_unreachable_dask_scheduler_leaves_no_output_dir(ws, synthocr, outcome, plan):
    """Nothing listens at the address: exit 2 with the connect error, and no empty output dir stays behind."""
    pytest.importorskip("distributed")
    out = ws.root / "out"
    result = synthocr(
        "render", plan, "-o", out, "--backend", "dask", "--scheduler", "tcp://127.0.0.1:9", "--quiet", timeout=120
    )
    assert result.clean_error and "scheduler" in result.err, result
    assert not out.exists()
    outcome("clean_error")
