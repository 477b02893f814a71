"""What the page-layout XML exports (PAGE XML, ALTO) share: a label's line as words holding their characters,
points clipped to the image, the time the files say they were made, and each image beside its XML file.

A label's characters (grapheme clusters) and words (runs between whitespace) are both in reading order,
and the characters are the words' letters without whitespace, so each word takes the characters that
spell it, in turn. A default-ignorable character that makes no entry of its own (a bidi mark between
spaces, see the label format) is passed over.
"""

from __future__ import annotations

import datetime
import logging
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from synthocr import __version__
from synthocr.analysis.export.regions import clipped
from synthocr.analysis.export.samples import samples
from synthocr.analysis.outputs import Output
from synthocr.errors import UserError
from synthocr.schemas.labels import Label, Region

if TYPE_CHECKING:
    from synthocr.analysis.export.options import ExportOptions

log = logging.getLogger(__name__)

CREATOR = f"synthocr {__version__}"
# The paragraph directions of a plan row (params.text_direction), as PAGE and ALTO name them.
PAGE_DIRECTIONS = {"ltr": "left-to-right", "rtl": "right-to-left", "ttb": "top-to-bottom", "ttb-mixed": "top-to-bottom"}
ALTO_DIRECTIONS = {"ltr": "ltr", "rtl": "rtl", "ttb": "ttb", "ttb-mixed": "ttb"}
# Characters XML 1.0 cannot hold, even escaped: C0 controls but tab and line ends, lone surrogates, U+FFFE/U+FFFF.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def words_with_chars(label: Label) -> list[tuple[Region, list[Region]]]:
    """Each word of the label with the characters that spell it, in reading order."""
    chars = list(label.chars)
    k = 0
    out: list[tuple[Region, list[Region]]] = []
    for word in label.words:
        mine: list[Region] = []
        pos = 0
        while pos < len(word.text):
            if k < len(chars) and chars[k].text and word.text.startswith(chars[k].text, pos):
                mine.append(chars[k])
                pos += len(chars[k].text)
                k += 1
            else:  # a character of the word with no entry of its own
                pos += 1
        out.append((word, mine))
    return out


def whole_points(points: Sequence[Sequence[float]], label: Label) -> str:
    """PAGE's points: "x,y x,y ..." in whole pixels, on the image (every outline and baseline of a label has
    the two points at least that PAGE asks for)."""
    return " ".join(f"{round(x)},{round(y)}" for x, y in clipped(points, label))


def made_at() -> str:
    """When the files say they were made: SOURCE_DATE_EPOCH when set (reproducible builds' variable, so that
    an export can be made again byte for byte), otherwise now; UTC, to the second."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            moment = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise UserError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a time in whole seconds since 1970 (such as 1700000000); "
                "set it to one, or unset it to date the files now."
            ) from exc
    else:
        moment = datetime.datetime.now(datetime.UTC)
    return moment.replace(microsecond=0, tzinfo=None).isoformat()


def export_documents(
    outputs: list[Output],
    dest: Path,
    options: ExportOptions,
    fmt: str,
    document: Callable[[Label, str, str], ET.Element],
) -> list[Path]:
    """Write `dest/<output name>.<ext>` (the image as rendered) and beside it `dest/<output name>.xml`, the
    `document(label, image file name, time made)` of each sample, in the `fmt` named in errors."""
    when = made_at()
    written: list[Path] = []
    without_baseline = 0
    for output, label in checked_samples(outputs, options, fmt):
        without_baseline += not len(label.regions.baseline)
        written += write_beside(output, dest, document(label, output.image_rel.rpartition("/")[2], when))
    if without_baseline:
        log.warning(
            "%d labels are older than label schema 4 and have no baseline: their lines are written without one, "
            "and kraken's baseline training passes over them; `synthocr render PLAN -o OUT --force` renders them "
            "again with one.",
            without_baseline,
        )
    return written


def checked_samples(outputs: list[Output], options: ExportOptions, fmt: str) -> Iterator[tuple[Output, Label]]:
    """The export's samples; a label whose text has no word (only whitespace), or a character XML cannot
    hold, is refused, as no line of either format can hold it."""
    for output, label in samples(outputs, options):
        if (bad := NOT_XML.search(label.text)) is not None:
            raise UserError(
                f"label {output.label_path}: the text holds U+{ord(bad.group()):04X}, a control character that no "
                f"XML file can hold; leave the row out with --where, or export to another format."
            )
        if not label.words:
            raise UserError(
                f"label {output.label_path}: the text {label.text!r} has no word, and a {fmt} line needs one; "
                'leave it out with --where "n_words > 0", or re-plan.'
            )
        yield output, label


def write_beside(output: Output, dest: Path, root: ET.Element) -> list[Path]:
    """The image at `dest/<image path in the output dir>` and the XML beside it, with the same stem."""
    image = dest / output.image_rel
    output.copy_image(image)
    xml = image.with_suffix(".xml")
    ET.indent(root)
    xml.write_bytes(ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n")
    return [image, xml]
