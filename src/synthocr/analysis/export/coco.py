"""Export for COCO-style text detection: `images/<name>.<ext>` and `annotations.json` in COCO's object
detection format (images, annotations with polygon `segmentation`, `bbox`, `area`, one category `text`),
each annotation with its `text`, as MMOCR's COCO parser reads it.

What pycocotools, Detectron2 (`register_coco_instances`), MMDetection and MMOCR's COCO-format datasets load.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synthocr import __version__
from synthocr.analysis.export.regions import area, clipped, flat_name, regions_of
from synthocr.analysis.export.samples import samples
from synthocr.analysis.outputs import Output

if TYPE_CHECKING:
    from synthocr.analysis.export.options import ExportOptions

IMAGES = "images"
ANNOTATIONS = "annotations.json"
CATEGORY = {"id": 1, "name": "text", "supercategory": "text"}


def export(outputs: list[Output], dest: Path, options: ExportOptions) -> list[Path]:
    """Copy each image to `dest/images/<flat name>.<ext>` and write `dest/annotations.json`: an image entry per
    sample (its `id` the label's `image_id`, `file_name` relative to `images/`, `width`, `height`) and an
    annotation per word (`--level word`), character (`--level char`) or line: `segmentation` (one polygon,
    every point of the outline, clipped to the image), `bbox` ([x, y, width, height]), `area`, `iscrowd` 0,
    `category_id` 1 and `text`.

    Raises:
        UserError: two outputs whose names give the same file name.
    """
    images: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    written: list[Path] = []
    taken: dict[str, str] = {}
    for output, label in samples(outputs, options):
        file_name = f"{flat_name(output, taken, 'the COCO layout')}{Path(output.image).suffix}"
        output.copy_image(dest / IMAGES / file_name)
        written.append(dest / IMAGES / file_name)
        images.append({"id": label.image_id, "file_name": file_name, "width": label.width, "height": label.height})
        for region in regions_of(label, options.level):
            if not region.text.strip():
                continue
            points = [(round(x, 2), round(y, 2)) for x, y in clipped(region.polygon, label)]
            xs, ys = [x for x, _ in points], [y for _, y in points]
            annotations.append(
                {
                    "id": len(annotations) + 1,
                    "image_id": label.image_id,
                    "category_id": CATEGORY["id"],
                    "segmentation": [[v for point in points for v in point]],
                    "area": round(area(points), 2),
                    "bbox": [min(xs), min(ys), round(max(xs) - min(xs), 2), round(max(ys) - min(ys), 2)],
                    "iscrowd": 0,
                    "text": region.text,
                }
            )
    document = {
        "info": {"description": f"text detection, {options.level} level", "version": f"synthocr {__version__}"},
        "licenses": [],
        "images": images,
        "annotations": annotations,
        "categories": [CATEGORY],
    }
    path = dest / ANNOTATIONS
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return [path, *written]
