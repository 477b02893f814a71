"""Where render chunks run: joblib's local process pool, or a Dask cluster through joblib's dask backend."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
from collections.abc import Iterator

from synthocr.errors import UserError

log = logging.getLogger(__name__)

BACKENDS = ("local", "dask", "local-dask")
CONNECT_TIMEOUT_SECONDS = 30


def check_backend(backend: str, scheduler: str | None) -> None:
    """Reject backend/scheduler combinations before any work is done."""
    if backend not in BACKENDS:
        raise UserError(f"--backend {backend!r} is unknown; use one of {', '.join(BACKENDS)}.")
    if backend == "local" and scheduler:
        raise UserError("--scheduler needs --backend dask.")
    if backend == "dask" and not scheduler:
        raise UserError("--backend dask needs --scheduler tcp://HOST:PORT (the address `dask scheduler` prints); "
                        "use --backend local-dask to start a cluster on this machine instead.")
    if backend == "local-dask" and scheduler:
        raise UserError("--backend local-dask starts its own cluster; drop --scheduler, or use --backend dask.")


@contextlib.contextmanager
def parallel_backend(backend: str, scheduler: str | None, workers: int) -> Iterator[int]:
    """Context in which joblib.Parallel runs on the chosen backend; yields the n_jobs to pass it.

    local: joblib's default (loky processes on this machine), `workers` of them.
    dask: a running cluster at `scheduler` (tcp://HOST:PORT); every worker thread of it is used.
    local-dask: a LocalCluster of `workers` single-threaded processes on this machine, stopped afterwards.
    """
    from joblib import parallel_config

    check_backend(backend, scheduler)
    if backend == "local":
        # Ctrl-C reaches the whole process group: the parent stops the run and kills the workers,
        # so they ignore it instead of each printing a traceback.
        with parallel_config(backend="loky", initializer=ignore_sigint):
            yield workers
        return
    from distributed import Client, LocalCluster

    with contextlib.ExitStack() as stack:
        stack.enter_context(_quiet_distributed())
        if backend == "local-dask":
            n = workers if workers > 0 else max(1, (os.cpu_count() or 1) + 1 + workers)
            # silence_logs: the cluster's own INFO chatter and shutdown noise would drown the summary.
            cluster = stack.enter_context(LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                                       dashboard_address=":0", silence_logs=logging.ERROR))
            client = stack.enter_context(Client(cluster))
        else:
            try:
                client = stack.enter_context(Client(scheduler, timeout=CONNECT_TIMEOUT_SECONDS))
            except (OSError, TimeoutError, ValueError) as exc:
                raise UserError(f"--scheduler {scheduler}: cannot connect to a Dask scheduler ({exc}). Start one "
                                "with `dask scheduler` and workers with `dask worker ADDRESS`.") from None
        threads = sum(client.nthreads().values())
        log.info("dask backend: %s, %d worker threads", client.scheduler.address, threads)
        stack.enter_context(parallel_config(backend="dask"))
        yield -1


@contextlib.contextmanager
def _quiet_distributed() -> Iterator[None]:
    """distributed sets its loggers to INFO; hold them at the root level (at least WARNING) while we run."""
    logger = logging.getLogger("distributed")
    saved = logger.level
    logger.setLevel(max(logging.getLogger().getEffectiveLevel(), logging.WARNING))
    try:
        yield
    finally:
        logger.setLevel(saved)


def ignore_sigint() -> None:
    """Worker initializer: leave SIGINT to the parent process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
