"""Rendering at scale through the CLI: status, the resume rule, retries, write failures, PNG level."""

from __future__ import annotations

import errno
import json
import logging
import os

import pyarrow.parquet as pq
import pytest

from helpers import outputs, plan_and_render
from synthocr.renderer import storage


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """A 24-row plan and a clean single-process render of it (the reference bytes)."""
    from helpers import TINY

    return plan_and_render(tmp_path_factory.mktemp("ref"), TINY)


def status_rows(text: str) -> dict[str, list[int]]:
    lines = text.strip().splitlines()
    assert lines[0].split() == ["spec", "total", "done", "missing", "damaged", "failed"]
    return {parts[0]: [int(v) for v in parts[1:]] for parts in (line.split() for line in lines[1:])}


def test_status_counts_per_spec_without_rendering(cli, rendered, tmp_path):
    plan, _ = rendered
    out = tmp_path / "out"
    code, text, _ = cli("status", plan, out)
    assert code == 0 and status_rows(text)["all"] == [24, 0, 24, 0, 0] and not out.exists()
    assert cli("render", plan, "-o", out, "--rows", "0-9", "--workers", "1", "--quiet")[0] == 0
    (out / "_render_state.jsonl").write_text(
        json.dumps({"image_id": 12, "status": "failed"}) + "\n" + json.dumps({"image_id": 3, "status": "failed"}) + "\n"
    )
    code, text, _ = cli("status", plan, out)
    rows = status_rows(text)
    specs = pq.read_table(plan).to_pandas().spec.astype(str)
    assert rows["all"] == [24, 10, 14, 0, 1]  # row 3 failed once but is done now
    for spec, (total, done, missing, _, failed) in rows.items():
        if spec != "all":
            assert total == (specs == spec).sum() and done == (specs[:10] == spec).sum()
            assert missing == total - done and failed == int(specs[12] == spec)
    assert not list(out.rglob("image_00000010.*"))


def test_a_label_that_does_not_parse_is_rendered_again(cli, rendered, tmp_path):
    plan, reference = rendered
    out = tmp_path / "out"
    assert cli("render", plan, "-o", out, "--workers", "1", "--quiet")[0] == 0
    labels = sorted(out.rglob("image_*.json"))
    labels[0].write_bytes(labels[0].read_bytes()[:50])  # torn
    labels[1].write_bytes(b"\x00" * 10)  # garbage
    code, text, _ = cli("status", plan, out)
    assert status_rows(text)["all"][1:4] == [22, 2, 2]
    code, text, _ = cli("render", plan, "-o", out, "--workers", "1", "--quiet")
    assert code == 0 and "rendered 2, skipped 22" in text
    assert outputs(out) == reference


def _count_checks(monkeypatch) -> list[str]:
    """The outputs renderer.finished reads from now on (the done index vouches for the others)."""
    from synthocr.renderer import finished

    checked: list[str] = []
    real = finished.check_output
    monkeypatch.setattr(
        "synthocr.renderer.resume.check_output", lambda store, name, *a: checked.append(name) or real(store, name, *a)
    )
    return checked


def test_the_done_index_vouches_for_unchanged_outputs_only(cli, rendered, tmp_path, monkeypatch):
    """A rerun reads no label: the index knows the files. A file changed in place, even with its
    modification time put back, has a new ctime: its output is checked, found damaged, rendered again."""
    plan, reference = rendered
    out = tmp_path / "out"
    assert cli("render", plan, "-o", out, "--workers", "1", "--quiet")[0] == 0
    checked = _count_checks(monkeypatch)
    code, text, _ = cli("render", plan, "-o", out, "--workers", "1", "--quiet")
    assert code == 0 and "rendered 0, skipped 24" in text and checked == []
    image = out / "00000" / "image_00000005.png"
    st = image.stat()
    with open(image, "r+b") as fh:  # in place: same inode, same folder, same size
        fh.seek(st.st_size - 4)
        fh.write(b"\0\0\0\0")
    os.utime(image, ns=(st.st_atime_ns, st.st_mtime_ns))
    code, text, _ = cli("status", plan, out)
    assert status_rows(text)["all"][1:4] == [23, 1, 1] and checked == ["00000/image_00000005"]
    code, text, _ = cli("render", plan, "-o", out, "--workers", "1", "--quiet")
    assert code == 0 and "rendered 1, skipped 23" in text
    assert outputs(out) == reference
    checked.clear()
    assert cli("status", plan, out)[0] == 0 and checked == []


def test_a_copy_keeping_modification_times_is_checked_whole(cli, rendered, tmp_path, monkeypatch):
    """cp -a keeps mtimes but not inodes or ctimes: the copy's index vouches for nothing, every output is
    read once, and status and render agree on it, run after run."""
    import shutil

    plan, reference = rendered
    out = tmp_path / "out"
    assert cli("render", plan, "-o", out, "--workers", "1", "--quiet")[0] == 0
    (out / "00000" / "image_00000003.png").write_bytes(b"")  # damaged before the copy
    copy = tmp_path / "copy"
    shutil.copytree(out, copy, copy_function=shutil.copy2)
    checked = _count_checks(monkeypatch)
    for _ in range(2):
        code, text, _ = cli("status", plan, copy)
        assert status_rows(text)["all"][1:4] == [23, 1, 1]
    assert len(checked) == 2 * 24
    checked.clear()
    code, text, _ = cli("render", plan, "-o", copy, "--workers", "1", "--quiet")
    assert code == 0 and "rendered 1, skipped 23" in text and len(checked) == 24
    checked.clear()
    code, text, _ = cli("status", plan, copy)
    assert status_rows(text)["all"][1:4] == [24, 0, 0] and checked == []
    assert outputs(copy) == reference


def _flaky_write(monkeypatch, failures: dict[str, int], err: int):
    """Make write_atomic fail `failures[name]` times with `err` for labels/images named in it."""
    real = storage.write_atomic

    def write(store, rel, data, run_id):
        name = rel.rsplit("/", 1)[-1]
        if failures.get(name, 0) > 0:
            failures[name] -= 1
            raise OSError(err, os.strerror(err), store.path(rel))
        return real(store, rel, data, run_id)

    monkeypatch.setattr("synthocr.renderer.io.write_atomic", write)
    monkeypatch.setattr(storage, "BACKOFF_SECONDS", 0.01)


def test_transient_errors_are_retried_and_logged(cli, rendered, tmp_path, monkeypatch, caplog):
    plan, reference = rendered
    out = tmp_path / "out"
    failures = {"image_00000004.png": 2, "image_00000007.json": 3, "image_00000009.json": 4}
    _flaky_write(monkeypatch, failures, errno.EIO)
    with caplog.at_level(logging.WARNING, logger="synthocr"):
        code, text, err = cli("render", plan, "-o", out, "--workers", "1", "--quiet")
    assert code == 1 and "rendered 23," in text and "failed 1;" in text and "failed rows: 9 " in err
    retries = [r.getMessage() for r in caplog.records if "retry" in r.getMessage()]
    assert len(retries) == 2 + 3 + 3 and all("Input/output error" in m for m in retries)
    log = [json.loads(line) for line in (out / "_render_state.jsonl").read_text().splitlines()]
    assert [(r["image_id"], r["error_type"]) for r in log] == [(9, "OSError")]
    assert cli("render", plan, "-o", out, "--workers", "1", "--quiet")[0] == 0
    assert outputs(out) == reference


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EACCES])
def test_disk_full_or_not_writable_stops_with_a_clear_error(cli, rendered, tmp_path, monkeypatch, err):
    """A half-written file never counts as done; the run stops (exit 2) and resumes later."""
    plan, reference = rendered
    out = tmp_path / "out"
    real_replace = os.replace
    calls = {"n": 0}

    def replace(src, dst):  # the 7th write fills the disk: its temp file is half written, then refused
        calls["n"] += 1
        if calls["n"] == 7:
            with open(src, "r+b") as fh:
                fh.truncate(10)
            raise OSError(err, os.strerror(err), str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr("synthocr.renderer.storage.os.replace", replace)
    code, _, stderr = cli("render", plan, "-o", out, "--workers", "1", "--quiet")
    assert code == 2 and "Traceback" not in stderr
    assert os.strerror(err) in stderr and "run the same command again" in stderr
    assert not list(out.rglob(".tmp-*"))
    monkeypatch.undo()
    code, text, _ = cli("status", plan, out)
    assert status_rows(text)["all"][1] == 3  # rows 0-2 (6 writes); row 3's image refused, no label
    assert cli("render", plan, "-o", out, "--workers", "1", "--quiet")[0] == 0
    assert outputs(out) == reference


def test_png_compress_level_changes_size_not_pixels(cli, rendered, tmp_path):
    import numpy as np
    from PIL import Image

    plan, reference = rendered
    out = tmp_path / "out"
    code, text, _ = cli(
        "render", plan, "-o", out, "--workers", "1", "--quiet", "--png-compress-level", "9", "--rows", "0-3"
    )
    assert code == 0
    written = sorted(out.rglob("*.png"))
    refs = [reference[p.relative_to(out).as_posix()] for p in written]
    # Level 9 searches every filter and deflates hard: smaller in all than level 1's fast ISA-L
    # deflate (a single noisy image can come out a little bigger: the filter search is a heuristic).
    assert len(written) == 4 and sum(len(p.read_bytes()) for p in written) < sum(len(r) for r in refs)
    import io

    for p, ref in zip(written, refs):
        assert np.array_equal(np.asarray(Image.open(p)), np.asarray(Image.open(io.BytesIO(ref))))
    assert cli("render", plan, "-o", out, "--png-compress-level", "10")[0] == 2


def test_summary_line(cli, rendered, tmp_path):
    plan, _ = rendered
    code, text, _ = cli("render", plan, "-o", tmp_path / "out", "--workers", "1", "--quiet", "--rows", "0-1")
    assert code == 0
    assert "rendered 2, skipped 22" in text and "failed 0; success rate 100.0%;" in text and "images/s" in text
