"""The output dir's index of outputs already found finished, keyed by the identity of their two files.

Checking that an output is finished (renderer.finished) means reading its label and image:
about 50 µs, a minute for a million outputs. The index lets a scan skip outputs whose files have
not changed since they were checked. An entry is (output name, image file name, key), where the
key mixes the plan fingerprint with the inode, size, modification time and status-change time
(ctime) of the label and of the image. Any write, truncation, rename onto the name, or copy
changes one of them (a copy that keeps modification times still gets new inodes and ctimes,
which no user program can set), so a stale entry never matches and its output is checked again.

The index is a folder of Parquet segments in the output dir (`_done_index/`); an entry is valid
if any segment holds it. Each render writes a segment of the outputs it wrote; a scan that
checked outputs writes one segment of everything it found finished and deletes the segments it
read. Losing the index (a SIGKILL before a segment is written, a deleted folder) costs time only.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from synthocr.renderer.storage import Storage, read_bytes, write_atomic
from synthocr.schemas.arrow_numpy import number_array, string_array

log = logging.getLogger(__name__)

INDEX_DIR = "_done_index"
INDEX_SCHEMA = pa.schema([pa.field("name", pa.string()), pa.field("image", pa.string()), pa.field("key", pa.uint64())])
N_FIELDS = 8  # label (inode, size, mtime ns, ctime ns), then the same of the image
SEGMENT_GROUP_ROWS = 1 << 16  # entries per row group of a segment
READ_ROWS = 1 << 13  # entries a scan decodes at a time


def fingerprint_salt(fingerprint: str | None) -> int:
    """The plan fingerprint as 64 bits, mixed into every key (entries of another plan never match)."""
    return int.from_bytes(hashlib.sha1((fingerprint or "").encode()).digest()[:8], "little")


def stat_fields(st: os.stat_result) -> tuple[int, int, int, int]:
    """The four numbers of a local file's identity that a key mixes."""
    return st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def keys(fields: np.ndarray, salt: int) -> np.ndarray:
    """One uint64 per row of `fields` (n x N_FIELDS integers): splitmix64 of each field in turn."""
    h = np.full(len(fields), salt, np.uint64)
    cols = fields.astype(np.int64).view(np.uint64)
    with np.errstate(over="ignore"):
        for j in range(cols.shape[1]):
            z = h ^ cols[:, j]
            z = z + np.uint64(0x9E3779B97F4A7C15)
            z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            h = z ^ (z >> np.uint64(31))
    return h


def entries(names: Sequence[str], images: Sequence[str], fields: np.ndarray, salt: int) -> pa.Table:
    """Index entries of outputs (name, image file name, N_FIELDS identity numbers per output)."""
    return pa.Table.from_arrays(
        [string_array(names), string_array(images), number_array(keys(fields, salt), pa.uint64())],
        schema=INDEX_SCHEMA,
    )


def read_index(store: Storage) -> tuple[pa.Table, list[str]]:
    """Every entry of every segment, and the segments' names. A segment that does not read is skipped."""
    names = segment_names(store)
    tables = [table for name in names for table in read_entries(store, name)]
    if not tables:
        return INDEX_SCHEMA.empty_table(), names
    return pa.concat_tables(tables), names


def read_entries(store: Storage, name: str) -> Iterator[pa.Table]:
    """The entries of segment `name`, READ_ROWS at a time (a whole row group of names decoded at once
    took about 10 MiB). A segment that does not read (changed, gone, damaged) yields nothing more, with a
    warning."""
    data = read_bytes(store, f"{INDEX_DIR}/{name}")
    try:
        pf = pq.ParquetFile(pa.BufferReader(data or b""))
        for batch in pf.iter_batches(batch_size=READ_ROWS, columns=INDEX_SCHEMA.names, use_threads=False):
            yield pa.Table.from_batches([batch]).cast(INDEX_SCHEMA)
    except (pa.ArrowException, ValueError, KeyError, IndexError):
        log.warning("index segment %s does not read; its outputs are checked again", store.path(f"{INDEX_DIR}/{name}"))


def write_segment(store: Storage, table: pa.Table | Iterable[pa.Table], name: str, run_id: str) -> None:
    """Write `table` as segment `name` (atomically), or the tables an iterable gives one after another (so
    that a caller makes its entries a group at a time); nothing is written when there are none."""
    buf = io.BytesIO()
    writer: pq.ParquetWriter | None = None
    for part in [table] if isinstance(table, pa.Table) else table:
        if part.num_rows == 0:
            continue
        if writer is None:
            writer = pq.ParquetWriter(buf, INDEX_SCHEMA, compression="zstd")
        writer.write_table(part.select(INDEX_SCHEMA.names).cast(INDEX_SCHEMA), row_group_size=SEGMENT_GROUP_ROWS)
    if writer is None:
        return
    writer.close()
    rel = f"{INDEX_DIR}/{name}"
    if store.local:
        os.makedirs(store.path(INDEX_DIR), exist_ok=True)
    write_atomic(store, rel, buf.getvalue(), run_id)


def replace_segments(store: Storage, table: pa.Table | Iterable[pa.Table], old: list[str], run_id: str) -> None:
    """One segment holding `table` (write_segment) in place of the segments `old` (other runs' new segments
    are kept)."""
    write_segment(store, table, f"scan-{run_id}.parquet", run_id)
    for name in old:
        if name == f"scan-{run_id}.parquet":
            continue
        try:
            if store.local:
                os.unlink(store.path(f"{INDEX_DIR}/{name}"))
            else:
                store.fs.rm_file(store.path(f"{INDEX_DIR}/{name}"))
        except FileNotFoundError:
            pass


def segment_names(store: Storage) -> list[str]:
    """The index's segments, in name order."""
    try:
        if store.local:
            return sorted(
                n for n in os.listdir(store.path(INDEX_DIR)) if n.endswith(".parquet") and not n.startswith(".")
            )
        return sorted(
            p.rpartition("/")[2] for p in store.fs.ls(store.path(INDEX_DIR), detail=False) if p.endswith(".parquet")
        )
    except (FileNotFoundError, NotADirectoryError):
        return []
