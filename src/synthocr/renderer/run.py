"""Rendering a plan: resume by anti-join, joblib workers over row chunks, run log and checkpoint."""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from synthocr.errors import UserError
from synthocr.renderer.assets import RenderAssets
from synthocr.renderer.bidi import check_layout_support
from synthocr.renderer.compose import render_row
from synthocr.renderer.selection import parse_rows, select_where
from synthocr.renderer.io import (
    FORMATS,
    append_state,
    encode_image,
    iter_labels,
    open_plan,
    read_checkpoint,
    read_columns,
    read_rows,
    write_checkpoint,
    write_output,
)
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


@lru_cache(maxsize=4)  # keyed by the plan's asset roots: one font/background cache per worker and plan
def _assets(roots_json: str) -> RenderAssets:
    return RenderAssets(json.loads(roots_json))


def render_chunk(plan_path: str, rows: np.ndarray, out_dir: str, fmt: str, roots_json: str) -> dict[str, Any]:
    """Render plan rows at positions `rows` into `out_dir`; a failing row is reported, not raised."""
    pf = open_plan(plan_path)
    assets = _assets(roots_json)
    out = Path(out_dir)
    records: list[dict[str, Any]] = []
    rendered = 0
    for row in read_rows(pf, rows):
        started = time.perf_counter()
        try:
            image, label = render_row(row, assets)
            write_output(out, row["output_name"], encode_image(image, fmt), fmt, label)
            rendered += 1
        except Exception as exc:  # one bad row must not stop the run; it is recorded with its error
            records.append({
                "image_id": int(row["image_id"]),
                "status": "failed",
                "error_type": type(exc).__name__,
                "error_message": str(exc),
                "processing_time_seconds": round(time.perf_counter() - started, 4),
            })
    return {"rendered": rendered, "failed": records}


def pending_rows(
    plan_path: str | Path,
    out_dir: str | Path,
    force: bool = False,
    rows: str | None = None,
    where: str | None = None,
) -> tuple[np.ndarray, int]:
    """Positions of selected plan rows whose outputs are not yet in `out_dir` (the anti-join), and the plan size.

    Args:
        force: keep selected rows even if their outputs exist (re-render them).
        rows: "10,20-30" style positions; where: a pandas query over plan columns.
    """
    pf = open_plan(plan_path)
    names = read_columns(pf, ["output_name"]).column("output_name").to_pandas()
    selected = np.ones(len(names), bool)
    if rows:
        keep = np.zeros(len(names), bool)
        keep[parse_rows(rows, len(names))] = True
        selected &= keep
    if where:
        keep = np.zeros(len(names), bool)
        keep[select_where(pf.read().to_pandas(), where)] = True
        selected &= keep
    if not force:
        done = pd.Index(list(iter_labels(Path(out_dir))))
        selected &= ~names.isin(done).to_numpy()
    return np.flatnonzero(selected), len(names)


def render_plan(
    plan_path: str | Path,
    out_dir: str | Path,
    *,
    workers: int = -1,
    chunk_size: int = 64,
    fmt: str = "png",
    allow_mismatch: bool = False,
    progress: bool = False,
    rows: str | None = None,
    where: str | None = None,
    force: bool = False,
    dry_run: bool = False,
) -> RenderSummary:
    """Render every row of the plan that has no finished output in `out_dir` yet.

    Raises:
        UserError: unknown format, unreadable plan, or an output dir that belongs to another plan.
    """
    if fmt not in FORMATS:
        raise UserError(f"--format {fmt!r} is not supported; use one of {', '.join(FORMATS)}.")
    if chunk_size < 1:
        raise UserError(f"--chunk-size must be at least 1, got {chunk_size}.")
    check_layout_support()
    plan_path, out = str(plan_path), Path(out_dir)
    meta = plan_metadata(open_plan(plan_path).schema_arrow)
    started = time.perf_counter()
    todo, total = pending_rows(plan_path, out, force=force, rows=rows, where=where)
    summary = RenderSummary(total=total, skipped=total - len(todo))
    if dry_run:  # nothing is written, not even the output dir
        summary.pending = len(todo)
        return summary
    out.mkdir(parents=True, exist_ok=True)
    if not os.access(out, os.W_OK):
        raise UserError(f"output dir {out} is not writable; choose another with -o.")
    _claim_output_dir(out, plan_path, meta, allow_mismatch)
    chunks = [todo[i : i + chunk_size] for i in range(0, len(todo), chunk_size)]
    log.info("%d of %d rows to render in %d chunks", len(todo), total, len(chunks))
    if chunks:
        bar = _progress(len(todo), progress)
        results = Parallel(n_jobs=workers, return_as="generator_unordered")(
            delayed(render_chunk)(plan_path, c, str(out), fmt, meta[META_ROOTS]) for c in chunks
        )
        for result in results:
            summary.rendered += result["rendered"]
            summary.failed.extend(result["failed"])
            append_state(out, result["failed"])
            for record in result["failed"]:
                log.error("row %d failed: %s: %s", record["image_id"], record["error_type"], record["error_message"])
            _update_checkpoint(out, plan_path, meta, summary)
            if bar is not None:
                bar.update(result["rendered"] + len(result["failed"]))
        if bar is not None:
            bar.close()
    summary.seconds = time.perf_counter() - started
    _update_checkpoint(out, plan_path, meta, summary)
    return summary


def _progress(total: int, enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="img", smoothing=0.1)


def _claim_output_dir(out: Path, plan_path: str, meta: dict[str, str], allow_mismatch: bool) -> None:
    """Refuse to mix two plans' outputs in one dir, unless asked to."""
    checkpoint = read_checkpoint(out)
    if checkpoint is None or checkpoint.get("plan_fingerprint") == meta[META_PLAN_FINGERPRINT]:
        return
    message = (
        f"output dir {out} holds outputs of another plan (fingerprint {checkpoint.get('plan_fingerprint')}, "
        f"from {checkpoint.get('plan_path')}), not of {plan_path} ({meta[META_PLAN_FINGERPRINT]})."
    )
    if not allow_mismatch:
        raise UserError(message + " Use another output dir, or pass --allow-mismatch to render into it anyway.")
    log.warning("%s Rendering anyway (--allow-mismatch).", message)


def _update_checkpoint(out: Path, plan_path: str, meta: dict[str, str], summary: RenderSummary) -> None:
    write_checkpoint(out, {
        "plan_path": plan_path,
        "plan_fingerprint": meta[META_PLAN_FINGERPRINT],
        "config_fingerprint": meta[META_FINGERPRINT],
        "total": summary.total,
        "done": summary.skipped + summary.rendered,
        "failed": len(summary.failed),
        "updated": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    })
