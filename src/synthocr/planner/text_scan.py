"""Which of many texts a regular expression finds something in: one pass over all of them at once."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import regex
from numpy.typing import NDArray

# Any character from U+0E00 (Thai) on: cheap to find with `re`, and the only ones some patterns can match.
_FROM_THAI = re.compile("[\u0e00-\U0010ffff]")


def texts_with(pattern: regex.Pattern[str] | re.Pattern[str], texts: Sequence[str]) -> NDArray[np.bool_]:
    """Per text, whether `pattern` matches in it. The texts are searched joined by line breaks, with one
    before the first, so a pattern sees a text's start as a line break (or `^` with MULTILINE); a match
    counts for the text that holds its last character. A regex call per text costs about twice as much."""
    out = np.zeros(len(texts), bool)
    if not texts:
        return out
    ends = 1 + np.cumsum(np.fromiter(map(len, texts), np.int64, len(texts)) + 1)  # of each text and its break
    hits = [m.end() - 1 for m in pattern.finditer("\n" + "\n".join(texts))]
    if hits:
        out[np.searchsorted(ends, np.array(hits, np.int64), side="right")] = True
    return out


def texts_with_wide(pattern: regex.Pattern[str], texts: Sequence[str]) -> NDArray[np.bool_]:
    """texts_with for a pattern that only matches characters from U+0E00 on (scripts written without
    spaces): `pattern` (a `regex` one, with Unicode properties, and slower) looks only at the texts that
    hold such a character, which Latin, Greek, Cyrillic, Arabic and Hebrew texts rarely do."""
    out = texts_with(_FROM_THAI, texts)
    wide = np.flatnonzero(out)
    if len(wide):
        out[wide] = texts_with(pattern, [texts[int(i)] for i in wide])
    return out
