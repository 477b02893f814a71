"""Hard stops through the real command: repeated SIGKILL, SIGINT and a worker that dies lose nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from helpers import FAULT_ROWS as ROWS
from helpers import assert_complete, outputs, start_render, wait_for_labels

pytestmark = pytest.mark.slow


def finish(proc: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    """Wait for the command; one that runs past `timeout` has hung: its process group is killed, the test fails."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"synthocr render hung for {timeout} s and was killed: {err[-2000:]}")
    return proc.returncode, out, err


def check_done_means_done(out: Path, reference: dict[str, bytes]) -> None:
    """Every label on disk parses and its image is complete: nothing counts as done that is not."""
    for label in out.rglob("image_*.json"):
        json.loads(label.read_bytes())
        image = label.with_suffix(".png").relative_to(out).as_posix()
        assert outputs(out).get(image) == reference[image], image


@pytest.mark.reliability
def test_repeated_sigkill_then_resume(job, tmp_path, record_property):
    plan, reference = job
    out = tmp_path / "out"
    kills = 0
    for target in (4, 14, 26, 38):
        proc = start_render(plan, out, "--workers", "2", "--chunk-size", "2")
        wait_for_labels(out, target, proc)
        os.killpg(proc.pid, signal.SIGKILL)  # parent and workers at once, as a power cut would
        proc.wait()
        kills += 1
        check_done_means_done(out, reference)
    assert len(list(out.rglob("image_*.json"))) < len(reference), "the last kill came too late to test anything"
    code, text, err = finish(start_render(plan, out, "--workers", "2"))
    assert code == 0, err
    assert_complete(out, reference)
    lost = sum(1 for name, data in reference.items() if outputs(out).get(name) != data)
    record_property("kills", kills)
    record_property("files_lost", lost)
    assert lost == 0


def test_sigint_exits_130_and_resumes(long_job, tmp_path, record_property):
    plan, reference = long_job
    out = tmp_path / "out"
    proc = start_render(plan, out, "--workers", "2", "--chunk-size", "2")
    wait_for_labels(out, 4, proc)
    os.killpg(proc.pid, signal.SIGINT)
    started = time.monotonic()
    code, _, err = finish(proc, timeout=30)
    assert code == 130 and time.monotonic() - started < 5 and "Traceback" not in err
    assert "To resume" in err and not list(out.rglob(".tmp-*"))
    check_done_means_done(out, reference)
    code, _, _ = finish(start_render(plan, out, "--workers", "2"))
    assert code == 0
    assert_complete(out, reference)
    record_property("kills", 1)
    record_property("files_lost", sum(1 for n, d in reference.items() if outputs(out).get(n) != d))


def crash_hook(folder: Path, ids: set[int]) -> dict[str, str]:
    """Environment whose Python processes die (os._exit) when rendering rows `ids`.

    A sitecustomize module in a test folder, on PYTHONPATH: loky's worker processes import it at
    start-up like any Python process, so the crash happens inside a real worker. No library hook.
    """
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(
        textwrap.dedent(f"""
        import os
        from synthocr.renderer import chunk, compose

        _render_row = compose.render_row

        def render_row(row, assets, *limits):
            if int(row["image_id"]) in {sorted(ids)!r}:
                os._exit(7)  # as a segfault in a C library or the out-of-memory killer would
            return _render_row(row, assets, *limits)

        chunk.render_row = compose.render_row = render_row
    """)
    )
    return {"PYTHONPATH": os.pathsep.join([str(folder), *sys.path])}


@pytest.mark.parametrize(
    ("backend", "crash"),
    # local-dask gives a task up as soon as its worker dies (allowed-failures 0): with Dask's default of 3
    # retries each crashing row killed a dozen workers, and on a loaded machine the cluster ran out of them.
    [("local", {5, 30}), ("local-dask", {9}), pytest.param("local-dask", {9, 20, 41}, marks=pytest.mark.reliability)],
)
def test_worker_crash_fails_its_row_and_the_rest_renders(job, tmp_path, record_property, backend, crash):
    """A row that kills its worker fails alone, the others render, no traceback, and a plain rerun
    finishes the job. On a local Dask cluster the scheduler gives the task up when its worker dies
    (KilledWorker), and results lost with that worker are computed again; joblib's Dask backend used to wait
    forever there."""
    plan, reference = job
    out = tmp_path / "out"
    env = crash_hook(tmp_path / "hook", crash)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "synthocr",
            "render",
            str(plan),
            "-o",
            str(out),
            "--quiet",
            "--workers",
            "2",
            "--backend",
            backend,
            "--chunk-size",
            "4",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore", **env},
    )
    code, text, err = finish(proc, timeout=300)
    assert code == 1, (text, err)
    assert f"rendered {ROWS - len(crash)}" in text and f"failed {len(crash)}" in text and "Traceback" not in err
    records = [json.loads(line) for line in (out / "_render_state.jsonl").read_text().splitlines()]
    assert {r["image_id"] for r in records} == crash and {r["error_type"] for r in records} == {"WorkerCrash"}
    missing = {n for n in reference if n not in outputs(out)}
    assert missing == {f"00000/image_{i:08d}.{ext}" for i in crash for ext in ("png", "json")}
    check_done_means_done(out, reference)
    assert not list(out.rglob(".tmp-*"))
    code, text, _ = finish(start_render(plan, out, "--workers", "2"))  # without the hook: those rows render
    assert code == 0 and f"rendered {len(crash)}," in text
    assert_complete(out, reference)
    record_property("kills", len(crash))
    record_property("files_lost", 0)
