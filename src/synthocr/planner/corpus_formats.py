"""Corpus files that are not plain text: tables (CSV, TSV, JSON Lines, Parquet), whose texts are one column,
and compressed files (.gz, .bz2, .xz, .zst, of text or of a table).

Read as plain text, a table gave texts such as `1,"Hello, world",pos` and its header line, or
`{"text": "...", "id": 1}`, and a compressed file was "not UTF-8". Such a file's texts are extracted once
into a plain UTF-8 file, one text per line, which the corpus index reads like any other. Extractions are
cached by the source's content and column (under `$SYNTHOCR_CACHE`, else `$XDG_CACHE_HOME/synthocr`, else
`~/.cache/synthocr`), so a large file is read once, and written atomically, so concurrent planners never
see half a file.
"""

from __future__ import annotations

import bz2
import codecs
import contextlib
import csv
import functools
import gzip
import hashlib
import io
import lzma
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from synthocr.cache_contents import used
from synthocr.cache_root import cache_file, cache_root
from synthocr.errors import UserError, not_utf8_problem
from synthocr.extras import require
from synthocr.planner.doc_text import doc_texts
from synthocr.planner.document_text import (
    ass_texts,
    docx_texts,
    epub_texts,
    odp_texts,
    odt_texts,
    pptx_texts,
    subtitle_texts,
)
from synthocr.planner.html_text import SNIFF_BYTES, declared_encoding, page_texts
from synthocr.planner.latex_text import latex_texts
from synthocr.planner.markdown_text import markdown_texts
from synthocr.planner.pdf_text import pdf_texts
from synthocr.planner.ppt_text import ppt_texts
from synthocr.planner.rtf_text import MAX_RTF_CHARS, rtf_texts
from synthocr.planner.sheet_text import ods_texts, sheet_texts, xls_texts
from synthocr.planner.wiki_text import dump_texts

TABLE_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",  # one JSON document: an array of texts or of records (json.dump, many dataset exports)
    ".parquet": "parquet",
    ".pq": "parquet",
    ".html": "html",  # a saved web page: its text as a browser shows it (html_text.py)
    ".htm": "html",
    ".xhtml": "html",
    ".epub": "epub",  # e-books and word-processor files: their paragraphs (document_text.py)
    ".docx": "docx",
    ".odt": "odt",
    ".pptx": "pptx",  # a PowerPoint deck: its slides' paragraphs (document_text.py)
    ".ppsx": "pptx",  # a PowerPoint show: a deck that opens as a slide show
    ".odp": "odp",  # an OpenDocument presentation (LibreOffice Impress): its slides' paragraphs
    ".srt": "subtitles",  # subtitles: their cues' lines
    ".vtt": "subtitles",
    ".ass": "ass",  # Advanced SubStation Alpha subtitles: their Dialogue lines
    ".ssa": "ass",
    ".pdf": "pdf",  # a PDF's text layer: its pages' lines (pdf_text.py; the pdf extra)
    ".xlsx": "xlsx",  # an Excel workbook: a column's cells as shown (sheet_text.py; the excel extra)
    ".xlsm": "xlsx",
    ".xls": "xls",  # an Excel 97-2003 workbook (BIFF8, xlrd): the same
    ".doc": "doc",  # a Word 97-2003 document: its paragraphs (doc_text.py; the doc extra)
    ".ppt": "ppt",  # a PowerPoint 97-2003 deck: its slides' paragraphs (ppt_text.py; the doc extra)
    ".pps": "ppt",  # a PowerPoint 97-2003 show
    ".ods": "ods",  # an OpenDocument spreadsheet (LibreOffice Calc): a column's cells as shown (sheet_text.py)
    ".rtf": "rtf",  # Rich Text (TextEdit, WordPad): its paragraphs (rtf_text.py)
    ".tex": "latex",  # a LaTeX source: the text of the typeset document (latex_text.py)
    ".ltx": "latex",
    ".md": "markdown",  # Markdown: the text of the page it renders to (markdown_text.py; the markdown extra)
    ".markdown": "markdown",
}
_ZIPPED = frozenset({"epub", "docx", "odt", "pptx", "odp", "xlsx", "ods"})  # kinds whose files are ZIP archives
# Kinds read from a column (corpus_column); the others are read whole.
COLUMN_KINDS = frozenset({"csv", "jsonl", "json", "parquet", "xlsx", "xls", "ods"})
# Of the extracted files: bump when what is extracted changes (2: lines ended by CR; 3: a web page's UTF-8
# byte-order mark wins over its <meta charset>; 4: a MediaWiki dump gives its articles' text, where a
# compressed one gave its XML lines; 5: a spreadsheet column gives its numbers and dates as shown, not only
# its texts; 6: a PDF's letters under TeX's separate accent glyphs are accented letters; 7: a compressed
# LaTeX source gives its typeset text, where it gave its lines; 8: a PDF is read by pdfminer.six's layout, its
# columns in order and its right-to-left lines in logical order; 9: an .ods cell whose format hides its value
# gives nothing; 10: an .odt's tracked deletions and comments, and an .ods cell's comment, give nothing).
_FORMAT_VERSION = b"10"
_BREAKS = re.compile(r"[\r\n]+")
# Halves of UTF-16 pairs, alone (a broken `\udc00` in a JSON string, a PDF's or an RTF file's bad escape): no
# character, and not UTF-8 either.
_SURROGATES = re.compile("[\ud800-\udfff]")
_HEAD = 1 << 16
_MAX_FIELD = 1 << 30  # characters in one CSV cell


class _ZstdReader(io.RawIOBase):
    """A Zstandard file's bytes, frame after frame (as `zstd -d` reads them), raising EOFError where the file
    ends inside a frame: zstandard's own readers return what they have and stop, and a cut file would pass
    for a shorter corpus. Corrupt data raises OSError. The file is read _ZSTD_INPUT bytes at a time, which
    bounds what one step decompresses."""

    def __init__(self, path: Path) -> None:
        self._zstd = require("zstandard", f"corpus file {path} (Zstandard-compressed)")
        self._fh = path.open("rb")
        self._frame = self._zstd.ZstdDecompressor().decompressobj()
        self._in_frame = False  # input fed to the current frame, which has not ended yet
        self._out = b""
        self._pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._pos >= len(self._out):
            chunk = self._fh.read(_ZSTD_INPUT)
            if not chunk:
                if self._in_frame:
                    raise EOFError("the file ends inside a Zstandard frame")
                return 0
            parts = []
            try:
                while chunk:
                    parts.append(self._frame.decompress(chunk))
                    self._in_frame = not self._frame.eof
                    chunk = b""
                    if self._frame.eof:  # the next frame starts in what this one left
                        chunk = self._frame.unused_data
                        self._frame = self._zstd.ZstdDecompressor().decompressobj()
            except self._zstd.ZstdError as exc:
                raise OSError(f"not Zstandard data ({exc})") from None
            self._out, self._pos = b"".join(parts), 0
        n = min(len(buffer), len(self._out) - self._pos)
        buffer[:n] = memoryview(self._out)[self._pos : self._pos + n]
        self._pos += n
        return n

    def close(self) -> None:
        self._fh.close()
        super().close()


_ZSTD_INPUT = 1 << 16


def _zstd_open(path: Path, mode: str = "rb") -> IO[bytes]:
    return io.BufferedReader(_ZstdReader(path), 1 << 20)


# Decompressing readers by extension: "words.txt.gz", "reviews.csv.xz", "pile.jsonl.zst".
_OPENERS: dict[str, Callable[..., Any]] = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open, ".zst": _zstd_open}
_DECOMPRESS_ERRORS = (OSError, EOFError, lzma.LZMAError, zlib.error)


def corpus_format(path: Path) -> str | None:
    """How a corpus file is read, by its extension: None for plain text (read where it lies), "text" for
    compressed text, "csv", "jsonl", "json" or "parquet" for a table, "html" for a web page, "epub", "docx"
    or "odt" for a document, "subtitles" for an SRT or WebVTT file, "ass" for an SSA/ASS one, "pdf" for a PDF,
    "markdown" for Markdown, "xlsx" for an Excel workbook, "xls" for an Excel 97-2003 one, "doc" for a Word 97-2003 document, "ods" for an
    OpenDocument spreadsheet, "ppt" for a PowerPoint 97-2003 deck, "rtf" for Rich Text, "mediawiki" for a MediaWiki XML dump (by its content)
    (compressed or not)."""
    suffixes = [x.lower() for x in path.suffixes]
    if suffixes and suffixes[-1] in _OPENERS:
        kind: str | None = TABLE_SUFFIXES.get(suffixes[-2] if len(suffixes) > 1 else "", "text")
    else:
        kind = TABLE_SUFFIXES.get(path.suffix.lower())
    # A MediaWiki dump: `.xml`, or Wikipedia's split files' `.xml-p1p41242.bz2`; told by its root element.
    if kind in (None, "text") and any(s == ".xml" or s.startswith(".xml-") for s in suffixes) and _is_dump(path):
        return "mediawiki"
    return kind


def _is_dump(path: Path) -> bool:
    """Whether the file (decompressed) is XML whose root element is <mediawiki>: told once per version of the
    file, as a bzip2 dump's first block takes tens of milliseconds to decompress and planning asks several
    times."""
    try:
        st = path.stat()
    except OSError:
        return False
    return _has_dump_root(path, st.st_size, st.st_mtime_ns)


@functools.lru_cache(maxsize=1024)
def _has_dump_root(path: Path, size: int, mtime_ns: int) -> bool:
    try:
        with _open(path) as fh:
            head = fh.read(4096)
    except (*_DECOMPRESS_ERRORS, ValueError):
        return False  # not readable as its extension says: the error comes when it is read
    text = head.decode(wide_encoding(head) or "utf-8", errors="ignore").lstrip("\ufeff")
    pos = 0
    while (prolog := _PROLOG.match(text, pos)) is not None:  # declaration, comments, a document type
        pos = prolog.end()
    return _DUMP_ROOT.match(text, pos) is not None


_PROLOG = re.compile(r"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]|\[.*?\])*>)", re.DOTALL)
_DUMP_ROOT = re.compile(r"\s*<(?:[\w.-]+:)?mediawiki[\s>/]")


# What Windows writes as "Unicode": Notepad, Excel's "Unicode Text" (tab-separated), PowerShell 5's `>` and
# Out-File. Longest first: UTF-32's little-endian mark starts with UTF-16's. Python's "utf-16" and "utf-32"
# codecs read the mark, take their byte order from it and drop it.
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def wide_encoding(head: bytes) -> str | None:
    """ "utf-16" or "utf-32" for text that starts with that encoding's byte-order mark, else None."""
    return next((encoding for bom, encoding in _WIDE_BOMS if head.startswith(bom)), None)


def _encoding(path: Path) -> str:
    """How the (decompressed) text of a corpus file is decoded: UTF-16 or UTF-32 by its byte-order mark,
    else UTF-8 (a UTF-8 byte-order mark dropped)."""
    with _open(path) as fh:
        return wide_encoding(fh.read(4)) or "utf-8-sig"


def needs_extraction(path: Path) -> bool:
    """Whether a corpus file is read from its extracted UTF-8 text (extract), not where it lies: a table, a
    compressed file, text in UTF-16 or UTF-32, or text whose lines end in CR alone."""
    if corpus_format(path) is not None:
        return True
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
    return wide_encoding(head[:4]) is not None or _cr_only(head)


def _cr_only(text: bytes) -> bool:
    """Whether UTF-8 text ends its lines with CR alone, as classic Mac OS and some exports write them (judged
    on its first _HEAD bytes): read at line feeds only, such a file was one line (a word list one entry of
    every word)."""
    head = text[:_HEAD]
    return b"\r" in head and b"\n" not in head


def is_binary(path: Path) -> bool:
    """Whether a corpus file's bytes are not text as they lie (compressed, or Parquet): no UTF-8 check of its
    head applies; its text is checked as it is extracted."""
    binary = _ZIPPED | {"parquet", "pdf", "rtf", "xls", "doc", "ppt"}
    return path.suffix.lower() in _OPENERS or corpus_format(path) in binary


def _open(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed as its extension says."""
    opener = _OPENERS.get(path.suffix.lower())
    return opener(path, "rb") if opener else path.open("rb")


def _seekable(path: Path) -> IO[bytes]:
    """A compressed file's bytes in a file that can seek (Parquet reads its footer first): gzip, bzip2 and xz
    readers seek by reading again; a Zstandard file is decompressed into memory."""
    if path.suffix.lower() != ".zst":
        return _open(path)
    with _open(path) as fh:
        return io.BytesIO(fh.read())


def header_delimiter(header: str) -> str:
    """The field separator a CSV header line uses: a comma, else a semicolon or a tab (Excel in locales with
    a decimal comma writes ';'; a .tsv file tabs)."""
    return "," if "," in header else next((d for d in ";\t" if d in header), ",")


def cache_dir() -> Path:
    """Where extracted corpus columns are kept."""
    return cache_root() / "corpus"


def _file_sha1(path: Path) -> str:
    """The sha1 of the file's bytes as they lie (compressed or not): the plan's provenance and the cache key."""
    digest = hashlib.sha1()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def extract(path: Path, column: str) -> tuple[Path, str]:
    """The plain-text file holding the texts of the corpus file at `path` (one of corpus_format's kinds), one
    per line, and the sha1 of the file's bytes. Of a table, the texts of column `column`: line breaks inside a
    text become spaces; empty cells, nulls and values that are not text are left out. Of compressed text, the
    text itself.

    Raises:
        UserError: the file cannot be decompressed or read as its format, is not UTF-8, has no such column,
            or no text in it; the cache cannot be written.
    """
    kind = corpus_format(path) or "text"
    sha1 = _file_sha1(path)
    name = column.encode() if kind in COLUMN_KINDS else b""
    key = hashlib.sha1(b"\0".join((_FORMAT_VERSION, sha1.encode(), name))).hexdigest()
    target = cache_dir() / f"{key}.txt"
    if target.is_file():
        used(target)
        return target, sha1
    try:
        with cache_file(target) as out:
            try:
                if kind == "text":
                    _copy_text(path, out)
                else:
                    _write_texts(path, column, kind, out)
            except _DECOMPRESS_ERRORS as exc:
                raise UserError(
                    f"corpus file {path} cannot be decompressed, or its text written to the cache in "
                    f"{target.parent} ({exc}); check or re-create the file, or free space there."
                ) from None
    except OSError as exc:  # the cache folder cannot be made or written (a UserError above is no OSError)
        raise UserError(
            f"cannot write the corpus cache in {target.parent} ({exc.strerror}), where the texts of {path} "
            "are extracted; set SYNTHOCR_CACHE to a writable folder."
        ) from None
    return target, sha1


_NAME_IT = " or name its encoding with the specification's corpus_encoding (such as 'cp1252')"
# Kinds whose files are text in some encoding (corpus_encoding applies); the others are binary formats that
# say their own encoding (ZIP documents, Parquet, PDF).
_TEXT_KINDS = frozenset({"text", "csv", "jsonl", "json", "html", "subtitles", "ass", "markdown", "latex"})
_ANY_BOM = (codecs.BOM_UTF8, *(bom for bom, _ in _WIDE_BOMS))


def transcoded(path: Path, encoding: str) -> tuple[Path, str] | None:
    """The corpus file at `path`, written in `encoding` (a specification's corpus_encoding), as UTF-8 with a
    byte-order mark in the cache, decompressed, under a name of the same format (`.csv`, `.html`, `.txt`),
    and the sha1 of the file's bytes. None where nothing is to convert: no encoding or UTF-8 given, a binary
    format, or a file that starts with a byte-order mark (which says its encoding itself).

    Raises:
        UserError: the file's bytes are not text in `encoding`; the cache cannot be written.
    """
    kind = corpus_format(path) or "text"
    if not encoding or kind not in _TEXT_KINDS or codecs.lookup(encoding).name in ("utf-8", "utf-8-sig"):
        return None
    with _open(path) as fh:
        if fh.read(4).startswith(_ANY_BOM):
            return None
    sha1 = _file_sha1(path)
    name = codecs.lookup(encoding).name
    suffix = next((s for s, k in TABLE_SUFFIXES.items() if k == kind), ".txt")
    key = hashlib.sha1(b"\0".join((_FORMAT_VERSION, sha1.encode(), b"encoding", name.encode()))).hexdigest()
    target = cache_dir() / f"{key}{suffix}"
    if target.is_file():
        used(target)
        return target, sha1
    decoder = codecs.getincrementaldecoder(name)()
    offset = 0
    try:
        with cache_file(target) as out, _open(path) as fh:
            out.write(codecs.BOM_UTF8)
            while chunk := fh.read(1 << 22):
                try:
                    out.write(decoder.decode(chunk).encode("utf-8"))
                    offset += len(chunk)
                except UnicodeDecodeError as exc:
                    raise UserError(
                        f"corpus file {path} is not {name} text (bytes near offset {offset + exc.start} are not "
                        f"{name}); check the specification's corpus_encoding."
                    ) from None
            try:
                out.write(decoder.decode(b"", final=True).encode("utf-8"))
            except UnicodeDecodeError:
                raise UserError(f"corpus file {path} ends inside a {name} character.") from None
    except _DECOMPRESS_ERRORS as exc:
        raise UserError(
            f"corpus file {path} cannot be decompressed, or its text written to the cache in {target.parent} "
            f"({exc}); check or re-create the file, or free space there."
        ) from None
    return target, sha1


def _copy_text(path: Path, out: IO[bytes]) -> None:
    """Compressed text, decompressed, checked to be UTF-8 on the way; or UTF-16 or UTF-32 text (compressed
    or not), written as UTF-8."""
    encoding = _encoding(path)
    wide = encoding != "utf-8-sig"
    decoder = codecs.getincrementaldecoder(encoding)()
    name = encoding.upper().replace("-SIG", "")
    where = "" if path.suffix.lower() not in _OPENERS else " once decompressed"
    offset = written = 0
    cr_only = None  # lines ended by CR alone, as the first chunk shows: each CR becomes a line feed
    with _open(path) as fh:
        while chunk := fh.read(1 << 22):
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise UserError(
                    f"corpus file {path} is not {name} text{where} (invalid bytes near offset "
                    f"{offset + exc.start}); convert it to UTF-8, name its encoding with the specification's corpus_encoding, "
                    "or leave it out of the corpus_file pattern."
                ) from None
            data = text.encode("utf-8") if wide else chunk
            cr_only = _cr_only(data) if cr_only is None else cr_only
            if cr_only:
                data = data.replace(b"\r", b"\n")
            out.write(data)
            offset += len(chunk)
            written += len(data)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise UserError(f"corpus file {path} ends inside a {name} character{where}.") from None
    if not (written if wide else offset):
        raise UserError(f"corpus file {path} is empty{where}; add text to it.")


def _write_texts(path: Path, column: str, kind: str, out: IO[bytes]) -> None:
    readers = {"csv": _csv_texts, "jsonl": _jsonl_texts, "json": _json_texts, "parquet": _parquet_texts}
    readers.update(html=_html_texts, subtitles=_subtitle_texts, ass=_ass_texts, pdf=_pdf_texts)
    readers.update(
        markdown=_markdown_texts, xlsx=_xlsx_texts, xls=_xls_texts, ods=_ods_texts, rtf=_rtf_texts, doc=_doc_texts
    )
    readers.update(mediawiki=_wiki_texts, latex=_latex_texts, ppt=_ppt_texts)
    texts = readers.get(kind, _document_texts)  # epub, docx, odt, pptx, odp
    written = 0
    for value in texts(path, column):
        text = _BREAKS.sub(" ", _SURROGATES.sub("", value)).strip()
        if text:
            out.write(text.encode("utf-8") + b"\n")
            written += 1
    if not written and kind == "html":
        raise UserError(f"corpus file {path} is a web page with no text outside its scripts, styles and head.")
    if not written and kind == "latex":
        raise UserError(
            f"corpus file {path} is a LaTeX file with no prose of its own: one that only inputs others (a thesis's "
            "main file: \\input and \\include are not read) or only defines commands (a package, a macros file). "
            "Name the files that hold the text in corpus_file, or leave this one out of its pattern."
        )
    if not written and kind not in COLUMN_KINDS:
        raise UserError(f"corpus file {path} holds no text.")
    if not written:
        raise UserError(f"corpus file {path}: column {column!r} holds no text (every cell is empty or null).")


def _missing(path: Path, column: str, columns: list[str]) -> UserError:
    return UserError(
        f"corpus file {path} has no column {column!r}; its columns are {columns}. Set the specification's "
        "corpus_column to the one that holds the texts."
    )


def _csv_texts(path: Path, column: str) -> Iterator[str]:
    encoding = _encoding(path)
    if encoding == "utf-8-sig":
        with _open(path) as fh:
            head = fh.read(_HEAD)
        problem = not_utf8_problem(f"corpus file {path}", head, cut=len(head) == _HEAD)
        if problem:
            raise UserError(f"{problem} (in Excel: save as 'CSV UTF-8'),{_NAME_IT}.")
    with _open(path) as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as fh:
        try:
            header_line = fh.readline()
        except UnicodeDecodeError as exc:
            raise UserError(
                f"corpus file {path} is not {encoding.upper()} text ({exc}); convert it to UTF-8,{_NAME_IT}."
            ) from None
        delimiter = "\t" if ".tsv" in [x.lower() for x in path.suffixes] else header_delimiter(header_line)
        header = next(csv.reader([header_line], delimiter=delimiter), [])
        names = [h.strip() for h in header]
        if column not in names:
            raise _missing(path, column, names)
        at = names.index(column)
        rows = csv.reader(fh, delimiter=delimiter)
        limit = csv.field_size_limit(_MAX_FIELD)  # a text may be a whole article: more than csv's 128 KiB
        try:
            for fields in rows:
                if at < len(fields):
                    yield fields[at]
        except (csv.Error, UnicodeDecodeError) as exc:
            raise UserError(
                f"corpus file {path} cannot be read as CSV near line {rows.line_num + 1} ({exc})."
            ) from None
        finally:
            csv.field_size_limit(limit)


def _jsonl_texts(path: Path, column: str) -> Iterator[str]:
    seen_column = False
    with _open(path) as fh:
        for number, line in enumerate(_utf8_lines(path, fh), start=1):
            if number == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line.strip():
                continue
            try:
                row = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise UserError(
                    f"corpus file {path} line {number} is not JSON ({exc}); one JSON object per line."
                ) from None
            if not isinstance(row, dict):
                raise UserError(f"corpus file {path} line {number} is not a JSON object; one object per line.")
            value = row.get(column)
            seen_column = seen_column or column in row
            if isinstance(value, str):
                yield value
    if not seen_column:
        raise UserError(f"corpus file {path}: no line has the key {column!r}; set the specification's corpus_column.")


MAX_JSON_BYTES = 512 << 20  # a .json corpus is parsed whole: larger ones are read as JSON Lines


def _json_texts(path: Path, column: str) -> Iterator[str]:
    """The texts of a JSON document: an array of strings, or of objects whose `column` key holds the text, or
    an object with one array in it (`{"data": [...]}`). Read as text it gave `{ "id": 7, "text": "Sentence`.
    A file of one object per line named .json is read as JSON Lines."""
    with _open(path) as fh:
        data = fh.read(MAX_JSON_BYTES + 1)
    if len(data) > MAX_JSON_BYTES:
        raise UserError(
            f"corpus file {path} is over {MAX_JSON_BYTES >> 20} MiB of JSON, which is read whole; write it as "
            f"JSON Lines (`jq -c '.[]' {path.name} > {path.stem}.jsonl`), read a line at a time."
        )
    encoding = _encoding(path)
    text = data.decode(encoding) if encoding != "utf-8-sig" else data.removeprefix(codecs.BOM_UTF8)
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        first = text.lstrip()[:1]
        if first in ("{", b"{"):  # JSON Lines named .json
            yield from _jsonl_texts(path, column)
            return
        raise UserError(f"corpus file {path} is not JSON ({exc}).") from None
    if isinstance(document, dict):
        document = _pandas_records(document, column)
    if isinstance(document, dict):
        arrays = [v for v in document.values() if isinstance(v, list)]
        if len(arrays) != 1:
            raise UserError(
                f"corpus file {path} is a JSON object with {len(arrays)} arrays in it (keys {list(document)[:8]}); "
                "give a JSON array of texts or of records, or JSON Lines (one object per line)."
            )
        document = arrays[0]
    if not isinstance(document, list):
        raise UserError(f"corpus file {path} holds a single JSON {type(document).__name__}, not an array of texts.")
    keys: set[str] = set()
    found = False
    for item in document:
        if isinstance(item, str):
            found = True
            yield item
        elif isinstance(item, dict):
            value = item.get(column)
            if column in item:
                found = True
            elif len(keys) < 64:
                keys.update(item)
            if isinstance(value, str):
                yield value
    if not found:
        raise _missing(path, column, sorted(keys))


def _pandas_records(document: dict[str, Any], column: str) -> Any:
    """pandas' `DataFrame.to_json` (no `orient`: a column -> {index: value} object; `orient="index"`: index ->
    record; `orient="split"`: columns and rows) as an array of texts or records; any other object as it is."""
    if isinstance(document.get(column), dict):  # orient="columns", pandas' default
        return list(document[column].values())
    if {"columns", "data"} <= set(document) and isinstance(document["columns"], list) and column in document["columns"]:
        at = document["columns"].index(column)
        return [row[at] for row in document["data"] if isinstance(row, list) and len(row) > at]
    if document and all(isinstance(v, dict) for v in document.values()):  # orient="index"
        return list(document.values())
    return document


def _utf8_lines(path: Path, fh: IO[bytes]) -> Iterator[bytes]:
    """The lines of `fh` as UTF-8 bytes: as they are, or decoded from UTF-16 or UTF-32 (by its byte-order mark)."""
    encoding = _encoding(path)
    if encoding == "utf-8-sig":
        yield from fh
        return
    try:
        for line in io.TextIOWrapper(fh, encoding=encoding):
            yield line.encode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"corpus file {path} is not {encoding.upper()} text ({exc}); convert it to UTF-8,{_NAME_IT}."
        ) from None


def _html_texts(path: Path, column: str) -> Iterator[str]:
    """A web page's texts (html_text.page_texts), decoded as its byte-order mark says, else as its
    `<meta charset>` declares (a page saved from a site in Windows-1251, say), else as UTF-8."""
    with _open(path) as fh:
        head = fh.read(SNIFF_BYTES)
    encoding = "utf-8-sig" if head.startswith(codecs.BOM_UTF8) else wide_encoding(head[:4])
    if encoding is None:  # a byte-order mark wins over what the page declares, as in browsers
        try:
            encoding = declared_encoding(head) or "utf-8-sig"
        except LookupError as exc:
            raise UserError(f"corpus file {path} declares an encoding Python does not know ({exc}).") from None
    yield from _decoded(path, encoding, page_texts, 'UTF-8, or declare its encoding in the page (<meta charset="...">)')


def _subtitle_texts(path: Path, column: str) -> Iterator[str]:
    """The lines of an SRT or WebVTT file's cues (document_text.subtitle_texts), UTF-8 unless a byte-order
    mark says otherwise."""
    yield from _decoded(
        path, _encoding(path), subtitle_texts, "UTF-8 (subtitle editors save as UTF-8; `iconv -f CP1252 -t UTF-8`)"
    )


def _xlsx_texts(path: Path, column: str) -> Iterator[str]:
    """A workbook column's cells as Excel shows them (sheet_text.py)."""
    with _seekable(path) as fh:
        yield from sheet_texts(fh, column, f"corpus file {path}")


def _xls_texts(path: Path, column: str) -> Iterator[str]:
    """An Excel 97-2003 workbook column's cells as Excel shows them (sheet_text.py)."""
    with _seekable(path) as fh:
        yield from xls_texts(fh, column, f"corpus file {path}")


def _doc_texts(path: Path, column: str) -> Iterator[str]:
    """A Word 97-2003 document's paragraphs, footnotes and endnotes (doc_text.py)."""
    with _seekable(path) as fh:
        yield from doc_texts(fh, f"corpus file {path}")


def _ppt_texts(path: Path, column: str) -> Iterator[str]:
    """A PowerPoint 97-2003 deck's slides' paragraphs (ppt_text.py)."""
    with _seekable(path) as fh:
        yield from ppt_texts(fh, f"corpus file {path}")


def _ods_texts(path: Path, column: str) -> Iterator[str]:
    """An OpenDocument spreadsheet column's cells as Calc shows them (sheet_text.py)."""
    with _seekable(path) as fh:
        yield from ods_texts(fh, column, f"corpus file {path}")


def _rtf_texts(path: Path, column: str) -> Iterator[str]:
    """An RTF document's paragraphs (rtf_text.py): RTF is 7-bit text, each byte one character."""
    with _open(path) as fh:
        data = fh.read(MAX_RTF_CHARS + 1)
    yield from rtf_texts(data.decode("latin-1"), f"corpus file {path}")


def _markdown_texts(path: Path, column: str) -> Iterator[str]:
    """The texts of a Markdown file's rendered page (markdown_text.markdown_texts)."""
    yield from _decoded(path, _encoding(path), lambda fh: markdown_texts(fh, f"corpus file {path}"), "UTF-8")


def _latex_texts(path: Path, column: str) -> Iterator[str]:
    """The texts of a LaTeX source's typeset document (latex_text.latex_texts)."""
    yield from _decoded(path, _encoding(path), lambda fh: latex_texts(fh, f"corpus file {path}"), "UTF-8")


def _wiki_texts(path: Path, column: str) -> Iterator[str]:
    """The texts of the articles of a MediaWiki dump (wiki_text.dump_texts)."""
    with _open(path) as fh:
        try:
            yield from dump_texts(fh, f"corpus file {path}")
        except ValueError as exc:
            raise UserError(f"{exc}; check or download the file again.") from None


def _ass_texts(path: Path, column: str) -> Iterator[str]:
    """The Dialogue lines of an SSA/ASS file (document_text.ass_texts)."""
    yield from _decoded(path, _encoding(path), ass_texts, "UTF-8 (Aegisub saves as UTF-8)")


def _decoded(path: Path, encoding: str, read: Callable[[IO[str]], Iterator[str]], convert: str) -> Iterator[str]:
    """The texts `read` gives of the file's text, decoded as `encoding`; text that is not is an error saying to
    convert it to `convert`."""
    with _open(path) as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as fh:
        try:
            yield from read(fh)
        except UnicodeDecodeError as exc:
            name = encoding.upper().replace("-SIG", "")
            raise UserError(
                f"corpus file {path} is not {name} text ({exc}); convert it to {convert},{_NAME_IT}."
            ) from None


def _pdf_texts(path: Path, column: str) -> Iterator[str]:
    """A PDF's lines (pdf_text.py, which reads the file, decompressed, into memory)."""
    with _open(path) as raw:
        yield from pdf_texts(raw, f"corpus file {path}")


def _document_texts(path: Path, column: str) -> Iterator[str]:
    """An e-book's or a word-processor file's paragraphs (document_text.py)."""
    kind = corpus_format(path)
    read = {"epub": epub_texts, "docx": docx_texts, "odt": odt_texts, "pptx": pptx_texts, "odp": odp_texts}[kind or ""]
    try:
        with _seekable(path) as fh:
            yield from read(fh, f"corpus file {path}")
    except (zipfile.BadZipFile, EOFError, UnicodeDecodeError) as exc:  # the last: a member's name not UTF-8
        raise UserError(
            f"corpus file {path} cannot be read as {kind.upper() if kind else ''} (not a complete ZIP archive: "
            f"{exc}); save the document again."
        ) from None
    except RecursionError:  # elements nested thousands deep: no word processor writes that
        raise UserError(f"corpus file {path} nests its elements too deeply to be a document; save it again.") from None


def _parquet_texts(path: Path, column: str) -> Iterator[str]:
    try:
        # A path as it is (pyarrow reads it natively), a compressed file through its decompressing reader.
        with _seekable(path) if path.suffix.lower() in _OPENERS else contextlib.nullcontext(path) as source:
            table = pq.ParquetFile(source)
            names = table.schema_arrow.names
            if column not in names:
                raise _missing(path, column, names)
            kind = table.schema_arrow.field(column).type
            if not (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_dictionary(kind)):
                raise UserError(f"corpus file {path}: column {column!r} holds {kind}, not text; name a text column.")
            for batch in table.iter_batches(columns=[column], batch_size=65536):
                yield from (v for v in batch.column(0).to_pylist() if isinstance(v, str))
    except pa.ArrowException as exc:
        raise UserError(f"corpus file {path} cannot be read as Parquet ({exc}).") from None
