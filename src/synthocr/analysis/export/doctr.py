"""Exports for docTR: recognition (`images/` + labels.json of texts) and detection (`images/` + labels.json of polygons)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synthocr.analysis.export.regions import quad, regions_of
from synthocr.analysis.export.samples import samples
from synthocr.analysis.outputs import Output
from synthocr.errors import UserError

if TYPE_CHECKING:
    from synthocr.analysis.export.options import ExportOptions

LABELS = "labels.json"
IMAGES = "images"


def _file_name(output: Output, seen: set[str]) -> str:
    """The image's name inside `images/`: docTR lists one flat folder, so the output's folders are joined by `_`."""
    name = output.image_rel.replace("/", "_")
    if name in seen:
        raise UserError(
            f"{output.image_path}: two outputs would share the file name {name} in docTR's flat images/ folder; "
            "give the rows distinct output names."
        )
    seen.add(name)
    return name


def export_recognition(outputs: list[Output], dest: Path, options: ExportOptions) -> list[Path]:
    """`dest/images/<name>` and `dest/labels.json` mapping each image file name to its text.

    docTR's RecognitionDataset(img_folder=dest/images, labels_path=dest/labels.json) reads it, as
    its recognition training script does with `train_path` = dest.
    """
    labels: dict[str, str] = {}
    written: list[Path] = []
    seen: set[str] = set()
    for output, label in samples(outputs, options):
        name = _file_name(output, seen)
        output.copy_image(dest / IMAGES / name)
        written.append(dest / IMAGES / name)
        labels[name] = label.text
    (dest / LABELS).write_text(json.dumps(labels, ensure_ascii=False, indent=1), encoding="utf-8")
    return [dest / LABELS, *written]


def export_detection(outputs: list[Output], dest: Path, options: ExportOptions) -> list[Path]:
    """`dest/images/<name>` and `dest/labels.json`: per image file name, `img_dimensions` (height, width),
    `img_hash` (SHA-256 of the file) and `polygons` (four [x, y] corners per word or line, image pixels).

    docTR's DetectionDataset(img_folder=dest/images, label_path=dest/labels.json) reads it; it needs
    exactly four points per polygon, so a curved outline becomes its smallest rotated rectangle.
    """
    labels: dict[str, dict[str, Any]] = {}
    written: list[Path] = []
    seen: set[str] = set()
    for output, label in samples(outputs, options):
        name = _file_name(output, seen)
        data = output.image_bytes()
        (dest / IMAGES).mkdir(parents=True, exist_ok=True)
        (dest / IMAGES / name).write_bytes(data)
        written.append(dest / IMAGES / name)
        labels[name] = {
            "img_dimensions": [label.height, label.width],
            "img_hash": hashlib.sha256(data).hexdigest(),
            "polygons": [quad(r.polygon) for r in regions_of(label, options.level) if r.text.strip()],
        }
    (dest / LABELS).write_text(json.dumps(labels, ensure_ascii=False), encoding="utf-8")
    return [dest / LABELS, *written]
