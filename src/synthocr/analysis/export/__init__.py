"""Exports of a render's outputs to the formats training code reads, one module per format."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from synthocr.analysis.export import hf_imagefolder, lmdb_store, paddleocr, webdataset_tar
from synthocr.analysis.export.options import ExportOptions
from synthocr.analysis.outputs import list_outputs
from synthocr.errors import UserError
from synthocr.extras import require
from synthocr.output_paths import check_output_path, new_output_dir

__all__ = ["EXPORTERS", "ExportOptions", "export_outputs"]

log = logging.getLogger(__name__)


# Each exporter writes the given outputs into an empty folder and returns the files it wrote.
EXPORTERS: dict[str, Callable[..., list[Path]]] = {
    "hf-imagefolder": hf_imagefolder.export,
    "paddleocr": paddleocr.export,
    "lmdb": lmdb_store.export,
    "webdataset": webdataset_tar.export,
}

# Optional modules a format needs (their extras are in synthocr.extras), checked before anything is written.
NEEDS: dict[str, tuple[str, ...]] = {"lmdb": ("lmdb",)}


def export_outputs(
    out_dir: str | Path, fmt: str, dest: str | Path, options: ExportOptions | None = None
) -> tuple[int, list[Path]]:
    """Export every finished output of `out_dir` (in name order) to `dest` in format `fmt`.

    Returns:
        The number of samples and the files written.

    Raises:
        UserError: unknown format, no outputs, or a `dest` that exists and is not empty.
    """
    options = options or ExportOptions()
    if fmt not in EXPORTERS:
        raise UserError(f"--to {fmt!r} is not a known format; use one of {', '.join(EXPORTERS)}.")
    if options.shard_size < 1:
        raise UserError(f"--shard-size must be at least 1, got {options.shard_size}.")
    for module in NEEDS.get(fmt, ()):
        require(module, f"--to {fmt}")
    target = Path(dest)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UserError(f"export dir {target} exists and is not empty; choose a new dir with -o, or remove it.")
    check_output_path(target, "-o", "dir")
    outputs = list_outputs(out_dir)
    with new_output_dir(target, "-o") as folder:
        files = EXPORTERS[fmt](outputs, folder, options)
    log.info("exported %d samples as %s into %s (%d files)", len(outputs), fmt, target, len(files))
    return len(outputs), files
