"""Export for Ultralytics YOLO: `images/<split>/<name>.<ext>`, `labels/<split>/<name>.txt` (a polygon per
region, `0 x1 y1 x2 y2 ...` in fractions of the image) and `data.yaml` naming the splits and the one class.

Ultralytics reads a label line of more than five numbers as a polygon, for each of its tasks: `segment`
trains on it, `detect` on its box, `obb` on its smallest rotated rectangle. So one export serves text
detectors of all three kinds.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from synthocr.analysis.export.regions import clipped, flat_name, regions_of
from synthocr.analysis.export.samples import samples
from synthocr.analysis.outputs import Output

if TYPE_CHECKING:
    from synthocr.analysis.export.options import ExportOptions

log = logging.getLogger(__name__)

IMAGES = "images"
LABELS = "labels"
DATA = "data.yaml"
CLASS = 0  # the one class: text


def export(outputs: list[Output], dest: Path, options: ExportOptions) -> list[Path]:
    """Copy each image to `dest/images/<split>/<flat name>.<ext>` and write `dest/labels/<split>/<flat
    name>.txt`: one line per word (`--level word`), character (`--level char`) or for the line, the class
    (0) and every point of the region's outline, clipped to the image, as fractions of its width and height
    (six decimals). An image with no region gets an empty file (a background image to Ultralytics)."""
    taken: dict[str, str] = {}
    written: list[Path] = []
    for output, label in samples(outputs, options):
        stem = flat_name(output, taken, "the YOLO layout")
        image = dest / IMAGES / options.split / f"{stem}{Path(output.image).suffix}"
        output.copy_image(image)
        lines = []
        for region in regions_of(label, options.level):
            if region.text.strip():
                points = clipped(region.polygon, label)
                values = " ".join(f"{x / label.width:.6f} {y / label.height:.6f}" for x, y in points)
                lines.append(f"{CLASS} {values}\n")
        target = dest / LABELS / options.split / f"{stem}.txt"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("".join(lines), encoding="utf-8")
        written += [image, target]
    return written


def write_data_yaml(folders: list[Path], root: Path) -> list[Path]:
    """`root/data.yaml`: each split's image folder under its name (paths relative to the file, which is
    where Ultralytics looks when the file names no `path`), in the order given, and the class. Ultralytics
    needs `train` and `val`: without a split named val, val is the first split, with a warning (and so is
    train without one named train)."""
    splits = [folder.name for folder in folders if (root / IMAGES / folder.name).is_dir()]
    if not splits:
        return []
    lines = [f"{split}: {IMAGES}/{split}\n" for split in splits]
    if "val" not in splits:
        log.warning(
            "no split is named val: data.yaml has Ultralytics validate on the %s images; export with "
            "--split train=0.9,val=0.1 for images of its own to validate on.",
            splits[0],
        )
        lines.append(f"val: {IMAGES}/{splits[0]}\n")
    if "train" not in splits:
        lines.append(f"train: {IMAGES}/{splits[0]}\n")
    lines += ["names:\n", f"  {CLASS}: text\n"]
    (root / DATA).write_text("".join(lines), encoding="utf-8")
    return [root / DATA]
