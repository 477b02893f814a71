"""Export for PaddleOCR text detection: images and a `path<TAB>[{"transcription", "points"}, ...]` label file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from synthocr.analysis.export.regions import regions_of
from synthocr.analysis.export.samples import samples
from synthocr.analysis.outputs import Output

if TYPE_CHECKING:
    from synthocr.analysis.export.options import ExportOptions

LABEL_FILE = "det_gt.txt"
IMAGES = "images"


def export(outputs: list[Output], dest: Path, options: ExportOptions) -> list[Path]:
    """Copy the images under `dest/images/` and write `dest/det_gt.txt`, one line per image.

    A line is the image path relative to dest (PaddleOCR's SimpleDataSet with data_dir = dest), a
    tab, and a JSON list with one {"transcription": text, "points": [[x, y], ...]} per word
    (`--level word`) or for the whole line (`--level line`), in image pixels. The points follow
    the text's outline (four corners, more where it curves): DetLabelEncode pads polygons to a
    common length. An empty word's transcription would read as "###" (ignored) and is never written.
    """
    lines, written = [], []
    for output, label in samples(outputs, options):
        rel = f"{IMAGES}/{output.image_rel}"
        target = dest / rel
        output.copy_image(target)
        written.append(target)
        boxes = [
            {"transcription": r.text, "points": [[float(x), float(y)] for x, y in r.polygon]}
            for r in regions_of(label, options.level)
            if r.text.strip()
        ]
        lines.append(f"{rel}\t{json.dumps(boxes, ensure_ascii=False)}\n")
    (dest / LABEL_FILE).write_text("".join(lines), encoding="utf-8")
    return [dest / LABEL_FILE, *written]
