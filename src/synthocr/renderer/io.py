"""Disk access of the renderer: reading plan rows, atomic output writes, the checkpoint and the run log."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import logging
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from PIL import Image

from synthocr.errors import UserError
from synthocr.extras import url_to_fs
from synthocr.renderer.done_index import stat_fields
from synthocr.renderer.finished import FORMATS
from synthocr.renderer.plan_names import check_plan_names, invalid_utf8
from synthocr.renderer.row_groups import IdSpans, row_groups
from synthocr.renderer.storage import (
    Storage,
    append_text,
    clear_way,
    is_inside,
    makedirs,
    read_bytes,
    remove_file,
    with_retries,
    write_atomic,
)
from synthocr.schemas.arrow_numpy import int64_array
from synthocr.schemas.labels import Label
from synthocr.schemas.plan import (
    META_CONFIG,
    META_FINGERPRINT,
    META_ROOTS,
    NUMERIC_COLUMNS,
    PlanError,
    check_ranges,
    plan_metadata,
    validate_plan,
)

log = logging.getLogger(__name__)

CHECKPOINT = ".generation_checkpoint.json"
OTHER_FORMATS = {fmt: tuple(f for f in FORMATS if f != fmt) for fmt in FORMATS}
STATE_LOG = "_render_state.jsonl"


def open_plan(path: str | Path) -> pq.ParquetFile:
    """Open a plan (local path or fsspec URL), with a clear error for anything that is not a synthocr plan."""
    pf = open_parquet(path)
    if not plan_metadata(pf.schema_arrow):
        raise UserError(f"plan {path} has no synthocr metadata: it was not written by `synthocr plan`.")
    check_plan_schema(pf, path)
    return pf


def check_plan_schema(pf: pq.ParquetFile, path: str | Path) -> None:
    """A plan's metadata is whole and its columns are the plan schema's.

    Raises:
        UserError: naming the plan and what to do.
    """
    schema = pf.schema_arrow
    _check_metadata(plan_metadata(schema), path)
    try:
        validate_plan(pa.Table.from_batches([], schema), where=f"plan {path}")
    except PlanError as exc:
        raise UserError(str(exc)) from None


def open_parquet(path: str | Path) -> pq.ParquetFile:
    """Open a Parquet file as a plan (local path or fsspec URL), with a clear error when it is missing or not
    Parquet; what it holds is not checked."""
    try:
        if "://" in str(path):
            fs, inner = url_to_fs(str(path))
            pf = with_retries(lambda: pq.ParquetFile(fs.open(inner, "rb")), f"opening plan {path}")
        else:
            pf = with_retries(lambda: pq.ParquetFile(path), f"opening plan {path}")
    except FileNotFoundError:
        raise UserError(f"plan {path} does not exist; create it with `synthocr plan CONFIG -o {path}`.") from None
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise UserError(
            f"plan {path} is not a readable Parquet file ({exc}); create it with `synthocr plan`."
        ) from None
    return pf


def _check_metadata(meta: dict[str, str], path: str | Path) -> None:
    """The metadata is whole: the config matches its fingerprint and the asset roots parse."""
    config = meta.get(META_CONFIG, "")
    if hashlib.sha1(config.encode()).hexdigest() != meta.get(META_FINGERPRINT):
        raise UserError(
            f"plan {path}: its metadata was changed after planning (the config does not match "
            "its fingerprint); re-create it with `synthocr plan`."
        )
    try:
        roots = json.loads(meta.get(META_ROOTS, ""))
    except ValueError:
        roots = None
    if not isinstance(roots, dict) or not all(isinstance(v, str) for v in roots.values()):
        raise UserError(
            f"plan {path}: its asset roots ({META_ROOTS}) are not a JSON mapping of paths; "
            "re-create it with `synthocr plan`."
        )


def check_plan_rows(pf: pq.ParquetFile, path: str) -> None:
    """Every row follows the contract (unique ids, values in range, output names inside the output dir):
    checked once, before any output is written.

    Reads one row group at a time: memory stays flat in the plan's size. Ids are unique when each row
    group's are and the groups' id ranges do not overlap (as the planner writes them); only a plan
    whose groups overlap has its id column read whole.
    """
    try:
        check_no_nulls(pf, path)
        spans = IdSpans()
        for first_row, group in row_groups(pf, NUMERIC_COLUMNS):
            check_ranges(group, where=f"plan {path}", first_row=first_row)
            if not spans.add(group.column("image_id")):
                raise PlanError(f"plan {path}: image_id values are not unique; re-create it with `synthocr plan`.")
        if spans.overlap():
            ids = pf.read(columns=["image_id"]).column("image_id")
            if len(pc.unique(ids)) != len(ids):
                raise PlanError(f"plan {path}: image_id values are not unique; re-create it with `synthocr plan`.")
    except PlanError as exc:
        raise UserError(str(exc)) from None
    check_output_names(pf, path)


def check_no_nulls(pf: pq.ParquetFile, path: str) -> None:
    """No value of the plan is null. A plan rewritten by another tool (pyarrow's set_column, polars) has
    columns that may hold nulls; the row groups' statistics say where none are, and only a column whose
    statistics do not is read.

    Raises:
        PlanError: naming the first empty value's row and column.
    """
    schema = pf.schema_arrow
    nullable = [f.name for f in schema if f.nullable]
    if not nullable:  # synthocr's own plans: Parquet's required columns hold no nulls
        return
    first_row = 0
    for g in range(pf.metadata.num_row_groups):
        group = pf.metadata.row_group(g)
        stats = {group.column(j).path_in_schema: group.column(j).statistics for j in range(group.num_columns)}
        for name in nullable:
            st = stats.get(name)
            if st is not None and st.has_null_count and st.null_count == 0:
                continue
            column = _read_column(pf, g, name)
            if column.null_count:
                row = pc.index(pc.is_null(column), True).as_py()
                raise PlanError(
                    f"plan {path}: row {first_row + row}, column {name!r} is empty (null); every plan value is "
                    "set. Fill it in or re-create the plan with `synthocr plan`."
                )
        first_row += group.num_rows


def _read_column(pf: pq.ParquetFile, group: int, name: str) -> pa.ChunkedArray:
    return with_retries(lambda: pf.read_row_group(group, columns=[name]), "reading plan rows").column(0)


def check_output_names(pf: pq.ParquetFile, path: str) -> None:
    """The plan's output names are valid UTF-8 and follow the rules of request files (renderer.plan_names),
    read one row group at a time.

    Raises:
        UserError: naming the plan, the row and the name.
    """
    try:
        check_plan_names(pf, f"plan {path}")
    except PlanError as exc:
        raise UserError(str(exc)) from None


def image_ids(pf: pq.ParquetFile, rows: np.ndarray) -> np.ndarray:
    """The image_id of the plan rows at positions `rows` (sorted), reading only the row groups that hold them."""
    bounds = _group_bounds(pf)
    group_of = np.searchsorted(bounds, rows, side="right") - 1
    out = np.empty(len(rows), np.int64)
    for g in np.unique(group_of).tolist():
        ids = pf.read_row_group(g, columns=["image_id"]).column("image_id").to_numpy()
        at = group_of == g
        out[at] = ids[rows[at] - bounds[g]]
    return out


def _group_bounds(pf: pq.ParquetFile) -> np.ndarray:
    """The position of each row group's first row, then the number of rows."""
    meta = pf.metadata
    return np.cumsum([0] + [meta.row_group(i).num_rows for i in range(meta.num_row_groups)])


def plan_stamp(plan: str) -> tuple[int, int, int] | None:
    """A local plan file's identity (inode, size, mtime); None for a URL or a file that does not stat."""
    if "://" in plan:
        return None
    try:
        st = os.stat(plan)
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


_READERS: dict[tuple[str, tuple[int, int, int]], PlanRows] = {}  # (path, stamp) -> reader, the newest last
KEEP_READERS = 2


def plan_reader(plan: str) -> PlanRows:
    """This process's reader of `plan`, kept (with its decoded row groups) while the local file is unchanged;
    a plan behind a URL is opened on each call."""
    stamp = plan_stamp(plan)
    if stamp is None:
        return PlanRows(open_plan(plan))
    reader = _READERS.pop((plan, stamp), None) or PlanRows(open_plan(plan))
    _keep_reader(plan, stamp, reader)
    return reader


def share_plan(plan: str, stamp: tuple[int, int, int] | None, pf: pq.ParquetFile) -> None:
    """Make `pf` (open and checked, `stamp` taken before it was opened) this process's reader of `plan`.

    Local workers are forked after this: they read rows through the parent's copy of the plan's footer
    instead of each parsing its own (about 8 bytes a plan row: 80 MiB for 10M rows), and a render
    without workers reads it once, not twice. A stamp taken before the open keeps this safe: a plan
    replaced in between has another stamp, so the workers open the new file themselves.
    """
    if stamp is not None:
        _keep_reader(plan, stamp, PlanRows(pf))


def _keep_reader(plan: str, stamp: tuple[int, int, int], reader: PlanRows) -> None:
    _READERS[(plan, stamp)] = reader
    while len(_READERS) > KEEP_READERS:
        _READERS.pop(next(iter(_READERS)))


def read_rows(pf: pq.ParquetFile, rows: np.ndarray) -> list[dict[str, Any]]:
    """The plan rows at positions `rows` (sorted), reading only the row groups that hold them."""
    return PlanRows(pf).read(rows)


class PlanRows:
    """Rows of one open plan by position. The last KEEP_GROUPS row groups read stay decoded and validated:
    a worker's consecutive chunks mostly fall in one row group, which is then read once, not per chunk."""

    KEEP_GROUPS = 2

    def __init__(self, pf: pq.ParquetFile) -> None:
        self.pf = pf
        self.bounds = _group_bounds(pf)
        self._groups: dict[int, pa.Table] = {}

    def _group(self, g: int) -> pa.Table:
        table = self._groups.pop(g, None)
        if table is None:
            table = with_retries(lambda: self.pf.read_row_group(g), "reading plan rows")
            validate_plan(table, where="plan rows")
            while len(self._groups) >= self.KEEP_GROUPS:
                self._groups.pop(next(iter(self._groups)))
        self._groups[g] = table  # the most recent last
        return table

    def read(self, rows: np.ndarray) -> list[dict[str, Any]]:
        """The rows at positions `rows` (sorted), as dicts of plan columns."""
        group_of = np.searchsorted(self.bounds, rows, side="right") - 1
        out: list[dict[str, Any]] = []
        for g in dict.fromkeys(group_of.tolist()):
            picked = rows[group_of == g] - self.bounds[g]
            out.extend(_as_dicts(self._group(g).take(int64_array(picked))))
        return out


def _as_dicts(taken: pa.Table) -> list[dict[str, Any]]:
    """Plan rows as dicts; text bytes that are not UTF-8 become lone surrogates, so that row fails alone
    when it is drawn (renderer.limits)."""
    if not invalid_utf8(taken.column("text")):
        return taken.to_pylist()
    i = taken.schema.get_field_index("text")
    out = taken.set_column(i, pa.field("text", pa.binary()), taken.column(i).cast(pa.binary())).to_pylist()
    for row in out:
        row["text"] = row["text"].decode("utf-8", "surrogateescape")
    return out


def encode_image(image: Image.Image, fmt: str, png_compress_level: int = 1) -> bytes:
    """Image bytes in `fmt`; PNG uses a fast compression level by default (see imaging.encode_png)."""
    if fmt == "png":
        # imported here: OpenCV adds 14 MiB to every process, and status and the plan checks encode nothing
        from synthocr.renderer.imaging import encode_png

        return encode_png(image, png_compress_level)
    buf = io.BytesIO()
    if fmt == "jpg":
        image.save(buf, format="JPEG", quality=95)
    else:
        image.save(buf, format="WEBP", lossless=True)
    return buf.getvalue()


def write_output(
    store: Storage,
    output_name: str,
    image_bytes: bytes,
    fmt: str,
    label: Label,
    run_id: str,
    fingerprint: str,
    replace_formats: bool = True,
    folders: set[str] | None = None,
) -> tuple[str, list[int] | None]:
    """Image first, label last, each atomic: a label on disk means its image is complete.

    The label records the plan's `fingerprint` and the image's SHA-256 (renderer.finished). Then an
    image of the same name in another format (an earlier render with another --format) is deleted,
    so that each row has one image: always in a local dir (a missing file costs one syscall), and
    in a remote store when `replace_formats` (a forced re-render), where each delete is a request.
    Transient errors are retried (storage.with_retries); others are raised to the caller.
    A local output folder is made and checked (no link out of the output dir) once per name in
    `folders`, where the caller keeps the ones done (a chunk's rows share a few folders); an
    empty folder with an output's name is only looked for when the file cannot replace it.

    Returns:
        The image file name, and (local stores) the identity numbers of the label and the image
        as the done index keys them; None elsewhere.
    """
    folder, _, stem = output_name.rpartition("/")
    image_name = f"{stem}.{fmt}"
    label = replace(
        label, image=image_name, plan_fingerprint=fingerprint, image_sha256=hashlib.sha256(image_bytes).hexdigest()
    )
    label_rel = f"{output_name}.json"
    if folders is None or folder not in folders:
        with_retries(lambda: makedirs(store, folder), f"creating {store.path(folder)}")
        if store.local and not is_inside(store, folder):
            raise UserError(
                f"output folder {store.path(folder)} is a link that leads out of the output dir "
                f"{store.url}; nothing is written through it. Remove the link or choose another -o."
            )
        if folders is not None:
            folders.add(folder)
    _put(store, f"{output_name}.{fmt}", image_bytes, run_id)
    _put(store, label_rel, label.to_json().encode("utf-8"), run_id)
    if store.local or replace_formats:
        for stale in [f"{output_name}.{other}" for other in OTHER_FORMATS[fmt]]:
            with_retries(functools.partial(remove_file, store, stale), f"removing {store.path(stale)}")
    if not store.local:
        return image_name, None
    try:  # stat'ed after the rename, which sets the ctime the index keys on
        image_stat = os.stat(store.path(f"{output_name}.{fmt}"))
        label_stat = os.stat(store.path(label_rel))
    except OSError:
        return image_name, None
    return image_name, [*stat_fields(label_stat), *stat_fields(image_stat)]


def _put(store: Storage, rel: str, data: bytes, run_id: str) -> None:
    """write_atomic with retries; an empty folder in the file's way is removed first (storage.clear_way)."""
    what = f"writing {store.path(rel)}"
    try:
        with_retries(lambda: write_atomic(store, rel, data, run_id), what)
    except IsADirectoryError:  # rename(2) onto a folder: EISDIR
        clear_way(store, rel)  # raises if the folder holds files
        with_retries(lambda: write_atomic(store, rel, data, run_id), what)


def read_checkpoint(store: Storage) -> dict[str, Any] | None:
    data = read_bytes(store, CHECKPOINT)
    if data is None:
        return None
    try:
        return json.loads(data)
    except ValueError:
        raise UserError(
            f"{store.path(CHECKPOINT)} is not JSON; move it away to start this output dir afresh."
        ) from None


def write_checkpoint(store: Storage, data: dict[str, Any], run_id: str) -> None:
    write_atomic(store, CHECKPOINT, json.dumps(data, indent=2, sort_keys=True).encode(), run_id)


def append_state(store: Storage, records: list[dict[str, Any]]) -> None:
    """Append per-row outcomes to the run log (JSON lines)."""
    if records:
        append_text(store, STATE_LOG, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))


def read_state(store: Storage) -> list[dict[str, Any]]:
    """Every record of the run log; a torn last line (a crash mid-append) is skipped."""
    data = read_bytes(store, STATE_LOG)
    records = []
    for line in (data or b"").decode("utf-8", errors="replace").splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:
            continue
    return records
