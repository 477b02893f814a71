"""`text_direction: auto`: a text's paragraph direction from its first strong letter (Unicode's bidi rules P2-P3).

A corpus that mixes scripts (one file of English, Arabic and Hebrew lines) needs each
line's own direction: with `ltr` an Arabic sentence's final full stop is drawn at its
right end, where an Arabic reader expects its start. HTML's `dir=auto` decides the same way.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
import regex
from numpy.typing import NDArray

from synthocr.planner.text_scan import texts_with
from synthocr.schemas.params import CONFIG_DIRECTIONS, TEXT_DIRECTIONS

AUTO = CONFIG_DIRECTIONS.index("auto")
_LTR, _RTL = TEXT_DIRECTIONS.index("ltr"), TEXT_DIRECTIONS.index("rtl")
# A text (a line of texts_with's) whose first strong letter is right to left.
_RTL_FIRST = regex.compile(
    r"^[^\p{Bidi_Class=L}\p{Bidi_Class=R}\p{Bidi_Class=AL}\n]*[\p{Bidi_Class=R}\p{Bidi_Class=AL}]", regex.M
)
_ISOLATE = regex.compile(r"[\u2066-\u2069]")  # LRI, RLI, FSI, PDI: P2 skips what an isolate holds
_OPENS, _CLOSES = frozenset("\u2066\u2067\u2068"), "\u2069"


def first_strong_is_rtl(text: str) -> bool:
    """P2-P3 for one text: its first L, R or AL character outside isolates is R or AL."""
    depth = 0
    for ch in text:
        if ch in _OPENS:
            depth += 1
        elif ch == _CLOSES:
            depth = max(depth - 1, 0)
        elif depth == 0:
            kind = unicodedata.bidirectional(ch)
            if kind in ("R", "AL"):
                return True
            if kind == "L":
                return False
    return False


def rtl_texts(texts: Sequence[str]) -> NDArray[np.bool_]:
    """Per text, whether its paragraph direction is right to left (texts with isolates character by character)."""
    out = texts_with(_RTL_FIRST, texts)
    for i in np.flatnonzero(texts_with(_ISOLATE, texts)).tolist():
        out[i] = first_strong_is_rtl(texts[i])
    return out


def resolve_auto(column: Any, texts: Sequence[str]) -> Any:
    """A text_direction column with every `auto` row resolved by its text to `rtl` or `ltr`: as sampled,
    (CONFIG_DIRECTIONS, codes), which comes back as (TEXT_DIRECTIONS, codes); or as names, after a request
    file replaced some."""
    if isinstance(column, tuple):
        names, codes = column
        auto = np.flatnonzero(codes == AUTO) if list(names) == list(CONFIG_DIRECTIONS) else np.zeros(0, np.int64)
        out = codes.copy()
        out[auto] = np.where(rtl_texts([texts[i] for i in auto.tolist()]), _RTL, _LTR)
        return list(TEXT_DIRECTIONS), out
    names = np.array(column, dtype=object)
    auto = np.flatnonzero(names == "auto")
    names[auto] = np.where(rtl_texts([texts[i] for i in auto.tolist()]), "rtl", "ltr")
    return names
