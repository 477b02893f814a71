"""Running render tasks on a pool: results in any order, and a row that kills its worker fails alone."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import CancelledError
from typing import Any

import numpy as np

from synthocr.errors import UserError
from synthocr.renderer.backends import Pool
from synthocr.renderer.chunk import failure, render_chunk
from synthocr.renderer.io import image_ids, plan_reader
from synthocr.renderer.job import ChunkTask
from synthocr.renderer.local_pool import WorkersDied

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
    elif pool.local is not None:

        def reported(key: int, result: dict[str, Any]) -> None:
            del tasks[key]
            on_result(result)

        pool.local.run(render_chunk, {k: (task, c) for k, c in tasks.items()}, reported)
    else:
        for key, rows in list(tasks.items()):
            result = render_chunk(task, rows)
            del tasks[key]
            on_result(result)


class ChunkLost(Exception):
    """The Dask scheduler gave up on task `key`: the workers that ran it died (KilledWorker)."""

    def __init__(self, key: int, cause: BaseException) -> None:
        super().__init__(f"task {key}: {cause}")
        self.key = key


class ClusterLost(UserError):
    """The Dask scheduler went away, or the cluster has had no workers for too long: nothing can finish."""


POLL_SECONDS = 2.0  # how often a wait for Dask results looks at the cluster's health
NO_WORKERS_SECONDS = 60.0  # a cluster without any worker for this long is given up


def _drain_dask(
    task: ChunkTask,
    tasks: dict[int, np.ndarray],
    pool: Pool,
    on_result: Callable[[dict[str, Any]], None],
) -> None:
    """_drain on a Dask client: at most a few tasks per worker thread in flight, results in any order.

    A task whose workers died raises ChunkLost naming it; any other error of a task (a full disk,
    say) is raised as it is. A scheduler that stops answering, or a cluster left without workers
    for NO_WORKERS_SECONDS, raises ClusterLost instead of waiting forever. Either way the tasks
    still in flight are cancelled.
    """
    from distributed import KilledWorker, wait

    todo = iter(list(tasks.items()))
    in_flight: dict[Any, int] = {}
    client = pool.client

    def submit_next() -> None:
        item = next(todo, None)
        if item is not None:
            in_flight[client.submit(_keyed, item[0], task, item[1], pure=False)] = item[0]

    for _ in range(2 * max(pool.threads, 1) + 2):
        submit_next()
    no_workers_since: float | None = None
    try:
        while in_flight:
            try:
                finished, _ = wait(list(in_flight), timeout=POLL_SECONDS, return_when="FIRST_COMPLETED")
            except TimeoutError:
                no_workers_since = _check_cluster(client, no_workers_since)
                continue
            except (OSError, RuntimeError, CancelledError) as exc:  # the connection is gone (scheduler killed)
                raise _lost(client, exc) from None
            for future in finished:
                key = in_flight.pop(future)
                if future.status == "error":
                    error = future.exception()
                    if isinstance(error, KilledWorker):
                        raise ChunkLost(key, error) from None
                    raise error
                if future.status in ("lost", "pending"):
                    # Its result was held by a worker that died before we fetched it (a crashing row in a
                    # later task kills the worker; on a loaded machine the fetch comes late): the scheduler
                    # computes it again, so wait for it again. The outputs it wrote are rewritten, same bytes.
                    in_flight[future] = key
                    continue
                if future.status != "finished":  # cancelled: the scheduler forgot it (restarted, or gone)
                    raise _lost(client, RuntimeError(f"task {key} was {future.status}"))
                try:
                    key, outcome = future.result()
                except KilledWorker as exc:  # lost with its worker since the wait, and its rerun killed another
                    raise ChunkLost(key, exc) from None
                except (OSError, CancelledError) as exc:  # the scheduler went away between the wait and here
                    raise _lost(client, exc) from None
                del tasks[key]
                on_result(outcome)
                submit_next()
    finally:
        try:
            client.cancel(list(in_flight))
        except Exception:  # the scheduler may be gone; nothing is left to cancel then
            pass


def _check_cluster(client: Any, since: float | None) -> float | None:
    """When the cluster has had no worker since `since` for NO_WORKERS_SECONDS, raise ClusterLost."""
    try:
        workers = len(client.scheduler_info().get("workers", {}))
        status = client.status
    except Exception as exc:  # any failure to reach the scheduler means the same thing
        raise _lost(client, exc) from None
    if status not in ("running", "connecting"):
        raise _lost(client, RuntimeError(f"the client is {status}"))
    if workers:
        return None
    now = time.monotonic()
    if since is None:
        log.warning("the Dask cluster has no workers; waiting up to %.0f s for some", NO_WORKERS_SECONDS)
        return now
    if now - since > NO_WORKERS_SECONDS:
        raise ClusterLost(
            f"the Dask cluster at {_address(client)} has had no workers for {NO_WORKERS_SECONDS:.0f} s, so the "
            "run stopped. Finished outputs are kept; start workers (or a new cluster) and run the same "
            "command again to render the rest."
        )
    return since


def _lost(client: Any, exc: BaseException) -> ClusterLost:
    return ClusterLost(
        f"the Dask scheduler at {_address(client)} stopped answering ({type(exc).__name__}: {exc}), so the run "
        "stopped. Finished outputs are kept and nothing half-written counts as done; start the scheduler and "
        "its workers again and run the same command to render the rest."
    )


def _address(client: Any) -> str:
    try:
        return str(client.scheduler.address)
    except Exception:  # only for the message
        return "(unknown address)"


def run_chunks(
    task: ChunkTask,
    chunks: list[np.ndarray],
    pool: Pool,
    on_result: Callable[[dict[str, Any]], None],
) -> None:
    """Run the chunks on the pool; a row that kills its worker fails alone.

    A worker process that dies (a crash in a C library, the out-of-memory killer) loses only the
    chunk it was running: the local pool (WorkersDied, once the other chunks are done) and the Dask
    scheduler (ChunkLost) name it, and its rows run again one by one (_isolate). The temp files of
    the dead worker's unfinished writes are deleted when the run ends.
    """
    pending = dict(enumerate(chunks))
    while pending:
        try:
            _drain(task, pending, pool, on_result)
        except (ChunkLost, WorkersDied) as exc:
            lost = [pending.pop(k) for k in _lost_keys(exc)]
            log.warning(
                "%s; running the %d rows %s rendering %s",
                "a worker process died" if len(lost) == 1 else f"{len(lost)} worker processes died",
                sum(map(len, lost)),
                "it was" if len(lost) == 1 else "they were",
                "one by one" if task.layout == "files" else "one shard at a time",
            )
            _isolate(task, _units(task, lost), pool, on_result)


def _lost_keys(exc: ChunkLost | WorkersDied) -> list[int]:
    return exc.keys if isinstance(exc, WorkersDied) else [exc.key]


def _units(task: ChunkTask, chunks: list[np.ndarray]) -> dict[int, np.ndarray]:
    """What runs alone after a crash: single rows, or whole shards in shard layouts (a shard is written whole)."""
    if task.layout == "files":
        return {int(r): np.array([r], np.int64) for c in chunks for r in c}
    return {int(c[0]): c for c in chunks}


def _isolate(
    task: ChunkTask,
    todo: dict[int, np.ndarray],
    pool: Pool,
    on_result: Callable[[dict[str, Any]], None],
) -> None:
    """Render the units of `todo` (single rows, or whole shards) one per task. Units whose worker died
    run again alone, one task in flight at a time, and the rows of a unit that still kills its worker
    are recorded as failed (error type WorkerCrash).

    Alone, because on Dask a dying worker can take down with it the tasks queued beside it.
    """
    suspects: dict[int, np.ndarray] = {}
    while todo:
        try:
            _drain(task, todo, pool, on_result)
        except (ChunkLost, WorkersDied) as exc:
            suspects.update((k, todo.pop(k)) for k in _lost_keys(exc))
    if not suspects:
        return
    for key, c in suspects.items():
        started = time.perf_counter()
        try:  # one task: still run in a worker process whenever the pool has them
            _drain(task, {key: c}, pool, on_result)
        except (WorkersDied, ChunkLost) as exc:
            crash = RuntimeError(
                f"the worker process rendering this row died ({exc}); the row is left out, the others are rendered"
            )
            rows = np.sort(c)
            ids = image_ids(plan_reader(task.plan).pf, rows).tolist()
            records = [failure(i, crash, started) | {"error_type": "WorkerCrash"} for i in ids]
            on_result({"rendered": 0, "failed": records, "written": []})
