"""Text case: a row's text in capitals, small letters or with each word capitalised, as the source has it
otherwise (`text_case_weights` -> the `text_case` column). Casing comes before the font choice, so the font
drawing a row has every character of the cased text."""

from __future__ import annotations

import unicodedata

import numpy as np
import regex
from numpy.typing import NDArray

from synthocr.schemas.config import BatchSpecification
from synthocr.schemas.params import TEXT_CASES

_WORD = regex.compile(r"\S+")
_CASED = regex.compile(r"\p{Cased}")


def apply_case(text: str, case: str, language: str = "") -> str:
    """`text` in `case` (one of TEXT_CASES), by Unicode's full case mappings (ß in capitals is SS, a Greek
    capital sigma at a word's end is ς in small letters, ǆ capitalised is ǅ) and the rules of print that
    Unicode leaves to the language: Greek capitals drop their accents (οδός -> ΟΔΟΣ, but άυλος -> ΑΫΛΟΣ,
    keeping two vowels apart), and Turkish and Azerbaijani (`language` tr, az) keep the dot of i (i -> İ,
    I -> ı)."""
    dotted = language.split("-", 1)[0].lower() in ("tr", "az")
    if case == "upper":
        return _greek_capitals(text.replace("i", "İ").upper() if dotted else text.upper())
    if case == "lower":
        return _lower(text, dotted)
    if case == "title":
        return _WORD.sub(lambda word: _title_word(word.group(), dotted), text)
    return text


def _lower(text: str, dotted: bool) -> str:
    return text.replace("I", "ı").replace("İ", "i").lower() if dotted else text.lower()


def _title_word(w: str, dotted: bool) -> str:
    """A word with its first cased letter in title case and the rest small: "(don't" -> "(Don't"."""
    first = _CASED.search(w)
    if first is None:
        return w
    at = first.start()
    head = "İ" if dotted and w[at] == "i" else w[at].title()
    return w[:at] + head + _lower(w[at + 1 :], dotted)


_GREEK_ACCENTS = frozenset("\u0300\u0301\u0342\u0313\u0314\u0343\u0345")  # tonos/oxia, varia, perispomeni, breathings
_DIPHTHONGS = frozenset({"ΑΙ", "ΕΙ", "ΟΙ", "ΥΙ", "ΑΥ", "ΕΥ", "ΟΥ", "ΗΥ"})
_GREEK = regex.compile(r"\p{Script=Greek}")


def _greek_capitals(text: str) -> str:
    """Greek in capitals without its accents (the dialytika stays). An accent on the first of two vowels that
    would make a diphthong (άι, όυ) kept them apart: the second takes a dialytika instead (ΑΪ, ΟΫ)."""
    if not _GREEK.search(text):
        return text
    letters: list[list[str]] = []  # base letter and its marks
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and letters:
            letters[-1].append(ch)
        else:
            letters.append([ch])
    out: list[str] = []
    apart = False  # the letter before lost an accent that kept it from the one after
    for base, *marks in letters:
        if not _GREEK.match(base):
            out.append(base + "".join(marks))
            apart = False
            continue
        kept = [m for m in marks if m not in _GREEK_ACCENTS]
        if apart and not kept and (out[-1][:1] + base) in _DIPHTHONGS:
            kept = ["\u0308"]
        apart = len(kept) < len(marks) and "\u0301" in marks
        out.append(base + "".join(kept))
    return unicodedata.normalize("NFC", "".join(out))


def case_weights(spec: BatchSpecification) -> NDArray[np.float64]:
    """Weight per case in TEXT_CASES order: `text_case_weights`, else `as_is` alone."""
    given = spec.text_case_weights
    if given and sum(given.values()) > 0:
        return np.array([float(given.get(c, 0.0)) for c in TEXT_CASES])
    return np.array([1.0 if c == "as_is" else 0.0 for c in TEXT_CASES])
