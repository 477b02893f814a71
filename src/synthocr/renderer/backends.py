"""Where render chunks run: this process, local worker processes forked from it, or a Dask cluster."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from synthocr.errors import UserError
from synthocr.extras import require
from synthocr.renderer.local_pool import LocalPool, pool_size

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
        raise UserError(
            "--backend dask needs --scheduler tcp://HOST:PORT (the address `dask scheduler` prints); "
            "use --backend local-dask to start a cluster on this machine instead."
        )
    if backend == "local-dask" and scheduler:
        raise UserError("--backend local-dask starts its own cluster; drop --scheduler, or use --backend dask.")
    if backend != "local":
        require("distributed", f"--backend {backend}")


@dataclass(frozen=True)
class Pool:
    """Where tasks go: this process (`local` and `client` None), local worker processes, or a Dask client."""

    n_jobs: int
    local: LocalPool | None = None
    client: Any = None  # distributed.Client
    threads: int = 0  # worker threads of the Dask cluster


@contextlib.contextmanager
def parallel_backend(backend: str, scheduler: str | None, workers: int) -> Iterator[Pool]:
    """The pool of the chosen backend, for the duration of a run.

    local: `workers` processes forked from this one (local_pool), or this process alone for 1.
    dask: a running cluster at `scheduler` (tcp://HOST:PORT); every worker thread of it is used.
    local-dask: a LocalCluster of `workers` single-threaded processes on this machine, stopped afterwards.
    Dask tasks are submitted to the client directly rather than through joblib's Dask backend,
    which never reports a task the scheduler gave up on (KilledWorker) and would wait forever.
    """
    check_backend(backend, scheduler)
    if backend == "local":
        n = pool_size(workers)
        local = LocalPool(n) if n > 1 else None
        try:
            yield Pool(n, local)
        finally:
            if local is not None:
                local.close()
        return
    distributed = require("distributed", f"--backend {backend}")
    Client, LocalCluster = distributed.Client, distributed.LocalCluster
    dask_config = require("dask.config", f"--backend {backend}").set

    with contextlib.ExitStack() as stack:
        stack.enter_context(_quiet_distributed())
        if backend == "local-dask":
            n = pool_size(workers)
            # A task whose worker dies is given up at once (KilledWorker), not retried on 3 more workers:
            # here a worker dies only of its row (a crash, the out-of-memory killer), and each retry killed
            # another worker, a dozen deaths per crashing row; restarts that slow on a loaded machine left
            # the cluster without workers (ClusterLost). dispatch._isolate runs the rows again alone instead.
            stack.enter_context(dask_config({"distributed.scheduler.allowed-failures": 0}))
            # silence_logs: the cluster's own INFO chatter and shutdown noise would drown the summary.
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=":0",
                    silence_logs=logging.ERROR,
                )
            )
            client = stack.enter_context(Client(cluster))
            # Let workers that are restarting after a crash finish starting before the cluster stops:
            # a worker stopped half-way through its start prints a traceback.
            stack.callback(_settle, client, n)
        else:
            try:
                client = stack.enter_context(Client(scheduler, timeout=CONNECT_TIMEOUT_SECONDS))
            except (OSError, TimeoutError, ValueError) as exc:
                raise UserError(
                    f"--scheduler {scheduler}: cannot connect to a Dask scheduler ({exc}). Start one "
                    "with `dask scheduler` and workers with `dask worker ADDRESS`."
                ) from None
        threads = sum(client.nthreads().values())
        log.info("dask backend: %s, %d worker threads", client.scheduler.address, threads)
        yield Pool(-1, None, client, threads)


def _settle(client: Any, n_workers: int) -> None:
    """Wait (up to CONNECT_TIMEOUT_SECONDS) until the local cluster has all its workers again."""
    try:
        client.wait_for_workers(n_workers, timeout=CONNECT_TIMEOUT_SECONDS)
    except (OSError, TimeoutError):
        log.warning("the local Dask cluster had fewer than %d workers when it stopped", n_workers)


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
