"""Export as ALTO 4.4: each image beside an ALTO file of its line, words and glyphs, with the line's
baseline, as kraken (`ketos train -f alto`, `ketos segtrain`), eScriptorium and library OCR workflows
read them."""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from synthocr.analysis.export.xml_layout import (
    ALTO_DIRECTIONS,
    CREATOR,
    clipped,
    export_documents,
    words_with_chars,
)
from synthocr.analysis.outputs import Output
from synthocr.schemas.labels import Label

if TYPE_CHECKING:
    from synthocr.analysis.export.options import ExportOptions

NAMESPACE = "http://www.loc.gov/standards/alto/ns-v4#"
SCHEMA = f"{NAMESPACE} http://www.loc.gov/alto/v4/alto-4-4.xsd"


def export(outputs: list[Output], dest: Path, options: ExportOptions) -> list[Path]:
    """Write `dest/<output name>.<ext>` (the image as rendered) and `dest/<output name>.xml` per sample."""
    return export_documents(outputs, dest, options, "ALTO", alto)


def alto(label: Label, image_name: str, when: str) -> ET.Element:
    """The ALTO document of one line image: a text block holding the line, a String per word (SP between
    them) with a Glyph per character, each with its box (HPOS, VPOS, WIDTH, HEIGHT) and outline (Shape),
    and the line's baseline (BASELINE, a list of points, as ALTO 4.2 and later allow).

    Coordinates are pixels to 0.01, on the image. ALTO's Glyph holds exactly one character, precomposed:
    a word whose characters are not each one code point in NFC (a Devanagari conjunct, a letter with a
    mark Unicode has no precomposed form of) has no Glyph elements, only its String. Whitespace is an SP
    between words, so a run of several spaces reads as one, and none at the ends of a line."""
    root = ET.Element(
        "alto",
        {"xmlns": NAMESPACE, "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance", "xsi:schemaLocation": SCHEMA},
    )
    description = ET.SubElement(root, "Description")
    ET.SubElement(description, "MeasurementUnit").text = "pixel"
    source = ET.SubElement(description, "sourceImageInformation")
    ET.SubElement(source, "fileName").text = image_name
    processing = ET.SubElement(description, "Processing", {"ID": "synthesis"})
    ET.SubElement(processing, "processingDateTime").text = when
    software = ET.SubElement(processing, "processingSoftware")
    ET.SubElement(software, "softwareName").text = CREATOR
    layout = ET.SubElement(root, "Layout")
    w, h = str(label.width), str(label.height)
    page = ET.SubElement(layout, "Page", {"ID": "page1", "WIDTH": w, "HEIGHT": h, "PHYSICAL_IMG_NR": "1"})
    space = ET.SubElement(page, "PrintSpace", {"HPOS": "0", "VPOS": "0", "WIDTH": w, "HEIGHT": h})
    direction = {}
    if (name := ALTO_DIRECTIONS.get(str(label.params.get("text_direction", "")))) is not None:
        direction = {"BASEDIRECTION": name}
    line_box = _box(label.line.polygon, label)  # the block holds the line alone: the same box and outline
    block = ET.SubElement(space, "TextBlock", {"ID": "block1", **line_box, **direction})
    _shape(block, label.line.polygon, label)
    line_attrs = {"ID": "line1", **line_box}
    if len(label.regions.baseline):
        line_attrs["BASELINE"] = _points(label.regions.baseline.tolist(), label)
    line = ET.SubElement(block, "TextLine", {**line_attrs, **direction})
    _shape(line, label.line.polygon, label)
    for i, (word, chars) in enumerate(words_with_chars(label), 1):
        if i > 1:
            ET.SubElement(line, "SP")
        string = ET.SubElement(line, "String", {"ID": f"line1_w{i}", "CONTENT": word.text, **_box(word.polygon, label)})
        _shape(string, word.polygon, label)
        glyphs = [unicodedata.normalize("NFC", c.text) for c in chars]
        if chars and all(len(g) == 1 for g in glyphs):
            for j, (char, glyph) in enumerate(zip(chars, glyphs), 1):
                el = ET.SubElement(
                    string, "Glyph", {"ID": f"line1_w{i}_g{j}", "CONTENT": glyph, **_box(char.polygon, label)}
                )
                _shape(el, char.polygon, label)
    return root


def _box(points: Sequence[Sequence[float]], label: Label) -> dict[str, str]:
    xs, ys = zip(*clipped(points, label))
    x0, y0 = min(xs), min(ys)
    return {"HPOS": _num(x0), "VPOS": _num(y0), "WIDTH": _num(max(xs) - x0), "HEIGHT": _num(max(ys) - y0)}


def _shape(parent: ET.Element, points: Sequence[Sequence[float]], label: Label) -> None:
    ET.SubElement(ET.SubElement(parent, "Shape"), "Polygon", {"POINTS": _points(points, label)})


def _points(points: Sequence[Sequence[float]], label: Label) -> str:
    return " ".join(f"{_num(x)},{_num(y)}" for x, y in clipped(points, label))


def _num(v: float) -> str:
    """A coordinate to 0.01 px, without trailing zeros (12, 12.5, 12.25)."""
    return f"{round(v, 2) + 0.0:.2f}".rstrip("0").rstrip(".")  # + 0.0: no "-0"
