"""Errors caused by the user's input: the CLI prints them as one paragraph and exits 2."""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass


def describe_char(c: str) -> str:
    """`'漢' U+6F22 CJK UNIFIED IDEOGRAPH-6F22`: the character, its code point and its Unicode name."""
    name = unicodedata.name(c, "")
    return f"{c!r} U+{ord(c):04X}" + (f" {name}" if name else "")


# Longest first: UTF-32's little-endian mark starts with UTF-16's.
_OTHER_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


# Files people take for text, by their first bytes: what each is and what to do (a legacy encoding was guessed).
_NOT_TEXT = (
    (b"PK\x03\x04", "a ZIP archive (an Excel .xlsx, a Word .docx, an OpenDocument .odt or an EPUB book is one): "
     "name a .docx, .odt, .pptx, .odp, .epub, .xlsx or .ods file by its extension to read its text (a workbook's text column named "
     "with corpus_column), or unpack an archive"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file (.xls, .doc, .ppt): name an Excel 97-2003 workbook .xls to "
     "read a column of it (corpus_column, with the excel extra), a Word 97-2003 document .doc or a PowerPoint "
     "97-2003 deck .ppt to read its text (with the doc extra)"),
    (b"%PDF", "a PDF: name it .pdf to read its text (with the pdf extra)"),
    (b"PAR1", "a Parquet file: name it .parquet to read its text column"),
    (b"\x1f\x8b", "gzip-compressed data: name it .gz (`corpus.txt.gz`) to read it decompressed"),
    (b"\x28\xb5\x2f\xfd", "Zstandard-compressed data: name it .zst to read it decompressed"),
    (b"BZh", "bzip2-compressed data: name it .bz2 to read it decompressed"),
    (b"\xfd7zXZ\x00", "xz-compressed data: name it .xz to read it decompressed"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)  # fmt: skip


def not_utf8_problem(path: object, head: bytes, cut: bool = False) -> str | None:
    """What keeps the text file at `path` (its first bytes `head`) from being UTF-8, None if nothing: a UTF-16
    or UTF-32 byte-order mark (Windows' "Unicode"), or a byte of a legacy encoding. `cut`: `head` may end
    inside a character."""
    for bom, encoding in _OTHER_BOMS:  # what Windows' "Unicode" save writes
        if head.startswith(bom):
            return f"{path} is {encoding} text (it starts with a {encoding} byte-order mark); save it as UTF-8"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        for magic, what in _NOT_TEXT:  # only where the bytes are not UTF-8: a text may start with "BZh"
            if head.startswith(magic):
                return f"{path} is not text but {what}"
        if not (cut and exc.start >= len(head) - 4):
            return (
                f"{path} is not UTF-8 text (invalid byte at offset {exc.start}; a legacy encoding such as "
                "Windows-1252 or Latin-1?); save it as UTF-8"
            )
    return None


class UserError(Exception):
    """Bad input (config, assets, plan, arguments); the message says what to do."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a config: the field it is about and what is wrong with it.

    Callers that format problems their own way (the seed system's validation block)
    read the parts; `str()` gives the one-line form the CLI prints.
    """

    field: str  # dotted key inside its scope ("total_images", "background_weights.paper"); "" for the whole file
    message: str  # what is wrong and the value given, without the field's name
    spec: str | None = None  # name of the specification the field belongs to (None: a top-level field)
    index: int = -1  # that specification's position in `specifications` (with `spec`)

    @property
    def key(self) -> str:
        """The full dotted key: `specifications[2].font_filter`, `total_images`, or "" for the whole file."""
        if self.spec is None:
            return self.field
        return f"specifications[{self.index}].{self.field}" if self.field else f"specifications[{self.index}]"

    def __str__(self) -> str:
        where = f"specification {self.spec!r} (specifications[{self.index}])." if self.spec is not None else ""
        return f"{where}{self.field}: {self.message}" if self.field else f"{where}{self.message}"


class ConfigError(UserError):
    """Every problem found in a config, reported at once."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"{source}: {len(self.problems)} problem(s) in the configuration:\n{lines}\nFix these fields and run again."
        )
