"""Shard layouts: plan rows rendered straight into WebDataset tars or Parquet files of N images each.

Shard k of a plan holds the plan rows at positions k*N .. (k+1)*N-1, in plan order, so its bytes
depend only on those rows: the same whatever the worker count, order or crashes. A shard is built
in memory by one worker task and committed whole (storage.write_atomic: temporary name, then
rename; one PUT on object stores): a shard file that exists is finished. Resume renders the shards
whose file is missing or not whole.

- webdataset: `shard-000000.tar`, members `image_<image_id:08d>.<fmt>`, `.json` (the label) and
  `.txt` (the text), fixed owner and time, as `synthocr export --to webdataset` writes them.
- parquet: `shard-000000.parquet`, one row group, columns key, image_id, output_name, image
  (Hugging Face's Image struct of bytes and path), text and label (the label JSON); the schema
  metadata names the features so `datasets.load_dataset("parquet", ...)` decodes the images.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
from collections.abc import Iterable
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.parquet as pq

from synthocr.errors import UserError
from synthocr.renderer.storage import Storage

LAYOUTS = ("files", "webdataset", "parquet")
SHARD_EXT = {"webdataset": "tar", "parquet": "parquet"}
DEFAULT_SHARD_SIZE = 1000
SHARD_PATTERN = re.compile(r"^shard-(\d{6,})\.(tar|parquet)$")
_TAR_END = b"\0" * 1024  # a tar archive ends with two zero blocks
_PARQUET_MAGIC = b"PAR1"

_HF_FEATURES = {
    "key": {"dtype": "string", "_type": "Value"},
    "image_id": {"dtype": "int64", "_type": "Value"},
    "output_name": {"dtype": "string", "_type": "Value"},
    "image": {"_type": "Image"},
    "text": {"dtype": "string", "_type": "Value"},
    "label": {"dtype": "string", "_type": "Value"},
}
PARQUET_SCHEMA = pa.schema(
    [
        pa.field("key", pa.string(), nullable=False),
        pa.field("image_id", pa.int64(), nullable=False),
        pa.field("output_name", pa.string(), nullable=False),
        pa.field("image", pa.struct([pa.field("bytes", pa.binary()), pa.field("path", pa.string())])),
        pa.field("text", pa.string(), nullable=False),
        pa.field("label", pa.string(), nullable=False),
    ],
    metadata={"huggingface": json.dumps({"info": {"features": _HF_FEATURES}}, sort_keys=True)},
)


def check_layout(layout: str, shard_size: int) -> None:
    """Refuse an unknown layout or a shard size below 1.

    Raises:
        UserError: naming the option and the values it takes.
    """
    if layout not in LAYOUTS:
        raise UserError(f"--layout {layout!r} is unknown; use one of {', '.join(LAYOUTS)}.")
    if shard_size < 1:
        raise UserError(f"--shard-size must be at least 1, got {shard_size}.")


@dataclass(frozen=True)
class ShardLayout:
    """How plan rows map to shard files: `size` rows per shard, in plan order."""

    layout: str  # webdataset or parquet
    size: int

    @property
    def ext(self) -> str:
        return SHARD_EXT[self.layout]

    def name(self, k: int) -> str:
        """The file name of shard `k` (relative to the output dir)."""
        return f"shard-{k:06d}.{self.ext}"

    def count(self, total: int) -> int:
        """How many shards a plan of `total` rows makes."""
        return -(-total // self.size)

    def rows(self, k: int, total: int) -> range:
        """Plan positions of shard `k`."""
        return range(k * self.size, min((k + 1) * self.size, total))


def shard_index(name: str) -> int | None:
    """k of a file named like a shard (`shard-000012.tar` -> 12), else None."""
    m = SHARD_PATTERN.match(name)
    return int(m.group(1)) if m else None


@dataclass(frozen=True)
class Sample:
    """One rendered row as a shard holds it."""

    image_id: int
    output_name: str
    fmt: str  # image extension: png, jpg or webp
    image: bytes
    label: bytes  # the label JSON, as the files layout writes it
    text: str

    @property
    def key(self) -> str:
        """The WebDataset key: no dots, since WebDataset splits a member name at the first one."""
        return f"image_{self.image_id:08d}"


def shard_bytes(layout: str, samples: Iterable[Sample]) -> bytes:
    """The whole shard file of `samples`, in their order; the same samples give the same bytes."""
    samples = list(samples)
    if layout == "webdataset":
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for s in samples:
                _add(tar, f"{s.key}.{s.fmt}", s.image)
                _add(tar, f"{s.key}.json", s.label)
                _add(tar, f"{s.key}.txt", s.text.encode("utf-8"))
        return buf.getvalue()
    table = pa.Table.from_arrays(
        [
            pa.array([s.key for s in samples], pa.string()),
            pa.array([s.image_id for s in samples], pa.int64()),
            pa.array([s.output_name for s in samples], pa.string()),
            pa.array(
                [{"bytes": s.image, "path": f"{s.key}.{s.fmt}"} for s in samples], PARQUET_SCHEMA.field("image").type
            ),
            pa.array([s.text for s in samples], pa.string()),
            pa.array([s.label.decode("utf-8") for s in samples], pa.string()),
        ],
        schema=PARQUET_SCHEMA,
    )
    sink = io.BytesIO()
    # Images are compressed already: only the text columns are worth zstd's time.
    compression = {name: "zstd" for name in ("key", "output_name", "text", "label")} | {"image.bytes": "none"}
    pq.write_table(table, sink, row_group_size=max(len(samples), 1), compression=compression)
    return sink.getvalue()


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o644, 0
    tar.addfile(info, io.BytesIO(data))


def read_shard(layout: str, data: bytes) -> list[Sample]:
    """The samples of a shard file's bytes, in shard order.

    Raises:
        ValueError: the bytes are not a whole shard of this layout.
    """
    if layout == "webdataset":
        return _read_tar(data)
    try:
        table = pq.read_table(io.BytesIO(data))
    except (pa.ArrowException, OSError) as exc:
        raise ValueError(f"not a readable Parquet shard ({exc})") from None
    if not set(PARQUET_SCHEMA.names) <= set(table.column_names):
        raise ValueError(f"a Parquet shard needs the columns {', '.join(PARQUET_SCHEMA.names)}")
    out = []
    for row in table.select(PARQUET_SCHEMA.names).to_pylist():
        fmt = (row["image"]["path"] or "").rpartition(".")[2]
        out.append(
            Sample(row["image_id"], row["output_name"], fmt, row["image"]["bytes"], row["label"].encode(), row["text"])
        )
    return out


def _read_tar(data: bytes) -> list[Sample]:
    members: dict[str, dict[str, bytes]] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
            for info in tar:
                if not info.isfile():
                    continue
                key, _, ext = info.name.partition(".")
                fh = tar.extractfile(info)
                assert fh is not None  # a regular file
                members.setdefault(key, {})[ext] = fh.read()
    except tarfile.TarError as exc:
        raise ValueError(f"not a readable tar shard ({exc})") from None
    out = []
    for key, files in members.items():
        images = [ext for ext in files if ext in ("png", "jpg", "webp")]
        if "json" not in files or len(images) != 1:
            raise ValueError(f"sample {key} needs one image and one .json member, has {sorted(files)}")
        label = json.loads(files["json"])
        out.append(
            Sample(
                int(label["image_id"]),
                str(label["params"]["output_name"]),
                images[0],
                files[images[0]],
                files["json"],
                files.get("txt", b"").decode("utf-8"),
            )
        )
    return out


def looks_whole(layout: str, store: Storage, rel: str) -> bool:
    """The cheap check of a committed shard: its end is intact (two zero blocks of a tar, Parquet's
    footer magic). Shards are committed by rename, so this only catches files damaged afterwards."""
    try:
        if store.local:
            with open(store.path(rel), "rb") as fh:
                head = fh.read(4)
                fh.seek(0, 2)
                size = fh.tell()
                fh.seek(max(size - 1024, 0))
                tail = fh.read()
        else:
            size = store.fs.size(store.path(rel))
            head = store.fs.cat_file(store.path(rel), start=0, end=4)
            tail = store.fs.cat_file(store.path(rel), start=max(size - 1024, 0), end=size)
    except OSError:
        return False
    if layout == "webdataset":
        return size >= 1024 and size % 512 == 0 and tail.endswith(_TAR_END)
    return size >= 12 and head == _PARQUET_MAGIC and tail.endswith(_PARQUET_MAGIC)


def check_samples(samples: list[Sample], ids: list[int], fingerprint: str | None) -> str | None:
    """Why a shard read whole does not hold exactly the plan rows `ids` of this plan, or None when it does:
    its image ids in order, each label's plan fingerprint and the SHA-256 of each image."""
    got = [s.image_id for s in samples]
    if got != ids:
        return f"holds image ids {got[:3]}... where the plan has {ids[:3]}..."
    for s in samples:
        label = json.loads(s.label)
        if fingerprint is not None and label.get("plan_fingerprint") != fingerprint:
            return f"image {s.image_id} belongs to another plan"
        if label.get("image_sha256") != hashlib.sha256(s.image).hexdigest():
            return f"image {s.image_id} does not match the SHA-256 its label records"
    return None
