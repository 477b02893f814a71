"""Ten SIGKILLs at seeded random moments over a 2000-row render, per backend; the resumed output equals a clean one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from helpers import TINY, outputs, plan_and_render, start_render

pytestmark = pytest.mark.reliability

ROWS = 2000
KILLS = 10
BACKENDS = {
    "workers 1": ("--workers", "1"),
    "workers 2": ("--workers", "2", "--chunk-size", "16"),
    "local-dask": ("--backend", "local-dask", "--workers", "2", "--chunk-size", "16"),
}


@pytest.fixture(scope="module")
def big_job(tmp_path_factory):
    """A 2000-row plan and its clean single-process render."""
    return plan_and_render(tmp_path_factory.mktemp("kills"), {**TINY, "total_images": ROWS})


def _labels(out: Path) -> int:
    return sum(1 for _ in out.rglob("image_*.json")) if out.exists() else 0


def _kill_at(proc: subprocess.Popen, out: Path, target: int, pause: float, timeout: float = 300) -> None:
    """SIGKILL the render's whole process group once `target` labels exist and `pause` seconds more have passed."""
    deadline = time.monotonic() + timeout
    while _labels(out) < target:
        if proc.poll() is not None:
            return  # it finished first: nothing to kill
        assert time.monotonic() < deadline, f"no progress to {target} labels in {timeout} s"
        time.sleep(0.05)
    time.sleep(pause)
    os.killpg(proc.pid, signal.SIGKILL)  # parent, workers and cluster at once, as a power cut would
    proc.wait()


def _finish(proc: subprocess.Popen, timeout: float = 600) -> tuple[int, str]:
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"render hung for {timeout} s")
    return proc.returncode, err


@pytest.mark.parametrize("backend", BACKENDS)
def test_ten_random_kills_then_resume_is_byte_identical(big_job, tmp_path, backend, record_property):
    plan, reference = big_job
    out = tmp_path / "out"
    rng = np.random.default_rng(sum(map(ord, backend)))  # seeded: the same moments on every run
    targets = np.sort(rng.choice(np.arange(20, ROWS - 200), KILLS, replace=False))
    pauses = rng.uniform(0.0, 0.3, KILLS)
    kills = damaged_done = 0
    for target, pause in zip(targets.tolist(), pauses.tolist()):
        proc = start_render(plan, out, *BACKENDS[backend])
        _kill_at(proc, out, target, pause)
        kills += proc.returncode == -signal.SIGKILL
        # Whatever a kill left, every label on disk parses and names a complete, correct image.
        on_disk = outputs(out)
        for name, data in on_disk.items():
            if name.endswith(".json"):
                json.loads(data)
                image = name[: -len(".json")] + ".png"
                damaged_done += on_disk.get(image) != reference[image]
    code, err = _finish(start_render(plan, out, *BACKENDS[backend]))
    assert code == 0, err
    final = outputs(out)
    different = sum(1 for name, data in reference.items() if final.get(name) != data)
    record_property("kills", kills)
    record_property("files_lost", different)
    record_property("byte_different", different)
    record_property("damaged_done", damaged_done)
    record_property("outcomes", {"rendered": 1})
    assert kills == KILLS, f"only {kills} kills landed before the render finished"
    assert damaged_done == 0
    assert different == 0 and set(final) == set(reference)
    assert not list(out.rglob(".tmp-*"))


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_scheduler_killed_mid_run_then_resume(job, tmp_path, record_property):
    """`dask scheduler` SIGKILLed while a render uses it: a clear error (exit 1 or 2, no traceback), then resume."""
    import sys

    plan, reference = job
    port = _free_port()
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    scheduler = subprocess.Popen(
        [*dask, "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_worker", f"tcp://127.0.0.1:{port}", "--nthreads", "1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    out = tmp_path / "out"
    try:
        proc = start_render(
            plan, out, "--backend", "dask", "--scheduler", f"tcp://127.0.0.1:{port}", "--chunk-size", "1"
        )
        deadline = time.monotonic() + 120
        while _labels(out) < 4:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        os.killpg(scheduler.pid, signal.SIGKILL)
        code, err = _finish(proc, timeout=180)
    finally:
        for p in (scheduler, worker):
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
            p.wait()
    if code == 0:
        pytest.skip("the render finished before the scheduler died")
    # distributed logs its own reconnection attempts (with their tracebacks); ours ends with the error paragraph
    assert code in (1, 2) and "\nerror: " in f"\n{err}" and "synthocr/" not in err, err[-2000:]
    code, err = _finish(start_render(plan, out, "--workers", "1"))
    assert code == 0, err
    final = outputs(out)
    different = sum(1 for name, data in reference.items() if final.get(name) != data)
    record_property("kills", 1)
    record_property("byte_different", different)
    record_property("outcomes", {"clean_error": 1})
    assert different == 0 and set(final) == set(reference)
