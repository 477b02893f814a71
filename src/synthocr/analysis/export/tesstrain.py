"""Export for tesstrain (Tesseract 5 training), kraken and Calamari: each line image beside a `.gt.txt` of its text."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from synthocr.analysis.export.samples import samples
from synthocr.analysis.outputs import Output
from synthocr.errors import UserError

if TYPE_CHECKING:
    from synthocr.analysis.export.options import ExportOptions

READABLE = (".png", ".tif")  # the image suffixes tesstrain's Makefile has rules for


def export(outputs: list[Output], dest: Path, options: ExportOptions) -> list[Path]:
    """Write `dest/<output name>.png` and `dest/<output name>.gt.txt` (the text, one line, UTF-8) per sample.

    tesstrain finds every `*.gt.txt` under its ground-truth dir (`find -L`) and reads the image of the
    same stem (`.png` or `.tif`); its box script wants exactly one line of text. Images rendered as
    JPEG or WebP are written as PNG (same pixels), which tesstrain reads and they are not.
    """
    written: list[Path] = []
    for output, label in samples(outputs, options):
        if any(c in label.text for c in "\n\r\u2028\u2029") or not label.text.strip():
            raise UserError(
                f"label {output.label_path}: the text is empty or holds a line break, which a tesstrain "
                "ground-truth file cannot hold (one line each); leave it out with --where, or re-plan."
            )
        stem = dest / output.name
        if output.image.endswith(READABLE):
            image = stem.with_name(stem.name + output.image[output.image.rindex(".") :])
            output.copy_image(image)
        else:
            image = stem.with_name(stem.name + ".png")
            image.parent.mkdir(parents=True, exist_ok=True)
            with Image.open(io.BytesIO(output.image_bytes())) as im:
                im.save(image, format="PNG")
        gt = stem.with_name(stem.name + ".gt.txt")
        gt.write_text(label.text + "\n", encoding="utf-8")
        written += [image, gt]
    return written
