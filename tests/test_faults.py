"""Fault tests through the real command: SIGKILL, SIGINT and two renders at once never lose or corrupt work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import FAULT_ROWS as ROWS
from helpers import assert_complete, outputs, start_render, wait_for_labels
from synthocr.renderer.storage import HOST

pytestmark = pytest.mark.slow


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_sigkill_then_resume_gives_the_clean_result(job, tmp_path):
    plan, reference = job
    out = tmp_path / "out"
    proc = start_render(plan, out, "--workers", "2", "--chunk-size", "2")
    wait_for_labels(out, 6, proc)
    os.killpg(proc.pid, signal.SIGKILL)  # the parent and its workers, as a machine crash would
    proc.wait()
    present = len(list(out.rglob("image_*.json")))
    assert 6 <= present < ROWS, "the kill came too late to test anything"
    # A killed writer's temp file, as SIGKILL mid-write leaves one: the next run removes it.
    stale = out / "00000" / f".tmp-{HOST}-{dead_pid()}-deadbeef-abcdef-image_00000001.png"
    stale.write_bytes(b"\x89PNG half")
    code, text, _ = (lambda p: (p.wait(), *p.communicate()))(start_render(plan, out, "--workers", "2"))
    assert code == 0 and f"skipped {present}" in text
    assert_complete(out, reference)


def test_two_renders_into_one_dir_at_once(job, tmp_path):
    plan, reference = job
    out = tmp_path / "out"
    procs = [start_render(plan, out, "--workers", "1", "--chunk-size", "2") for _ in range(2)]
    results = [(p.wait(timeout=120), *p.communicate()) for p in procs]
    assert [r[0] for r in results] == [0, 0], results
    assert_complete(out, reference)


def test_sigint_stops_quickly_and_says_how_to_resume(long_job, tmp_path):
    plan, reference = long_job
    out = tmp_path / "out"
    proc = start_render(plan, out, "--workers", "2", "--chunk-size", "2")
    wait_for_labels(out, 4, proc)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal reaches the whole process group
    started = time.monotonic()
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and time.monotonic() - started < 5
    assert "To resume" in err and f"synthocr render {plan} -o {out}" in err and "Traceback" not in err
    assert not list(out.rglob(".tmp-*"))
    assert len(list(out.rglob("image_*.json"))) < len(reference)
    code, _, _ = (lambda p: (p.wait(), *p.communicate()))(start_render(plan, out, "--workers", "1"))
    assert code == 0
    assert_complete(out, reference)


def test_a_zombie_process_counts_as_dead():
    """A killed worker whose parent died lingers as a zombie until reaped: its temps are stale."""
    from synthocr.renderer.storage import _alive

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    stat = Path(f"/proc/{child.pid}/stat")
    deadline = time.monotonic() + 30
    while stat.exists() and stat.read_bytes().rsplit(b")", 1)[1].split()[0] != b"Z":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    try:
        assert not _alive(child.pid)
    finally:
        child.wait()
    assert not _alive(child.pid)
    assert _alive(os.getpid())


def test_temps_of_processes_dead_since_the_start_go_at_the_end(job, tmp_path, monkeypatch, cli):
    """A killed run restarted at once can start while its workers are still being torn down; the
    temps they leave are removed when the new run ends."""
    from synthocr.renderer import chunk, compose

    plan, reference = job
    out = tmp_path / "out"
    late = out / "00000" / f".tmp-{HOST}-{dead_pid()}-0ld0run0-abcdef-image_00000003.png"
    render_row = compose.render_row

    def leave_a_temp(row, assets, *limits):  # appears after the run's start-up scan, as a dying worker's would
        late.parent.mkdir(parents=True, exist_ok=True)
        late.write_bytes(b"partial")
        return render_row(row, assets, *limits)

    monkeypatch.setattr(chunk, "render_row", leave_a_temp)
    assert cli("render", plan, "-o", out, "--workers", "1", "--quiet")[0] == 0
    assert not late.exists()
    assert outputs(out) == reference
