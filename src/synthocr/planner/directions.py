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

from synthocr.schemas.params import CONFIG_DIRECTIONS, TEXT_DIRECTIONS

AUTO = CONFIG_DIRECTIONS.index("auto")
_LTR, _RTL = TEXT_DIRECTIONS.index("ltr"), TEXT_DIRECTIONS.index("rtl")
# A line (of texts joined by line breaks) whose first strong letter is right to left.
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
    """Per text, whether its paragraph direction is right to left (one regex pass over all of them; texts
    with isolates character by character)."""
    out = np.zeros(len(texts), bool)
    if not texts:
        return out
    joined = "\n".join(texts)
    starts = np.concatenate([[0], np.cumsum(np.fromiter(map(len, texts), np.int64, len(texts)) + 1)[:-1]])

    def owners(positions: list[int]) -> NDArray[np.int64]:
        return np.searchsorted(starts, np.array(positions, np.int64), side="right") - 1

    hits = [m.start() for m in _RTL_FIRST.finditer(joined)]
    if hits:
        out[owners(hits)] = True
    isolated = [m.start() for m in _ISOLATE.finditer(joined)]
    for i in np.unique(owners(isolated)).tolist() if isolated else []:
        out[i] = first_strong_is_rtl(texts[i])
    return out


def resolve_auto_names(values: Any, texts: Sequence[str]) -> Any:
    """A text_direction column after request values replaced some (an array of names, some perhaps `auto`)
    with each `auto` resolved by its row's text; a column no request touched (values, codes) as it is."""
    if isinstance(values, tuple):
        return values
    names = np.asarray(values, dtype=object)
    auto = np.flatnonzero(names == "auto")
    if len(auto):
        names = names.copy()
        names[auto] = np.where(rtl_texts([texts[i] for i in auto.tolist()]), "rtl", "ltr")
    return names


def resolve_auto(codes: NDArray[np.int64], texts: Sequence[str]) -> NDArray[np.int64]:
    """Direction codes (CONFIG_DIRECTIONS) as plan codes (TEXT_DIRECTIONS): each `auto` row becomes `rtl` or
    `ltr` by its text."""
    auto = np.flatnonzero(codes == AUTO)
    if len(auto) == 0:
        return codes
    out = codes.copy()
    out[auto] = np.where(rtl_texts([texts[i] for i in auto.tolist()]), _RTL, _LTR)
    return out
