"""Export as PAGE XML (2019-07-15): each image beside a page file of its line, words and glyphs, with the
line's baseline, as kraken (`ketos train -f page`, `ketos segtrain`), eScriptorium, Transkribus, OCR-D and
Calamari read them."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

from synthocr.analysis.export.xml_layout import (
    CREATOR,
    PAGE_DIRECTIONS,
    export_documents,
    whole_points,
    words_with_chars,
)
from synthocr.analysis.outputs import Output
from synthocr.schemas.labels import Label

if TYPE_CHECKING:
    from synthocr.analysis.export.options import ExportOptions

NAMESPACE = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
SCHEMA = f"{NAMESPACE} {NAMESPACE}/pagecontent.xsd"


def export(outputs: list[Output], dest: Path, options: ExportOptions) -> list[Path]:
    """Write `dest/<output name>.<ext>` (the image as rendered) and `dest/<output name>.xml` per sample."""
    return export_documents(outputs, dest, options, "PAGE XML", page)


def page(label: Label, image_name: str, when: str) -> ET.Element:
    """The PcGts document of one line image: a text region holding the line, its words and their glyphs
    (the label's characters), each with its outline in whole pixels and its text, and the line's baseline.

    The region's outline is the line's. Reading order is logical throughout, and the region and line carry
    the row's paragraph direction (`readingDirection`), which the baseline does not: it runs left to right
    in the text's own frame (labels.md)."""
    root = ET.Element(
        "PcGts",
        {
            "xmlns": NAMESPACE,
            "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
            "xsi:schemaLocation": SCHEMA,
            "pcGtsId": f"image_{label.image_id}",
        },
    )
    meta = ET.SubElement(root, "Metadata")
    ET.SubElement(meta, "Creator").text = CREATOR
    ET.SubElement(meta, "Created").text = when
    ET.SubElement(meta, "LastChange").text = when
    page_el = ET.SubElement(
        root, "Page", {"imageFilename": image_name, "imageWidth": str(label.width), "imageHeight": str(label.height)}
    )
    direction = {}
    if (name := PAGE_DIRECTIONS.get(str(label.params.get("text_direction", "")))) is not None:
        direction = {"readingDirection": name}
    outline = whole_points(label.line.polygon, label)
    region = ET.SubElement(page_el, "TextRegion", {"id": "r1", **direction, "type": "paragraph"})
    ET.SubElement(region, "Coords", {"points": outline})
    line = ET.SubElement(region, "TextLine", {"id": "r1_l1", **direction, "production": "printed"})
    ET.SubElement(line, "Coords", {"points": outline})
    if len(label.regions.baseline):
        ET.SubElement(line, "Baseline", {"points": whole_points(label.regions.baseline.tolist(), label)})
    for i, (word, chars) in enumerate(words_with_chars(label), 1):
        word_el = ET.SubElement(line, "Word", {"id": f"r1_l1_w{i}"})
        ET.SubElement(word_el, "Coords", {"points": whole_points(word.polygon, label)})
        for j, char in enumerate(chars, 1):
            glyph = ET.SubElement(word_el, "Glyph", {"id": f"r1_l1_w{i}_g{j}"})
            ET.SubElement(glyph, "Coords", {"points": whole_points(char.polygon, label)})
            _text(glyph, char.text)
        _text(word_el, word.text)
    _text(line, label.text)
    _text(region, label.text)
    return root


def _text(parent: ET.Element, text: str) -> None:
    ET.SubElement(ET.SubElement(parent, "TextEquiv"), "Unicode").text = text
