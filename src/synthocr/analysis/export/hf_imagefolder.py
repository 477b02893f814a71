"""Export as a Hugging Face `imagefolder`: images plus metadata.jsonl (file_name, text, geometry) in a split folder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from synthocr.analysis.export.samples import samples
from synthocr.analysis.outputs import Output

if TYPE_CHECKING:
    from synthocr.analysis.export.options import ExportOptions

METADATA = "metadata.jsonl"
PLAN_FIELDS = (
    "spec",
    "text_direction",
    "combine_upright_digits",
    "language",
    "font",
    "font_instance",
    "fallback_fonts",
    "text_case",
    "font_size",
)  # plan columns worth a feature of their own


def export(outputs: list[Output], dest: Path, options: ExportOptions) -> list[Path]:
    """Copy the images to `dest/<split>/<output name>.<ext>` and describe each in `dest/<split>/metadata.jsonl`.

    `datasets.load_dataset("imagefolder", data_dir=dest)` reads it: one split named `options.split`
    with the columns image, text, image_id, the PLAN_FIELDS, width, height, chars, words and line.
    """
    split = dest / options.split
    split.mkdir()
    written = []
    with open(split / METADATA, "w", encoding="utf-8") as meta:
        for output, label in samples(outputs, options):
            target = split / output.image_rel
            output.copy_image(target)
            written.append(target)
            record = {
                "file_name": output.image_rel,
                "text": label.text,
                "image_id": label.image_id,
                **{k: label.params.get(k) for k in PLAN_FIELDS},
                "width": label.width,
                "height": label.height,
                "chars": [r.to_dict() for r in label.chars],
                "words": [r.to_dict() for r in label.words],
                "line": label.line.to_dict(),
                "baseline": label.regions.baseline_points(),
            }
            meta.write(json.dumps(record, ensure_ascii=False) + "\n")
    return [split / METADATA, *written]
