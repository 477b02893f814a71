"""What the text of a plan row may hold: one line, whose whitespace the label takes for empty gaps."""

from __future__ import annotations

import codecs
import re

# The line breaks of str.splitlines but \n and \r (no text source lets those through: corpus lines end
# at them), U+001F, and U+1680 OGHAM SPACE MARK, a space that fonts draw as a stroke. HarfBuzz draws a
# separator with no advance, so "a\u2028b" looked like the one word "ab" while its label had two words.
# Drawn texts get a space for each run of them (planner.texts.one_line); a request text or a plan row
# with one is refused.
_SEPARATORS = "\\x0b\\x0c\\x1c-\\x1f\\x85\\u1680\\u2028\\u2029"
LINE_SEPARATOR = re.compile(f"[{_SEPARATORS}]")
LINE_SEPARATOR_RUN = re.compile(f"(?:[\\t ]*[{_SEPARATORS}])+[\\t ]*")
NOT_ONE_LINE = re.compile(f"[\\n\\r{_SEPARATORS}]")
# Characters no font draws and that change nothing in the image of a line: ZERO WIDTH SPACE (web text, and
# Thai text marking its word breaks), WORD JOINER, ZERO WIDTH NO-BREAK SPACE (a byte-order mark inside a
# text) and SOFT HYPHEN (German news text: `Zusammen\u00adarbeit`). A label holding one has a character the
# image does not show, which no recognizer can learn; drawn texts lose them (planner.texts.one_line). The
# joiners U+200C and U+200D, which change the letters drawn (Persian, Indic), stay.
INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")
# A run of them with the spaces around it: where a space stood next to one (`\u200b ` between two Khmer words),
# the run is one space, or nothing at either end of the text; else nothing.
INVISIBLE_RUN = re.compile("(?: *[\u00ad\u200b\u2060\ufeff])+ *")
# A BCP 47 language tag as HarfBuzz takes it (language, then script, region or variant subtags): "zh-Hans".
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
# A specification's `unicode_normalization`: "" keeps a text as its source has it.
UNICODE_FORMS = ("", "NFC", "NFD", "NFKC", "NFKD")


def language_problem(tag: str) -> str | None:
    """Why `tag` is no language a spec or request may give, None if it is one ("" is none)."""
    if not tag or LANGUAGE_TAG.fullmatch(tag):
        return None
    return f"{tag!r} is not a BCP 47 language tag such as 'zh-Hans', 'sr' or 'fa'"


def encoding_problem(name: str) -> str | None:
    """Why `name` is no text encoding a corpus may be written in, None if it is one ("" is UTF-8)."""
    if not name:
        return None
    try:
        info = codecs.lookup(name)
    except LookupError:
        return f"{name!r} is not an encoding Python knows; give a codec name such as 'cp1252', 'shift_jis' or 'gb18030'"
    if not getattr(info, "_is_text_encoding", True):
        return f"{name!r} is a byte-to-byte codec, not a text encoding"
    return None
