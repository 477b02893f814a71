"""The text of documents people keep their text in: e-books (.epub), word-processor files (.docx, .odt) and
subtitles (.srt, .vtt, .ass, .ssa), one text per paragraph (per displayed line for subtitles), in reading order.

Given as a corpus file, an e-book or a Word file was "not text but a ZIP archive", and a subtitle file gave
its cue numbers and timings (`00:00:01,000 --> 00:00:04,000`) as texts.
"""

from __future__ import annotations

import io
import itertools
import posixpath
import re
import urllib.parse
import zipfile
from collections.abc import Iterator
from typing import IO
from xml.etree import ElementTree

from synthocr.errors import UserError
from synthocr.planner.html_text import declared_encoding, page_texts

MAX_PART_BYTES = 256 << 20  # one part of a document, unzipped: more is a zip bomb, not a book
_CONTAINER_NS = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_OPF_NS = "{http://www.idpf.org/2007/opf}"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_XHTML_TYPES = ("application/xhtml+xml", "text/html")


def _part(archive: zipfile.ZipFile, name: str, where: str) -> bytes:
    """One member of the archive, unzipped, refused over MAX_PART_BYTES before it is read."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise UserError(f"{where} has no {name}: it is not a complete document; save it again.") from None
    if info.file_size > MAX_PART_BYTES:
        raise UserError(
            f"{where}: its part {name} unzips to {info.file_size >> 20} MiB, over the {MAX_PART_BYTES >> 20} MiB "
            "limit for one part of a document (a ZIP bomb?); save its text as plain text instead."
        )
    with archive.open(info) as fh:
        data = fh.read(MAX_PART_BYTES + 1)
    if len(data) > MAX_PART_BYTES:
        raise UserError(f"{where}: its part {name} unzips to more than {MAX_PART_BYTES >> 20} MiB, over the limit.")
    return data


def xml_part(archive: zipfile.ZipFile, name: str, where: str) -> ElementTree.Element:
    """One XML member of the archive, parsed (expat refuses nested-entity bombs)."""
    data = _part(archive, name, where)
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise UserError(f"{where}: its part {name} is not XML ({exc}); save the document again.") from None


def epub_texts(fh: IO[bytes], where: str) -> Iterator[str]:
    """An EPUB book's texts: the XHTML documents of its spine, in reading order, as a browser shows them."""
    with zipfile.ZipFile(fh) as book:
        container = xml_part(book, "META-INF/container.xml", where)
        rootfile = container.find(f".//{_CONTAINER_NS}rootfile")
        opf_name = rootfile.get("full-path", "") if rootfile is not None else ""
        if not opf_name:
            raise UserError(f"{where}: its META-INF/container.xml names no package file; save the book again.")
        opf = xml_part(book, opf_name, where)
        items = {item.get("id"): item for item in opf.iter(f"{_OPF_NS}item") if item.get("media-type") in _XHTML_TYPES}
        base = posixpath.dirname(opf_name)
        for ref in opf.iter(f"{_OPF_NS}itemref"):
            item = items.get(ref.get("idref"))
            if item is None:
                continue
            href = urllib.parse.unquote(item.get("href", "").split("#")[0])  # `Chapter%201.xhtml`
            name = posixpath.normpath(posixpath.join(base, href))
            data = _part(book, name, where)
            yield from page_texts(io.StringIO(_decoded(data, name, where)))


def _decoded(data: bytes, name: str, where: str) -> str:
    try:
        return data.decode(declared_encoding(data) or "utf-8-sig")
    except (LookupError, UnicodeDecodeError) as exc:
        raise UserError(f"{where}: its part {name} cannot be decoded ({exc}).") from None


def docx_texts(fh: IO[bytes], where: str) -> Iterator[str]:
    """A Word document's paragraphs (word/document.xml), then its footnotes and endnotes: tabs as spaces, line
    breaks ending a text; deleted text of tracked changes and field codes left out."""
    with zipfile.ZipFile(fh) as doc:
        names = ["word/document.xml"] + [n for n in _DOCX_NOTES if n in doc.namelist()]
        parts = [xml_part(doc, name, where) for name in names]
    for body in parts:
        for paragraph in _ooxml_paragraphs(body, f"{_W}p"):
            runs: list[str] = []
            _docx_runs(paragraph, runs)
            for line in "".join(runs).split("\n"):
                yield from _nonempty(line)


_DOCX_NOTES = ("word/footnotes.xml", "word/endnotes.xml")
# Markup compatibility: a text box is stored twice, as a drawing (mc:Choice) and as VML for old readers
# (mc:Fallback); Word shows the first.
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def _ooxml_paragraphs(node: ElementTree.Element, tag: str) -> Iterator[ElementTree.Element]:
    """The paragraphs (elements `tag`: Word's w:p, DrawingML's a:p) under `node` in document order, those in
    paragraphs too (a text box's), those of mc:Fallback copies left out."""
    for child in node:
        if child.tag == tag:
            yield child
        if child.tag != _MC_FALLBACK:
            yield from _ooxml_paragraphs(child, tag)


def _docx_runs(node: ElementTree.Element, parts: list[str]) -> None:
    """The text of one paragraph, without the paragraphs nested in it (text boxes), read on their own."""
    for child in node:
        if child.tag == f"{_W}t":
            parts.append(child.text or "")
        elif child.tag == f"{_W}tab":
            parts.append(" ")
        elif child.tag == f"{_W}noBreakHyphen":
            parts.append("\u2011")
        elif child.tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif child.tag != f"{_W}p":
            _docx_runs(child, parts)


# A character XML cannot hold, as Office writes it into text: `_x000B_` (`_x005F_` for an underscore before one).
_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def pptx_texts(fh: IO[bytes], where: str) -> Iterator[str]:
    """A PowerPoint deck's texts: the paragraphs of its slides (titles, text boxes, table cells, shapes), slides
    in the deck's order; hidden slides, speaker notes and the masters' placeholder texts left out."""
    with zipfile.ZipFile(fh) as deck:
        order = xml_part(deck, "ppt/presentation.xml", where)
        rels = xml_part(deck, "ppt/_rels/presentation.xml.rels", where)
        targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(_RELATIONSHIP)}
        names = []
        for slide in order.iter(f"{_P}sldId"):
            target = targets.get(slide.get(_R_ID), "")  # `slides/slide1.xml`, or from the root `/ppt/...`
            if target:
                names.append(target[1:] if target.startswith("/") else posixpath.normpath(f"ppt/{target}"))
        slides = [xml_part(deck, name, where) for name in names]
    for slide in slides:
        if slide.get("show") == "0":
            continue
        for paragraph in _ooxml_paragraphs(slide, f"{_A}p"):
            runs: list[str] = []
            for node in paragraph.iter():
                if node.tag == f"{_A}t":
                    runs.append(_OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), node.text or ""))
                elif node.tag == f"{_A}br":
                    runs.append("\n")
            for line in re.split("[\n\v]", "".join(runs)):  # a vertical tab is PowerPoint's line break too
                yield from _nonempty(line)


_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_PRESENTATION = "{urn:oasis:names:tc:opendocument:xmlns:presentation:1.0}"


def odp_texts(fh: IO[bytes], where: str) -> Iterator[str]:
    """An OpenDocument presentation's texts (LibreOffice Impress): the paragraphs of its slides, in order,
    without hidden slides (their page style says so) or speaker notes."""
    with zipfile.ZipFile(fh) as doc:
        body = xml_part(doc, "content.xml", where)
    hidden = {
        style.get(f"{_STYLE}name")
        for style in body.iter(f"{_STYLE}style")
        for props in style.iter(f"{_STYLE}drawing-page-properties")
        if props.get(f"{_PRESENTATION}visibility") == "hidden"
    }
    for page in body.iter(f"{_DRAW}page"):
        if page.get(f"{_DRAW}style-name") in hidden:
            continue
        for child in page:
            if child.tag != f"{_PRESENTATION}notes":
                yield from _odf_lines(child)


def odt_texts(fh: IO[bytes], where: str) -> Iterator[str]:
    """An OpenDocument text's paragraphs and headings (content.xml): runs of spaces (<text:s>) and tabs as one
    space, line breaks ending a text."""
    with zipfile.ZipFile(fh) as doc:
        body = xml_part(doc, "content.xml", where)
    yield from _odf_lines(body)


# What an OpenDocument holds that its page does not show: the text that tracked changes deleted (kept in
# <text:tracked-changes>), and comments (<office:annotation>: their author, date and paragraphs).
_NOT_SHOWN = frozenset({f"{_TEXT}tracked-changes", "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}annotation"})


def _odf_lines(node: ElementTree.Element) -> Iterator[str]:
    """The lines of every OpenDocument paragraph and heading under `node` that the page shows, in order."""
    for paragraph in odf_paragraphs(node):
        for line in odt_paragraph(paragraph).split("\n"):
            yield from _nonempty(line)


def odf_paragraphs(node: ElementTree.Element) -> Iterator[ElementTree.Element]:
    """The paragraphs and headings under `node` in document order (a note's after the paragraph it is in),
    none inside _NOT_SHOWN."""
    for child in node:
        if child.tag in _NOT_SHOWN:
            continue
        if child.tag in (f"{_TEXT}p", f"{_TEXT}h"):
            yield child
        yield from odf_paragraphs(child)


def odt_paragraph(paragraph: ElementTree.Element) -> str:
    """The text of one OpenDocument paragraph (a document's, or a spreadsheet cell's), spaces collapsed; a
    line break is a line feed."""
    parts: list[str] = []
    _odt_runs(paragraph, parts)
    return "\n".join(" ".join(line.split()) for line in "".join(parts).split("\n")).strip()


def _odt_runs(node: ElementTree.Element, parts: list[str]) -> None:
    """The text of one paragraph, without its nested paragraphs (notes, frames), which are read on their own."""
    parts.append(node.text or "")
    for child in node:
        if child.tag in (f"{_TEXT}s", f"{_TEXT}tab"):  # spaces (`text:c` of them; one, once collapsed), a tab
            parts.append(" ")
        elif child.tag == f"{_TEXT}line-break":
            parts.append("\n")
        elif child.tag not in (f"{_TEXT}p", f"{_TEXT}h", f"{_TEXT}note", *_NOT_SHOWN):
            _odt_runs(child, parts)
        parts.append(child.tail or "")


def _nonempty(text: str) -> Iterator[str]:
    text = " ".join(text.split())
    if text:
        yield text


# A cue's timing line (SRT: `00:00:01,000 --> 00:00:04,000`; WebVTT: `00:01.000 --> 00:04.000 line:0`), a
# cue's number (SRT), tags (<i>, <font color="#ffff00">, <c.yellow>, <v Speaker>, <00:00:01.500>) and SSA
# overrides ({\an8}).
_TIMING = re.compile(r"^\s*(?:\d+:)?\d{1,2}:\d{2}[,.]\d{1,3}\s+-->\s+")
_NUMBER = re.compile(r"^\s*\d+\s*$")
_TAGS = re.compile(r"</?[A-Za-z0-9][^<>]*>|\{\\[^}]*\}")
_ENTITIES = (("&lt;", "<"), ("&gt;", ">"), ("&nbsp;", "\u00a0"), ("&lrm;", "\u200e"), ("&rlm;", "\u200f"))


def subtitle_texts(fh: IO[str]) -> Iterator[str]:
    """The displayed lines of an SRT or WebVTT file's cues: no cue numbers or identifiers, timings, headers,
    notes or styles; tags removed, WebVTT's entities decoded."""
    block: list[str] = []
    for raw in itertools.chain(fh, [""]):
        line = raw.strip("\r\n").lstrip("\ufeff")
        if line.strip():
            block.append(line)
            continue
        if block and block[0].split()[0] not in ("WEBVTT", "NOTE", "STYLE", "REGION"):
            yield from _cue_lines(block)
        block = []


def _cue_lines(block: list[str]) -> Iterator[str]:
    """The text lines of a block of cues (one, or several where the file has no blank lines between them)."""
    lines: list[str] = []
    for i, line in enumerate(block):
        if _TIMING.match(line):
            if lines and (i == 1 or _NUMBER.match(lines[-1])):  # the cue's identifier or number
                lines.pop()
            continue
        lines.append(line)
    for line in lines:
        text = _TAGS.sub("", line)
        for entity, char in _ENTITIES:
            text = text.replace(entity, char)
        yield from _nonempty(text.replace("&amp;", "&"))


# An SSA/ASS event's override blocks ({\i1}, {\pos(10,20)}, {\p1} starting a vector drawing) and its breaks.
_ASS_OVERRIDE = re.compile(r"\{[^}]*\}")
_ASS_DRAWING = re.compile(r"\\p([0-9]+)")


def ass_texts(fh: IO[str]) -> Iterator[str]:
    """The displayed lines of an Advanced SubStation Alpha file's Dialogue events (.ass, .ssa: the subtitles of
    most fan translations): the Text field, after as many commas as its Format line names fields, without
    override tags, vector drawings or Comment events; `\\N` ends a line, `\\n` and `\\h` are spaces."""
    fields = 10  # Layer/Marked, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
    in_events = False
    for raw in fh:
        line = raw.strip("\r\n").lstrip("\ufeff")
        if line.startswith("["):
            in_events = line.strip().lower() == "[events]"
            continue
        if not in_events:
            continue
        key, _, value = line.partition(":")
        if key.strip() == "Format":
            fields = len(value.split(","))
        elif key.strip() == "Dialogue":
            parts = value.split(",", fields - 1)
            if len(parts) == fields:
                yield from _ass_lines(parts[-1])


def _ass_lines(text: str) -> Iterator[str]:
    """The lines one event shows: the text outside override blocks, none of it while a drawing is on."""
    shown: list[str] = []
    drawing = False
    at = 0
    for block in _ASS_OVERRIDE.finditer(text):
        if not drawing:
            shown.append(text[at : block.start()])
        for level in _ASS_DRAWING.findall(block.group()):
            drawing = int(level) > 0
        at = block.end()
    if not drawing:
        shown.append(text[at:])
    joined = "".join(shown).replace("\\n", " ").replace("\\h", " ")
    for part in joined.split("\\N"):
        yield from _nonempty(part)
