"""Exports for MMOCR 1.x: the annotation JSON of its TextRecogDataset and TextDetDataset (metainfo + data_list)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synthocr.analysis.export.regions import flat, regions_of
from synthocr.analysis.export.samples import samples
from synthocr.analysis.outputs import Output

if TYPE_CHECKING:
    from synthocr.analysis.export.options import ExportOptions

IMAGES = "images"
RECOG_FILE = "textrecog_annotation.json"
DET_FILE = "textdet_annotation.json"


def _write(dest: Path, name: str, metainfo: dict[str, Any], data_list: list[dict[str, Any]]) -> Path:
    path = dest / name
    path.write_text(json.dumps({"metainfo": metainfo, "data_list": data_list}, ensure_ascii=False), encoding="utf-8")
    return path


def export_recognition(outputs: list[Output], dest: Path, options: ExportOptions) -> list[Path]:
    """`dest/images/...` and `dest/textrecog_annotation.json`: one data_list entry per image,
    {"img_path": "images/<output name>.<ext>", "instances": [{"text": text}]}.

    In an MMOCR config: `dict(type='OCRDataset', data_root=dest, ann_file='textrecog_annotation.json')`
    (img_path is relative to data_root, data_prefix left empty).
    """
    data_list, written = [], []
    for output, label in samples(outputs, options):
        rel = f"{IMAGES}/{output.image_rel}"
        output.copy_image(dest / rel)
        written.append(dest / rel)
        data_list.append({"img_path": rel, "instances": [{"text": label.text}]})
    meta = {"dataset_type": "TextRecogDataset", "task_name": "textrecog"}
    return [_write(dest, RECOG_FILE, meta, data_list), *written]


def export_detection(outputs: list[Output], dest: Path, options: ExportOptions) -> list[Path]:
    """`dest/images/...` and `dest/textdet_annotation.json`: per image its img_path, height, width and
    one instance per word (or the line, `--level line`) with `polygon` (flat [x1, y1, x2, y2, ...]),
    `bbox` ([x1, y1, x2, y2]), `bbox_label` 0 (the one category, text), `ignore` false and `text`.
    """
    data_list, written = [], []
    for output, label in samples(outputs, options):
        rel = f"{IMAGES}/{output.image_rel}"
        output.copy_image(dest / rel)
        written.append(dest / rel)
        instances = [
            {
                "polygon": flat(r.polygon),
                "bbox": [float(v) for v in r.bbox],
                "bbox_label": 0,
                "ignore": False,
                "text": r.text,
            }
            for r in regions_of(label, options.level)
            if r.text.strip()
        ]
        data_list.append({"img_path": rel, "height": label.height, "width": label.width, "instances": instances})
    meta = {"dataset_type": "TextDetDataset", "task_name": "textdet", "category": [{"id": 0, "name": "text"}]}
    return [_write(dest, DET_FILE, meta, data_list), *written]
