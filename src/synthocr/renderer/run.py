"""Rendering a plan: resume by anti-join, joblib workers over row chunks, run log and checkpoint."""

from __future__ import annotations

import json
import logging
import math
import os
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from joblib import Parallel, delayed
from joblib.externals.loky.process_executor import TerminatedWorkerError

from synthocr.errors import UserError
from synthocr.renderer.assets import RenderAssets
from synthocr.renderer.backends import Pool, check_backend, parallel_backend
from synthocr.renderer.bidi import check_layout_support
from synthocr.renderer.compose import render_row
from synthocr.renderer.io import (
    CHECKPOINT,
    FORMATS,
    IMAGE_EXTS,
    STATE_LOG,
    append_state,
    check_plan_rows,
    encode_image,
    open_plan,
    read_checkpoint,
    read_columns,
    read_rows,
    read_state,
    scan_outputs,
    write_checkpoint,
    write_output,
)
from synthocr.renderer.selection import parse_rows, select_where
from synthocr.renderer.storage import FATAL_ERRNOS, Storage, fatal_write_error, remove_stale_temps, walk_folders
from synthocr.schemas.plan import META_FINGERPRINT, META_PLAN_FINGERPRINT, META_ROOTS, plan_metadata

log = logging.getLogger(__name__)


@dataclass
class RenderSummary:
    """What a render run did."""

    total: int = 0  # rows in the plan
    skipped: int = 0  # already present, or not selected
    rendered: int = 0
    failed: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    pending: int = 0  # rows a dry run would render

    @property
    def images_per_second(self) -> float:
        return self.rendered / self.seconds if self.seconds > 0 else 0.0

    @property
    def success_rate(self) -> float:
        """Rendered rows as a fraction of the rows attempted in this run (1.0 when none were)."""
        attempted = self.rendered + len(self.failed)
        return self.rendered / attempted if attempted else 1.0


@lru_cache(maxsize=4)  # keyed by the plan's asset roots: one font/background cache per worker and plan
def _assets(roots_json: str) -> RenderAssets:
    return RenderAssets(json.loads(roots_json))


def render_chunk(
    plan_path: str,
    rows: np.ndarray,
    out_url: str,
    fmt: str,
    roots_json: str,
    png_compress_level: int = 1,
    run_id: str = "run",
    io_workers: int = 1,
    io_batch_size: int = 16,
) -> dict[str, Any]:
    """Render plan rows at positions `rows` into `out_url`; a failing row is reported, not raised.

    With `io_workers` > 1, encoding and writing run in that many threads (PNG and
    zlib release the GIL), `io_batch_size` finished images at a time, while this
    process draws the next ones. The bytes written are the same either way.

    Raises:
        OutputWriteError: the output dir refuses writes (full, read-only): no later row could succeed.
    """
    pf = open_plan(plan_path)
    assets = _assets(roots_json)
    store = Storage(out_url)
    records: list[dict[str, Any]] = []
    rendered = 0

    def save(item: tuple[dict[str, Any], Any, Any, float]) -> dict[str, Any] | None:
        row, image, label, started = item
        try:
            data = encode_image(image, fmt, png_compress_level)
        except Exception as exc:  # an image that cannot be encoded fails its row only
            return _failure(row, exc, started)
        try:
            write_output(store, row["output_name"], data, fmt, label, run_id)
        except OSError as exc:
            if exc.errno in FATAL_ERRNOS:
                raise fatal_write_error(exc, store, row["output_name"]) from None
            return _failure(row, exc, started)  # e.g. EIO that outlived its retries
        return None

    pool = ThreadPoolExecutor(io_workers) if io_workers > 1 else None
    batch: list[tuple[dict[str, Any], Any, Any, float]] = []

    def flush() -> None:
        nonlocal rendered
        outcomes = list(pool.map(save, batch)) if pool is not None else [save(item) for item in batch]
        batch.clear()
        for outcome in outcomes:
            if outcome is None:
                rendered += 1
            else:
                records.append(outcome)

    try:
        for row in read_rows(pf, rows):
            started = time.perf_counter()
            try:
                image, label = render_row(row, assets)
            except Exception as exc:  # one bad row must not stop the run; it is recorded with its error
                records.append(_failure(row, exc, started))
                continue
            batch.append((row, image, label, started))
            if len(batch) >= (io_batch_size if pool is not None else 1):
                flush()
        flush()
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    return {"rendered": rendered, "failed": records}


def _failure(row: dict[str, Any], exc: BaseException, started: float) -> dict[str, Any]:
    return {
        "image_id": int(row["image_id"]),
        "status": "failed",
        "error_type": type(exc).__name__,
        "error_message": str(exc),
        "processing_time_seconds": round(time.perf_counter() - started, 4),
    }


def _selected(pf: Any, n_rows: int, rows: str | None, where: str | None) -> np.ndarray:
    selected = np.ones(n_rows, bool)
    if rows:
        keep = np.zeros(n_rows, bool)
        keep[parse_rows(rows, n_rows)] = True
        selected &= keep
    if where:
        keep = np.zeros(n_rows, bool)
        keep[select_where(pf.read().to_pandas(), where)] = True
        selected &= keep
    return selected


def _done_mask(names: pa.ChunkedArray, done: pa.ChunkedArray) -> np.ndarray:
    """Which plan output names are among the finished ones: the anti-join, in Arrow (fast, compact)."""
    if len(done) == 0:
        return np.zeros(len(names), bool)
    return pc.is_in(names, value_set=done.combine_chunks()).to_numpy(zero_copy_only=False)


def pending_rows(
    plan_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    force: bool = False,
    rows: str | None = None,
    where: str | None = None,
    clean_temps: bool = False,
) -> tuple[np.ndarray, int]:
    """Positions of selected plan rows whose outputs are not yet in `out_dir` (the anti-join), and the plan size.

    Args:
        force: keep selected rows even if their outputs exist (re-render them).
        rows: "10,20-30" style positions; where: a pandas query over plan columns.
        clean_temps: also delete temp files left by killed runs while listing.
    """
    pf = open_plan(str(plan_path))
    names = read_columns(pf, ["output_name"]).column("output_name")
    selected = _selected(pf, len(names), rows, where)
    if not force:
        scan = scan_outputs(Storage(str(out_dir)), clean_temps=clean_temps)
        selected &= ~_done_mask(names, scan.done)
    return np.flatnonzero(selected), len(names)


def plan_status(plan_path: str | os.PathLike[str], out_dir: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Per specification: total, done (image + parsing label), missing, and failed (missing rows the run
    log records as failed). The last entry, spec "all", sums them. Renders and writes nothing."""
    pf = open_plan(str(plan_path))
    table = read_columns(pf, ["image_id", "spec", "output_name"])
    store = Storage(str(out_dir))
    done = _done_mask(table.column("output_name"), scan_outputs(store).done)
    failed_ids = {int(r["image_id"]) for r in read_state(store) if r.get("status") == "failed"}
    ids = table.column("image_id").to_numpy()
    failed = ~done & np.isin(ids, np.fromiter(failed_ids, np.int64, len(failed_ids)))
    specs = table.column("spec").to_pandas().astype(str).to_numpy()
    out = []
    for spec in [*dict.fromkeys(specs.tolist()), None]:
        mask = np.ones(len(ids), bool) if spec is None else specs == spec
        out.append(
            {
                "spec": "all" if spec is None else spec,
                "total": int(mask.sum()),
                "done": int((done & mask).sum()),
                "missing": int((~done & mask).sum()),
                "failed": int((failed & mask).sum()),
            }
        )
    return out


def render_plan(
    plan_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    workers: int = -1,
    chunk_size: int = 64,
    fmt: str = "png",
    png_compress_level: int = 1,
    allow_mismatch: bool = False,
    progress: bool = False,
    rows: str | None = None,
    where: str | None = None,
    force: bool = False,
    dry_run: bool = False,
    backend: str = "local",
    scheduler: str | None = None,
    io_workers: int = 1,
    io_batch_size: int = 16,
) -> RenderSummary:
    """Render every row of the plan that has no finished output in `out_dir` yet.

    `plan_path` and `out_dir` are local paths or fsspec URLs (file://, memory://, s3://...). With
    backend "dask" or "local-dask" the chunks run on a Dask cluster; its workers must reach both.

    Raises:
        UserError: bad arguments, unreadable plan, an output dir that belongs to another plan, or an
            output dir that refuses writes (OutputWriteError).
        KeyboardInterrupt: after deleting this run's temp files; finished outputs are kept.
    """
    if fmt not in FORMATS:
        raise UserError(f"--format {fmt!r} is not supported; use one of {', '.join(FORMATS)}.")
    if chunk_size < 1:
        raise UserError(f"--chunk-size must be at least 1, got {chunk_size}.")
    if io_workers < 1 or io_batch_size < 1:
        raise UserError(f"I/O workers and I/O batch size must be at least 1, got {io_workers} and {io_batch_size}.")
    if not 0 <= png_compress_level <= 9:
        raise UserError(f"--png-compress-level must be 0 (none, fastest) to 9 (smallest), got {png_compress_level}.")
    check_backend(backend, scheduler)
    check_layout_support()
    plan_path, out_url = str(plan_path), str(out_dir)
    store = Storage(out_url)
    if store.local and os.path.exists(store.root) and not os.path.isdir(store.root):
        raise UserError(f"output dir {out_url} is an existing file, not a folder; choose another path with -o.")
    pf = open_plan(plan_path)
    check_plan_rows(pf, plan_path)
    meta = plan_metadata(pf.schema_arrow)
    started = time.perf_counter()
    todo, total = pending_rows(plan_path, out_url, force=force, rows=rows, where=where, clean_temps=not dry_run)
    summary = RenderSummary(total=total, skipped=total - len(todo))
    if dry_run:  # nothing is written, not even the output dir
        summary.pending = len(todo)
        return summary
    run_id = uuid.uuid4().hex[:8]
    _prepare_output_dir(store)
    _claim_output_dir(store, plan_path, meta, allow_mismatch)
    chunks = [todo[i : i + chunk_size] for i in range(0, len(todo), chunk_size)]
    log.info("%d of %d rows to render in %d chunks (run %s)", len(todo), total, len(chunks), run_id)
    if chunks:
        bar = _progress(len(todo), progress)

        def on_result(result: dict[str, Any]) -> None:
            _record(store, summary, result)
            _update_checkpoint(store, plan_path, meta, summary, run_id)
            if bar is not None:
                bar.update(result["rendered"] + len(result["failed"]))

        args = (out_url, fmt, meta[META_ROOTS], png_compress_level, run_id, io_workers, io_batch_size)
        try:
            with parallel_backend(backend, scheduler, workers) as pool:
                _run_chunks(plan_path, chunks, args, pool, on_result, lambda: _remove_run_temps(store, run_id))
        except KeyboardInterrupt:
            removed = _remove_run_temps(store, run_id)
            log.warning(
                "interrupted: %d rendered in this run, %d temp files of unfinished outputs deleted",
                summary.rendered,
                removed,
            )
            raise
        finally:
            if bar is not None:
                bar.close()
        _remove_run_temps(store, run_id)
    summary.seconds = time.perf_counter() - started
    _update_checkpoint(store, plan_path, meta, summary, run_id)
    return summary


def _keyed(key: int, plan_path: str, rows: np.ndarray, *args: Any) -> tuple[int, dict[str, Any]]:
    """render_chunk's result tagged with the chunk's key: results arrive in any order."""
    return key, render_chunk(plan_path, rows, *args)


def _drain(
    plan_path: str,
    tasks: dict[int, np.ndarray],
    args: tuple[Any, ...],
    pool: Pool,
    on_result: Callable[[dict[str, Any]], None],
) -> None:
    """Run every task (key -> plan rows); each leaves `tasks` as its result is reported."""
    if pool.client is not None:
        _drain_dask(plan_path, tasks, args, pool, on_result)
        return
    for key, result in Parallel(n_jobs=pool.n_jobs, return_as="generator_unordered", batch_size=1)(
        delayed(_keyed)(k, plan_path, c, *args) for k, c in list(tasks.items())
    ):
        del tasks[key]
        on_result(result)


class ChunkLost(Exception):
    """The Dask scheduler gave up on task `key`: the workers that ran it died (KilledWorker)."""

    def __init__(self, key: int, cause: BaseException) -> None:
        super().__init__(f"task {key}: {cause}")
        self.key = key


def _drain_dask(
    plan_path: str,
    tasks: dict[int, np.ndarray],
    args: tuple[Any, ...],
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
            future = pool.client.submit(_keyed, item[0], plan_path, item[1], *args, pure=False)
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


def _run_chunks(
    plan_path: str,
    chunks: list[np.ndarray],
    args: tuple[Any, ...],
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
            _drain(plan_path, pending, args, pool, on_result)
        except ChunkLost as exc:
            rows = pending.pop(exc.key)
            log.warning("a Dask worker died running %d rows; running them one by one", len(rows))
            _isolate(plan_path, rows, args, pool, on_result, clean)
        except TerminatedWorkerError:
            clean()
            suspects = [pending.pop(k) for k in list(pending)[:ahead]]
            rows = np.concatenate(suspects)
            log.warning(
                "a worker process died; running %d rows of the %d chunks in flight one by one", len(rows), len(suspects)
            )
            _isolate(plan_path, rows, args, pool, on_result, clean)


def _isolate(
    plan_path: str,
    rows: np.ndarray,
    args: tuple[Any, ...],
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
            _drain(plan_path, todo, args, pool, on_result)
        except ChunkLost as exc:
            suspects[exc.key] = todo.pop(exc.key)
            continue
        except TerminatedWorkerError:
            clean()
        break
    suspects.update(todo)
    if not suspects:
        return
    ids = read_columns(open_plan(plan_path), ["image_id"]).column("image_id").to_numpy()
    for key, c in suspects.items():
        started = time.perf_counter()
        try:  # one task: joblib still runs it in a worker process whenever n_jobs != 1
            _drain(plan_path, {key: c}, args, pool, on_result)
        except (TerminatedWorkerError, ChunkLost) as exc:
            if isinstance(exc, TerminatedWorkerError):
                clean()
            crash = RuntimeError(
                f"the worker process rendering this row died ({exc}); the row is left out, the others are rendered"
            )
            record = _failure({"image_id": int(ids[key])}, crash, started) | {"error_type": "WorkerCrash"}
            on_result({"rendered": 0, "failed": [record]})


def _record(store: Storage, summary: RenderSummary, result: dict[str, Any]) -> None:
    summary.rendered += result["rendered"]
    summary.failed.extend(result["failed"])
    append_state(store, result["failed"])
    for record in result["failed"]:
        log.error("row %d failed: %s: %s", record["image_id"], record["error_type"], record["error_message"])


def _prepare_output_dir(store: Storage) -> None:
    try:
        store.fs.makedirs(store.root, exist_ok=True)
    except OSError as exc:
        raise fatal_write_error(exc, store, "") from None
    if store.local and not os.access(store.root, os.W_OK):
        raise UserError(f"output dir {store.url} is not writable; choose another with -o or fix its permissions.")


def _remove_run_temps(store: Storage, run_id: str) -> int:
    """Temp files of this run's unfinished writes (workers stopped mid-write leave them), and those of
    processes that have died since the run started."""
    if not store.local:
        return 0
    folders = walk_folders(store, IMAGE_EXTS, stat_after=math.inf)  # names only: one readdir per folder
    return sum(remove_stale_temps(store, f.rel, f.temps, run_id) for f in folders if f.temps)


def _progress(total: int, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="img", smoothing=0.1)


def _claim_output_dir(store: Storage, plan_path: str, meta: dict[str, str], allow_mismatch: bool) -> None:
    """Refuse to mix two plans' outputs in one dir, unless asked to."""
    checkpoint = read_checkpoint(store)
    if checkpoint is None or checkpoint.get("plan_fingerprint") == meta[META_PLAN_FINGERPRINT]:
        return
    message = (
        f"output dir {store.url} holds outputs of another plan (fingerprint {checkpoint.get('plan_fingerprint')}, "
        f"from {checkpoint.get('plan_path')}), not of {plan_path} ({meta[META_PLAN_FINGERPRINT]})."
    )
    if not allow_mismatch:
        raise UserError(message + " Use another output dir, or pass --allow-mismatch to render into it anyway.")
    log.warning("%s Rendering anyway (--allow-mismatch).", message)


def _update_checkpoint(
    store: Storage, plan_path: str, meta: dict[str, str], summary: RenderSummary, run_id: str
) -> None:
    try:
        _write_checkpoint(store, plan_path, meta, summary, run_id)
    except OSError as exc:
        if exc.errno in FATAL_ERRNOS:
            raise fatal_write_error(exc, store, CHECKPOINT) from None
        raise


def _write_checkpoint(
    store: Storage, plan_path: str, meta: dict[str, str], summary: RenderSummary, run_id: str
) -> None:
    write_checkpoint(
        store,
        {
            "plan_path": plan_path,
            "plan_fingerprint": meta[META_PLAN_FINGERPRINT],
            "config_fingerprint": meta[META_FINGERPRINT],
            "total": summary.total,
            "done": summary.skipped + summary.rendered,
            "failed": len(summary.failed),
            "state_log": STATE_LOG,
            "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        },
        run_id,
    )
