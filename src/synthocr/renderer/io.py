"""All disk access of the renderer: reading plan rows, atomic output writes, listing finished outputs."""

from __future__ import annotations

import io
import json
import os
from dataclasses import replace
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from PIL import Image

from synthocr.errors import UserError
from synthocr.schemas.labels import Label
from synthocr.schemas.plan import PlanError, plan_metadata, validate_plan

CHECKPOINT = ".generation_checkpoint.json"
STATE_LOG = "_render_state.jsonl"
FORMATS = {"png": "PNG", "jpg": "JPEG", "webp": "WEBP"}


def open_plan(path: str | Path) -> pq.ParquetFile:
    """Open a plan file, with a clear error for anything that is not a synthocr plan."""
    try:
        pf = pq.ParquetFile(path)
    except FileNotFoundError:
        raise UserError(f"plan {path} does not exist; create it with `synthocr plan CONFIG -o {path}`.") from None
    except (pa.ArrowException, OSError) as exc:
        raise UserError(f"plan {path} is not a readable Parquet file ({exc}); create it with `synthocr plan`.") from None
    schema = pf.schema_arrow
    if not plan_metadata(schema):
        raise UserError(f"plan {path} has no synthocr metadata: it was not written by `synthocr plan`.")
    try:
        validate_plan(pa.Table.from_batches([], schema), where=f"plan {path}")
    except PlanError as exc:
        raise UserError(str(exc)) from None
    return pf


def read_columns(pf: pq.ParquetFile, columns: list[str]) -> pa.Table:
    return pf.read(columns=columns)


def read_rows(pf: pq.ParquetFile, rows: np.ndarray) -> list[dict[str, Any]]:
    """The plan rows at positions `rows` (sorted), reading only the row groups that hold them."""
    meta = pf.metadata
    bounds = np.cumsum([0] + [meta.row_group(i).num_rows for i in range(meta.num_row_groups)])
    group_of = np.searchsorted(bounds, rows, side="right") - 1
    groups = sorted(set(group_of.tolist()))
    table = pf.read_row_groups(groups)
    validate_plan(table, where="plan rows")
    start_in_table = dict(zip(groups, np.cumsum([0] + [bounds[g + 1] - bounds[g] for g in groups[:-1]])))
    picked = [start_in_table[g] + r - bounds[g] for r, g in zip(rows.tolist(), group_of.tolist())]
    return table.take(pa.array(picked, pa.int64())).to_pylist()


def encode_image(image: Image.Image, fmt: str, png_compress_level: int = 1) -> bytes:
    """Image bytes in `fmt`; PNG uses a fast compression level by default."""
    buf = io.BytesIO()
    if fmt == "png":
        image.save(buf, format="PNG", compress_level=png_compress_level)
    elif fmt == "jpg":
        image.save(buf, format="JPEG", quality=95)
    else:
        image.save(buf, format="WEBP", lossless=True)
    return buf.getvalue()


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file in the same folder, then rename it into place."""
    tmp = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_output(out_dir: Path, output_name: str, image_bytes: bytes, fmt: str, label: Label) -> Path:
    """Image first, label last: a label on disk means its image is complete."""
    base = out_dir / output_name
    label = replace(label, image=f"{base.name}.{fmt}")
    base.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(base.with_name(f"{base.name}.{fmt}"), image_bytes)
    label_path = base.with_name(f"{base.name}.json")
    atomic_write(label_path, label.to_json().encode("utf-8"))
    return label_path


def iter_labels(out_dir: Path) -> Iterator[str]:
    """Output names (relative, no extension) that have both a non-empty label and an image."""
    images = tuple(f".{ext}" for ext in FORMATS)
    stack = [(out_dir, "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except FileNotFoundError:
            continue
        labels, pictures = set(), set()
        for entry in entries:
            if entry.name.startswith((".", "_")):
                continue
            if entry.is_dir(follow_symlinks=False):
                stack.append((Path(entry.path), f"{prefix}{entry.name}/"))
            elif entry.name.endswith(".json"):
                if entry.stat().st_size > 0:
                    labels.add(entry.name[:-5])
            elif entry.name.endswith(images):
                pictures.add(entry.name.rsplit(".", 1)[0])
        for stem in sorted(labels & pictures):
            yield f"{prefix}{stem}"


def read_checkpoint(out_dir: Path) -> dict[str, Any] | None:
    path = out_dir / CHECKPOINT
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        raise UserError(f"{path} is unreadable or not JSON; move it away to start this output dir afresh.") from None


def write_checkpoint(out_dir: Path, data: dict[str, Any]) -> None:
    atomic_write(out_dir / CHECKPOINT, json.dumps(data, indent=2, sort_keys=True).encode())


def append_state(out_dir: Path, records: list[dict[str, Any]]) -> None:
    """Append per-row outcomes to the run log (JSON lines)."""
    if not records:
        return
    with open(out_dir / STATE_LOG, "a", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
