"""What one worker task does: render plan rows and write their outputs; a failing row fails alone."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from functools import lru_cache
from typing import Any

import numpy as np

from synthocr.extras import credentials_error
from synthocr.renderer.assets import RenderAssets
from synthocr.renderer.compose import render_row
from synthocr.renderer.io import PlanRows, encode_image, plan_reader, write_output
from synthocr.renderer.job import ChunkTask
from synthocr.renderer.limits import max_pixels_of
from synthocr.renderer.shards import Sample, ShardLayout, shard_bytes
from synthocr.renderer.storage import FATAL_ERRNOS, Storage, fatal_write_error, with_retries, write_atomic
from synthocr.schemas.plan import plan_metadata


@lru_cache(maxsize=4)  # keyed by the plan's asset roots: one font/background cache per worker and plan
def _assets(roots_json: str) -> RenderAssets:
    return RenderAssets(json.loads(roots_json))


def render_chunk(task: ChunkTask, rows: np.ndarray) -> dict[str, Any]:
    """_render_chunk, with an object store's refusal for want of credentials named as this worker's."""
    try:
        return _render_chunk(task, rows)
    except Exception as exc:
        refused = credentials_error(exc, f"the render worker on {socket.gethostname()} (pid {os.getpid()})")
        if refused is None:
            raise
        raise refused from None


def _render_chunk(task: ChunkTask, rows: np.ndarray) -> dict[str, Any]:
    """Render plan rows at positions `rows` into the task's output dir.

    With `task.io_workers` > 1, encoding and writing run in that many threads (PNG and zlib
    release the GIL), `io_batch_size` finished images at a time, while this process draws the
    next ones. The bytes written are the same either way.

    Returns:
        {"rendered": n, "failed": [run log records], "written": [(name, image, identity numbers)]},
        the last for the done index (local output dirs only).

    Raises:
        OutputWriteError: the output dir refuses writes (full, read-only): no later row could succeed.
    """
    plan = plan_reader(task.plan)
    max_pixels = max_pixels_of(plan_metadata(plan.pf.schema_arrow))
    assets = _assets(task.roots_json)
    store = Storage(task.output)
    if task.layout != "files":
        return _render_shard(task, plan, rows, assets, store)
    records: list[dict[str, Any]] = []
    written: list[tuple[str, str, list[int]]] = []
    folders: set[str] = set()  # output folders made and checked in this chunk (io.write_output)
    rendered = 0

    def save(item: tuple[dict[str, Any], Any, Any, float]) -> dict[str, Any] | None:
        row, image, label, started = item
        try:
            data = encode_image(image, task.fmt, task.png_compress_level)
        except Exception as exc:  # an image that cannot be encoded fails its row only
            return failure(row["image_id"], exc, started)
        name = row["output_name"]
        try:
            image_name, fields = write_output(
                store, name, data, task.fmt, label, task.run_id, task.fingerprint, task.replace_formats, folders
            )
        except OSError as exc:
            if exc.errno in FATAL_ERRNOS:
                raise fatal_write_error(exc, store, name) from None
            return failure(row["image_id"], exc, started)  # e.g. EIO that outlived its retries
        if fields is not None:
            written.append((name, image_name, fields))
        return None

    pool = ThreadPoolExecutor(task.io_workers) if task.io_workers > 1 else None
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
        for row in plan.read(rows):
            started = time.perf_counter()
            try:
                image, label = render_row(row, assets, max_pixels)
            except Exception as exc:  # one bad row must not stop the run; it is recorded with its error
                records.append(failure(row["image_id"], exc, started))
                continue
            batch.append((row, image, label, started))
            if len(batch) >= (task.io_batch_size if pool is not None else 1):
                flush()
        flush()
    finally:
        if pool is not None:
            pool.shutdown(wait=True)
    return {"rendered": rendered, "failed": records, "written": written}


def _render_shard(
    task: ChunkTask, plan: PlanRows, rows: np.ndarray, assets: RenderAssets, store: Storage
) -> dict[str, Any]:
    """Render the rows of one shard (all of them, in plan order) and commit the shard file whole.

    A shard with a failed row is not written: its rows stay pending, and the next run tries them again.
    """
    layout = ShardLayout(task.layout, task.shard_size)
    name = layout.name(int(rows[0]) // task.shard_size)
    samples: list[Sample] = []
    records: list[dict[str, Any]] = []
    max_pixels = max_pixels_of(plan_metadata(plan.pf.schema_arrow))
    for row in plan.read(rows):
        started = time.perf_counter()
        try:
            image, label = render_row(row, assets, max_pixels)
            data = encode_image(image, task.fmt, task.png_compress_level)
        except Exception as exc:  # one bad row must not stop the run; it is recorded with its error
            records.append(failure(row["image_id"], exc, started))
            continue
        key = f"image_{row['image_id']:08d}.{task.fmt}"
        label = replace(
            label, image=key, plan_fingerprint=task.fingerprint, image_sha256=hashlib.sha256(data).hexdigest()
        )
        samples.append(
            Sample(row["image_id"], row["output_name"], task.fmt, data, label.to_json().encode(), row["text"])
        )
    if records:
        return {"rendered": 0, "failed": records, "written": [], "uncommitted": [name]}
    try:
        with_retries(
            lambda: write_atomic(store, name, shard_bytes(task.layout, samples), task.run_id),
            f"writing {store.path(name)}",
        )
    except OSError as exc:
        if exc.errno in FATAL_ERRNOS:
            raise fatal_write_error(exc, store, name) from None
        started = time.perf_counter()
        return {"rendered": 0, "failed": [failure(s.image_id, exc, started) for s in samples], "written": []}
    return {"rendered": len(samples), "failed": [], "written": []}


def failure(image_id: int, exc: BaseException, started: float) -> dict[str, Any]:
    """The run log record of a row that failed with `exc`."""
    return {
        "image_id": int(image_id),
        "status": "failed",
        "error_type": type(exc).__name__,
        "error_message": str(exc),
        "processing_time_seconds": round(time.perf_counter() - started, 4),
    }
