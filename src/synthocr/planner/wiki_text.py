"""MediaWiki XML dumps (Wikipedia's and its sister projects' `pages-articles` files) as corpus files: the text
a reader sees of each article, one text per paragraph, heading or list item.

A dump is read as a stream (the English one is over 100 GB unpacked): each `<page>` is parsed, its text
taken and the page dropped. Only articles are read: namespace 0, not redirects, wikitext (not Lua or
JSON pages), the last revision of each. Wikitext is markup, so the reader's text is made here:

- templates (`{{Infobox …}}`, `{{cite …}}`), tables (`{| … |}`), comments and the contents of `<ref>`,
  `<math>`, `<gallery>`, `<syntaxhighlight>` and like tags go, as they are not running text, but for the
  few that show a text as it is (`{{lang|la|Fluctuat nec mergitur}}`, `{{nowrap|…}}`, `{{small|…}}`), and
  what taking them out leaves in parentheses (`Lincoln (; February 12` reads `Lincoln (February 12`);
- a link shows its label (`[[Paris|the capital]]` reads `the capital`, `[[cat]]s` reads `cats`); links
  to files, categories and other wikis (`[[File:…]]`, `[[Category:…]]`, `[[fr:…]]`: a prefix and a colon
  with no space after it) go with their captions; an external link shows its label, if it has one;
- bold and italic quotes, other HTML tags and magic words (`__TOC__`) go, and character references
  (`&nbsp;`, `&ndash;`) are read;
- headings (`== History ==`) and list items are texts of their own; the lines of a paragraph are joined.

Pages with other content models, and what this does not read (parser functions' results, `<poem>` line
breaks), make no text rather than markup.
"""

from __future__ import annotations

import html
import logging
import re
import xml.etree.ElementTree as ET
from bisect import bisect_left
from collections.abc import Iterator
from typing import IO

# Tags whose content is no running text: footnotes, formulae, code, galleries and the like.
_DROPPED_TAGS = (
    "ref|references|math|chem|ce|score|syntaxhighlight|source|timeline|gallery|imagemap|templatestyles|"
    "templatedata|graph|mapframe|maplink|hiero|inputbox|categorytree|indicator|section"
)
_OPEN_DROPPED = re.compile(rf"<({_DROPPED_TAGS})\b[^<>]*?(/?)>", re.IGNORECASE)
_CLOSE_DROPPED = re.compile(rf"</({_DROPPED_TAGS})\s*>", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_MAGIC = re.compile(r"__[A-Z]+__")
_QUOTES = re.compile(r"'{2,}")
_INNER_LINK = re.compile(r"\[\[([^\[\]]*)\]\]")
# A link to another namespace or wiki: a prefix without spaces, a colon and no space ("File:", "fr:").
_PREFIXED = re.compile(r"\s*[^\s:|\[\]]+:\S")
_EXTERNAL = re.compile(r"\[(?:https?:|ftp:|mailto:|//)[^\s\]]{0,2000}(?:[ \t]+([^\]\n]{0,300}+))?\]")
_HEADING = re.compile(r"(=+)\s*(.*?)\s*\1$")
_LIST = re.compile(r"[*#:;]+\s*")
# Templates whose text is shown as it is (a foreign word, a span kept on one line, small print): their last
# unnamed parameter. Every other template goes.
_SHOWN_TEMPLATE = re.compile(
    r"\{\{\s*(?:lang|transl|transliteration|nowrap|nobr|small|smaller|big|sc|smallcaps|not a typo|abbr)\s*"
    r"\|([^{}]*)\}\}",
    re.IGNORECASE,
)
_EMPTY_PARENS = re.compile(r"\(\s*[,;:]?\s*\)")
# What a template taken out of a parenthesis leaves: "Lincoln (; February 12" and "(;, Akhilleus, )".
_OPEN_PUNCT = re.compile(r"\(\s*(?:[,;:]\s*)+")
_CLOSE_PUNCT = re.compile(r"(?:\s*[,;:])+\s*\)")
_SPACE_BEFORE = re.compile(r"\s+([,.;:!?])(?=\s|$)")
_SPACES = re.compile(r"\s+")
_NESTED = {"{{": "}}", "{|": "|}"}
# Templates open and close anywhere; tables only at the start of a line, and `|}}` (a template's last, empty
# parameter) closes a template, not a table.
_NESTING = re.compile(r"\{\{|\}\}|^[ \t]*(\{\||\|\}(?!\}))", re.MULTILINE)


log = logging.getLogger(__name__)

MAX_PAGE_CHARS = 8 << 20  # MediaWiki keeps pages under 2 MiB ($wgMaxArticleSize); a larger one is left out


def dump_texts(stream: IO[bytes], where: str = "dump") -> Iterator[str]:
    """The texts of every article of a MediaWiki XML dump, in the dump's order (a page of more than
    MAX_PAGE_CHARS characters, which no wiki stores, is left out with a warning).

    Raises:
        ValueError: the stream is not XML, or not a dump (its root element is another), naming the place.
    """
    events = ET.iterparse(stream, events=("start", "end"))
    try:
        _, root = next(events)
        if _local(root.tag) != "mediawiki":
            raise ValueError(f"{where} is XML but not a MediaWiki dump: its root element is <{_local(root.tag)}>")
        for event, elem in events:
            if event != "end" or _local(elem.tag) != "page":
                continue
            text = _article_text(elem)
            root.clear()  # the pages read so far: memory stays flat over a dump of any size
            if len(text) > MAX_PAGE_CHARS:
                log.warning(
                    "%s: a page of %s characters left out (wikis keep pages under 2 MiB)", where, f"{len(text):,}"
                )
            elif text:
                yield from wikitext_texts(text)
    except ET.ParseError as exc:
        raise ValueError(f"{where} is not well-formed XML ({exc})") from None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _article_text(page: ET.Element) -> str:
    """The wikitext of a page's last revision, if the page is an article (namespace 0, not a redirect)."""
    if (page.findtext("{*}ns") or "0").strip() != "0" or page.find("{*}redirect") is not None:
        return ""
    revisions = page.findall("{*}revision")
    if not revisions:
        return ""
    last = revisions[-1]
    if (last.findtext("{*}model") or "wikitext").strip() != "wikitext":
        return ""
    return last.findtext("{*}text") or ""


def wikitext_texts(text: str) -> list[str]:
    """The texts a reader sees of one page's wikitext: paragraphs, headings and list items, in order."""
    text = _COMMENT.sub("", text)
    text = _without_dropped(text)
    text = _links(text)
    for _ in range(3):  # {{nowrap|{{lang|la|…}}}}: the inner one first
        kept = _SHOWN_TEMPLATE.sub(_shown_text, text)
        if kept == text:
            break
        text = kept
    text = _without_nested(text)
    text = _EXTERNAL.sub(lambda m: m.group(1) or "", text)
    text = _BREAK_TAG.sub(" ", text)
    text = _TAG.sub("", text)
    text = _MAGIC.sub("", text)
    text = _QUOTES.sub("", text)
    out: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            _add(out, " ".join(paragraph))
            paragraph.clear()

    for raw in text.split("\n"):
        line = raw.strip()
        if not line or line.startswith(("|", "!", "----")):  # a break, a table's remains, a rule
            flush()
            continue
        heading = _HEADING.fullmatch(line)
        if heading is not None:
            flush()
            _add(out, heading.group(2))
        elif line[0] in "*#:;":
            flush()
            _add(out, _LIST.sub("", line, count=1))
        else:
            paragraph.append(line)
    flush()
    return out


def _add(out: list[str], text: str) -> None:
    """A text made readable: character references read, emptied parentheses and loose spaces gone."""
    text = html.unescape(text)
    text = _CLOSE_PUNCT.sub(")", _OPEN_PUNCT.sub("(", text))
    text = _EMPTY_PARENS.sub("", text)
    text = _SPACE_BEFORE.sub(r"\1", _SPACES.sub(" ", text)).strip()
    if any(c.isalnum() for c in text):
        out.append(text)


def _without_dropped(text: str) -> str:
    """The text without footnotes, formulae, code and the like: each such tag to its closing tag (an unclosed
    one only itself). Closing tags are found in one pass, so many unclosed tags cost no more than a few."""
    closers: dict[str, list[tuple[int, int]]] = {}
    for m in _CLOSE_DROPPED.finditer(text):
        closers.setdefault(m.group(1).lower(), []).append((m.start(), m.end()))
    kept: list[str] = []
    pos = 0
    for m in _OPEN_DROPPED.finditer(text):
        if m.start() < pos:
            continue  # inside a span already dropped
        kept.append(text[pos : m.start()])
        pos = m.end()
        if not m.group(2):  # not self-closing: to the first closing tag of its name after it
            ends = closers.get(m.group(1).lower(), [])
            i = bisect_left(ends, (m.end(), -1))
            if i < len(ends):
                pos = ends[i][1]
    kept.append(text[pos:])
    return "".join(kept)


def _without_nested(text: str) -> str:
    """The text without templates `{{…}}` and tables `{|…|}`, however deeply nested; one left open at the
    end of the page takes the rest of it."""
    kept: list[str] = []
    stack: list[str] = []
    start = 0
    for m in _NESTING.finditer(text):
        token = m.group(1) or m.group()
        if token in _NESTED:
            if not stack:
                kept.append(text[start : m.start()])
            stack.append(_NESTED[token])
        elif stack and token == stack[-1]:
            stack.pop()
            if not stack:
                start = m.end()
        elif stack and token in stack:  # a closer for a pair further out: the ones inside were left open
            while stack and stack.pop() != token:
                pass
            if not stack:
                start = m.end()
    if not stack:
        kept.append(text[start:])
    return "".join(kept)


def _shown_text(m: re.Match[str]) -> str:
    unnamed = [p for p in m.group(1).split("|") if "=" not in p]
    return unnamed[-1].strip() if unnamed else ""


def _links(text: str) -> str:
    """Internal links as their labels, innermost first (a file's caption may hold links)."""
    for _ in range(8):  # nesting deeper than this is not wikitext anyone writes
        replaced = _INNER_LINK.sub(_link_label, text)
        if replaced == text:
            break
        text = replaced
    return text


def _link_label(m: re.Match[str]) -> str:
    inner = m.group(1)
    if _PREFIXED.match(inner):
        return ""  # a file, a category, another wiki: not text of the article
    target, bar, label = inner.partition("|")
    return (label.rpartition("|")[2] if bar else target).strip().lstrip(":")
