"""Cold start: the local worker processes are started, and import the renderer, while the parent still
reads the plan and scans the output dir, instead of after it.

`synthocr render` calls start_workers() before it imports the renderer itself; dispatch calls
wait_for_workers() before its first task. Both go through joblib with the same settings as the render
(backends.parallel_backend), so loky keeps the warmed processes for the render's tasks.
"""

from __future__ import annotations

import logging
import os
from typing import Any

log = logging.getLogger(__name__)

# The warm-up tasks in flight: a joblib result generator, held from start_workers to wait_for_workers.
# One per process, since loky's reusable worker pool is one per process.
_warming: list[Any] = []


def warm_worker() -> int:
    """Run in each worker: import what rendering needs (the bulk of a worker's start), return the pid."""
    import joblib  # noqa: F401  (what unpickling a task needs besides the renderer)

    import synthocr.renderer.chunk  # noqa: F401  (the renderer: the bulk of the imports)

    return os.getpid()


def start_workers(workers: int) -> None:
    """Start `workers` local loky processes (-1: one per core) warming up in the background; no-op for 1."""
    n = workers if workers > 0 else max(1, (os.cpu_count() or 1) + 1 + workers)
    if n == 1:
        return
    wait_for_workers()  # a warm-up left over from an earlier call in this process: finish it first
    from joblib import Parallel, delayed, parallel_config

    from synthocr.renderer.backends import ignore_sigint

    try:
        with parallel_config(backend="loky", initializer=ignore_sigint):  # as backends.parallel_backend
            # joblib dispatches a generator's first tasks as soon as it is called, then returns it.
            _warming.append(
                Parallel(n_jobs=workers, return_as="generator_unordered", batch_size=1)(
                    delayed(warm_worker)() for _ in range(n)
                )
            )
    except Exception as exc:  # warming is only a head start: the render starts its workers itself
        log.debug("could not start workers ahead of the render: %s", exc)


def wait_for_workers() -> None:
    """Let the warm-up started by start_workers finish (joblib needs its generator run to the end)."""
    while _warming:
        generator = _warming.pop()
        try:
            for _ in generator:
                pass
        except Exception as exc:  # a worker that failed to warm up is replaced by loky for the real tasks
            log.debug("warming the workers up failed: %s", exc)
