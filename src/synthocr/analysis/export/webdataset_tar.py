"""Export as WebDataset tar shards: `<key>.png`, `<key>.json` (the label) and `<key>.txt` (the text) per sample."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path
from typing import TYPE_CHECKING

from synthocr.analysis.export.samples import samples
from synthocr.analysis.outputs import Output

if TYPE_CHECKING:
    from synthocr.analysis.export.options import ExportOptions

SHARD = "shard-{:06d}.tar"


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    """One member with fixed owner and time, so the same outputs give the same tar bytes."""
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o644, 0
    tar.addfile(info, io.BytesIO(data))


def export(outputs: list[Output], dest: Path, options: ExportOptions) -> list[Path]:
    """Write `dest/shard-000000.tar`, ... with at most `options.shard_size` samples each, in name order.

    A sample's key is `image_<image_id:08d>` (no dots, as WebDataset splits the key from the
    extension at the first dot); its files are the image as rendered, the label JSON as written
    by the renderer, and the text in UTF-8.
    """
    shards: list[Path] = []
    tar: tarfile.TarFile | None = None
    try:
        for i, (output, label) in enumerate(samples(outputs, options)):
            if i % options.shard_size == 0:
                if tar is not None:
                    tar.close()
                shards.append(dest / SHARD.format(len(shards)))
                tar = tarfile.open(shards[-1], "w", format=tarfile.PAX_FORMAT)
            assert tar is not None  # opened at i == 0
            key = f"image_{label.image_id:08d}"
            _add(tar, f"{key}.{output.image.rpartition('.')[2]}", output.image_bytes())
            _add(tar, f"{key}.json", output.label_bytes())
            _add(tar, f"{key}.txt", label.text.encode("utf-8"))
    finally:
        if tar is not None:
            tar.close()
    return shards
