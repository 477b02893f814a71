"""The text of RTF files (TextEdit's default format on macOS, WordPad's on Windows, and what word processors
export as "Rich Text"): one text per paragraph, table cell or line break.

Read as plain text, an RTF file gave `{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times;}}` and `\\f0\\fs24 Hello\\par`
as texts. Its control words are read here as a word processor reads them: the font, colour and style
tables, pictures, headers, footers, footnotes and field instructions are not text; `\\uN` is a Unicode
character (its ANSI stand-in skipped) and `\\'hh` a byte of the document's code page (`\\ansicpgN`).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from synthocr.errors import UserError

_TOKEN = re.compile(
    r"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?"  # a control word, its number, the space that ends it
    r"|\\'([0-9a-fA-F]{2})"  # a byte in the code page
    r"|\\([^a-zA-Z'])"  # a control symbol: \\ \{ \} \~ \- \_ \*
    r"|([{}])"
    r"|[\r\n]+"  # line ends in the file are not text
    r"|([^\\{}\r\n]+)"  # plain text
)
# Groups that are not text: tables, metadata, pictures, headers and footers, notes, field instructions.
_SKIPPED = frozenset(
    "fonttbl colortbl stylesheet info pict object header headerl headerr headerf footer footerl footerr "
    "footerf footnote annotation fldinst listtable listoverridetable rsidtbl pgdsctbl xmlnstbl themedata "
    "colorschememapping datastore latentstyles generator filetbl revtbl nonshppict shppict bkmkstart bkmkend "
    "userprops docvar private mmathPr xe tc txe".split()
)
# Control words that are text.
_BREAKS = frozenset({"par", "line", "cell", "row", "sect", "page", "nestcell", "nestrow"})
_CHARS = {
    "tab": " ",
    "emdash": "\u2014",
    "endash": "\u2013",
    "emspace": " ",
    "enspace": " ",
    "qmspace": " ",
    "bullet": "\u2022",
    "lquote": "\u2018",
    "rquote": "\u2019",
    "ldblquote": "\u201c",
    "rdblquote": "\u201d",
}
_SYMBOLS = {"\\": "\\", "{": "{", "}": "}", "~": "\u00a0", "_": "\u2011", "-": ""}
MAX_RTF_CHARS = 256 << 20  # an RTF file is read whole; pictures make some large, none this large


@dataclass(frozen=True)
class _Group:
    skip: bool = False  # inside a group that is not text
    uc: int = 1  # characters of stand-in that follow a \uN


def rtf_texts(source: str, where: str) -> Iterator[str]:
    """The texts of an RTF document, given as its bytes decoded as Latin-1 (RTF is 7-bit; `\\'hh` bytes are
    decoded here in the document's code page).

    Raises:
        UserError: the text does not start with `{\\rtf`, or is longer than MAX_RTF_CHARS.
    """
    if not source.lstrip("\ufeff \t\r\n").startswith("{\\rtf"):
        raise UserError(f"{where} is not RTF (it does not start with {{\\rtf); save it again as Rich Text.")
    if len(source) > MAX_RTF_CHARS:
        raise UserError(f"{where} is larger than {MAX_RTF_CHARS >> 20} MiB; save its text as plain text.")
    stack = [_Group()]
    codepage = "cp1252"
    line: list[str] = []
    pending = bytearray()  # \'hh bytes, decoded together (a double-byte code page spells a character in two)
    high = ""  # a high surrogate waiting for its pair
    stand_in = 0  # characters still to skip after a \uN
    start_of_group = False  # right after "{": a \* or a destination word decides whether it is text
    pos = 0
    while pos < len(source):
        m = _TOKEN.match(source, pos)
        if m is None:  # a backslash at the very end
            break
        pos = m.end()
        word, number, hexbyte, symbol, brace, text = m.groups()
        group = stack[-1]
        if pending and hexbyte is None:
            line.append(_decode(bytes(pending), codepage))
            pending.clear()
        if brace:
            stand_in = 0  # a stand-in never runs past its group
            start_of_group = brace == "{"
            if brace == "{":
                stack.append(group)
            elif len(stack) > 1:
                stack.pop()
            continue
        if stand_in and (hexbyte or text or symbol):
            if text:
                skipped = min(stand_in, len(text))
                stand_in -= skipped
                text = text[skipped:]
                if not text:
                    continue
            else:
                stand_in -= 1
                continue
        was_start, start_of_group = start_of_group, False
        if symbol == "*" and was_start:
            stack[-1] = replace(group, skip=True)  # an optional destination: none of it is text here
            continue
        if word is not None:
            if was_start and word in _SKIPPED:
                stack[-1] = replace(group, skip=True)
            elif word == "bin" and number:  # raw bytes follow: not text, and not RTF either
                pos += max(0, int(number))
            elif word == "uc" and number:
                stack[-1] = replace(group, uc=max(0, int(number)))
            elif word == "ansicpg" and number:
                codepage = _codepage(number, codepage)
            elif group.skip:
                pass
            elif word == "u" and number:
                code = int(number) % 65536
                stand_in = group.uc
                if 0xD800 <= code < 0xDC00:
                    high = chr(code)
                    continue
                char = chr(code)
                if 0xDC00 <= code < 0xE000:  # the second half of a pair; alone, no character at all
                    char = (high + char).encode("utf-16", "surrogatepass").decode("utf-16") if high else ""
                high = ""
                line.append(char)
            elif word in _BREAKS:
                yield from _flush(line)
            elif word in _CHARS:
                line.append(_CHARS[word])
            continue
        if group.skip:
            continue
        if hexbyte is not None:
            pending.append(int(hexbyte, 16))
        elif symbol is not None:
            if symbol in "\r\n":  # a backslash before a line end is a paragraph's end (TextEdit writes them)
                yield from _flush(line)
            else:
                line.append(_SYMBOLS.get(symbol, ""))
        elif text:
            line.append(text)
    if pending:
        line.append(_decode(bytes(pending), codepage))
    yield from _flush(line)


def _codepage(number: str, current: str) -> str:
    """The Python codec of `\\ansicpgN` (1252, 1251, 932 ...), or the current one where Python has none."""
    try:
        return codecs.lookup(f"cp{int(number)}").name
    except LookupError:
        return current


def _decode(data: bytes, codepage: str) -> str:
    return data.decode(codepage, errors="replace")


def _flush(line: list[str]) -> Iterator[str]:
    """The line gathered so far, whitespace collapsed (nothing if it is empty), and a new line begun."""
    text = " ".join("".join(line).split())
    line.clear()
    if text:
        yield text
