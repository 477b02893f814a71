"""The text of PowerPoint 97-2003 decks (.ppt, the binary format of [MS-PPT]): the paragraphs of their slides,
slides in the deck's order, as `pptx_texts` gives a .pptx's.

Given as a corpus file, a .ppt was "an old Microsoft Office file", to be saved as text first. A .ppt is an
OLE compound file (read by olefile) whose "PowerPoint Document" stream is a sequence of records, each an
8-byte header (version and instance, type, length) and its body; a container's body (version 0xF) is more
records. The "Current User" stream points to the last UserEditAtom, whose chain of edits (newest first)
leads to the persist directories, which map object ids to where objects lie in the stream. The document
(DocumentContainer) lists its slides in order in a SlideListWithText, one SlidePersistAtom each; after each
lie the outline texts of that slide's placeholders (title, body), which its text boxes refer to by number
(OutlineTextRefAtom). Other text boxes, table cells and shapes hold their text themselves
(OfficeArtClientTextbox), as UTF-16 (TextCharsAtom) or 8-bit characters (TextBytesAtom, each byte a
character of Latin-1). Masters and their placeholder texts ("Click to edit the title text format"), notes
pages, comments and hidden slides are not read. Record lengths are never trusted: a record is cut at its
parent's end, and every object is read at most once.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Iterator
from typing import IO, Any

from synthocr.errors import UserError
from synthocr.extras import require

MAX_PPT_BYTES = 512 << 20  # more than this is pictures or video, not prose
_MAX_DEPTH = 64  # records nested deeper than this are not read (PowerPoint nests drawings a few levels deep)
_MAX_EDITS = 4096  # saved edits followed back from the current one (fast saves append one each)
# The Current User stream's CurrentUserAtom: its header token says whether the document is encrypted.
_CURRENT_USER, _PLAIN_TOKEN, _ENCRYPTED_TOKEN = 0x0FF6, 0xE391C05F, 0xF3D1C4DF
_USER_EDIT, _PERSIST_DIRECTORY = 0x0FF5, 0x1772
_DOCUMENT, _SLIDE, _SLIDE_LIST, _SLIDE_PERSIST = 0x03E8, 0x03EE, 0x0FF0, 0x03F3
_SLIDE_SHOW_INFO, _DRAWING, _CLIENT_TEXTBOX = 0x03F9, 0x040C, 0xF00D
_TEXT_HEADER, _TEXT_CHARS, _TEXT_BYTES, _OUTLINE_REF = 0x0F9F, 0x0FA0, 0x0FA8, 0x0F9E
_CRYPT_SESSION = 0x2F14  # CryptSession10Container: how an encrypted document is encrypted
_HIDDEN = 0x0004  # SlideShowSlideInfoAtom's fHidden, in the 16 bits of flags at byte 10
# Atoms marking a character of a text as a field (a slide number, a date, a header or footer), which the text
# holds as "*": PowerPoint shows the field's value there, which the file does not hold.
_FIELDS = frozenset({0x0FD8, 0x0FF7, 0x1015, 0x1016, 0x1017, 0x1018})
_BREAKS = re.compile("[\r\n\x0b]")  # paragraph ends, and the vertical tab PowerPoint breaks lines with


def ppt_texts(fh: IO[bytes], where: str) -> Iterator[str]:
    """A PowerPoint 97-2003 deck's texts: the paragraphs and lines of its slides (titles, bullets, text boxes,
    table cells, shapes), slides in the deck's order; hidden slides, notes and masters left out.

    Raises:
        UserError: the file is larger than MAX_PPT_BYTES, not a PowerPoint 97-2003 deck (another compound
            file, one of PowerPoint 95 or older, a .pptx named .ppt), encrypted, or damaged.
    """
    # PowerPoint 97-2003 decks share the doc extra (olefile) with Word 97-2003 documents.
    olefile = require("olefile", "PowerPoint 97-2003 (.ppt) corpus files")
    data = fh.read(MAX_PPT_BYTES + 1)
    if len(data) > MAX_PPT_BYTES:
        raise UserError(f"{where} is larger than {MAX_PPT_BYTES >> 20} MiB; save its text as plain text (UTF-8).")
    if data.startswith(b"PK\x03\x04"):
        raise UserError(f"{where} is a .pptx deck named .ppt: give it the extension .pptx to read it.")
    if not data.startswith(olefile.MAGIC):
        raise UserError(
            f"{where} is not a PowerPoint 97-2003 deck (no OLE compound file); give the file the extension of what "
            "it is, or save it again from PowerPoint or LibreOffice Impress."
        )
    try:
        texts = _deck_texts(olefile, data, where)
    except UserError:
        raise
    except Exception as exc:  # olefile's and struct's errors
        raise UserError(
            f"{where} cannot be read as a PowerPoint 97-2003 deck ({type(exc).__name__}: {exc}); open it in "
            "PowerPoint or LibreOffice Impress and save it again (as .pptx, or as plain text)."
        ) from None
    for text in texts:
        for line in _BREAKS.split(text):
            line = " ".join(line.split())
            if line:
                yield line


def _deck_texts(olefile: Any, data: bytes, where: str) -> list[str]:
    """The texts of the deck's shown slides, in order, each a text box's characters."""
    if len(data) < olefile.MINIMAL_OLEFILE_SIZE:
        raise ValueError(f"the file ends after {len(data)} bytes, in its compound file's header")
    with olefile.OleFileIO(io.BytesIO(data)) as ole:  # bytes, not in a file, would be taken for a file name
        if ole.exists("EncryptedSummary"):
            raise UserError(f"{where} is encrypted with a password; save a copy without one.")
        if not ole.exists("PowerPoint Document"):
            for stream, kind in (("WordDocument", ".doc"), ("Workbook", ".xls"), ("Book", ".xls")):
                if ole.exists(stream):
                    raise UserError(f"{where} is a {kind} file named .ppt: give it the extension {kind} to read it.")
            if ole.exists("PP40"):
                raise _old(where)
            raise UserError(f"{where} is an OLE compound file without a PowerPoint Document stream, not a deck.")
        user = ole.openstream("Current User").read() if ole.exists("Current User") else b""
        stream = ole.openstream("PowerPoint Document").read()
    if len(user) < 28 or struct.unpack_from("<H", user, 2)[0] != _CURRENT_USER:
        # PowerPoint 95's Current User stream is a 4-byte length and a name.
        if len(user) >= 4 and struct.unpack_from("<I", user)[0] + 4 == len(user):
            raise _old(where)
        raise UserError(f"{where} has no valid Current User stream: the deck is damaged, or older than PowerPoint 97.")
    token, edit_at = struct.unpack_from("<II", user, 12)
    if token == _ENCRYPTED_TOKEN:
        raise UserError(f"{where} is encrypted with a password; save a copy without one.")
    if token != _PLAIN_TOKEN:
        raise _old(where)
    objects, document = _persist_directory(stream, edit_at, where)
    return _DeckReader(stream, objects).texts(document)


def _old(where: str) -> UserError:
    return UserError(
        f"{where} was saved by PowerPoint 95 or older (or is not a PowerPoint deck), whose format is not read; "
        "open it in PowerPoint or LibreOffice Impress and save it as .pptx."
    )


def _header(stream: bytes, at: int, end: int) -> tuple[int, int, int, int] | None:
    """The record at `at`: (type, version, instance, end of its body cut at `end`), None where no header fits."""
    if at < 0 or at + 8 > end:
        return None
    head, kind, length = struct.unpack_from("<HHI", stream, at)
    return kind, head & 0xF, head >> 4, min(at + 8 + length, end)


def _children(stream: bytes, start: int, end: int) -> Iterator[tuple[int, int, int, int, int]]:
    """The records in stream[start:end]: (type, version, instance, body start, body end)."""
    at = start
    while (record := _header(stream, at, end)) is not None:
        kind, version, instance, body_end = record
        yield kind, version, instance, at + 8, body_end
        at = body_end


def _persist_directory(stream: bytes, edit_at: int, where: str) -> tuple[dict[int, int], int]:
    """Where each persist object lies in the stream (the newest edit's entry wins), and the document's id."""
    objects: dict[int, int] = {}
    document, encryption = -1, -1
    seen: set[int] = set()
    directories: set[int] = set()  # each read once, however many edits name it
    while edit_at not in seen and len(seen) < _MAX_EDITS:
        seen.add(edit_at)
        record = _header(stream, edit_at, len(stream))
        if record is None or record[0] != _USER_EDIT or record[3] - edit_at < 8 + 28:
            raise ValueError(f"no UserEditAtom at offset {edit_at}")
        body = edit_at + 8
        last_edit, directory_at, document_id = struct.unpack_from("<III", stream, body + 8)
        if document < 0:
            document = document_id
            if record[3] - body >= 32:  # encryptSessionPersistIdRef: only an encrypted document's
                encryption = struct.unpack_from("<I", stream, body + 28)[0]
        directory = _header(stream, directory_at, len(stream))
        if directory is None or directory[0] != _PERSIST_DIRECTORY:
            raise ValueError(f"no PersistDirectoryAtom at offset {directory_at}")
        if directory_at not in directories:
            directories.add(directory_at)
            _add_entries(stream, directory_at + 8, directory[3], objects)
        if not last_edit:
            break
        edit_at = last_edit
    crypt = _header(stream, objects.get(encryption, -1), len(stream))
    if crypt is not None and crypt[0] == _CRYPT_SESSION:
        raise UserError(f"{where} is encrypted with a password; save a copy without one.")
    return objects, document


def _add_entries(stream: bytes, at: int, end: int, objects: dict[int, int]) -> None:
    """Adds a persist directory's entries (runs of ids from a first one, an offset each) to `objects`, where
    a newer edit has not given them."""
    while at + 4 <= end:
        entry = struct.unpack_from("<I", stream, at)[0]
        first, count = entry & 0xFFFFF, min(entry >> 20, (end - at - 4) // 4)
        for i, offset in enumerate(struct.unpack_from(f"<{count}I", stream, at + 4)):
            objects.setdefault(first + i, offset)
        at += 4 + 4 * count


class _DeckReader:
    """Reads the slides of one PowerPoint Document stream, each slide object at most once."""

    def __init__(self, stream: bytes, objects: dict[int, int]) -> None:
        self.stream, self.objects = stream, objects

    def texts(self, document_id: int) -> list[str]:
        """The texts of the shown slides in the order the document lists them."""
        record = _header(self.stream, self.objects.get(document_id, -1), len(self.stream))
        if record is None or record[0] != _DOCUMENT:
            raise ValueError("the persist directory does not lead to the document")
        texts: list[str] = []
        read: set[int] = set()
        for kind, _, instance, start, end in _children(self.stream, self.objects[document_id] + 8, record[3]):
            if kind != _SLIDE_LIST or instance != 0:  # 1: the masters, 2: the notes pages
                continue
            for slide_id, outline in _slide_list(self.stream, start, end):
                at = self.objects.get(slide_id, -1)
                if at < 0 or at not in read:  # a slide listed twice is read once; one not found, its outline
                    read.add(at)
                    texts.extend(self._slide(at, outline))
        return texts

    def _slide(self, at: int, outline: list[str]) -> list[str]:
        """The texts of the slide at `at`: its drawing's text boxes in order, and its outline texts no text box
        refers to; none for a hidden slide."""
        record = _header(self.stream, at, len(self.stream))
        if record is None or record[0] != _SLIDE:
            return list(outline)
        texts: list[str] = []
        shown: set[int] = set()
        for kind, _, _, start, end in _children(self.stream, at + 8, record[3]):
            if kind == _SLIDE_SHOW_INFO and end - start >= 12:
                if struct.unpack_from("<H", self.stream, start + 10)[0] & _HIDDEN:
                    return []
            elif kind == _DRAWING:
                self._boxes(start, end, outline, texts, shown, 0)
        boxed = set(texts)
        texts.extend(text for i, text in enumerate(outline) if i not in shown and text not in boxed)
        return texts

    def _boxes(self, start: int, end: int, outline: list[str], texts: list[str], shown: set[int], depth: int) -> None:
        """Appends the texts of the text boxes among the records in [start, end), in order."""
        for kind, version, _, body, body_end in _children(self.stream, start, end):
            if kind == _CLIENT_TEXTBOX:
                texts.extend(self._box(body, body_end, outline, shown))
            elif version == 0xF and depth < _MAX_DEPTH:
                self._boxes(body, body_end, outline, texts, shown, depth + 1)

    def _box(self, start: int, end: int, outline: list[str], shown: set[int]) -> list[str]:
        """One text box's text: its own characters, less field placeholders, or the outline text it refers to."""
        texts, fields = [], set()
        for kind, _, _, body, body_end in _children(self.stream, start, end):
            if kind in (_TEXT_CHARS, _TEXT_BYTES):
                texts.append(_characters(self.stream, kind, body, body_end))
            elif kind == _OUTLINE_REF and body_end - body >= 4:
                index = struct.unpack_from("<I", self.stream, body)[0]
                if index < len(outline) and index not in shown:  # each outline text once
                    shown.add(index)
                    texts.append(outline[index])
            elif kind in _FIELDS and body_end - body >= 4:
                fields.add(struct.unpack_from("<I", self.stream, body)[0])
        if fields and len(texts) == 1:
            texts = ["".join(c for i, c in enumerate(texts[0]) if i not in fields)]
        return texts


def _slide_list(stream: bytes, start: int, end: int) -> Iterator[tuple[int, list[str]]]:
    """A SlideListWithText's slides: (persist id, the slide's outline texts), in the list's order."""
    slide_id = -1
    outline: list[str] = []
    for kind, _, _, body, body_end in _children(stream, start, end):
        if kind == _SLIDE_PERSIST and body_end - body >= 4:
            if slide_id >= 0:
                yield slide_id, outline
            slide_id, outline = struct.unpack_from("<I", stream, body)[0], []
        elif kind == _TEXT_HEADER:
            outline.append("")
        elif kind in (_TEXT_CHARS, _TEXT_BYTES) and outline:
            outline[-1] += _characters(stream, kind, body, body_end)
    if slide_id >= 0:
        yield slide_id, outline


def _characters(stream: bytes, kind: int, start: int, end: int) -> str:
    """A TextCharsAtom's UTF-16 or a TextBytesAtom's 8-bit characters (the low bytes of UTF-16: Latin-1)."""
    if kind == _TEXT_BYTES:
        return stream[start:end].decode("latin-1")
    return stream[start : end - (end - start) % 2].decode("utf-16-le", errors="replace")
