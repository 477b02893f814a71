"""Benchmark parts that run `synthocr` as a user does: a fresh process per run (cold start), CPU time of the
whole process tree, wall time, 1 vs 2 workers, the three output layouts, the share of file I/O, and the peak
memory of status / dry run / render on large plans. Imported by bench/run.py."""

from __future__ import annotations

import compileall
import cProfile
import importlib.util
import json
import os
import pstats
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

CLI = [sys.executable, "-m", "synthocr"]
# The environment of a user's shell. An installed synthocr has its bytecode cached; a sandbox or CI shell with
# PYTHONDONTWRITEBYTECODE set would make every cold start compile synthocr's modules again (about 0.09 s of
# serial time per command), which no user pays. compile_package() writes the cache once before the runs.
USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
PAIR = "files, 2 independent 1-worker processes on half the rows each"


def run_cli(args: list[str], cwd: Path) -> tuple[float, float, str]:
    """`synthocr ARGS` in a fresh process: (wall seconds, CPU seconds of it and every process it waited for, stdout).

    CPU time is user + system from getrusage(RUSAGE_CHILDREN) around the run: the command and its worker
    processes (the render process reaps its workers before it exits), not other work on the machine.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run([*CLI, *args], cwd=cwd, env=USER_ENV, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"synthocr {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc.stdout


def run_cli_pair(args: list[str], halves: tuple[str, str], cwd: Path) -> tuple[float, float, str]:
    """Two `synthocr ARGS --rows HALF` processes at once, each with its own output dir (ARGS[3] + _0, _1): (wall seconds until
    both finished, CPU seconds of both process trees, both stdouts). Nothing is shared between them, so
    this is what the machine gives two processes doing the render's work: the ceiling for 2 workers."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [*CLI, *args[:3], f"{args[3]}_{i}", *args[4:], "--rows", half],
            cwd=cwd,
            env=USER_ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i, half in enumerate(halves)
    ]
    outs = [proc.communicate() for proc in procs]
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    for proc, (_out, err) in zip(procs, outs, strict=True):
        if proc.returncode != 0:
            raise RuntimeError(f"synthocr {' '.join(args)} failed:\n{err[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, "".join(out for out, _err in outs)


def compile_package() -> None:
    """Write the bytecode cache of the synthocr that the runs import, as installing it does."""
    spec = importlib.util.find_spec("synthocr")
    assert spec is not None and spec.submodule_search_locations, "synthocr is not importable"
    compileall.compile_dir(spec.submodule_search_locations[0], quiet=1)


def cold_renders(
    plan: Path, tmp: Path, rows: int, repeats: int, probe: Callable[[], float], progress: Callable[[str], None]
) -> dict[str, Any]:
    """`synthocr render` from a fresh process, interleaved: files with 1 and 2 workers, two independent
    1-worker processes on the two halves of the rows at once (the machine's ceiling for 2 workers), webdataset
    and parquet with 1 worker. Each round starts with a capacity probe. Best wall and best CPU per contender."""
    compile_package()
    halves = (f"0-{rows // 2 - 1}", f"{rows // 2}-{rows - 1}")
    contenders = {
        "files, 1 worker": ["--workers", "1"],
        "files, 2 workers": ["--workers", "2"],
        PAIR: ["--workers", "1"],
        "webdataset, 1 worker": ["--workers", "1", "--layout", "webdataset"],
        "parquet, 1 worker": ["--workers", "1", "--layout", "parquet"],
    }
    wall: dict[str, list[float]] = {k: [] for k in contenders}
    cpu: dict[str, list[float]] = {k: [] for k in contenders}
    probes: list[float] = []
    for rep in range(repeats):
        probes.append(probe())
        for name, extra in contenders.items():
            progress(f"synthocr render {rows} rows, {name}, cold, round {rep + 1}/{repeats} (probe {probes[-1]:.2f}x)")
            out = tmp / f"cold_{rep}_{name.replace(' ', '_').replace(',', '')}"
            command = ["render", str(plan), "-o", str(out), "--quiet", *extra]
            if name == PAIR:
                w, c, stdout = run_cli_pair(command, halves, tmp)
                done = stdout.count(f"rendered {rows // 2},") == 2
            else:
                w, c, stdout = run_cli(command, tmp)
                done = f"rendered {rows}," in stdout
            if not done:
                raise RuntimeError(f"render {name} did not render {rows} rows: {stdout}")
            wall[name].append(w)
            cpu[name].append(c)
    remove_outputs(tmp, "cold_*")
    return {"wall": wall, "cpu": cpu, "probes": probes}


def remove_outputs(tmp: Path, pattern: str) -> None:
    """Delete the outputs of timed runs once all of them are done, never between two: on a filesystem mounted
    with `discard` (as here) deleting thousands of files charges the next run about 3 s of system time."""
    for folder in tmp.glob(pattern):
        shutil.rmtree(folder)


def io_share(plan: Path, tmp: Path, layout: str) -> float:
    """Share of the render's profile (cProfile, in this process, 1 worker) spent writing outputs: creating
    folders and files, writing, renaming and stat'ing them (storage.write_atomic, makedirs, clear_way,
    is_inside and the stat calls of io.write_output)."""
    from synthocr.renderer.run import render_plan

    out = tmp / f"io_{layout}"
    profile = cProfile.Profile()
    profile.enable()
    render_plan(plan, out, workers=1, layout=layout, shard_size=100)
    profile.disable()  # `out` stays until the caller's remove_outputs: see there
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    total = 0.0
    io = 0.0
    for (filename, _line, func), (_cc, _nc, tottime, cumtime, _callers) in stats.items():
        if func == "render_chunk" and filename.endswith("chunk.py"):
            total += cumtime
        if filename.endswith("storage.py") and func in ("write_atomic", "makedirs", "clear_way", "is_inside"):
            io += cumtime
        if func == "<built-in method posix.stat>" or (filename == "~" and "posix.stat" in func):
            io += tottime
    return io / total if total else 0.0


RSS_CHILD = """
import sys, threading, time, psutil
from synthocr.cli import main
peak = {}
def sample():
    me = psutil.Process()
    while True:
        for p in [me, *me.children(recursive=True)]:
            try:
                peak[p.pid] = max(peak.get(p.pid, 0), p.memory_info().rss)
            except psutil.Error:
                pass
        time.sleep(0.05)
threading.Thread(target=sample, daemon=True).start()
code = main(sys.argv[1:])
time.sleep(0.1)
import json, os
me = os.getpid()
print(json.dumps({"code": code, "parent": peak.pop(me, 0) / 2**20, "workers": [v / 2**20 for v in peak.values()]}))
"""


IMPORT_RSS_CHILD = """
import resource
import pyarrow.parquet, synthocr.cli, synthocr.renderer.compose, synthocr.renderer.run
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def import_rss(cwd: Path) -> float:
    """Peak RSS (MiB) of a fresh process that imports the render path (synthocr's renderer and pyarrow.parquet)."""
    proc = subprocess.run(
        [sys.executable, "-c", IMPORT_RSS_CHILD], cwd=cwd, env=USER_ENV, capture_output=True, text=True, check=True
    )
    return float(proc.stdout.strip().splitlines()[-1])


def drop_library_cache() -> int:
    """Drop the page cache of the shared libraries under this Python's prefix (the venv): as after a reboot.

    Linux keeps a file that was just written (as pip writes a library) in the page cache in large pieces,
    and a process that maps the library then maps whole pieces: on the development machine a render process
    in a venv installed minutes before mapped about 30 MiB more of numpy's, pyarrow's and OpenCV's code
    than after the cache was dropped (clean file pages, counted in RSS, freed under memory pressure).
    Dropping it first makes the memory rows the same whether the venv is new or not. Returns the count of
    libraries; fsync and POSIX_FADV_DONTNEED need no privilege and change no file.
    """
    count = 0
    for path in Path(sys.prefix).rglob("*.so*"):
        if not path.is_file() or path.is_symlink():
            continue
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)  # a page not yet written back is not dropped
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            count += 1
        finally:
            os.close(fd)
    return count


def peak_rss(args: list[str], cwd: Path) -> dict[str, Any]:
    """Peak RSS (MiB) of `synthocr ARGS` and of each of its worker processes, sampled every 50 ms."""
    proc = subprocess.run(
        [sys.executable, "-c", RSS_CHILD, *args], cwd=cwd, env=USER_ENV, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"synthocr {' '.join(args)} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])
