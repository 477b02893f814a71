"""Running render tasks on a pool: results in any order, and a row that kills its worker fails alone."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from joblib.externals.loky.process_executor import TerminatedWorkerError

from synthocr.renderer.backends import Pool
from synthocr.renderer.chunk import failure, render_chunk
from synthocr.renderer.io import open_plan, read_columns
from synthocr.renderer.job import ChunkTask

log = logging.getLogger(__name__)


def _keyed(key: int, task: ChunkTask, rows: np.ndarray) -> tuple[int, dict[str, Any]]:
    """render_chunk's result tagged with the chunk's key: results arrive in any order."""
    return key, render_chunk(task, rows)


def _drain(
    task: ChunkTask,
    tasks: dict[int, np.ndarray],
    pool: Pool,
    on_result: Callable[[dict[str, Any]], None],
) -> None:
    """Run every task (key -> plan rows); each leaves `tasks` as its result is reported."""
    if pool.client is not None:
        _drain_dask(task, tasks, pool, on_result)
        return
    for key, result in Parallel(n_jobs=pool.n_jobs, return_as="generator_unordered", batch_size=1)(
        delayed(_keyed)(k, task, c) for k, c in list(tasks.items())
    ):
        del tasks[key]
        on_result(result)


class ChunkLost(Exception):
    """The Dask scheduler gave up on task `key`: the workers that ran it died (KilledWorker)."""

    def __init__(self, key: int, cause: BaseException) -> None:
        super().__init__(f"task {key}: {cause}")
        self.key = key


def _drain_dask(
    task: ChunkTask,
    tasks: dict[int, np.ndarray],
    pool: Pool,
    on_result: Callable[[dict[str, Any]], None],
) -> None:
    """_drain on a Dask client: at most a few tasks per worker thread in flight, results in any order.

    A task whose workers died raises ChunkLost naming it; any other error of a task (a full disk,
    say) is raised as it is. Either way the tasks still in flight are cancelled.
    """
    from distributed import KilledWorker, as_completed

    todo = iter(list(tasks.items()))
    keys: dict[str, int] = {}
    done = as_completed(with_results=True, raise_errors=False)

    def submit_next() -> None:
        item = next(todo, None)
        if item is not None:
            future = pool.client.submit(_keyed, item[0], task, item[1], pure=False)
            keys[future.key] = item[0]
            done.add(future)

    for _ in range(2 * max(pool.threads, 1) + 2):
        submit_next()
    try:
        for future, result in done:
            if future.status == "error":
                _, exc, _ = result
                if isinstance(exc, KilledWorker):
                    raise ChunkLost(keys[future.key], exc) from None
                raise exc
            key, outcome = result
            del tasks[key]
            on_result(outcome)
            submit_next()
    finally:
        pool.client.cancel(list(done.futures))


def run_chunks(
    task: ChunkTask,
    chunks: list[np.ndarray],
    pool: Pool,
    on_result: Callable[[dict[str, Any]], None],
    clean: Callable[[], int],
) -> None:
    """Run the chunks on the pool; a row that kills its worker fails alone.

    A loky worker process that dies (a crash in a C library, the out-of-memory killer) makes
    joblib raise TerminatedWorkerError and drop every chunk in flight. The chunks in flight are
    among the first unreported ones (joblib dispatches in order, at most 2 * n_jobs ahead): those
    are run again row by row (_isolate), then the rest goes on as before. joblib stops every worker
    of a broken pool, so `clean` then deletes the temp files of their unfinished writes. On Dask
    the scheduler names the lost chunk (ChunkLost) and the other workers go on; the temp files of
    the dead worker are deleted when the run ends.
    """
    pending = dict(enumerate(chunks))
    ahead = 2 * (pool.n_jobs if pool.n_jobs > 0 else (os.cpu_count() or 1)) + 2
    while pending:
        try:
            _drain(task, pending, pool, on_result)
        except ChunkLost as exc:
            rows = pending.pop(exc.key)
            log.warning("a Dask worker died running %d rows; running them one by one", len(rows))
            _isolate(task, rows, pool, on_result, clean)
        except TerminatedWorkerError:
            clean()
            suspects = [pending.pop(k) for k in list(pending)[:ahead]]
            rows = np.concatenate(suspects)
            log.warning(
                "a worker process died; running %d rows of the %d chunks in flight one by one", len(rows), len(suspects)
            )
            _isolate(task, rows, pool, on_result, clean)


def _isolate(
    task: ChunkTask,
    rows: np.ndarray,
    pool: Pool,
    on_result: Callable[[dict[str, Any]], None],
    clean: Callable[[], int],
) -> None:
    """Render `rows` one per task. Rows whose worker died (the task the Dask scheduler gave up on;
    with loky, every row not reported when the pool broke) run again alone, one task in flight at a
    time, and a row that still kills its worker is recorded as failed (error type WorkerCrash).

    Alone, because a dying worker takes down with it the tasks queued beside it, which did nothing.
    """
    todo = {int(r): np.array([r], np.int64) for r in rows}
    suspects: dict[int, np.ndarray] = {}
    while todo:
        try:
            _drain(task, todo, pool, on_result)
        except ChunkLost as exc:
            suspects[exc.key] = todo.pop(exc.key)
            continue
        except TerminatedWorkerError:
            clean()
        break
    suspects.update(todo)
    if not suspects:
        return
    ids = read_columns(open_plan(task.plan), ["image_id"]).column("image_id").to_numpy()
    for key, c in suspects.items():
        started = time.perf_counter()
        try:  # one task: joblib still runs it in a worker process whenever n_jobs != 1
            _drain(task, {key: c}, pool, on_result)
        except (TerminatedWorkerError, ChunkLost) as exc:
            if isinstance(exc, TerminatedWorkerError):
                clean()
            crash = RuntimeError(
                f"the worker process rendering this row died ({exc}); the row is left out, the others are rendered"
            )
            record = failure(int(ids[key]), crash, started) | {"error_type": "WorkerCrash"}
            on_result({"rendered": 0, "failed": [record], "written": []})
