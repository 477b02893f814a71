"""The text of a web page (.html, .htm, .xhtml) as a browser shows it: one text per paragraph, heading, list
item or table cell, entities decoded, runs of whitespace one space, nothing of scripts, styles or the head.

Read as plain text, a saved page gave texts such as `<body><h1>Welcome to the` and `Monday &amp; closes`.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import IO

# Elements whose content a browser does not show as text of the page.
_HIDDEN = frozenset({"head", "script", "style", "template", "noscript", "svg", "math", "iframe", "object", "select"})
# Elements that start and end a block of text (a text of their own); <br> and <hr> end one too.
_BLOCKS = frozenset(
    """address article aside blockquote body caption center dd details dialog div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section summary table tbody td
    tfoot th thead tr ul br button label legend option""".split()
)
_SPACES = re.compile(r"\s+")
# A page's declared encoding, in its first bytes: <meta charset="...">, the http-equiv Content-Type, or an
# XHTML page's XML declaration.
_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)
SNIFF_BYTES = 4096


class _PageText(HTMLParser):
    """Collects the page's texts, block by block, as they are fed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._parts: list[str] = []
        self._hidden: list[str] = []  # open hidden elements (their content is skipped)
        self._pre = 0  # open <pre> elements: line breaks in them end texts

    def _flush(self) -> None:
        text = _SPACES.sub(" ", "".join(self._parts)).strip()
        if text:
            self.texts.append(text)
        self._parts = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body" and "head" in self._hidden:  # a page may leave its </head> out (HTML5 allows it)
            del self._hidden[self._hidden.index("head") :]
        if tag in _HIDDEN:
            self._hidden.append(tag)
            return
        if self._hidden:
            return
        if tag in _BLOCKS:
            self._flush()
        if tag == "pre":
            self._pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._hidden and tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            if tag in self._hidden:  # close it and whatever was left open inside it
                del self._hidden[len(self._hidden) - 1 - self._hidden[::-1].index(tag) :]
            return
        if self._hidden:
            return
        if tag in _BLOCKS:
            self._flush()
        if tag == "pre" and self._pre:
            self._pre -= 1

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if not self._pre:
            self._parts.append(data)
            return
        lines = data.split("\n")
        for line in lines[:-1]:
            self._parts.append(line)
            self._flush()
        self._parts.append(lines[-1])

    def close(self) -> None:
        super().close()
        self._flush()


def declared_encoding(head: bytes) -> str | None:
    """The Python codec of the encoding a page declares in its first bytes (`<meta charset="windows-1252">`),
    None where it declares none. Raises LookupError for an encoding Python does not know."""
    match = _CHARSET.search(head[:SNIFF_BYTES])
    if match is None:
        return None
    return codecs.lookup((match.group(1) or match.group(2)).decode("ascii")).name


def page_texts(fh: IO[str]) -> Iterator[str]:
    """The texts of the page read from `fh` (decoded), a block at a time."""
    parser = _PageText()
    while chunk := fh.read(1 << 20):
        parser.feed(chunk)
        yield from parser.texts
        parser.texts.clear()
    parser.close()
    yield from parser.texts
