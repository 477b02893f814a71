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
from synthocr.renderer.plan_names import name_digests
from synthocr.renderer.row_groups import row_groups
from synthocr.renderer.storage import Folder, Storage, info_mtime, remove_stale_temps, walk_folders
from synthocr.schemas.arrow_numpy import to_numpy
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


def plan_positions(pf: pq.ParquetFile, names: pa.Array | pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """For each of `names` (unique), its position in the plan and its image_id; -1 for names the plan lacks.

    Reads the plan one row group at a time, so memory follows the number of names asked about (the outputs
    present: 24 bytes each for their sorted digests), not the plan's size. Each row group's names are
    looked up among the digests by binary search, then compared exactly: a lookup table built once, where
    a hash set of the names per row group cost time in the product of outputs and row groups.
    """
    position = np.full(len(names), -1, np.int32 if pf.metadata.num_rows < 2**31 else np.int64)
    ids = np.full(len(names), -1, np.int64)
    if len(names) == 0:
        return position, ids
    digests = _column_digests(names) if isinstance(names, pa.ChunkedArray) else name_digests(names)
    order = np.argsort(digests, kind="stable")
    digests = digests[order]
    for start, group in row_groups(pf, ["output_name", "image_id"]):
        plan_names = group.column("output_name").combine_chunks()
        found = name_digests(plan_names)
        lo = np.searchsorted(digests, found, side="left")
        hi = np.searchsorted(digests, found, side="right")
        rows = np.flatnonzero(hi > lo)
        if len(rows):
            group_ids = group.column("image_id").to_numpy()
            single = rows[hi[rows] - lo[rows] == 1]  # a digest no other name has: one exact comparison
            which = order[lo[single]]
            same = pc.equal(names.take(pa.array(which)), plan_names.take(pa.array(single))).to_numpy(
                zero_copy_only=False
            )
            ks, rs = which[same].astype(np.int64), single[same].astype(np.int64)
            collided = [  # digests that several names share: each pair compared on its own
                (k, row)
                for row in rows[hi[rows] - lo[rows] > 1].tolist()
                for k in order[lo[row] : hi[row]].tolist()
                if names[k].as_py() == plan_names[row].as_py()
            ]
            if collided:
                ks = np.concatenate([ks, np.array([k for k, _ in collided], np.int64)])
                rs = np.concatenate([rs, np.array([r for _, r in collided], np.int64)])
                by_row = np.argsort(rs, kind="stable")
                ks, rs = ks[by_row], rs[by_row]
            k_all, first = np.unique(ks, return_index=True)  # a name twice in the plan: its first row
            r_all = rs[first]
            new = position[k_all] < 0
            position[k_all[new]] = start + r_all[new]
            ids[k_all[new]] = group_ids[r_all[new]]
    return position, ids


_FINISHED_SCHEMA = pa.schema(
    [pa.field("name", pa.string()), pa.field("image", pa.string()), pa.field("position", pa.int64())]
)


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
        done[to_numpy(self.finished.column("position"))] = True
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
    if candidates.num_rows == 0:  # a new output dir: nothing to look up (and no Arrow call that imports pandas)
        return Scan(pa.Table.from_batches([], schema=_FINISHED_SCHEMA), [], [], 0, removed)
    pool = pa.default_memory_pool()
    pool.release_unused()  # each step's freed Arrow memory goes back before the next one allocates its own
    extra: list[str] = []
    names = candidates.column("name")
    n = candidates.num_rows
    # A name with several images (one per format) lists them side by side: only then are the names
    # deduplicated (a hash set of them costs about 90 bytes a name).
    repeated = n > 1 and bool(pc.any(pc.equal(names.slice(1), names.slice(0, n - 1))).as_py())
    if expected.plan is not None:
        unique = pc.unique(names) if repeated else names
        position, wanted = plan_positions(expected.plan, unique)
        if repeated:  # each row takes its name's values
            which = pc.index_in(names, value_set=unique).to_numpy().astype(np.int64)
            position, wanted = position[which], wanted[which]
        del unique, names
        inside = position >= 0
        if not inside.all():  # outputs the plan does not have: reported, not checked
            extra = pc.unique(candidates.column("name").filter(pa.array(~inside))).to_pylist()
            candidates = candidates.filter(pa.array(inside))
            position, wanted = position[inside], wanted[inside]
        candidates = candidates.append_column("position", pa.array(position))
        candidates = candidates.append_column("expected_id", pa.array(wanted))
        del position, wanted, inside
    else:
        del names
        minus = pa.array(np.full(candidates.num_rows, -1, np.int64))
        candidates = candidates.append_column("position", minus).append_column("expected_id", minus)
    segments: list[str] = []
    if verify:  # every output is checked: the index is not read
        hit, indexed = pa.chunked_array([np.zeros(candidates.num_rows, bool)], pa.bool_()), 0
    else:
        hit, indexed, segments = _index_hits(store, candidates)
    pool.release_unused()
    every = pc.all(hit).as_py() is not False
    vouched = candidates if every else candidates.filter(hit)
    to_check = candidates.slice(0, 0) if every else candidates.filter(pc.invert(hit))
    if repeated:  # two images of one name: one row for it, and none to check if the index vouches for one
        vouched = _first_per_name(vouched)
        to_check = _first_per_name(to_check, vouched)
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
    finished = pa.concat_tables([vouched, checked]).select(["name", "image", "position"])
    for name, reason in damaged[:SHOWN]:
        log.warning("output %s is not finished (%s): render makes it again", store.path(name), reason)
    if len(damaged) > SHOWN:
        log.warning("%d more outputs are present but not finished: render makes them again", len(damaged) - SHOWN)
    if update_index and (passed or len(segments) > 1 or indexed != vouched.num_rows):
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
        return pa.Table.from_batches([], schema=done_index.INDEX_SCHEMA), removed  # (empty_table imports pandas)
    # One chunk: Arrow's take on a column of many chunks concatenates them all first, for every call.
    return pa.concat_tables(tables).combine_chunks(), removed


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


def _index_hits(store: Storage, candidates: pa.Table) -> tuple[pa.ChunkedArray, int, list[str]]:
    """Which candidate rows the done index holds (same name, image and key), how many entries it has, and
    its segments.

    The candidates are digested to 64 bits (of name, image and key) and sorted; the index is read a row
    group of a segment at a time, each entry looked up among them by binary search and its matches
    compared exactly. Memory: 8 bytes a candidate and one row group of the index, where holding the
    entries and a hash join of their strings took about 300 bytes an entry.
    """
    segments = done_index.segment_names(store)
    n = candidates.num_rows
    mask = np.zeros(n, bool)
    # Each candidate's digest with its low bits replaced by its row number, sorted in place: the lookup
    # table is one array of 8 bytes a candidate. Entries are looked up by the high bits (at least 33 of
    # them), so a few more of them meet a candidate, and every meeting is compared exactly.
    bits = max(int(n - 1).bit_length(), 1)
    low = np.uint64((1 << bits) - 1)
    ours = np.empty(n, np.uint64)
    for i in range(0, n, LOOKUP_BLOCK):
        block = _row_digests(candidates.slice(i, LOOKUP_BLOCK))
        ours[i : i + len(block)] = (block & ~low) | np.arange(i, i + len(block), dtype=np.uint64)
    ours.sort()
    indexed = 0
    for name in segments:
        for _, table in done_index.read_groups(store, name):
            indexed += table.num_rows
            if n == 0:
                continue
            theirs = _row_digests(table) & ~low
            lo = np.searchsorted(ours, theirs, side="left")
            hi = np.searchsorted(ours, theirs | low, side="right")
            found = np.flatnonzero(hi > lo)
            for j in range(int((hi[found] - lo[found]).max()) if len(found) else 0):  # several meet: each
                entries = found[lo[found] + j < hi[found]]
                rows = (ours[lo[entries] + j] & low).astype(np.int64)
                keep = ~mask[rows]  # not matched by an entry of another segment already
                rows, entries = rows[keep], entries[keep]
                mask[rows[_same_rows(candidates, rows, table, entries)]] = True
    return pa.chunked_array([mask], pa.bool_()), indexed, segments


LOOKUP_BLOCK = 1 << 16  # candidates digested at a time


def _row_digests(table: pa.Table) -> np.ndarray:
    """A 64-bit digest of each row's name, image and key (splitmix64 steps over the three)."""
    h = np.zeros(table.num_rows, np.uint64)
    for part in (_column_digests(table.column("name")), _column_digests(table.column("image"))):
        h = _mix(h, part)
    return _mix(h, table.column("key").to_numpy())


def _column_digests(column: pa.ChunkedArray) -> np.ndarray:
    chunks = [name_digests(chunk) for chunk in column.chunks]
    return np.concatenate(chunks) if chunks else np.zeros(0, np.uint64)


def _mix(h: np.ndarray, x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        z = (h ^ x.astype(np.uint64)) + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _same_rows(left: pa.Table, rows: np.ndarray, right: pa.Table, other: np.ndarray) -> np.ndarray:
    """Whether row rows[k] of `left` has the name, image and key of row other[k] of `right`."""
    a = left.select(["name", "image", "key"]).take(pa.array(rows))
    b = right.select(["name", "image", "key"]).take(pa.array(other))
    same = np.ones(len(rows), bool)
    for col in ("name", "image", "key"):
        same &= pc.equal(a.column(col), b.column(col)).to_numpy(zero_copy_only=False)
    return same


def _first_per_name(table: pa.Table, skip: pa.Table | None = None) -> pa.Table:
    """One row per name (the first), leaving out the names of `skip`.

    Names the plan has are told apart by their position (numbers: no set of strings is built, which
    would cost about 100 bytes an output); without a plan, by the names themselves.
    """
    if table.num_rows == 0:
        return table
    position = table.column("position").to_numpy()
    if position[0] >= 0:  # positions in the plan: the same name is the same position
        _, first = np.unique(position, return_index=True)
        first.sort()
        if skip is not None and skip.num_rows:
            first = first[~np.isin(position[first], skip.column("position").to_numpy())]
        return table if len(first) == table.num_rows else table.take(pa.array(first))
    names = table.column("name").to_pylist()
    seen = set(skip.column("name").to_pylist()) if skip is not None and skip.num_rows else set()
    keep = []
    for i, name in enumerate(names):
        if name not in seen:
            seen.add(name)
            keep.append(i)
    return table.take(pa.array(keep, pa.int64())) if len(keep) != len(names) else table


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
