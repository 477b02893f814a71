"""A render's finished outputs (label + image pairs) for collect, export and preview, and the plan they came from."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from synthocr.errors import UserError
from synthocr.renderer.io import CHECKPOINT, open_plan
from synthocr.renderer.resume import Expected, Scan, expected_of, scan_outputs
from synthocr.renderer.shard_scan import recorded_layout, scan_shards
from synthocr.renderer.shards import Sample, ShardLayout, read_shard
from synthocr.renderer.storage import Storage
from synthocr.schemas.labels import Label
from synthocr.schemas.plan import META_PLAN_FINGERPRINT, plan_metadata

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Output:
    """One finished output: its name relative to the output dir (no extension) and its two files.

    In shard layouts both files are members of the shard file `shard`; `label_path` and
    `image_path` then name the member inside it (`out/shard-000000.tar/image_00000007.png`), and
    only `image_bytes` and `label_bytes` read them.
    """

    name: str
    label_path: Path
    image_path: Path
    shard: Path | None = None
    layout: str = "files"

    @property
    def image_rel(self) -> str:
        """The image path relative to the output dir, with `/` separators, as the files layout names it
        (exports copy images there, whatever the layout they were rendered in)."""
        return str(PurePosixPath(self.name).with_name(self.image_path.name))

    @property
    def image_location(self) -> str:
        """Where the image is, relative to the output dir: image_rel, or shard file / member in shard layouts."""
        if self.shard is not None:
            return f"{self.shard.name}/{self.image_path.name}"
        return self.image_rel

    @property
    def label_rel(self) -> str:
        """The label path relative to the output dir (shard file / member in shard layouts)."""
        if self.shard is not None:
            return f"{self.shard.name}/{self.label_path.name}"
        return f"{self.name}.json"

    def size(self) -> int:
        """Bytes of the image and the label together."""
        if self.shard is None:
            return self.image_path.stat().st_size + self.label_path.stat().st_size
        sample = _shard_samples(self.shard, self.layout)[self.name]
        return len(sample.image) + len(sample.label)

    def image_bytes(self) -> bytes:
        if self.shard is None:
            return self.image_path.read_bytes()
        return _shard_samples(self.shard, self.layout)[self.name].image

    def label_bytes(self) -> bytes:
        if self.shard is None:
            return self.label_path.read_bytes()
        return _shard_samples(self.shard, self.layout)[self.name].label


@lru_cache(maxsize=2)  # readers go through outputs in shard order: one shard is parsed once
def _shard_samples(path: Path, layout: str) -> dict[str, Sample]:
    try:
        return {s.output_name: s for s in read_shard(layout, path.read_bytes())}
    except (OSError, ValueError) as exc:
        raise UserError(f"shard {path} is unreadable ({exc}); delete it and run `synthocr render` again.") from None


def read_label(where: Path | Output) -> Label:
    """The label at `where` (a label file, or an output of any layout), with an error naming it when it
    is not a synthocr label."""
    path = where.label_path if isinstance(where, Output) else where
    try:
        data = where.label_bytes() if isinstance(where, Output) else path.read_bytes()
        return Label.from_json(data.decode("utf-8"))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UserError(
            f"label {path} is unreadable or not a synthocr label ({type(exc).__name__}: {exc}); "
            f"delete it and run `synthocr render` again to re-create it."
        ) from None


def find_outputs(out_dir: str | Path, plan: str | Path | None = None) -> tuple[list[Output], Scan]:
    """Every finished output under `out_dir` (renderer.finished's rule, as render and status use it),
    sorted by name, and the scan that found them.

    The outputs must belong to `plan`, else to the plan the dir's checkpoint records (when that file
    is still there), else to the plan fingerprint the checkpoint records; with no checkpoint at all,
    each output only has to be whole and name itself.

    Raises:
        UserError: `out_dir` is not a folder, or holds no finished output.
    """
    out = Path(out_dir)
    if not out.is_dir():
        raise UserError(f"output dir {out} does not exist; render a plan into it with `synthocr render PLAN -o {out}`.")
    layout = recorded_layout(_checkpoint(out) or None)
    if layout is not None:
        return _shard_outputs(out, layout, plan)
    scan = scan_outputs(Storage(str(out)), _expected(out, plan))
    finished = scan.finished.sort_by("name")
    found = [
        Output(name, out / f"{name}.json", out / name.rpartition("/")[0] / image)
        for name, image in zip(finished.column("name").to_pylist(), finished.column("image").to_pylist())
    ]
    if scan.extra:
        log.warning("%d outputs in %s are not rows of its plan and are left out", len(scan.extra), out)
    if not found:
        raise UserError(
            f"output dir {out} holds no finished outputs (label + image of its plan); "
            f"run `synthocr render PLAN -o {out}` first."
        )
    return found, scan


def _shard_outputs(out: Path, layout: ShardLayout, plan: str | Path | None) -> tuple[list[Output], Scan]:
    """find_outputs for a shard layout: every sample of every finished shard, in name order."""
    pf = _plan_file(out, plan)
    fingerprint = plan_metadata(pf.schema_arrow).get(META_PLAN_FINGERPRINT) if pf is not None else None
    shards = scan_shards(Storage(str(out)), layout, pf, fingerprint=fingerprint)
    found: list[Output] = []
    for k in shards.finished:
        path = out / layout.name(k)
        for name, sample in _shard_samples(path, layout.layout).items():
            member = path / sample.key
            found.append(
                Output(
                    name,
                    member.with_name(f"{sample.key}.json"),
                    member.with_name(f"{sample.key}.{sample.fmt}"),
                    path,
                    layout.layout,
                )
            )
    if not found:
        raise UserError(
            f"output dir {out} holds no finished shards of its plan; run `synthocr render PLAN -o {out} "
            f"--layout {layout.layout}` first."
        )
    found.sort(key=lambda o: o.name)
    names = pa.array([o.name for o in found], pa.string())
    finished = pa.table({"name": names, "image": pa.array([o.image_path.name for o in found], pa.string())})
    finished = finished.append_column("position", pa.array(np.full(len(found), -1, np.int64)))
    return found, Scan(finished, [(n, r) for n, r in shards.damaged], shards.extra, 0, 0)


def _plan_file(out: Path, plan: str | Path | None) -> pq.ParquetFile | None:
    """The plan given, else the one the checkpoint records when it is there; None without either."""
    if plan is not None:
        return open_plan(str(plan))
    recorded = _checkpoint(out).get("plan_path")
    if isinstance(recorded, str) and recorded and Path(recorded).is_file():
        return open_plan(recorded)
    return None


def list_outputs(out_dir: str | Path, plan: str | Path | None = None) -> list[Output]:
    """find_outputs' finished outputs, sorted by name."""
    return find_outputs(out_dir, plan)[0]


def _expected(out: Path, plan: str | Path | None) -> Expected:
    """What the outputs of `out` must name: see find_outputs."""
    if plan is not None:
        return expected_of(open_plan(str(plan)))
    checkpoint = _checkpoint(out)
    recorded = checkpoint.get("plan_path")
    if isinstance(recorded, str) and recorded and Path(recorded).is_file():
        return expected_of(open_plan(recorded))
    fingerprint = checkpoint.get("plan_fingerprint")
    if not isinstance(fingerprint, str):
        log.warning(
            "%s has no readable %s: outputs are not checked against a plan, only for being whole", out, CHECKPOINT
        )
        fingerprint = None
    return Expected(None, fingerprint)


def _checkpoint(out: Path) -> dict[str, Any]:
    try:
        data = json.loads((out / CHECKPOINT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_labels(outputs: list[Output]) -> Iterator[tuple[Output, Label]]:
    """Each output with its label read from disk, in order."""
    for output in outputs:
        yield output, read_label(output)


def plan_path_of(out_dir: str | Path, plan: str | Path | None = None) -> Path:
    """The plan an output dir was rendered from: `plan` if given, else the `plan_path` its checkpoint records."""
    if plan is not None:
        return Path(plan)
    path = Path(out_dir) / CHECKPOINT
    try:
        recorded = json.loads(path.read_text(encoding="utf-8")).get("plan_path")
    except (OSError, ValueError, AttributeError):
        recorded = None
    if not recorded:
        raise UserError(f"{path} is missing, unreadable or names no plan; pass the plan with --plan PLAN.")
    if not Path(recorded).is_file():
        raise UserError(
            f"the plan {recorded} recorded in {path} does not exist here; pass its location with --plan PLAN."
        )
    return Path(recorded)
