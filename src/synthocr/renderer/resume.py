"""Which plan rows an output dir already holds: one listing, the done index, and the finished-output rule.

render (resume), status, collect, export and preview all ask `scan_outputs`, so they agree on
every output: a row is done exactly when renderer.finished says its output is finished.
"""

from __future__ import annotations

import logging
import os
from array import array
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from synthocr.renderer import done_index
from synthocr.renderer.finished import IMAGE_EXTS, check_output
from synthocr.renderer.storage import Folder, Storage, info_mtime, remove_stale_temps, walk_folders
from synthocr.schemas.plan import META_PLAN_FINGERPRINT, plan_metadata

log = logging.getLogger(__name__)

CHECK_THREADS = 8  # label reads wait on the disk; parsing holds the GIL, so more threads gain nothing
CHECK_BATCH = 4096  # outputs checked per batch of thread tasks: memory stays flat for millions
SHOWN = 20  # damaged outputs named in the log (the rest are counted)


@dataclass(frozen=True)
class Expected:
    """What the outputs must name: the plan's output names and image ids (plan None: no plan) and fingerprint."""

    plan: pq.ParquetFile | None
    fingerprint: str | None


def expected_of(pf: pq.ParquetFile) -> Expected:
    """The plan whose output names and image ids outputs must have, and its fingerprint."""
    return Expected(pf, plan_metadata(pf.schema_arrow).get(META_PLAN_FINGERPRINT))


def plan_positions(pf: pq.ParquetFile, names: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """For each of `names` (unique), its position in the plan and its image_id; -1 for names the plan lacks.

    Reads the plan one row group at a time, so memory follows the number of names asked about (the outputs
    present), not the plan's size.
    """
    position = np.full(len(names), -1, np.int64)
    ids = np.full(len(names), -1, np.int64)
    if len(names) == 0:
        return position, ids
    start = 0
    for i in range(pf.metadata.num_row_groups):
        group = pf.read_row_group(i, columns=["output_name", "image_id"])
        index = pc.index_in(group.column("output_name"), value_set=names)
        valid = pc.is_valid(index).to_numpy(zero_copy_only=False)
        rows = np.flatnonzero(valid)
        if len(rows):
            found = index.filter(pa.chunked_array([valid], pa.bool_())).to_numpy().astype(np.int64)
            first = position[found] < 0  # a name twice in the plan: its first row, as pc.index_in picks
            position[found[first]] = start + rows[first]
            ids[found[first]] = group.column("image_id").to_numpy()[rows[first]]
        start += group.num_rows
    return position, ids


@dataclass(frozen=True)
class Scan:
    """What a scan of the output dir found."""

    finished: pa.Table  # name, image (file name), position (in the plan; -1 without a plan), in listing order
    damaged: list[tuple[str, str]]  # (name, reason) of outputs present but not finished: rendered again
    extra: list[str]  # outputs whose name the plan does not have (not checked)
    checked: int  # outputs read because the index did not vouch for them
    temps_removed: int  # temp files of dead processes deleted

    def done_mask(self, n_rows: int) -> np.ndarray:
        """Which plan rows are finished."""
        done = np.zeros(n_rows, bool)
        done[self.finished.column("position").to_numpy()] = True
        return done


def scan_outputs(
    store: Storage,
    expected: Expected,
    *,
    verify: bool = False,
    update_index: bool = False,
    clean_temps: bool = False,
    run_id: str = "scan",
) -> Scan:
    """The finished outputs of `store` for the plan `expected` describes (renderer.finished's rule).

    Outputs the done index vouches for are not read; the others are checked (their label parsed,
    their image's header read), in threads. `verify` checks every output with a full decode and
    its SHA-256 instead. `update_index` rewrites the index when the scan learned something;
    `clean_temps` deletes temp files of dead processes on the way.
    """
    candidates, removed = _candidates(store, expected.fingerprint, clean_temps)
    extra: list[str] = []
    if expected.plan is not None:
        unique = pc.unique(candidates.column("name"))
        positions, ids = plan_positions(expected.plan, unique)
        which = pc.index_in(candidates.column("name"), value_set=unique).to_numpy().astype(np.int64)
        position, wanted = positions[which], ids[which]
        inside = position >= 0
        extra = pc.unique(candidates.column("name").filter(pa.array(~inside))).to_pylist()
        candidates = candidates.filter(pa.array(inside))
        candidates = candidates.append_column("position", pa.array(position[inside]))
        candidates = candidates.append_column("expected_id", pa.array(wanted[inside]))
    else:
        minus = pa.array(np.full(candidates.num_rows, -1, np.int64))
        candidates = candidates.append_column("position", minus).append_column("expected_id", minus)
    index, segments = done_index.read_index(store) if not verify else (done_index.INDEX_SCHEMA.empty_table(), [])
    hit = _hits(candidates, index)
    vouched = candidates.filter(hit)
    vouched_names = set(vouched.column("name").to_pylist()) if vouched.num_rows else set()
    to_check = _unique_rows(candidates.filter(pc.invert(hit)), vouched_names)
    passed: list[int] = []  # rows of `to_check` that are finished
    images: list[str] = []
    damaged: list[tuple[str, str]] = []
    for rows, verdicts in _check_all(store, to_check, expected.fingerprint, verify):
        for row, (image, reason) in zip(rows, verdicts):
            if image is not None:
                passed.append(row)
                images.append(image)
            else:
                damaged.append((to_check.column("name")[row].as_py(), reason or "not finished"))
    checked = to_check.slice(0, 0) if not passed else to_check.take(pa.array(passed, pa.int64()))
    checked = checked.set_column(1, "image", pa.array(images, pa.string()))
    finished = pa.concat_tables([_dedupe(vouched), checked]).select(["name", "image", "position"])
    for name, reason in damaged[:SHOWN]:
        log.warning("output %s is not finished (%s): render makes it again", store.path(name), reason)
    if len(damaged) > SHOWN:
        log.warning("%d more outputs are present but not finished: render makes them again", len(damaged) - SHOWN)
    if update_index and (passed or len(segments) > 1 or index.num_rows != vouched.num_rows):
        _rewrite_index(store, finished, candidates, segments, run_id)
    return Scan(finished, damaged, extra, to_check.num_rows, removed)


def _candidates(store: Storage, fingerprint: str | None, clean_temps: bool) -> tuple[pa.Table, int]:
    """Every (label, image) pair with the same stem: name, image file name and the key of its two files."""
    salt = done_index.fingerprint_salt(fingerprint)
    tables, removed = [], 0
    for folder in walk_folders(store, IMAGE_EXTS):
        if clean_temps and folder.temps and store.local:
            removed += remove_stale_temps(store, folder.rel, folder.temps)
        if folder.labels and folder.images:
            names, images, fields = _folder_fields(store, folder)
            if names:
                table = done_index.entries(names, images, np.frombuffer(fields, np.int64).reshape(-1, 8), salt)
                tables.append(table)
    if not tables:
        return done_index.INDEX_SCHEMA.empty_table(), removed
    return pa.concat_tables(tables), removed


def _folder_fields(store: Storage, folder: Folder) -> tuple[list[str], list[str], array]:
    """Names, image file names and identity numbers (done_index.N_FIELDS each) of a folder's candidates."""
    by_stem: dict[str, list[str]] = {}
    for image in folder.images:
        by_stem.setdefault(image.rpartition(".")[0], []).append(image)
    prefix = f"{folder.rel}/" if folder.rel else ""
    names: list[str] = []
    images: list[str] = []
    fields = array("q")
    missing = (0, 0, 0, 0)
    if store.local:
        try:
            fd = os.open(store.path(folder.rel), os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return names, images, fields
        try:
            pairs = [(label, image) for label in folder.labels for image in by_stem.get(label[:-5], ())]
            stats: list[tuple[os.stat_result, os.stat_result | None] | None]
            try:  # the common case, at C speed: every file still there
                stats = [(os.stat(label, dir_fd=fd), os.stat(image, dir_fd=fd)) for label, image in pairs]
            except OSError:  # gone since the listing, or a dangling link: one by one
                stats = [_stat_pair(label, image, fd) for label, image in pairs]
            for (label, image), pair in zip(pairs, stats):
                if pair is None:
                    continue
                names.append(prefix + label[:-5])
                images.append(image)
                fields.extend(done_index.stat_fields(pair[0]) if pair[0] is not None else missing)
                fields.extend(done_index.stat_fields(pair[1]) if pair[1] is not None else missing)
        finally:
            os.close(fd)
        return names, images, fields
    info = folder.info or {}
    for label in folder.labels:
        for image in by_stem.get(label[:-5], []):
            names.append(prefix + label[:-5])
            images.append(image)
            fields.extend(_info_fields(info.get(label, {})))
            fields.extend(_info_fields(info.get(image, {})))
    return names, images, fields


def _stat_pair(label: str, image: str, fd: int) -> tuple[os.stat_result, os.stat_result | None] | None:
    """stat of a label and its image; None when the label is gone, no image stat when the image is."""
    try:
        label_stat = os.stat(label, dir_fd=fd)
    except OSError:
        return None
    try:
        return label_stat, os.stat(image, dir_fd=fd)
    except OSError:
        return label_stat, None


def _info_fields(info: dict[str, Any]) -> tuple[int, int, int, int]:
    """A remote file's identity from its listing: size, modification time and entity tag (S3's ETag)."""
    tag = str(info.get("ETag") or info.get("etag") or info.get("md5Hash") or "")
    mtime = info_mtime(info)
    return (
        int.from_bytes(tag.encode()[:8].ljust(8, b"\0"), "little", signed=True),
        int(info.get("size") or 0),
        int((mtime or 0) * 1e9),
        len(tag),
    )


def _hits(candidates: pa.Table, index: pa.Table) -> pa.ChunkedArray:
    """Which candidate rows the index holds (same name, image and key)."""
    if index.num_rows == 0 or candidates.num_rows == 0:
        return pa.chunked_array([np.zeros(candidates.num_rows, bool)], pa.bool_())
    rows = candidates.select(["name", "image", "key"]).append_column(
        "row", pa.array(np.arange(candidates.num_rows, dtype=np.int64))
    )
    found = rows.join(index, keys=["name", "image", "key"], join_type="left semi").column("row").to_numpy()
    mask = np.zeros(candidates.num_rows, bool)
    mask[found] = True
    return pa.chunked_array([mask], pa.bool_())


def _unique_rows(table: pa.Table, skip: set[str]) -> pa.Table:
    """One row per name (the first), leaving out names in `skip`."""
    names = table.column("name").to_pylist()
    seen = set(skip)
    keep = []
    for i, name in enumerate(names):
        if name not in seen:
            seen.add(name)
            keep.append(i)
    return table.take(pa.array(keep, pa.int64())) if len(keep) != len(names) else table


def _dedupe(table: pa.Table) -> pa.Table:
    """One row per name (a name with two images the index vouches for appears once)."""
    if table.num_rows == 0 or len(pc.unique(table.column("name"))) == table.num_rows:
        return table
    return _unique_rows(table, set())


def _check_all(
    store: Storage, table: pa.Table, fingerprint: str | None, verify: bool
) -> Iterator[tuple[range, list[tuple[str | None, str | None]]]]:
    """check_output of every row of `table`, CHECK_BATCH rows at a time, in threads."""
    names = table.column("name")
    ids = table.column("expected_id").to_numpy()
    with ThreadPoolExecutor(max_workers=CHECK_THREADS) as pool:
        for start in range(0, table.num_rows, CHECK_BATCH):
            rows = range(start, min(start + CHECK_BATCH, table.num_rows))
            batch = names.slice(start, len(rows)).to_pylist()
            wanted = [None if ids[r] < 0 else int(ids[r]) for r in rows]
            verdicts = list(
                pool.map(lambda nw: check_output(store, nw[0], nw[1], fingerprint, verify), zip(batch, wanted))
            )
            yield rows, verdicts


def _rewrite_index(store: Storage, finished: pa.Table, candidates: pa.Table, old: list[str], run_id: str) -> None:
    """The index as one segment holding every finished output, with the key its files had when listed
    (before the check: a file changed since then has another key and is checked again next time)."""
    keyed = finished.select(["name", "image"]).join(
        candidates.select(["name", "image", "key"]), keys=["name", "image"], join_type="inner"
    )
    try:
        done_index.replace_segments(store, keyed.select(done_index.INDEX_SCHEMA.names), old, run_id)
    except OSError as exc:  # the index only saves time: a full or read-only dir must not stop the scan
        log.warning("could not update the done index in %s: %s", store.url, exc)
