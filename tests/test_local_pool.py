"""The local worker pool: every task once, a dying worker loses only its own task, errors reach the parent."""

from __future__ import annotations

import os
import time

import pytest

from synthocr.renderer.local_pool import LocalPool, WorkersDied


def square_with_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def die_on(x: int, bad: int) -> int:
    if x == bad:
        os._exit(7)  # as a crash in a C library would
    return x


def fail_on(x: int, bad: int) -> int:
    if x == bad:
        raise ValueError(f"row {x} is bad")
    return x


def sleep_then(x: float) -> float:
    time.sleep(x)
    return x


def run(pool: LocalPool, fn, tasks: dict) -> dict:
    got: dict = {}

    def on_result(key, value) -> None:
        assert key not in got
        got[key] = value

    try:
        pool.run(fn, tasks, on_result)
    finally:
        pool.close()
    return got


def test_every_task_runs_once_in_worker_processes():
    got = run(LocalPool(2), square_with_pid, {k: (k,) for k in range(40)})
    assert {k: v[0] for k, v in got.items()} == {k: k * k for k in range(40)}
    pids = {v[1] for v in got.values()}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2


def test_a_dying_worker_loses_only_its_own_task():
    got: dict = {}
    pool = LocalPool(2)
    with pytest.raises(WorkersDied, match="exit status 7") as caught:
        try:
            pool.run(die_on, {k: (k, 13) for k in range(30)}, got.__setitem__)
        finally:
            pool.close()
    assert caught.value.keys == [13]
    assert got == {k: k for k in range(30) if k != 13}


def test_a_task_error_is_raised_in_the_parent():
    with pytest.raises(ValueError, match="row 3 is bad"):
        run(LocalPool(2), fail_on, {k: (k, 3) for k in range(10)})


def test_close_stops_busy_workers():
    pool = LocalPool(2)
    with pytest.raises(KeyError):

        def stop(key, value) -> None:
            raise KeyError(key)  # the parent stops the run (as Ctrl-C would) while a worker is busy

        pool.run(sleep_then, {0: (0.0,), 1: (30.0,)}, stop)
    started = time.monotonic()
    processes = [w.process for w in pool.workers]
    pool.close()
    assert time.monotonic() - started < 10
    assert not any(p.is_alive() for p in processes)


def test_no_tasks_starts_no_process():
    pool = LocalPool(2)
    pool.run(square_with_pid, {}, lambda k, v: None)
    assert pool.workers == []
