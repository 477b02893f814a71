"""Output names (a plan's `output_name`, relative to the output dir, no extension): the rule every name
follows, and the default name the planner gives each image id, one at a time or a column at a time.

Its own module, without the planner around it: render checks every plan's names and the resume scan
makes default names again, and importing the planner (YAML, the config schema) would be serial time
at the start of every render.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import numpy as np
import pyarrow as pa

from synthocr.schemas.arrow_numpy import string_array
from synthocr.schemas.plan import SHARD_SIZE

_DEFAULT_STEM = re.compile(r"image_\d+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# File names are at most 255 bytes; the atomic writer's temp name adds about 40 and the extension 5.
MAX_NAME_COMPONENT_BYTES = 200
MAX_NAME_BYTES = 1024


def check_output_name(name: str) -> str:
    """Why an output name is unsafe or unusable ("" if it is fine)."""
    if not name.strip():
        return "is empty"
    if _CONTROL.search(name):
        return "holds a control character (NUL, line break, tab, ...)"
    if len(name.encode("utf-8")) > MAX_NAME_BYTES:
        return f"is longer than {MAX_NAME_BYTES} bytes"
    if "\\" in name or name.startswith("/") or PurePosixPath(name).is_absolute() or re.match(r"^[A-Za-z]:", name):
        return "must be a relative path with / separators"
    parts = name.split("/")
    if ".." in parts:
        return "must not climb out of the output dir with '..'"
    if any(p in ("", ".") for p in parts):
        return "has an empty or '.' path component"
    if any(len(p.encode("utf-8")) > MAX_NAME_COMPONENT_BYTES for p in parts):
        return f"has a path component longer than {MAX_NAME_COMPONENT_BYTES} bytes"
    if any(p.startswith((".", "_")) for p in parts):
        return "has a component starting with '.' or '_' (such files are ignored when resuming)"
    if _DEFAULT_STEM.fullmatch(parts[-1]):
        return "ends in image_<digits>, a name reserved for rows without an output_name"
    return ""


def output_name(image_id: int) -> str:
    """The default output name of an image: its folder of SHARD_SIZE images, then image_<id>."""
    return f"{image_id // SHARD_SIZE:05d}/image_{image_id:08d}"


DEFAULT_WIDTH = 20  # bytes of a default name below id 10^8: "sssss/image_iiiiiiii"
_DEFAULT_MIDDLE = np.frombuffer(b"/image_", np.uint8)
_FOLDER_WEIGHTS = 10 ** np.arange(4, -1, -1, dtype=np.int64)
_ID_WEIGHTS = 10 ** np.arange(7, -1, -1, dtype=np.int64)


def default_names(ids: np.ndarray) -> pa.StringArray:
    """output_name of each id, built as one byte buffer when all are below 10^8 (no Python loop): the
    planner's column, and the names the resume scan kept as their id (4 bytes, not 24) made again."""
    ids = np.asarray(ids, np.int64)
    if len(ids) and ids.max() >= 10**8:  # wider numbers than the fixed layout below
        return string_array([output_name(i) for i in ids.tolist()])
    buf = np.empty((len(ids), DEFAULT_WIDTH), np.uint8)
    shard = ids // SHARD_SIZE
    for k in range(5):
        buf[:, 4 - k] = 48 + (shard // 10**k) % 10
    buf[:, 5:12] = _DEFAULT_MIDDLE
    for k in range(8):
        buf[:, 19 - k] = 48 + (ids // 10**k) % 10
    offsets = np.arange(0, (len(ids) + 1) * DEFAULT_WIDTH, DEFAULT_WIDTH, dtype=np.int32)
    return pa.StringArray.from_buffers(len(ids), pa.py_buffer(offsets), pa.py_buffer(buf))


def default_numbers(names: pa.Array) -> np.ndarray:
    """For each of `names` (a string array without nulls), the id below 10^8 whose default name it is
    exactly (output_name), else -1; as int32."""
    n = len(names)
    out = np.full(n, -1, np.int32)
    if n == 0 or names.null_count:
        return out
    wide = pa.types.is_large_string(names.type)
    offsets: np.ndarray = np.frombuffer(names.buffers()[1], np.int64 if wide else np.int32)
    offsets = offsets[names.offset : names.offset + n + 1].astype(np.int64)
    rows = np.flatnonzero(np.diff(offsets) == DEFAULT_WIDTH)
    if len(rows) == 0:
        return out
    data = np.frombuffer(names.buffers()[2], np.uint8)
    if len(rows) == n:  # every name is DEFAULT_WIDTH bytes long: their bytes are one block, a view
        chars = data[offsets[0] : offsets[-1]].reshape(n, DEFAULT_WIDTH)
    else:
        chars = data[offsets[rows][:, None] + np.arange(DEFAULT_WIDTH)]
    digits = chars - np.uint8(48)  # other bytes wrap around to 10 or more
    shard, number = digits[:, :5].astype(np.int64) @ _FOLDER_WEIGHTS, digits[:, 12:].astype(np.int64) @ _ID_WEIGHTS
    ok = (digits[:, :5] <= 9).all(1) & (digits[:, 12:] <= 9).all(1) & (chars[:, 5:12] == _DEFAULT_MIDDLE).all(1)
    ok &= shard == number // SHARD_SIZE
    out[rows[ok]] = number[ok]
    return out
