"""Exports of a render's outputs to the formats training code reads, one module per format."""

from __future__ import annotations

import dataclasses
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from synthocr.analysis.export import (
    alto_xml,
    coco,
    doctr,
    hf_imagefolder,
    icdar2015,
    lmdb_store,
    mmocr,
    paddleocr,
    paddleocr_det,
    page_xml,
    synthtext,
    tesstrain,
    webdataset_tar,
    yolo,
)
from synthocr.analysis.export.options import LEVELS, ExportOptions
from synthocr.analysis.export.splits import choose
from synthocr.analysis.outputs import list_outputs
from synthocr.errors import UserError
from synthocr.extras import require
from synthocr.output_paths import check_output_path, new_output_dir
from synthocr.renderer.storage import Storage

__all__ = ["EXPORTERS", "ExportOptions", "ExportSummary", "export_outputs"]

log = logging.getLogger(__name__)


# Each exporter writes the given outputs into an empty folder and returns the files it wrote.
EXPORTERS: dict[str, Callable[..., list[Path]]] = {
    "hf-imagefolder": hf_imagefolder.export,
    "paddleocr": paddleocr.export,
    "lmdb": lmdb_store.export,
    "webdataset": webdataset_tar.export,
    "tesstrain": tesstrain.export,
    "paddleocr-det": paddleocr_det.export,
    "doctr": doctr.export_recognition,
    "doctr-det": doctr.export_detection,
    "mmocr-textrecog": mmocr.export_recognition,
    "mmocr-textdet": mmocr.export_detection,
    "page-xml": page_xml.export,
    "alto": alto_xml.export,
    "synthtext": synthtext.export,
    "icdar2015": icdar2015.export,
    "coco": coco.export,
    "yolo": yolo.export,
}
# Formats that write their split folders themselves (the others get one folder per split from here).
OWN_SPLIT_FOLDERS = frozenset({"hf-imagefolder", "yolo"})
# Formats that read --level.
DETECTION = frozenset({"paddleocr-det", "doctr-det", "mmocr-textdet", "icdar2015", "coco", "yolo"})
# Formats that keep every line as rendered, its direction with it: --rotate-vertical is refused.
LAYOUT = frozenset({"page-xml", "alto"})
AS_RENDERED = DETECTION | LAYOUT | {"synthtext"}
# What a format writes over all splits once they are written: (split folders, root) -> files.
FINISH: dict[str, Callable[[list[Path], Path], list[Path]]] = {
    "paddleocr": paddleocr.merge_dicts,
    "yolo": yolo.write_data_yaml,
}
# Formats whose FINISH runs for one split too (the others only join several).
FINISH_ALWAYS = frozenset({"yolo"})
# Optional modules a format needs (their extras are in synthocr.extras), checked before anything is written.
NEEDS: dict[str, tuple[str, ...]] = {"lmdb": ("lmdb",), "synthtext": ("scipy.io",)}


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: samples per split, the finished outputs it chose from, and the files."""

    splits: dict[str, int]
    finished: int
    files: list[str]
    damaged: list[str] = dataclasses.field(default_factory=list)  # images left out: not the ones their labels record

    @property
    def samples(self) -> int:
        return sum(self.splits.values())


def check_options(fmt: str, options: ExportOptions) -> None:
    """Refuse an unknown format or bad settings before anything is read or written."""
    if fmt not in EXPORTERS:
        raise UserError(f"--to {fmt!r} is not a known format; use one of {', '.join(EXPORTERS)}.")
    if options.shard_size < 1:
        raise UserError(f"--shard-size must be at least 1, got {options.shard_size}.")
    if options.rotate_vertical and fmt in AS_RENDERED:
        kind = "a page layout format, which records each line's direction" if fmt in LAYOUT else "a detection format"
        raise UserError(
            f"--rotate-vertical turns the images of vertical lines for recognizers, which read horizontal lines; "
            f"--to {fmt} is {kind}, whose images are pages as rendered: leave the option out."
        )
    if options.level not in LEVELS:
        raise UserError(f"--level {options.level!r} is not a region level; use one of {', '.join(LEVELS)}.")
    for module in NEEDS.get(fmt, ()):
        require(module, f"--to {fmt}")


def export_outputs(
    out_dir: str | Path, fmt: str, dest: str | Path, options: ExportOptions | None = None
) -> ExportSummary:
    """Export the finished outputs of `out_dir` (in name order) that the options select to `dest` in format `fmt`.

    `out_dir` and `dest` are local paths or fsspec URLs (s3://...). With several splits each goes
    to `dest/<split>/` in the format's layout (hf-imagefolder has split folders of its own). A
    remote `dest` is written locally first, then uploaded file by file.

    Returns:
        Samples per split, and the files written (paths or URLs).

    Raises:
        UserError: unknown format or bad options, no outputs or none selected, or a `dest` that
            exists and is not empty.
    """
    options = replace(options or ExportOptions(), damaged=[])  # this export's own list of damaged outputs
    check_options(fmt, options)
    target = Storage(os.fspath(dest))
    _check_empty(target)
    if target.local:
        check_output_path(target.root, "-o", "dir")
    outputs = list_outputs(out_dir)
    chosen = choose(outputs, options.split, options.where, options.max_length, options.keep_invisible)
    if target.local:
        with new_output_dir(target.root, "-o") as folder:
            files = _write(fmt, chosen, folder, options)
    else:
        with tempfile.TemporaryDirectory(prefix="synthocr-export-") as tmp:
            local = _write(fmt, chosen, Path(tmp), options)
            files = [_upload(target, Path(tmp), path) for path in local]
    damaged = set(options.damaged)
    splits = {name: sum(o.image_path not in damaged for o in v) for name, v in chosen.items()}
    summary = ExportSummary(splits, len(outputs), files, list(options.damaged))
    log.info("exported %d of %d samples as %s into %s (%d files)", summary.samples, len(outputs), fmt, dest, len(files))
    return summary


def _check_empty(target: Storage) -> None:
    if target.local:
        path = Path(target.root)
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise UserError(f"export dir {path} exists and is not empty; choose a new dir with -o, or remove it.")
        return
    if target.fs.exists(target.root) and target.fs.find(target.root):
        raise UserError(f"export dir {target.url} exists and is not empty; choose a new dir with -o, or remove it.")


def _write(fmt: str, chosen: dict[str, list], root: Path, options: ExportOptions) -> list[str]:
    """Every split of `chosen` written under `root`; the paths of the files, as strings."""
    root.mkdir(parents=True, exist_ok=True)
    several = len(chosen) > 1
    files: list[Path] = []
    for name, outputs in chosen.items():
        if not outputs:
            log.warning("split %s has no samples: nothing is written for it", name)
            continue
        folder = root / name if several and fmt not in OWN_SPLIT_FOLDERS else root
        folder.mkdir(parents=True, exist_ok=True)
        files += EXPORTERS[fmt](outputs, folder, replace(options, split=name))
    if fmt in FINISH and (several or fmt in FINISH_ALWAYS):
        files += FINISH[fmt]([root / name for name in chosen], root)
    return [str(p) for p in files]


def _upload(target: Storage, local_root: Path, path: str) -> str:
    """Put one exported file into the remote dest, at the same place relative to the root."""
    rel = Path(path).relative_to(local_root).as_posix()
    remote = target.path(rel)
    target.fs.put_file(path, remote)
    return remote
