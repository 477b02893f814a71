"""The text of Markdown files (READMEs, documentation, notes, wiki pages): what their rendered page shows.

Read as plain text, a Markdown file gave texts such as `## Installation`, `**Note:** run` and
`[the guide](https://example.org/guide)`, drawn and labelled with their markup. It is rendered as CommonMark
(with GitHub's tables and strikethrough) and read as the web page it becomes (html_text.py): one text per
paragraph, heading, list item and table cell, a code block a text per line, no link targets or image
addresses. YAML front matter (Jekyll, Hugo, Obsidian) is metadata, not text, and is left out.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import IO

from synthocr.errors import UserError
from synthocr.extras import require
from synthocr.planner.html_text import page_texts

# A YAML front matter block at the very start: `---`, its fields, then `---` (or `...`) on a line of its own.
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)


# Characters of one Markdown document: it is rendered whole, in memory and time that grow with it (3.5 M
# characters of release notes in 3.3 s; 200 k characters of `[` in 2 s), and no README or book chapter comes
# near; a larger file is a dump to split, or not Markdown.
MAX_MARKDOWN_CHARS = 16 << 20


def markdown_texts(fh: IO[str], where: str = "the Markdown file") -> Iterator[str]:
    """The texts of a Markdown document read from `fh` (decoded), in order.

    Raises:
        UserError: the document is longer than MAX_MARKDOWN_CHARS.
    """
    markdown_it = require("markdown_it", "Markdown corpus files")
    text = fh.read(MAX_MARKDOWN_CHARS + 1)
    if len(text) > MAX_MARKDOWN_CHARS:
        raise UserError(
            f"{where} holds more than {MAX_MARKDOWN_CHARS >> 20} Mi characters, more than synthocr renders as one "
            "Markdown document; split it into files (one per chapter or page)."
        )
    source = _FRONT_MATTER.sub("", text, count=1)
    renderer = markdown_it.MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    yield from page_texts(io.StringIO(renderer.render(source)))
