"""What counts as a finished output: the one rule render, status, collect, export and preview share.

An output `NAME` (relative to the output dir, no extension) is finished for a plan when:

- `NAME.json` is a regular file holding a JSON object, a label of schema version 3 or later,
  that names this row: its `image_id` and `params.output_name` are the plan row's, and its
  `plan_fingerprint` is the plan's;
- the image the label names (`<stem>.png`, `.jpg` or `.webp` beside it) is a regular file whose
  header gives the label's `width` and `height` and whose end is intact (PNG's IEND chunk, JPEG's
  end-of-image marker, the RIFF size of a WebP). Only the first and last bytes are read.

`verify=True` adds a full decode of the image and its SHA-256, which must equal the label's
`image_sha256`: what the cheap rule cannot see (flipped bits inside the pixel data, an image of
another row with the same size).
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import struct
from typing import Any

import orjson
from PIL import Image

from synthocr.renderer.storage import Storage

FORMATS = {"png": "PNG", "jpg": "JPEG", "webp": "WEBP"}
IMAGE_EXTS = tuple(f".{ext}" for ext in FORMATS)
MIN_LABEL_SCHEMA_VERSION = 3  # the first version whose labels record the plan fingerprint and image hash
HEAD_BYTES = 65536  # enough for every header we write (a JPEG's SOF follows its quantisation tables)

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"  # the IEND chunk: length 0, type, CRC
_JPEG_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


class NotFinished(Exception):
    """Why an output does not count as finished (the message is shown to the user)."""


def image_size(head: bytes, tail: bytes, file_size: int, ext: str) -> tuple[int, int]:
    """(width, height) from an image's first bytes, after checking that its last bytes close it.

    Raises:
        NotFinished: not an image of format `ext`, or cut short.
    """
    if ext == "png":
        if head[:8] != _PNG_SIGNATURE or head[12:16] != b"IHDR" or len(head) < 24:
            raise NotFinished("the image is not a PNG (bad signature or header)")
        if not tail.endswith(_PNG_END):
            raise NotFinished("the PNG image is cut short (no IEND chunk at its end)")
        width, height = struct.unpack(">II", head[16:24])
        return width, height
    if ext == "jpg":
        size = _jpeg_size(head)
        if not tail.endswith(b"\xff\xd9"):
            raise NotFinished("the JPEG image is cut short (no end-of-image marker)")
        return size
    if ext == "webp":
        if head[:4] != b"RIFF" or head[8:12] != b"WEBP" or len(head) < 30:
            raise NotFinished("the image is not a WebP (bad RIFF header)")
        if struct.unpack("<I", head[4:8])[0] + 8 != file_size:
            raise NotFinished("the WebP image is cut short (its RIFF size is not the file's)")
        return _webp_size(head)
    raise NotFinished(f"unknown image format {ext!r}")


def _jpeg_size(head: bytes) -> tuple[int, int]:
    """Width and height from a JPEG's frame header (the first SOF marker segment)."""
    if head[:2] != b"\xff\xd8":
        raise NotFinished("the image is not a JPEG (no start-of-image marker)")
    i = 2
    while i + 4 <= len(head):
        if head[i] != 0xFF:
            break
        marker = head[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in _JPEG_SOF and i + 9 <= len(head):
            height, width = struct.unpack(">HH", head[i + 5 : i + 9])
            return width, height
        if marker == 0xDA:  # start of scan before any frame header
            break
        i += 2 + struct.unpack(">H", head[i + 2 : i + 4])[0]
    raise NotFinished("the JPEG image has no readable frame header")


def _webp_size(head: bytes) -> tuple[int, int]:
    chunk = head[12:16]
    if chunk == b"VP8L" and head[20] == 0x2F:  # lossless: 14-bit width-1 and height-1
        bits = struct.unpack("<I", head[21:25])[0]
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 " and head[23:26] == b"\x9d\x01\x2a":  # lossy key frame
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8X":  # extended: 24-bit canvas width-1 and height-1
        return 1 + int.from_bytes(head[24:27], "little"), 1 + int.from_bytes(head[27:30], "little")
    raise NotFinished("the WebP image has no readable VP8/VP8L/VP8X header")


def parse_label(data: bytes | None, name: str, image_id: int | None, fingerprint: str | None) -> dict[str, Any]:
    """The label of output `name` as a dict, if it names this row.

    `image_id` and `fingerprint` are what the plan expects (None: not checked, when no plan is known).

    Raises:
        NotFinished: missing, not JSON, an old schema, or a label of another row or plan.
    """
    if not data:
        raise NotFinished("the label is missing or empty")
    try:
        label = orjson.loads(data)
    except ValueError:  # orjson.JSONDecodeError (bad JSON or UTF-8) is a ValueError
        raise NotFinished("the label is not JSON") from None
    if not isinstance(label, dict):
        raise NotFinished("the label is not a JSON object")
    version = label.get("label_schema_version")
    if not isinstance(version, int) or version < MIN_LABEL_SCHEMA_VERSION:
        raise NotFinished(f"the label has schema version {version!r}, older than {MIN_LABEL_SCHEMA_VERSION}")
    params = label.get("params")
    found_id = label.get("image_id")
    if not isinstance(params, dict) or params.get("output_name") != name or params.get("image_id") != found_id:
        raise NotFinished("the label belongs to another output (its params name another row)")
    if image_id is not None and found_id != image_id:
        raise NotFinished(f"the label has image_id {found_id!r}, the plan row {image_id}")
    if fingerprint is not None and label.get("plan_fingerprint") != fingerprint:
        raise NotFinished(f"the label is of another plan (fingerprint {label.get('plan_fingerprint')!r})")
    width, height = label.get("width"), label.get("height")
    if not (isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0):
        raise NotFinished("the label has no positive width and height")
    stem = name.rpartition("/")[2]
    image = label.get("image")
    if not isinstance(image, str) or image.rpartition(".")[0] != stem or image.rpartition(".")[2] not in FORMATS:
        raise NotFinished(f"the label names image {image!r}, not {stem}.png, .jpg or .webp")
    return label


def check_output(
    store: Storage, name: str, image_id: int | None, fingerprint: str | None, verify: bool = False
) -> tuple[str | None, str | None]:
    """(the image's file name, None) when output `name` is finished (module docstring), else (None, the reason)."""
    try:
        label = parse_label(_read_regular(store, f"{name}.json"), name, image_id, fingerprint)
        folder = name.rpartition("/")[0]
        rel = f"{folder}/{label['image']}" if folder else label["image"]
        ext = rel.rpartition(".")[2]
        expected = (label["width"], label["height"])
        if verify:
            data = _read_regular(store, rel)
            if data is None:
                raise _absent(store, rel)
            if hashlib.sha256(data).hexdigest() != label.get("image_sha256"):
                raise NotFinished(f"its image {label['image']} does not match the SHA-256 its label records")
            size = _decoded_size(data, FORMATS[ext])
        else:
            size = _header_size(store, rel, ext)
        if size != expected:
            raise NotFinished(
                f"its image {label['image']} is {size[0]}x{size[1]}, the label says {expected[0]}x{expected[1]}"
            )
    except NotFinished as exc:
        return None, str(exc)
    return label["image"], None


def _read_regular(store: Storage, rel: str) -> bytes | None:
    """A regular file's bytes (links followed), or None when there is none (missing, a folder, a dangling link)."""
    try:
        if store.local:
            with open(store.path(rel), "rb") as fh:
                if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                    return None
                return fh.read()
        return store.fs.cat_file(store.path(rel))
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _absent(store: Storage, rel: str) -> NotFinished:
    """Why the image `rel` cannot be opened as a file: missing, a folder, or a link to nothing."""
    name = rel.rpartition("/")[2]
    if store.local:
        path = store.path(rel)
        if os.path.isdir(path):
            return NotFinished(f"its image {name} is a folder, not a file")
        if os.path.islink(path):
            return NotFinished(f"its image {name} is a link to nothing ({os.readlink(path)})")
    return NotFinished(f"its image {name} is missing")


def _header_size(store: Storage, rel: str, ext: str) -> tuple[int, int]:
    """The image's size from its header, its end checked (image_size), reading only its first and last bytes."""
    try:
        if store.local:
            with open(store.path(rel), "rb") as fh:
                st = os.fstat(fh.fileno())
                if not stat.S_ISREG(st.st_mode):
                    raise NotFinished(f"its image {rel.rpartition('/')[2]} is not a regular file")
                head = fh.read(HEAD_BYTES)
                if st.st_size > len(head):
                    fh.seek(-16, os.SEEK_END)
                    tail = fh.read(16)
                else:
                    tail = head
                return image_size(head, tail, st.st_size, ext)
        data = store.fs.cat_file(store.path(rel))
        return image_size(data[:HEAD_BYTES], data[-16:], len(data), ext)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise _absent(store, rel) from None


def _decoded_size(data: bytes, pil_format: str) -> tuple[int, int]:
    """The size of the fully decoded image (every pixel read)."""
    try:
        with Image.open(io.BytesIO(data), formats=[pil_format]) as im:
            im.load()
            return im.size
    except Exception as exc:  # Pillow raises many types for a damaged file; any of them means "not finished"
        raise NotFinished(f"its image does not decode ({type(exc).__name__}: {exc})") from None
