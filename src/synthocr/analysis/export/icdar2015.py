"""Export for ICDAR 2015 text detection (Robust Reading Competition, challenge 4): `images/img_<id>.<ext>` and
`gts/gt_img_<id>.txt`, one line `x1,y1,x2,y2,x3,y3,x4,y4,transcription` per region.

The format most scene-text detectors read (EAST, DBNet, PSENet, PAN; MMOCR's and PaddleOCR's dataset
converters) and the RRC's evaluation script checks: whole-pixel corners, clockwise on screen, inside the
image, and files named as the RRC's scripts and MMOCR's preparer match them (`gt_img_([0-9]+).txt`). A
transcription of `###` means "do not care" to all of them, and the RRC script takes a
transcription that begins and ends with `"` as quoted (`\\"` and `\\\\` escaped), so such a text is
written quoted.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from synthocr.analysis.export.regions import clipped, quad, regions_of
from synthocr.analysis.export.samples import samples
from synthocr.analysis.outputs import Output
from synthocr.errors import UserError
from synthocr.schemas.labels import Label

if TYPE_CHECKING:
    from synthocr.analysis.export.options import ExportOptions

IMAGES = "images"
GTS = "gts"
_QUOTED = re.compile(r'^\s*"(.*)"\s*$', re.DOTALL)  # what the RRC script unquotes


def corners(polygon: tuple[tuple[float, float], ...], label: Label) -> list[int]:
    """x1, y1, ..., x4, y4: the polygon's four corners (its smallest rotated rectangle when it has more), in
    whole pixels on the image, clockwise on screen from the first.

    Rounding can turn the corners of a sliver (a character a pixel wide, on a slant) round the wrong way, which
    the RRC script refuses: such a region gets the box of its rounded corners instead."""
    size = (float(label.width), float(label.height))
    points = [(round(x), round(y)) for x, y in clipped(quad(clipped(polygon, label), size), label)]
    # The RRC script's test: twice the signed area, positive when the corners run counter-clockwise on screen.
    turn = sum((bx - ax) * (by + ay) for (ax, ay), (bx, by) in zip(points, points[1:] + points[:1]))
    if turn > 0:
        xs, ys = [x for x, _ in points], [y for _, y in points]
        points = [(min(xs), min(ys)), (max(xs), min(ys)), (max(xs), max(ys)), (min(xs), max(ys))]
    return [v for point in points for v in point]


def transcription(text: str) -> str:
    """The text as the line's last field: quoted, as the RRC script reads quotes, when it would be unquoted."""
    if _QUOTED.match(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def export(outputs: list[Output], dest: Path, options: ExportOptions) -> list[Path]:
    """Copy each image to `dest/images/img_<image_id>.<ext>` and write `dest/gts/gt_img_<image_id>.txt` (UTF-8, no
    byte-order mark, `\\n` line ends), one line per word (`--level word`), character (`--level char`) or for
    the line, in reading order. A bent word's outline becomes its smallest rotated rectangle: the format holds
    four corners.

    Raises:
        UserError: a text holding a line break.
    """
    written: list[Path] = []
    for output, label in samples(outputs, options):
        stem = f"img_{label.image_id}"
        image = dest / IMAGES / f"{stem}{Path(output.image).suffix}"
        output.copy_image(image)
        lines = []
        for region in regions_of(label, options.level):
            if not region.text.strip():
                continue
            if any(c in region.text for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
                raise UserError(
                    f"label {output.label_path}: the text {region.text!r} holds a line break, which a line of "
                    "an ICDAR 2015 file cannot hold; leave the row out with --where, or re-plan."
                )
            values = ",".join(map(str, corners(region.polygon, label)))
            lines.append(f"{values},{transcription(region.text)}\n")
        gt = dest / GTS / f"gt_{stem}.txt"
        gt.parent.mkdir(parents=True, exist_ok=True)
        gt.write_text("".join(lines), encoding="utf-8", newline="\n")
        written += [image, gt]
    return written
