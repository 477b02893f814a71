"""Which plan rows a render still has to do (selected and not finished), and `synthocr status`'s counts."""

from __future__ import annotations

import os
from dataclasses import replace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from synthocr.renderer.io import check_output_names, open_plan, read_checkpoint, read_state
from synthocr.renderer.resume import Scan, expected_of, scan_outputs
from synthocr.renderer.row_groups import row_groups
from synthocr.renderer.selection import read_ids, rows_mask, select_where, unknown_ids
from synthocr.renderer.shard_scan import recorded_layout, scan_shards
from synthocr.renderer.shards import shard_index
from synthocr.renderer.storage import Storage
from synthocr.schemas.arrow_numpy import string_array, to_bools, to_numpy
from synthocr.schemas.plan import META_PLAN_FINGERPRINT, plan_metadata

POSITION_BLOCK = 1 << 20  # mask entries turned into positions at a time


def selected_rows(
    pf: pq.ParquetFile, n_rows: int, rows: str | None, where: str | None, ids: str | None = None
) -> np.ndarray:
    """Which plan rows `--rows`, `--where` and `--ids` pick (all when none is given; each narrows the others).

    `--where` and `--ids` read the plan one row group at a time: a mask of one byte a row is all that grows
    with the plan.
    """
    selected = rows_mask(rows, n_rows) if rows else np.ones(n_rows, bool)
    if ids:
        wanted = read_ids(ids)  # sorted, unique
        found = np.zeros(len(wanted), bool)
        for start, group in row_groups(pf, ["image_id"]):
            plan_ids = to_numpy(group.column("image_id"))
            at = np.minimum(np.searchsorted(wanted, plan_ids), max(len(wanted) - 1, 0))
            hit = wanted[at] == plan_ids if len(wanted) else np.zeros(len(plan_ids), bool)
            found[at[hit]] = True
            selected[start : start + len(plan_ids)] &= hit
        if not found.all():
            raise unknown_ids(wanted[~found], ids)
    if where:
        for start, group in row_groups(pf, None):
            picked = np.zeros(group.num_rows, bool)
            picked[select_where(group.to_pandas(), where)] = True
            selected[start : start + group.num_rows] &= picked
    return selected


def positions(mask: np.ndarray) -> np.ndarray:
    """np.flatnonzero(mask) as int32 when the positions fit (half the memory: 400 MB less at 100M rows),
    filled a block at a time into an array of the exact size: no int64 copy of them all, nor a list of
    blocks beside the result, is ever held."""
    out = np.empty(int(np.count_nonzero(mask)), np.int32 if len(mask) < 2**31 else np.int64)
    at = 0
    for i in range(0, len(mask), POSITION_BLOCK):
        found = np.flatnonzero(mask[i : i + POSITION_BLOCK])
        out[at : at + len(found)] = found + i
        at += len(found)
    return out


def pending_mask(
    pf: pq.ParquetFile,
    store: Storage,
    selected: np.ndarray,
    *,
    force: bool = False,
    verify: bool = False,
    any_plan: bool = False,
    update: bool = False,
    run_id: str = "scan",
) -> tuple[np.ndarray, Scan | None, int]:
    """Which of the `selected` rows (a mask) have no finished output (the anti-join), as a mask of one byte
    a plan row (`selected` itself when forced: no scan is made), the scan, and how many rows of the whole
    plan are finished (-1 when forced). A dry run counts them; a render makes their positions
    (`positions`, 4 bytes each).

    Args:
        force: keep selected rows even if their outputs are finished.
        verify: decide "finished" by a full decode and SHA-256 of every image (renderer.finished).
        any_plan: accept outputs whose labels record another plan's fingerprint (--allow-mismatch).
        update: a real run: delete dead processes' temp files and update the done index.
    """
    if force:
        return selected, None, -1
    expected = expected_of(pf)
    if any_plan:
        expected = replace(expected, fingerprint=None)
    scan = scan_outputs(store, expected, verify=verify, update_index=update, clean_temps=update, run_id=run_id)
    todo = scan.done_mask(len(selected))
    finished = int(np.count_nonzero(todo))
    np.greater(selected, todo, out=todo)  # selected and not done, in place
    return todo, scan, finished


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
    todo, _, _ = pending_mask(pf, Storage(os.fspath(out_dir)), selected, force=force, verify=verify)
    return positions(todo), n_rows


def plan_status(
    plan_path: str | os.PathLike[str], out_dir: str | os.PathLike[str], verify: bool = False
) -> list[dict[str, Any]]:
    """Per specification: total, done (finished outputs, renderer.finished; rows of finished shards in
    shard layouts), missing, damaged (present but not finished) and failed (missing rows the run log
    records as failed). The last entry, spec "all", sums them. Renders and writes nothing.

    The plan is read one row group at a time: memory stays flat in the plan's size.
    """
    pf = open_plan(os.fspath(plan_path))
    check_output_names(pf, os.fspath(plan_path))
    pa.default_memory_pool().release_unused()  # what the checks' row groups took, before the scan adds its own
    store = Storage(os.fspath(out_dir))
    n_rows = pf.metadata.num_rows
    layout = recorded_layout(read_checkpoint(store))
    damaged_names: pa.Array | None = None
    damaged_rows = np.zeros(0, np.int64)
    if layout is None:
        scan = scan_outputs(store, expected_of(pf), verify=verify)
        done = scan.done_mask(n_rows)
        damaged_names = string_array([name for name, _ in scan.damaged])
        del scan  # its table of finished outputs is not needed for the counts
    else:
        fingerprint = plan_metadata(pf.schema_arrow).get(META_PLAN_FINGERPRINT)
        shards = scan_shards(store, layout, pf, verify=verify, fingerprint=fingerprint)
        done = shards.done_mask(layout, n_rows)
        ranges = [layout.rows(shard_index(n) or 0, n_rows) for n, _ in shards.damaged]
        damaged_rows = np.concatenate([np.arange(r.start, r.stop) for r in ranges] or [damaged_rows])
    damaged = np.zeros(n_rows, bool)
    damaged[damaged_rows] = True
    failed_ids = {int(r["image_id"]) for r in read_state(store) if r.get("status") == "failed"}
    failed_set = np.fromiter(failed_ids, np.int64, len(failed_ids))
    counts: dict[str, np.ndarray] = {}  # spec -> total, done, missing, damaged, failed
    columns = ["image_id", "spec"] + (["output_name"] if damaged_names is not None and len(damaged_names) else [])
    for start, group in row_groups(pf, columns):
        stop = start + group.num_rows
        d = done[start:stop]
        bad = ~d & damaged[start:stop]
        if "output_name" in columns:
            bad |= ~d & to_bools(pc.is_in(group.column("output_name"), value_set=damaged_names))
        failed = ~d & np.isin(to_numpy(group.column("image_id")), failed_set)
        spec = group.column("spec").combine_chunks()
        if isinstance(spec, pa.DictionaryArray):
            codes, names = to_numpy(spec.indices), spec.dictionary.to_pylist()
        elif spec.null_count:
            names, codes = np.unique(spec.to_numpy(zero_copy_only=False), return_inverse=True)
            names = names.tolist()
        else:  # by Arrow functions of arrays: converting values through numpy would import pandas
            unique = pc.unique(spec)
            codes, names = to_numpy(pc.index_in(spec, value_set=unique)), unique.to_pylist()
        for code, name in enumerate(names):
            mask = codes == code
            if not mask.any():
                continue
            row = counts.setdefault(str(name), np.zeros(5, np.int64))
            row += [mask.sum(), (d & mask).sum(), (~d & mask).sum(), (bad & mask).sum(), (failed & mask).sum()]
    out = []
    total = np.sum(list(counts.values()), axis=0) if counts else np.zeros(5, np.int64)
    for spec, row in [*counts.items(), ("all", total)]:
        out.append(dict(zip(("spec", "total", "done", "missing", "damaged", "failed"), [spec, *map(int, row)])))
    return out
