"""The render loop: claim the output dir, find the pending rows, run them in chunks, keep the checkpoint."""

from __future__ import annotations

import logging
import math
import os
import shutil
import time
import uuid
from dataclasses import replace
from typing import Any

import numpy as np
import pyarrow as pa

from synthocr.errors import UserError
from synthocr.output_paths import check_output_path
from synthocr.renderer import done_index
from synthocr.renderer.backends import parallel_backend
from synthocr.renderer.bidi import check_layout_support
from synthocr.renderer.finished import IMAGE_EXTS
from synthocr.renderer.io import (
    CHECKPOINT,
    STATE_LOG,
    append_state,
    check_plan_rows,
    open_plan,
    plan_stamp,
    read_checkpoint,
    share_plan,
    write_checkpoint,
)
from synthocr.renderer.job import ChunkTask, RenderJob, RenderSummary
from synthocr.renderer.pending import pending_mask, positions, selected_rows
from synthocr.renderer.shard_scan import recorded_layout, scan_shards
from synthocr.renderer.shards import ShardLayout, shard_index
from synthocr.renderer.storage import (
    FATAL_ERRNOS,
    Storage,
    fatal_write_error,
    makedirs,
    remove_stale_temps,
    walk_folders,
)
from synthocr.renderer.subset import adopt_subset, has_metadata
from synthocr.schemas.plan import META_FINGERPRINT, META_PLAN_FINGERPRINT, META_ROOTS, plan_metadata

log = logging.getLogger(__name__)

INDEX_FLUSH_ENTRIES = 20_000  # written outputs the parent holds before it writes them to the done index
INDEX_FLUSH_SECONDS = 60.0
CHECKPOINT_SECONDS = 1.0  # the checkpoint's progress counts are at most this old while a run goes on


def render_plan(plan_path: str | os.PathLike[str], out_dir: str | os.PathLike[str], **options: Any) -> RenderSummary:
    """render(RenderJob(plan_path, out_dir, **options)): every option of RenderJob by keyword."""
    return render(RenderJob(os.fspath(plan_path), os.fspath(out_dir), **options))


def render(job: RenderJob) -> RenderSummary:
    """Render every selected row of the plan that has no finished output in the output dir yet.

    With backend "dask" or "local-dask" the chunks run on a Dask cluster; its workers must reach
    the plan and the output dir.

    Raises:
        UserError: bad settings, unreadable plan, an output dir that belongs to another plan, or an
            output dir that refuses writes (OutputWriteError).
        KeyboardInterrupt: after deleting this run's temp files; finished outputs are kept.
    """
    job.check()
    check_layout_support()
    store = Storage(job.output)
    if store.local:
        check_output_path(store.root, "-o", "dir")
    run_id = uuid.uuid4().hex[:8]
    recorded_plan = _absolute(job.plan)  # the plan the checkpoint names
    if not has_metadata(job.plan):  # a subset written by pandas: rendered from a checked copy with metadata
        target = Storage(f"memory://synthocr-dry-run-{run_id}") if job.dry_run else store
        adopted, source = adopt_subset(job.plan, target, job.metadata_from, run_id)
        job, recorded_plan = replace(job, plan=adopted), _absolute(source)
    stamp = plan_stamp(job.plan)  # before the open: see share_plan
    pf = open_plan(job.plan)
    check_plan_rows(pf, job.plan)
    pa.default_memory_pool().release_unused()  # what the checks' row groups took, before the scan adds its own
    share_plan(job.plan, stamp, pf)  # the workers forked later read rows through this open plan
    meta = plan_metadata(pf.schema_arrow)
    started = time.perf_counter()
    total = pf.metadata.num_rows
    selected = selected_rows(pf, total, job.rows, job.where, job.ids)
    _check_layout(store, job)
    if job.dry_run:  # nothing is written, not even the output dir; the rows are counted, not listed
        todo, damaged, _ = _pending(job, pf, store, selected, meta, update=False, run_id="scan")
        pending = int(np.count_nonzero(todo)) if isinstance(todo, np.ndarray) else sum(map(len, todo))
        return RenderSummary(total=total, skipped=total - pending, pending=pending, damaged=damaged)
    made = store.local and not os.path.lexists(store.root)
    _prepare_output_dir(store)
    _claim_output_dir(store, job.plan, meta, job.allow_mismatch)
    todo, damaged, finished = _pending(job, pf, store, selected, meta, update=True, run_id=run_id)
    del selected  # one byte a plan row, not needed from here on
    if isinstance(todo, np.ndarray):
        chunks = deal(positions(todo), job.chunk_size, job.workers)
    else:
        chunks = [np.arange(r.start, r.stop, dtype=np.int64) for r in todo]
    del todo
    pending = sum(map(len, chunks))
    summary = RenderSummary(total=total, skipped=total - pending, damaged=damaged, finished=finished)
    log.info("%d of %d rows to render in %d chunks (run %s)", pending, total, len(chunks), run_id)
    if job.layout != "files":  # the checkpoint records the layout before any shard is written
        _update_checkpoint(store, job, meta, summary, run_id, recorded_plan)
    if chunks:
        task = ChunkTask(
            plan=job.plan,
            output=job.output,
            fmt=job.fmt,
            roots_json=meta[META_ROOTS],
            fingerprint=meta[META_PLAN_FINGERPRINT],
            run_id=run_id,
            png_compress_level=job.png_compress_level,
            io_workers=job.io_workers,
            io_batch_size=job.io_batch_size,
            layout=job.layout,
            shard_size=job.shard_size,
            replace_formats=job.force,
        )
        try:
            _run(job, task, store, meta, chunks, summary, recorded_plan)
        except BaseException:
            if made:  # e.g. an unreachable Dask scheduler: no empty output dir is left behind
                _remove_if_no_outputs(store.root)
            raise
    summary.seconds = time.perf_counter() - started
    _update_checkpoint(store, job, meta, summary, run_id, recorded_plan)
    if summary.uncommitted:
        log.error(
            "%d shards were not written because rows of theirs failed (%s); run the same command again to retry them",
            len(summary.uncommitted),
            ", ".join(summary.uncommitted[:10]),
        )
    return summary


def _pending(
    job: RenderJob,
    pf: Any,
    store: Storage,
    selected: np.ndarray,
    meta: dict[str, str],
    *,
    update: bool,
    run_id: str,
) -> tuple[np.ndarray | list[range], int, int]:
    """The plan rows still to render, how many outputs were damaged, and how many rows of the plan are
    finished already (-1: not known, a forced run does not look).

    Files layout: a mask of the selected rows without a finished output (cut into tasks of `chunk_size`
    rows by `deal`). Shard layouts: the rows of each shard not yet finished, a range per shard (one
    task each).
    """
    total = pf.metadata.num_rows
    if job.layout == "files":
        todo, scan, finished = pending_mask(
            pf,
            store,
            selected,
            force=job.force,
            verify=job.verify,
            any_plan=job.allow_mismatch,
            update=update,
            run_id=run_id,
        )
        return todo, len(scan.damaged) if scan else 0, finished
    layout = ShardLayout(job.layout, job.shard_size)
    if job.force:
        return [layout.rows(k, total) for k in range(layout.count(total))], 0, -1
    fingerprint = None if job.allow_mismatch else meta[META_PLAN_FINGERPRINT]
    shards = scan_shards(store, layout, pf, verify=job.verify, fingerprint=fingerprint, clean_temps=update)
    ranges = [layout.rows(k, total) for k in shards.pending(layout, total)]
    damaged = sum(len(layout.rows(shard_index(n) or 0, total)) for n, _ in shards.damaged)
    return ranges, damaged, total - sum(map(len, ranges))


def deal(todo: np.ndarray, chunk_size: int, workers: int) -> list[np.ndarray]:
    """Cut the pending rows into tasks of `chunk_size` rows, the last 2 * workers * chunk_size rows into
    quarter-size tasks: as the run ends, workers finish within a few rows of each other, not one
    whole chunk apart. Outputs do not depend on the cut."""
    n = workers if workers > 0 else max(1, (os.cpu_count() or 1) + 1 + workers)
    if n == 1 or chunk_size < 4:
        return [todo[i : i + chunk_size] for i in range(0, len(todo), chunk_size)]
    head = max(len(todo) - 2 * n * chunk_size, 0)
    small = chunk_size // 4
    return [todo[i : min(i + chunk_size, head)] for i in range(0, head, chunk_size)] + [
        todo[i : i + small] for i in range(head, len(todo), small)
    ]


def _check_layout(store: Storage, job: RenderJob) -> None:
    """Refuse to write one layout (or shard size) into an output dir that holds another."""
    checkpoint = read_checkpoint(store)
    if checkpoint is None:
        return
    recorded = recorded_layout(checkpoint)
    have = ("files", None) if recorded is None else (recorded.layout, recorded.size)
    want = ("files", None) if job.layout == "files" else (job.layout, job.shard_size)
    if have != want:

        def say(layout: tuple[str, int | None]) -> str:
            return f"--layout {layout[0]}" + (f" --shard-size {layout[1]}" if layout[1] else "")

        raise UserError(
            f"output dir {store.url} holds outputs of {say(have)}, not {say(want)}; render with {say(have)}, "
            "or choose another output dir with -o."
        )


def _run(
    job: RenderJob,
    task: ChunkTask,
    store: Storage,
    meta: dict[str, str],
    chunks: list[Any],
    summary: RenderSummary,
    recorded_plan: str,
) -> None:
    """The chunks on the job's backend, each result recorded as it arrives; this run's temps removed at the end."""
    bar = _progress(sum(map(len, chunks)), job.progress)
    written = _WrittenOutputs(store, task.fingerprint, task.run_id)
    checkpointed = -math.inf  # when this run last wrote the checkpoint

    def on_result(result: dict[str, Any]) -> None:
        nonlocal checkpointed
        _record(store, summary, result)
        written.add(result["written"])
        # The first result claims the output dir for the plan; after it the counts are only progress, so the
        # file (a write and a rename) is refreshed every CHECKPOINT_SECONDS, not after every chunk: the parent's
        # time is taken from the workers' cores. The end of the run writes it once more.
        if time.monotonic() - checkpointed >= CHECKPOINT_SECONDS:
            _update_checkpoint(store, job, meta, summary, task.run_id, recorded_plan)
            checkpointed = time.monotonic()
        if bar is not None:
            bar.update(result["rendered"] + len(result["failed"]))

    # The renderer is imported here, by the parent before it forks its workers (local_pool), and only
    # when there are rows to render: a dry run or a finished plan does without its memory.
    from synthocr.renderer.dispatch import run_chunks

    pa.default_memory_pool().release_unused()  # Arrow memory the plan checks freed: not counted again in each worker
    try:
        with parallel_backend(job.backend, job.scheduler, job.workers) as pool:
            run_chunks(task, chunks, pool, on_result)
    except KeyboardInterrupt:
        removed = _remove_run_temps(store, task.run_id)
        log.warning(
            "interrupted: %d rendered in this run, %d temp files of unfinished outputs deleted",
            summary.rendered,
            removed,
        )
        raise
    finally:
        written.flush()
        if bar is not None:
            bar.close()
    _remove_run_temps(store, task.run_id)


class _WrittenOutputs:
    """The outputs this run wrote, on their way to the done index (a segment every so often)."""

    def __init__(self, store: Storage, fingerprint: str, run_id: str) -> None:
        self.store, self.salt, self.run_id = store, done_index.fingerprint_salt(fingerprint), run_id
        self.names: list[str] = []
        self.images: list[str] = []
        self.fields: list[int] = []
        self.segments = 0
        self.flushed = time.monotonic()

    def add(self, written: list[tuple[str, str, list[int]]]) -> None:
        for name, image, fields in written:
            self.names.append(name)
            self.images.append(image)
            self.fields.extend(fields)
        if len(self.names) >= INDEX_FLUSH_ENTRIES or time.monotonic() - self.flushed > INDEX_FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Write the entries held so far as a new segment; a failure only costs the next scan time."""
        self.flushed = time.monotonic()
        if not self.names:
            return
        table = done_index.entries(
            self.names, self.images, np.array(self.fields, np.int64).reshape(-1, done_index.N_FIELDS), self.salt
        )
        self.names, self.images, self.fields = [], [], []
        try:
            done_index.write_segment(self.store, table, f"run-{self.run_id}-{self.segments:05d}.parquet", self.run_id)
            self.segments += 1
        except OSError as exc:
            log.warning("could not add %d outputs to the done index: %s", table.num_rows, exc)


def _record(store: Storage, summary: RenderSummary, result: dict[str, Any]) -> None:
    summary.rendered += result["rendered"]
    summary.uncommitted.extend(result.get("uncommitted", []))
    summary.failed.extend(result["failed"])
    append_state(store, result["failed"])
    for record in result["failed"]:
        log.error("row %d failed: %s: %s", record["image_id"], record["error_type"], record["error_message"])


def _remove_if_no_outputs(root: str) -> None:
    """Remove an output dir this run made if it holds only bookkeeping (names starting with '_' or '.')."""
    for folder, _dirs, files in os.walk(root):
        rel = os.path.relpath(folder, root)
        hidden = rel != "." and any(p.startswith(("_", ".")) for p in rel.split(os.sep))
        if not hidden and any(not f.startswith(("_", ".")) for f in files):
            return  # an output (or a file of someone else's) is there: keep everything
    shutil.rmtree(root, ignore_errors=True)


def _prepare_output_dir(store: Storage) -> None:
    try:
        makedirs(store, "")
    except OSError as exc:
        raise fatal_write_error(exc, store, "") from None
    if store.local and not os.access(store.root, os.W_OK):
        raise UserError(f"output dir {store.url} is not writable; choose another with -o or fix its permissions.")


def _remove_run_temps(store: Storage, run_id: str) -> int:
    """Temp files of this run's unfinished writes (workers stopped mid-write leave them), and those of
    processes that have died since the run started."""
    if not store.local:
        return 0
    removed = sum(remove_stale_temps(store, f.rel, f.temps, run_id) for f in walk_folders(store, IMAGE_EXTS) if f.temps)
    try:
        index_temps = [n for n in os.listdir(store.path(done_index.INDEX_DIR)) if n.startswith(".tmp-")]
    except OSError:
        index_temps = []
    return removed + remove_stale_temps(store, done_index.INDEX_DIR, index_temps, run_id)


def _absolute(plan: str) -> str:
    """A local plan path made absolute (so that the checkpoint names it from any directory); URLs as given."""
    return plan if "://" in plan else os.path.abspath(plan)


def _progress(total: int, enabled: bool) -> Any:
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
    log.warning(
        "%s Rendering anyway (--allow-mismatch): its finished outputs with this plan's names and image ids are kept.",
        message,
    )


def _update_checkpoint(
    store: Storage, job: RenderJob, meta: dict[str, str], summary: RenderSummary, run_id: str, plan_path: str
) -> None:
    """Record the run: `plan_path` is the plan the outputs belong to (absolute, or a URL)."""
    data: dict[str, Any] = {
        "plan_path": plan_path,
        "plan_fingerprint": meta[META_PLAN_FINGERPRINT],
        "config_fingerprint": meta[META_FINGERPRINT],
        "total": summary.total,
        # Rows finished before the run and rendered by it; not known after a forced run (null): it re-renders
        # without looking, and a row that fails again keeps its old output.
        "done": summary.finished + summary.rendered if summary.finished >= 0 else None,
        "failed": len(summary.failed),
        "state_log": STATE_LOG,
        "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    if job.layout != "files":
        data |= {"layout": job.layout, "shard_size": job.shard_size}
    try:
        write_checkpoint(store, data, run_id)
    except OSError as exc:
        if exc.errno in FATAL_ERRNOS:
            raise fatal_write_error(exc, store, CHECKPOINT) from None
        raise
