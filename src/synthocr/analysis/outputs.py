"""A render's finished outputs (label + image pairs) for collect, export and preview, and the plan they came from."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from synthocr.errors import UserError
from synthocr.extras import url_to_fs
from synthocr.renderer.io import CHECKPOINT, open_plan
from synthocr.renderer.resume import Expected, Scan, expected_of, scan_outputs
from synthocr.renderer.shard_scan import recorded_layout, scan_shards
from synthocr.renderer.shards import Sample, ShardLayout, read_shard
from synthocr.renderer.storage import Storage, read_bytes, with_retries
from synthocr.schemas.labels import Label
from synthocr.schemas.plan import META_PLAN_FINGERPRINT, plan_metadata

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Output:
    """One finished output: its store (a local folder or an fsspec URL such as s3://), its name relative to
    the output dir (no extension) and its image file name.

    In shard layouts both files are members of the shard file `shard` (relative to the store's root);
    `label_path` and `image_path` then name the member inside it (`out/shard-000000.tar/image_00000007.png`).
    Read the files through `image_bytes` and `label_bytes`, which work for every store and layout.
    """

    store: Storage
    name: str
    image: str  # file name of the image (its member name in a shard)
    shard: str | None = None
    layout: str = "files"

    @property
    def image_rel(self) -> str:
        """The image path relative to the output dir, with `/` separators, as the files layout names it
        (exports copy images there, whatever the layout they were rendered in)."""
        return str(PurePosixPath(self.name).with_name(self.image))

    @property
    def image_location(self) -> str:
        """Where the image is, relative to the output dir: image_rel, or shard file / member in shard layouts."""
        if self.shard is not None:
            return f"{self.shard}/{self.image}"
        return self.image_rel

    @property
    def label_rel(self) -> str:
        """The label path relative to the output dir (shard file / member in shard layouts)."""
        if self.shard is not None:
            return f"{self.shard}/{self.image.rpartition('.')[0]}.json"
        return f"{self.name}.json"

    @property
    def image_path(self) -> str:
        """The image's local path or URL (for messages; a member path in shard layouts)."""
        return self.store.path(self.image_location)

    @property
    def label_path(self) -> str:
        return self.store.path(self.label_rel)

    def _sample(self) -> Sample:
        assert self.shard is not None
        return _shard_samples(self.store, self.shard, self.layout)[self.name]

    def image_bytes(self) -> bytes:
        if self.shard is not None:
            return self._sample().image
        return _read(self.store, self.image_rel)

    def label_bytes(self) -> bytes:
        if self.shard is not None:
            return self._sample().label
        return _read(self.store, self.label_rel)

    def image_size(self) -> int:
        if self.shard is not None:
            return len(self._sample().image)
        return _size(self.store, self.image_rel)

    def label_size(self) -> int:
        if self.shard is not None:
            return len(self._sample().label)
        return _size(self.store, self.label_rel)

    def size(self) -> int:
        """Bytes of the image and the label together."""
        return self.image_size() + self.label_size()

    def copy_image(self, target: Path) -> None:
        """The image's bytes into the local file `target` (its folder is made)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.store.local and self.shard is None:
            shutil.copyfile(self.image_path, target)
        else:
            target.write_bytes(self.image_bytes())


@lru_cache(maxsize=2)  # readers go through outputs in shard order: one shard is parsed once
def _shard_samples(store: Storage, shard: str, layout: str) -> dict[str, Sample]:
    try:
        return {s.output_name: s for s in read_shard(layout, _read(store, shard))}
    except (OSError, ValueError) as exc:
        raise UserError(
            f"shard {store.path(shard)} is unreadable ({exc}); delete it and run `synthocr render` again."
        ) from None


def _read(store: Storage, rel: str) -> bytes:
    data = with_retries(lambda: read_bytes(store, rel), f"reading {store.path(rel)}")
    if data is None:
        raise UserError(f"{store.path(rel)} went away while it was read; run `synthocr render` again to re-create it.")
    return data


def _size(store: Storage, rel: str) -> int:
    if store.local:
        return os.stat(store.path(rel)).st_size
    return int(store.fs.info(store.path(rel)).get("size") or 0)


def read_label(where: Path | Output) -> Label:
    """The label at `where` (a local label file, or an output of any store and layout), with an error naming
    it when it is not a synthocr label."""
    path = where.label_path if isinstance(where, Output) else where
    try:
        data = where.label_bytes() if isinstance(where, Output) else Path(where).read_bytes()
        return Label.from_json(data.decode("utf-8"))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UserError(
            f"label {path} is unreadable or not a synthocr label ({type(exc).__name__}: {exc}); "
            f"delete it and run `synthocr render` again to re-create it."
        ) from None


def open_store(out_dir: str | Path) -> Storage:
    """The output dir as a Storage, with an error when it is not there."""
    store = Storage(os.fspath(out_dir))
    exists = os.path.isdir(store.root) if store.local else store.fs.isdir(store.root)
    if not exists:
        raise UserError(
            f"output dir {out_dir} does not exist; render a plan into it with `synthocr render PLAN -o {out_dir}`."
        )
    return store


def find_outputs(out_dir: str | Path, plan: str | Path | None = None) -> tuple[list[Output], Scan]:
    """Every finished output under `out_dir` (renderer.finished's rule, as render and status use it),
    sorted by name, and the scan that found them.

    `out_dir` is a local folder or an fsspec URL. The outputs must belong to `plan`, else to the plan
    the dir's checkpoint records (when that file is still there), else to the plan fingerprint the
    checkpoint records; with no checkpoint at all, each output only has to be whole and name itself.

    Raises:
        UserError: `out_dir` is not a folder, or holds no finished output.
    """
    store = open_store(out_dir)
    layout = recorded_layout(_checkpoint(store) or None)
    if layout is not None:
        return _shard_outputs(store, layout, plan)
    scan = scan_outputs(store, _expected(store, plan))
    finished = scan.finished.sort_by("name")
    found = [
        Output(store, name, image)
        for name, image in zip(finished.column("name").to_pylist(), finished.column("image").to_pylist())
    ]
    if scan.extra:
        log.warning("%d outputs in %s are not rows of its plan and are left out", len(scan.extra), out_dir)
    if not found:
        raise UserError(
            f"output dir {out_dir} holds no finished outputs (label + image of its plan); "
            f"run `synthocr render PLAN -o {out_dir}` first."
        )
    return found, scan


def _shard_outputs(store: Storage, layout: ShardLayout, plan: str | Path | None) -> tuple[list[Output], Scan]:
    """find_outputs for a shard layout: every sample of every finished shard, in name order."""
    pf = _plan_file(store, plan)
    fingerprint = plan_metadata(pf.schema_arrow).get(META_PLAN_FINGERPRINT) if pf is not None else None
    shards = scan_shards(store, layout, pf, fingerprint=fingerprint)
    found: list[Output] = []
    for k in shards.finished:
        rel = layout.name(k)
        for name, sample in _shard_samples(store, rel, layout.layout).items():
            found.append(Output(store, name, f"{sample.key}.{sample.fmt}", rel, layout.layout))
    if not found:
        raise UserError(
            f"output dir {store.url} holds no finished shards of its plan; run `synthocr render PLAN -o "
            f"{store.url} --layout {layout.layout}` first."
        )
    found.sort(key=lambda o: o.name)
    names = pa.array([o.name for o in found], pa.string())
    finished = pa.table({"name": names, "image": pa.array([o.image for o in found], pa.string())})
    finished = finished.append_column("position", pa.array(np.full(len(found), -1, np.int64)))
    return found, Scan(finished, [(n, r) for n, r in shards.damaged], shards.extra, 0, 0)


def _plan_file(store: Storage, plan: str | Path | None) -> pq.ParquetFile | None:
    """The plan given, else the one the checkpoint records when it is there; None without either."""
    if plan is not None:
        return open_plan(str(plan))
    recorded = _checkpoint(store).get("plan_path")
    if isinstance(recorded, str) and recorded and _plan_exists(recorded):
        return open_plan(recorded)
    return None


def list_outputs(out_dir: str | Path, plan: str | Path | None = None) -> list[Output]:
    """find_outputs' finished outputs, sorted by name."""
    return find_outputs(out_dir, plan)[0]


def _expected(store: Storage, plan: str | Path | None) -> Expected:
    """What the outputs of `store` must name: see find_outputs."""
    if plan is not None:
        return expected_of(open_plan(str(plan)))
    checkpoint = _checkpoint(store)
    recorded = checkpoint.get("plan_path")
    if isinstance(recorded, str) and recorded and _plan_exists(recorded):
        return expected_of(open_plan(recorded))
    fingerprint = checkpoint.get("plan_fingerprint")
    if not isinstance(fingerprint, str):
        log.warning(
            "%s has no readable %s: outputs are not checked against a plan, only for being whole",
            store.url,
            CHECKPOINT,
        )
        fingerprint = None
    return Expected(None, fingerprint)


def recorded_plan(out_dir: str | Path) -> str | None:
    """The plan an output dir's checkpoint records, if it is still there."""
    recorded = _checkpoint(Storage(os.fspath(out_dir))).get("plan_path")
    return recorded if isinstance(recorded, str) and recorded and _plan_exists(recorded) else None


def _checkpoint(store: Storage) -> dict[str, Any]:
    try:
        data = json.loads(read_bytes(store, CHECKPOINT) or b"")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _plan_exists(path: str) -> bool:
    """Whether the plan at a local path or URL is there (False when its store cannot be asked)."""
    if "://" not in path:
        return Path(path).is_file()
    try:
        fs, inner = url_to_fs(path)
        return bool(fs.isfile(inner))
    except (OSError, UserError):
        return False


# Why an intact_image is None, for messages that name the output before it.
DAMAGED = (
    "the image is not the one its label records (SHA-256): damaged since it was rendered; "
    "`synthocr render PLAN -o OUT --verify` makes it again"
)


def intact_image(output: Output, label: Label) -> bytes | None:
    """The output's image bytes when they are the ones its label records (its SHA-256), else None.

    The finished rule reads only an image's first and last bytes; what hands images on (export, preview)
    reads them all anyway, and checks them with this before they go further.
    """
    data = output.image_bytes()
    return data if hashlib.sha256(data).hexdigest() == label.image_sha256 else None


def read_labels(outputs: list[Output]) -> Iterator[tuple[Output, Label]]:
    """Each output with its label read from its store, in order."""
    for output in outputs:
        yield output, read_label(output)


def plan_path_of(out_dir: str | Path, plan: str | Path | None = None) -> str:
    """The plan an output dir was rendered from: `plan` if given, else the `plan_path` its checkpoint records."""
    if plan is not None:
        return os.fspath(plan)
    store = Storage(os.fspath(out_dir))
    recorded = _checkpoint(store).get("plan_path")
    where = store.path(CHECKPOINT)
    if not isinstance(recorded, str) or not recorded:
        raise UserError(f"{where} is missing, unreadable or names no plan; pass the plan with --plan PLAN.")
    if not _plan_exists(recorded):
        raise UserError(
            f"the plan {recorded} recorded in {where} does not exist here; pass its location with --plan PLAN."
        )
    return recorded
