"""Which plan rows a render still has to do (selected and not finished), and `synthocr status`'s counts."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from synthocr.renderer.io import open_plan, read_columns, read_state
from synthocr.renderer.resume import Scan, expected_of, scan_outputs
from synthocr.renderer.selection import parse_rows, select_where
from synthocr.renderer.storage import Storage


def selected_rows(pf: pq.ParquetFile, n_rows: int, rows: str | None, where: str | None) -> np.ndarray:
    """Which plan rows `--rows` and `--where` pick (all when neither is given)."""
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


def find_pending(
    pf: pq.ParquetFile,
    store: Storage,
    selected: np.ndarray,
    *,
    force: bool = False,
    verify: bool = False,
    any_plan: bool = False,
    update: bool = False,
    run_id: str = "scan",
) -> tuple[np.ndarray, Scan | None]:
    """Positions of the `selected` rows (a mask) without a finished output (the anti-join), and the scan.

    Args:
        force: keep selected rows even if their outputs are finished (no scan is made).
        verify: decide "finished" by a full decode and SHA-256 of every image (renderer.finished).
        any_plan: accept outputs whose labels record another plan's fingerprint (--allow-mismatch).
        update: a real run: delete dead processes' temp files and update the done index.
    """
    if force:
        return np.flatnonzero(selected), None
    expected = expected_of(pf)
    if any_plan:
        expected = replace(expected, fingerprint=None)
    scan = scan_outputs(store, expected, verify=verify, update_index=update, clean_temps=update, run_id=run_id)
    return np.flatnonzero(selected & ~scan.done_mask(len(selected))), scan


def pending_rows(
    plan_path: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    force: bool = False,
    rows: str | None = None,
    where: str | None = None,
    verify: bool = False,
) -> tuple[np.ndarray, int]:
    """Positions of selected plan rows whose outputs in `out_dir` are not finished, and the plan size.

    Reads only: nothing in `out_dir` changes. `rows` is "10,20-30" style positions, `where` a
    pandas query over plan columns.
    """
    pf = open_plan(os.fspath(plan_path))
    n_rows = pf.metadata.num_rows
    selected = selected_rows(pf, n_rows, rows, where)
    todo, _ = find_pending(pf, Storage(os.fspath(out_dir)), selected, force=force, verify=verify)
    return todo, n_rows


def plan_status(
    plan_path: str | os.PathLike[str], out_dir: str | os.PathLike[str], verify: bool = False
) -> list[dict[str, Any]]:
    """Per specification: total, done (finished outputs, renderer.finished), missing, damaged (present but
    not finished) and failed (missing rows the run log records as failed). The last entry, spec "all",
    sums them. Renders and writes nothing."""
    pf = open_plan(os.fspath(plan_path))
    table = read_columns(pf, ["image_id", "spec", "output_name"])
    store = Storage(os.fspath(out_dir))
    expected = expected_of(pf)
    scan = scan_outputs(store, expected, verify=verify)
    done = scan.done_mask(table.num_rows)
    damaged_names = pa.array([name for name, _ in scan.damaged], pa.string())
    damaged = ~done & pc.is_in(table.column("output_name"), value_set=damaged_names).to_numpy(zero_copy_only=False)
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
                "damaged": int((damaged & mask).sum()),
                "failed": int((failed & mask).sum()),
            }
        )
    return out
