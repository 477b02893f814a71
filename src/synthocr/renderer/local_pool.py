"""Local worker processes forked from the render process once it has imported the renderer.

A forked worker starts with everything the parent loaded (Python, numpy, Pillow, HarfBuzz, the
renderer): nothing to import, nothing to unpickle but its tasks. Spawned processes (loky) each paid
about 0.6 s of CPU importing before their first row, which kept two cold workers at 1.3x the speed of
one. Each worker runs one task at a time, so the parent always knows which task a dead worker was
running: only that task is lost, and the other workers go on.

Where fork is not available (macOS, Windows), the workers are spawned: same protocol, slower start.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

log = logging.getLogger(__name__)

STOP_SECONDS = 5.0  # how long a stopped worker may take to exit before it is killed


class WorkersDied(Exception):
    """Workers died (a crash in a C library, the out-of-memory killer) while running the tasks `keys`."""

    def __init__(self, keys: list[Any], exitcodes: list[int | None]) -> None:
        super().__init__("; ".join(map(_how, exitcodes)))
        self.keys = keys


def _how(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            return f"killed by {signal.Signals(-exitcode).name}"
        except ValueError:
            return f"killed by signal {-exitcode}"
    return f"exit status {exitcode}"


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if sys.platform == "linux" and "fork" in methods else "spawn")


def _serve(conn: Connection) -> None:
    """A worker's loop: run `fn(*args)` for each (key, fn, args) received, send back (key, ok, value)."""
    # Ctrl-C reaches the whole process group: the parent stops the run and the workers, so they
    # ignore it instead of each printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):  # the parent is gone
            return
        if message is None:
            return
        key, fn, args = message
        try:
            reply = (key, True, fn(*args))
        except Exception as exc:  # raised again in the parent, as a sequential run would raise it
            reply = (key, False, exc)
        try:
            conn.send(reply)
        except OSError:  # the parent is gone (killed): the output is written, nobody is left to tell
            return
        except (pickle.PicklingError, TypeError, AttributeError) as exc:  # an unpicklable error or result
            conn.send((key, False, RuntimeError(f"{type(reply[2]).__name__}: {reply[2]} ({exc})")))


class _Worker:
    def __init__(self, ctx: Any) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.key: Any = None  # the task it runs, None when idle


class LocalPool:
    """`n` worker processes, each running one task at a time; started by the first run that has tasks."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.workers: list[_Worker] = []

    def run(
        self, fn: Callable[..., Any], tasks: dict[Any, tuple[Any, ...]], on_result: Callable[[Any, Any], None]
    ) -> None:
        """Run fn(*args) for every task (key -> args), on_result(key, value) in the parent as each finishes.

        `fn` must be a module-level function (it is pickled by name).

        An exception raised by a task stops the run and is raised here. A worker that dies takes only
        its own task with it: a new worker replaces it, the other tasks run to the end, and then
        WorkersDied names the lost tasks.
        """
        if not tasks:
            return
        todo: Iterator[tuple[Any, Callable[..., Any], tuple[Any, ...]]] = (
            (key, fn, args) for key, args in list(tasks.items())
        )
        ctx = _context()
        while len(self.workers) < self.n:
            self.workers.append(_Worker(ctx))
        lost: list[Any] = []
        codes: list[int | None] = []
        for worker in self.workers:
            _give(worker, todo)
        while any(w.key is not None for w in self.workers):
            busy = {w.conn: w for w in self.workers if w.key is not None}
            busy |= {w.process.sentinel: w for w in self.workers if w.key is not None}
            for ready in wait(list(busy)):
                worker = busy[ready]
                if worker.key is None:  # its result and its sentinel were both ready
                    continue
                try:
                    key, ok, value = worker.conn.recv()
                except (EOFError, OSError):  # it died before answering
                    lost.append(worker.key)
                    codes.append(_exitcode(worker))
                    log.debug("worker %s died (%s) running task %s", worker.process.pid, _how(codes[-1]), worker.key)
                    self.workers.remove(worker)
                    worker.key = None  # its sentinel may be in this same `ready` list
                    worker.conn.close()
                    worker = _Worker(ctx)
                    self.workers.append(worker)
                    _give(worker, todo)
                    continue
                worker.key = None
                if not ok:
                    raise value
                _give(worker, todo)  # before recording the result (checkpoint writes): the worker goes on at once
                on_result(key, value)
        if lost:
            raise WorkersDied(lost, codes)

    def close(self) -> None:
        """Stop every worker: idle ones are told to exit, busy ones (a run stopped half-way) are terminated."""
        for worker in self.workers:
            try:
                if worker.key is None:
                    worker.conn.send(None)
                else:
                    worker.process.terminate()
            except OSError:  # already gone
                pass
        for worker in self.workers:
            worker.process.join(STOP_SECONDS)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self.workers = []


def _give(worker: _Worker, todo: Iterator[tuple[Any, Callable[..., Any], tuple[Any, ...]]]) -> None:
    """The next task to an idle worker. A worker that died since its last answer cannot take it: its
    sentinel is ready, and the task is reported lost with it (and runs again, alone)."""
    item = next(todo, None)
    if item is None:
        return
    worker.key = item[0]
    try:
        worker.conn.send(item)
    except OSError:
        pass


def _exitcode(worker: _Worker) -> int | None:
    worker.process.join(1.0)
    return worker.process.exitcode


def pool_size(workers: int) -> int:
    """--workers as a process count: -1 is one per core, -2 all cores but one, and so on."""
    return workers if workers > 0 else max(1, (os.cpu_count() or 1) + 1 + workers)
