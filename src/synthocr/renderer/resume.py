"""Which plan rows an output dir already holds: one listing, the done index, and the finished-output rule.

render (resume), status, collect, export and preview all ask `scan_outputs`, so they agree on
every output: a row is done exactly when renderer.finished says its output is finished.
"""

from __future__ import annotations

import logging
import os
from array import array
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from synthocr.renderer import done_index
from synthocr.renderer.finished import IMAGE_EXTS, check_output
from synthocr.renderer.io import image_ids
from synthocr.renderer.plan_names import name_digests
from synthocr.renderer.row_groups import row_groups
from synthocr.renderer.storage import Folder, Storage, info_mtime, remove_stale_temps, walk_folders
from synthocr.schemas.arrow_numpy import bool_array, int64_array, number_array, string_array, to_bools, to_numpy
from synthocr.schemas.output_names import default_names, default_numbers
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


def plan_positions(
    pf: pq.ParquetFile, names: pa.Array | pa.ChunkedArray, ids: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """For each of `names` (unique), its position in the plan and its image_id (with `ids`; none else);
    -1 for names the plan lacks.

    Reads the plan one row group at a time, so memory follows the number of names asked about (the outputs
    present: 8 bytes each for their sorted digests, _Lookup), not the plan's size. Each row group's names
    are looked up among the digests by binary search, then compared exactly: a lookup table built once,
    where a hash set of the names per row group cost time in the product of outputs and row groups.
    """
    return _plan_positions(pf, len(names), lambda i, j: _one(names.slice(i, j - i)), names.take, ids)


def _plan_positions(
    pf: pq.ParquetFile, n: int, names: Callable[[int, int], pa.Array], take: Callable[[pa.Array], Any], ids: bool
) -> tuple[np.ndarray, np.ndarray]:
    """plan_positions of n names, given as `names(i, j)` (names i..j-1) and `take(rows)`."""
    position = np.full(n, -1, np.int32 if pf.metadata.num_rows < 2**31 else np.int64)
    found_ids = np.full(n if ids else 0, -1, np.int64)
    if n == 0:
        return position, found_ids
    lookup = _Lookup(n, lambda i, j: name_digests(names(i, j)))
    for start, group in row_groups(pf, ["output_name", "image_id"] if ids else ["output_name"]):
        plan_names = group.column("output_name").combine_chunks()
        ks, rs = [], []
        for rows, ours in lookup.meetings(name_digests(plan_names)):
            keep = to_bools(pc.equal(take(int64_array(ours)), plan_names.take(int64_array(rows))))
            ks.append(ours[keep])
            rs.append(rows[keep])
        if not ks or not sum(map(len, ks)):
            continue
        k, r = np.concatenate(ks), np.concatenate(rs)
        by_row = np.argsort(r, kind="stable")
        k_all, first = np.unique(k[by_row], return_index=True)  # a name twice in the plan: its first row
        r_all = r[by_row][first]
        new = position[k_all] < 0
        position[k_all[new]] = start + r_all[new]
        if ids:
            found_ids[k_all[new]] = to_numpy(group.column("image_id"))[r_all[new]]
    return position, found_ids


class _Lookup:
    """Sorted 64-bit digests of n entries of ours, 8 bytes an entry: each digest's low bits are replaced by
    the entry's number. Digests of theirs meet ours by their high bits (at least 33 of them), so a few
    more pairs meet than share a digest; the caller compares every pair exactly."""

    def __init__(self, n: int, digests: Any) -> None:
        """`digests(i, j)`: the digests of entries i..j-1 (made LOOKUP_BLOCK at a time)."""
        bits = max(int(n - 1).bit_length(), 1)
        self.low = np.uint64((1 << bits) - 1)
        self.table = np.empty(n, np.uint64)
        for i in range(0, n, LOOKUP_BLOCK):
            block = digests(i, min(i + LOOKUP_BLOCK, n))
            self.table[i : i + len(block)] = (block & ~self.low) | np.arange(i, i + len(block), dtype=np.uint64)
        self.table.sort()

    def meetings(self, theirs: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(rows of `theirs`, the entries of ours each meets), one layer of meetings at a time."""
        if len(self.table) == 0 or len(theirs) == 0:
            return
        high = theirs & ~self.low
        lo = np.searchsorted(self.table, high, side="left")
        hi = np.searchsorted(self.table, high | self.low, side="right")
        found = np.flatnonzero(hi > lo)
        for j in range(int((hi[found] - lo[found]).max()) if len(found) else 0):
            rows = found[lo[found] + j < hi[found]]
            yield rows, (self.table[lo[rows] + j] & self.low).astype(np.int64)


_FINISHED_SCHEMA = pa.schema(
    [pa.field("name", pa.string()), pa.field("image", pa.string()), pa.field("position", pa.int64())]
)


@dataclass(frozen=True)
class Scan:
    """What a scan of the output dir found."""

    # Outputs found finished, in listing order (only the rows `rows` marks when given): name, position
    # (in the plan; -1 without a plan) and the image's file name; or, as _candidates gives them, number
    # and name (_names), position and ext (the image is the name's last component with IMAGE_EXTS[ext]).
    found: pa.Table
    damaged: list[tuple[str, str]]  # (name, reason) of outputs present but not finished: rendered again
    extra: list[str]  # outputs whose name the plan does not have (not checked)
    checked: int  # outputs read because the index did not vouch for them
    temps_removed: int  # temp files of dead processes deleted
    rows: np.ndarray | None = None  # which rows of `found` are finished (a mask); None: every row
    passed: pa.Table | None = None  # outputs found finished by reading them: name, image, position

    @property
    def finished(self) -> pa.Table:
        """name, image and position of every finished output: those the index vouched for (in listing
        order), then those read. Made on demand: render and status need only done_mask."""
        found = self.found if self.rows is None else self.found.filter(bool_array(self.rows))
        if "image" not in found.column_names:
            names = _names(found)
            images = _images(names, to_numpy(found.column("ext")))
            found = pa.table([names, images, found.column("position")], names=["name", "image", "position"])
        table = found.select(["name", "image", "position"])
        if self.passed is None or self.passed.num_rows == 0:
            return table
        return pa.concat_tables([table, self.passed.select(["name", "image", "position"]).cast(table.schema)])

    def done_mask(self, n_rows: int) -> np.ndarray:
        """Which plan rows are finished."""
        done = np.zeros(n_rows, bool)
        position = to_numpy(self.found.column("position"))
        done[position if self.rows is None else position[self.rows]] = True
        if self.passed is not None:
            done[to_numpy(self.passed.column("position"))] = True
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

    Memory: about 25 bytes an output present (its name as a number, image extension, key and plan
    position, and 8 for a lookup table; 20 more for a name the planner did not make), whatever the
    plan's size.
    """
    candidates, removed, odd = _candidates(store, expected.fingerprint, clean_temps)
    if odd:
        log.warning(
            "%d outputs in %s have file names that are not UTF-8 (%s): no plan row has them; they are left alone",
            len(odd),
            store.url,
            ", ".join(odd[:3]) + (", ..." if len(odd) > 3 else ""),
        )
    if candidates.num_rows == 0:  # a new output dir: nothing to look up (and no Arrow call that imports pandas)
        return Scan(pa.Table.from_batches([], schema=_FINISHED_SCHEMA), [], odd, 0, removed)
    pool = pa.default_memory_pool()
    pool.release_unused()  # each step's freed Arrow memory goes back before the next one allocates its own
    extra: list[str] = odd
    n = candidates.num_rows
    # A name with several images (one per format) lists them side by side: only then are the names
    # made and deduplicated (a hash set of them costs about 90 bytes a name).
    repeated = _repeated(candidates)
    segments: list[str] = []
    if verify:  # every output is checked: the index is not read
        hit, indexed = np.zeros(n, bool), 0
    else:  # before the plan lookup: its lookup table is gone before that one's is made
        hit, indexed, segments = _index_hits(store, candidates)
    pool.release_unused()
    if expected.plan is not None:
        if repeated:  # each row takes its name's position
            names = _names(candidates)
            unique = pc.unique(names)
            position, _ = plan_positions(expected.plan, unique, ids=False)
            position = position[to_numpy(pc.index_in(names, value_set=unique)).astype(np.int64)]
            del unique, names
        else:

            def some(i: int, j: int) -> pa.Array:
                return _names(candidates.slice(i, j - i))

            def take(rows: pa.Array) -> pa.Array:
                return _names(candidates.take(rows))

            position, _ = _plan_positions(expected.plan, n, some, take, ids=False)
        inside = position >= 0
        if not inside.all():  # outputs the plan does not have: reported, not checked
            extra += pc.unique(_names(candidates.filter(bool_array(~inside)))).to_pylist()
            candidates = candidates.filter(bool_array(inside))
            position, hit = position[inside], hit[inside]
            n = candidates.num_rows
        candidates = candidates.append_column("position", number_array(position, pa.from_numpy_dtype(position.dtype)))
        del position, inside
    else:
        candidates = candidates.append_column("position", int64_array(np.full(n, -1, np.int64)))
    pool.release_unused()
    if repeated:  # two images of one name: one row for it, and none to check if the index vouches for one
        vouched = _first_rows(candidates, np.flatnonzero(hit))
        to_check = _first_rows(candidates, np.flatnonzero(~hit), vouched)
        hit = np.zeros(n, bool)
        hit[vouched] = True
    else:
        to_check = np.flatnonzero(~hit)
    wanted = _expected_ids(expected.plan, candidates, to_check)
    passed: list[int] = []  # rows of `candidates` found finished by the check
    images: list[str] = []  # their image, as their label names it
    damaged: list[tuple[str, str]] = []
    for rows, batch, verdicts in _check_all(store, candidates, to_check, wanted, expected.fingerprint, verify):
        for row, name, (image, reason) in zip(rows.tolist(), batch, verdicts):
            if image is not None:
                passed.append(row)
                images.append(image)
            else:
                damaged.append((name, reason or "not finished"))
    taken = candidates.take(int64_array(np.array(passed, np.int64)))
    names = _names(taken)
    image_column = string_array(images).cast(names.type)
    checked = pa.table([names, taken.column("position"), image_column], names=["name", "position", "image"])
    every = bool(hit.all())
    scan = Scan(candidates, damaged, extra, len(to_check), removed, None if every else hit, checked)
    for name, reason in damaged[:SHOWN]:
        log.warning("output %s is not finished (%s): render makes it again", store.path(name), reason)
    if len(damaged) > SHOWN:
        log.warning("%d more outputs are present but not finished: render makes them again", len(damaged) - SHOWN)
    if update_index and (passed or len(segments) > 1 or indexed != int(np.count_nonzero(hit))):
        keys = _passed_keys(candidates, np.array(passed, np.int64), images)
        _rewrite_index(store, candidates, hit, checked.append_column("key", _keys_or_null(keys)), segments, run_id)
    return scan


CANDIDATE_SCHEMA = pa.schema(
    [
        pa.field("number", pa.int32()),
        pa.field("name", pa.string()),
        pa.field("ext", pa.int8()),
        pa.field("key", pa.uint64()),
    ]
)
EXT_CODES = {ext[1:]: code for code, ext in enumerate(IMAGE_EXTS)}
_EXT_NAMES = string_array(IMAGE_EXTS)
_NO_SEPARATOR = string_array([""])[0]  # an Arrow scalar made from a Python value would import pandas


def _candidates(store: Storage, fingerprint: str | None, clean_temps: bool) -> tuple[pa.Table, int, list[str]]:
    """Every (label, image) pair with the same stem, in listing order: its name as number and name
    (_names), ext (the image is the name's last component with IMAGE_EXTS[ext]) and the key of its two
    files; the temp files removed; and the names that are not UTF-8 (no plan has them: left alone), shown
    with backslash escapes. A name the planner made (schemas.output_names.default_names) is kept as its number, 4
    bytes where its text took 24: only the other names are kept as text.

    The columns grow folder by folder in buffers that become them without a copy: no table per folder
    concatenated at the end (which held every name twice), and no column of image file names (made again
    for the rows that need them: about 22 bytes an output less).
    """
    salt = done_index.fingerprint_salt(fingerprint)
    data = bytearray()  # every name's bytes, one after another
    ends = array("i", [0])  # where each name ends in `data` ("q" once past 2 GiB)
    numbers = array("i")
    exts = bytearray()
    keys = array("Q")
    removed = 0
    odd: list[str] = []
    for folder in walk_folders(store, IMAGE_EXTS):
        if clean_temps and folder.temps and store.local:
            removed += remove_stale_temps(store, folder.rel, folder.temps)
        if folder.labels and folder.images:
            names, codes, fields = _folder_fields(store, folder)
            if names and not all(name.isascii() for name in names):
                names, codes, fields = _utf8_only(names, codes, fields, odd)
            if names:
                encoded = string_array(names)
                number = default_numbers(encoded)
                numbers.frombytes(number.tobytes())
                kept = number < 0  # names kept as text
                offsets = np.frombuffer(encoded.buffers()[1], np.int32)[: len(encoded) + 1]
                sizes = np.diff(offsets).astype(np.int64)
                sizes[~kept] = 0
                if ends.typecode == "i" and len(data) + int(sizes.sum()) >= 2**31:
                    ends = array("q", ends)
                ends.frombytes((np.cumsum(sizes) + len(data)).astype(ends.typecode).tobytes())
                if kept.all():
                    data += memoryview(encoded.buffers()[2])[: offsets[-1]]
                else:
                    for row in np.flatnonzero(kept).tolist():
                        data += memoryview(encoded.buffers()[2])[offsets[row] : offsets[row + 1]]
                exts += codes.tobytes()
                fields_array = np.frombuffer(fields, np.int64).reshape(-1, done_index.N_FIELDS)
                keys.frombytes(done_index.keys(fields_array, salt).tobytes())
    n = len(keys)
    if n == 0:
        return pa.Table.from_batches([], schema=CANDIDATE_SCHEMA), removed, odd
    kind = pa.string() if ends.typecode == "i" else pa.large_string()
    columns = [
        pa.Array.from_buffers(pa.int32(), n, [None, pa.py_buffer(numbers)]),
        pa.Array.from_buffers(kind, n, [None, pa.py_buffer(ends), pa.py_buffer(data)]),
        pa.Array.from_buffers(pa.int8(), n, [None, pa.py_buffer(exts)]),
        pa.Array.from_buffers(pa.uint64(), n, [None, pa.py_buffer(keys)]),
    ]
    return pa.table(columns, names=CANDIDATE_SCHEMA.names), removed, odd


def _utf8_only(names: list[str], codes: array, fields: array, odd: list[str]) -> tuple[list[str], array, array]:
    """The candidates whose names are UTF-8 (a file name of other bytes lists with surrogate escapes); the
    others' names go to `odd`, made printable."""
    keep = []
    for i, name in enumerate(names):
        try:
            name.encode("utf-8")
            keep.append(i)
        except UnicodeEncodeError:
            odd.append(os.fsencode(name).decode("utf-8", "backslashreplace"))
    n = done_index.N_FIELDS
    kept_fields = array("q")
    for i in keep:
        kept_fields.extend(fields[i * n : (i + 1) * n])
    return [names[i] for i in keep], array("b", [codes[i] for i in keep]), kept_fields


def _keys_or_null(keys: list[int | None]) -> pa.Array:
    """Keys as an Arrow uint64 column, None as null."""
    valid = np.array([k is not None for k in keys], bool)
    values = np.array([k or 0 for k in keys], np.uint64)
    bits = np.packbits(valid, bitorder="little")
    return pa.Array.from_buffers(
        pa.uint64(), len(keys), [pa.py_buffer(bits), pa.py_buffer(values)], len(keys) - int(valid.sum())
    )


def _names(part: pa.Table) -> pa.Array:
    """The output names of candidate rows `part` (a slice or a selection of _candidates' table): made
    again from their numbers where they have one, else their text."""
    number = to_numpy(part.column("number"))
    text = _one(part.column("name"))
    made = number >= 0
    if not made.any():
        return text
    names = default_names(np.where(made, number, 0)).cast(text.type)
    return names if made.all() else pc.if_else(bool_array(made), names, text)


def _repeated(candidates: pa.Table) -> bool:
    """Whether a name is on two rows side by side (several images of it)."""
    n = candidates.num_rows
    if n < 2:
        return False
    number = to_numpy(candidates.column("number"))
    if np.any((number[1:] == number[:-1]) & (number[1:] >= 0)):
        return True
    text = candidates.column("name")
    same = to_bools(pc.equal(text.slice(1), text.slice(0, n - 1)))
    return bool(np.any(same & (number[1:] < 0) & (number[:-1] < 0)))


def _one(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    """A column as one array (no copy when it is one chunk)."""
    if isinstance(column, pa.ChunkedArray):
        return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()
    return column


def _images(names: pa.Array, ext: np.ndarray) -> pa.Array:
    """The image file names of outputs `names` with image extensions `ext` (numbers in IMAGE_EXTS)."""
    stems = pc.replace_substring_regex(names, r"(?s)^.*/", "")
    exts = _EXT_NAMES.take(number_array(ext, pa.int8())).cast(stems.type)
    return pc.binary_join_element_wise(stems, exts, _NO_SEPARATOR.cast(stems.type))


def _folder_fields(store: Storage, folder: Folder) -> tuple[list[str], array, array]:
    """Names, image extensions (EXT_CODES) and identity numbers (done_index.N_FIELDS each) of a folder's candidates."""
    by_stem: dict[str, list[str]] = {}
    for image in folder.images:
        by_stem.setdefault(image.rpartition(".")[0], []).append(image)
    prefix = f"{folder.rel}/" if folder.rel else ""
    names: list[str] = []
    images = array("b")
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
                images.append(EXT_CODES[image.rpartition(".")[2]])
                fields.extend(done_index.stat_fields(pair[0]) if pair[0] is not None else missing)
                fields.extend(done_index.stat_fields(pair[1]) if pair[1] is not None else missing)
        finally:
            os.close(fd)
        return names, images, fields
    info = folder.info or {}
    for label in folder.labels:
        for image in by_stem.get(label[:-5], []):
            names.append(prefix + label[:-5])
            images.append(EXT_CODES[image.rpartition(".")[2]])
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


def _index_hits(store: Storage, candidates: pa.Table) -> tuple[np.ndarray, int, list[str]]:
    """Which candidate rows the done index holds (same name, image and key), how many entries it has, and
    its segments.

    The candidates are digested to 64 bits (of name, image and key) and sorted (_Lookup); the index is
    read a row group of a segment at a time, each entry looked up among them by binary search and its
    matches compared exactly. Memory: 8 bytes a candidate and one row group of the index, where holding
    the entries and a hash join of their strings took about 300 bytes an entry.
    """
    segments = done_index.segment_names(store)
    n = candidates.num_rows
    mask = np.zeros(n, bool)

    def digests(i: int, j: int) -> np.ndarray:
        part = candidates.slice(i, j - i)
        names = _names(part)
        return _row_digests(names, _images(names, to_numpy(part.column("ext"))), to_numpy(part.column("key")))

    lookup = _Lookup(n, digests)
    indexed = 0
    for name in segments:
        for table in done_index.read_entries(store, name):
            indexed += table.num_rows
            theirs = _row_digests(
                _one(table.column("name")), _one(table.column("image")), to_numpy(table.column("key"))
            )
            for entries, rows in lookup.meetings(theirs):
                keep = ~mask[rows]  # not matched by an entry of another segment already
                rows, entries = rows[keep], entries[keep]
                mask[rows[_same_rows(candidates, rows, table, entries)]] = True
    return mask, indexed, segments


LOOKUP_BLOCK = 1 << 13  # entries digested at a time


def _row_digests(names: pa.Array, images: pa.Array, keys: np.ndarray) -> np.ndarray:
    """A 64-bit digest of each row's name, image and key (splitmix64 steps over the three)."""
    h = _mix(np.zeros(len(names), np.uint64), name_digests(names))
    return _mix(_mix(h, name_digests(images)), keys)


def _column_digests(column: pa.ChunkedArray | pa.Array) -> np.ndarray:
    chunks = (
        [name_digests(chunk) for chunk in column.chunks]
        if isinstance(column, pa.ChunkedArray)
        else [name_digests(column)]
    )
    return np.concatenate(chunks) if chunks else np.zeros(0, np.uint64)


def _mix(h: np.ndarray, x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        z = (h ^ x.astype(np.uint64)) + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def _same_rows(candidates: pa.Table, rows: np.ndarray, index: pa.Table, entries: np.ndarray) -> np.ndarray:
    """Whether candidate rows[k] has the name, image and key of index entry entries[k]."""
    a = candidates.select(["number", "name", "ext", "key"]).take(int64_array(rows))
    b = index.take(int64_array(entries))
    names = _names(a)
    same = np.ones(len(rows), bool)
    for x, y in (
        (names, b.column("name")),
        (_images(names, to_numpy(a.column("ext"))), b.column("image")),
        (a.column("key"), b.column("key")),
    ):
        same &= to_bools(pc.equal(x, y))
    return same


def _first_rows(candidates: pa.Table, rows: np.ndarray, skip: np.ndarray | None = None) -> np.ndarray:
    """Of candidate `rows` (ascending), the first of each name, leaving out the names of rows `skip`.

    Names the plan has are told apart by their position (numbers: no set of strings is built, which
    would cost about 100 bytes an output); without a plan, by the names themselves.
    """
    if len(rows) == 0:
        return rows
    position = to_numpy(candidates.column("position"))
    if position[rows[0]] >= 0:  # positions in the plan: the same name is the same position
        _, first = np.unique(position[rows], return_index=True)
        keep = rows[np.sort(first)]
        if skip is not None and len(skip):
            keep = keep[~np.isin(position[keep], position[skip])]
        return keep
    seen = set(_names(candidates.take(int64_array(skip))).to_pylist()) if skip is not None and len(skip) else set()
    out = []
    for row, name in zip(rows.tolist(), _names(candidates.take(int64_array(rows))).to_pylist()):
        if name not in seen:
            seen.add(name)
            out.append(row)
    return np.array(out, np.int64)


def _passed_keys(candidates: pa.Table, passed: np.ndarray, images: list[str]) -> list[int | None]:
    """The key of each output found finished by reading it: that of the candidate with its name and the
    image its label names (the row checked, or another image of the name listed beside it); None when
    no candidate has both (not indexed: it is read again next time)."""
    if len(passed) == 0:
        return []
    ext = to_numpy(candidates.column("ext"))
    key = to_numpy(candidates.column("key"))

    def name_at(row: int) -> str:
        return str(_names(candidates.slice(row, 1))[0].as_py())

    own = _images(_names(candidates.take(int64_array(passed))), ext[passed]).to_pylist()
    out: list[int | None] = []
    for row, mine, image in zip(passed.tolist(), own, images):
        if mine == image:
            out.append(int(key[row]))
            continue
        found = None
        name = name_at(row)
        for step in (-1, 1):
            other = row + step
            while found is None and 0 <= other < len(key) and name_at(other) == name:
                if f"{name.rpartition('/')[2]}{IMAGE_EXTS[ext[other]]}" == image:
                    found = int(key[other])
                other += step
        out.append(found)
    return out


def _check_all(
    store: Storage, candidates: pa.Table, rows: np.ndarray, ids: np.ndarray, fingerprint: str | None, verify: bool
) -> Iterator[tuple[np.ndarray, list[str], list[tuple[str | None, str | None]]]]:
    """check_output of candidate `rows` (whose labels must record image ids `ids`; -1: any), CHECK_BATCH at
    a time, in threads: (rows, their names, verdicts)."""
    with ThreadPoolExecutor(max_workers=CHECK_THREADS) as pool:
        for start in range(0, len(rows), CHECK_BATCH):
            batch_rows = rows[start : start + CHECK_BATCH]
            batch = _names(candidates.take(int64_array(batch_rows))).to_pylist()
            wanted = [None if i < 0 else i for i in ids[start : start + CHECK_BATCH].tolist()]
            verdicts = list(
                pool.map(lambda nw: check_output(store, nw[0], nw[1], fingerprint, verify), zip(batch, wanted))
            )
            yield batch_rows, batch, verdicts


def _expected_ids(pf: pq.ParquetFile | None, candidates: pa.Table, rows: np.ndarray) -> np.ndarray:
    """The image_id the plan gives candidate `rows` (-1 without a plan), read from the row groups that
    hold them: only the outputs to check need one."""
    if pf is None or len(rows) == 0:
        return np.full(len(rows), -1, np.int64)
    position = to_numpy(candidates.column("position"))[rows].astype(np.int64)
    order = np.argsort(position, kind="stable")
    ids = np.empty(len(rows), np.int64)
    ids[order] = image_ids(pf, position[order])
    return ids


def _rewrite_index(
    store: Storage, candidates: pa.Table, vouched: np.ndarray, passed: pa.Table, old: list[str], run_id: str
) -> None:
    """The index as one segment holding every finished output, with the key its files had when listed
    (before the check: a file changed since then has another key and is checked again next time).
    Written a row group at a time: the image names are made again for one group of entries at a time."""

    def groups() -> Iterator[pa.Table]:
        rows = np.flatnonzero(vouched)
        for i in range(0, len(rows), done_index.SEGMENT_GROUP_ROWS):
            part = candidates.take(int64_array(rows[i : i + done_index.SEGMENT_GROUP_ROWS]))
            names = _names(part)
            images = _images(names, to_numpy(part.column("ext")))
            yield pa.table([names, images, part.column("key")], names=done_index.INDEX_SCHEMA.names)
        keyed = passed.filter(pc.is_valid(passed.column("key")))
        if keyed.num_rows:
            yield keyed.select(done_index.INDEX_SCHEMA.names)

    try:
        done_index.replace_segments(store, groups(), old, run_id)
    except OSError as exc:  # the index only saves time: a full or read-only dir must not stop the scan
        log.warning("could not update the done index in %s: %s", store.url, exc)
