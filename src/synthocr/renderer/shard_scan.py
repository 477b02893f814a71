"""Which shards of a shard layout an output dir holds: resume, status and the readers of shards ask here.

A shard is finished when its file is there and its end is intact (shards.looks_whole); with
`verify`, when it also reads whole and holds exactly its plan rows, of this plan, each image
matching the SHA-256 its label records. A shard that is there but not finished is damaged and
rendered again.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from synthocr.errors import UserError
from synthocr.renderer.shards import (
    LAYOUTS,
    SHARD_EXT,
    ShardLayout,
    check_samples,
    looks_whole,
    read_shard,
    shard_index,
)
from synthocr.renderer.storage import TEMP_PREFIX, Storage, read_bytes, remove_stale_temps

log = logging.getLogger(__name__)


@dataclass
class ShardScan:
    """What a scan of the output dir found, by shard number."""

    finished: list[int] = field(default_factory=list)  # shard numbers, ascending
    damaged: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)
    extra: list[str] = field(default_factory=list)  # shard files beyond the plan's last shard
    temps_removed: int = 0

    def done_mask(self, layout: ShardLayout, total: int) -> np.ndarray:
        """Which plan rows are finished."""
        done = np.zeros(total, bool)
        for k in self.finished:
            r = layout.rows(k, total)
            done[r.start : r.stop] = True
        return done

    def pending(self, layout: ShardLayout, total: int) -> list[int]:
        """Shard numbers still to render, ascending."""
        finished = set(self.finished)
        return [k for k in range(layout.count(total)) if k not in finished]


def list_root(store: Storage) -> list[str]:
    """File names directly in the output dir (none when it does not exist)."""
    try:
        if store.local:
            return [e.name for e in os.scandir(store.root) if e.is_file(follow_symlinks=False)]
        return [p.rpartition("/")[2] for p in store.fs.ls(store.root, detail=False)]
    except (FileNotFoundError, NotADirectoryError):
        return []


def scan_shards(
    store: Storage,
    layout: ShardLayout,
    pf: pq.ParquetFile | None,
    *,
    verify: bool = False,
    fingerprint: str | None = None,
    clean_temps: bool = False,
) -> ShardScan:
    """The finished and damaged shards of `store` for the plan `pf` (None: count every whole shard).

    One listing of the output dir; each shard's last KiB is read, and with `verify` the whole shard.
    """
    total = pf.metadata.num_rows if pf is not None else None
    scan = ShardScan()
    names = list_root(store)
    if clean_temps and store.local:
        scan.temps_removed = remove_stale_temps(store, "", [n for n in names if n.startswith(TEMP_PREFIX)])
    found = sorted((k, n) for n in names if n.endswith(f".{layout.ext}") and (k := shard_index(n)) is not None)
    for k, name in found:
        if total is not None and k >= layout.count(total):
            scan.extra.append(name)
            continue
        if not looks_whole(layout.layout, store, name):
            scan.damaged.append((name, "its end is cut off or damaged"))
            continue
        if verify:
            reason = _verify(store, layout, name, pf, k, fingerprint)
            if reason:
                scan.damaged.append((name, reason))
                continue
        scan.finished.append(k)
    for name, reason in scan.damaged[:20]:
        log.warning("shard %s is not finished (%s): render makes it again", store.path(name), reason)
    return scan


def _verify(
    store: Storage, layout: ShardLayout, name: str, pf: pq.ParquetFile | None, k: int, fingerprint: str | None
) -> str | None:
    data = read_bytes(store, name)
    if data is None:
        return "gone since the listing"
    try:
        samples = read_shard(layout.layout, data)
    except (ValueError, KeyError, TypeError) as exc:
        return str(exc)
    if pf is None:
        return None
    rows = layout.rows(k, pf.metadata.num_rows)
    return check_samples(samples, plan_ids(pf, rows.start, rows.stop).tolist(), fingerprint)


def plan_ids(pf: pq.ParquetFile, start: int, stop: int) -> np.ndarray:
    """image_id of plan positions start..stop-1, reading only the row groups that hold them."""
    meta = pf.metadata
    bounds = np.cumsum([0] + [meta.row_group(i).num_rows for i in range(meta.num_row_groups)])
    first = int(np.searchsorted(bounds, start, side="right") - 1)
    last = int(np.searchsorted(bounds, max(stop - 1, start), side="right") - 1)
    ids = pf.read_row_groups(list(range(first, last + 1)), columns=["image_id"]).column("image_id").to_numpy()
    return ids[start - bounds[first] : stop - bounds[first]]


def recorded_layout(checkpoint: dict[str, Any] | None) -> ShardLayout | None:
    """The shard layout an output dir's checkpoint records; None for the files layout (or no checkpoint)."""
    if not checkpoint or checkpoint.get("layout", "files") == "files":
        return None
    layout, size = checkpoint.get("layout"), checkpoint.get("shard_size")
    if layout not in LAYOUTS or layout not in SHARD_EXT or not isinstance(size, int) or size < 1:
        raise UserError(
            f"the output dir's checkpoint records layout {layout!r} with shard size {size!r}, which this "
            "version does not know; move the checkpoint away to start the dir afresh."
        )
    return ShardLayout(layout, size)
