"""Where a line of Thai, Lao, Khmer or Burmese text may break: between words, which only a dictionary finds.

These scripts put no space between words, and a printed line breaks only between them. Browsers and office
suites find the words with ICU's line breaker and its word dictionaries; a text window cut anywhere else
starts or ends inside a word (`ข้อผิดพ` of `ข้อผิดพลาด`, "error"), a line no page has. The plan's texts depend on
ICU's dictionaries, so on the ICU version icu4py ships (pinned in pyproject.toml).
"""

from __future__ import annotations

import regex

# Letters (and marks, digits, signs) of the scripts ICU breaks by dictionary.
DICTIONARY_SCRIPT = regex.compile(r"[\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]")


def line_breaks(text: str) -> frozenset[int]:
    """Offsets (code points) where a line of `text` may break, after the spaces there (UAX #14 with ICU's
    tailorings and dictionaries). A dictionary script's words are found in every run of it; other text
    breaks as UAX #14 says. Offset 0 and len(text) are not included."""
    from icu4py.breakers import LineBreaker  # ICU's data is 30 MB: loaded only by text that needs it

    return frozenset(start for start, _ in LineBreaker(text, "").segments() if 0 < start < len(text))
