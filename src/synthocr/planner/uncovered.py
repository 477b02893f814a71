"""Why no font can draw some texts: the characters no allowed font covers, and the scanned fonts that do."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from synthocr.assets import BUILTIN_DIRS
from synthocr.errors import describe_char
from synthocr.planner.fonts import FontCoverage

SHOWN_CHARS = 12  # characters listed by name before "and N more"
SHOWN_FONTS = 3  # fonts suggested


def uncovered_chars(fonts: FontCoverage, allowed: NDArray[np.bool_], texts: Sequence[str]) -> list[str]:
    """The distinct characters of `texts` (in order of appearance) that no font in `allowed` covers."""
    chars = list(dict.fromkeys("".join(texts)))
    if not chars:
        return []
    drawn: NDArray[np.bool_] = np.asarray((fonts.coverage(chars) & allowed).any(axis=1))
    return [c for c, ok in zip(chars, drawn.tolist()) if not ok]


def coverage_hint(fonts: FontCoverage, allowed: NDArray[np.bool_], texts: Sequence[str]) -> str:
    """What to change when no allowed font draws every character of `texts`: names the characters no allowed
    font covers (with code points) and the fonts of the scanned font dir that draw them, best first.

    Args:
        fonts: every healthy font scanned in the font dir.
        allowed: which of `fonts.healthy` the specification may use (font_filter less font_exclude).
        texts: texts no allowed font could draw.
    """
    names = [f.rel for f in fonts.healthy]
    root = fonts.root if fonts.root.is_absolute() else f"{fonts.root} ({os.path.abspath(fonts.root)})"
    missing = uncovered_chars(fonts, allowed, texts)
    if not missing:
        return _no_single_font(fonts, allowed, texts)
    shown = ", ".join(describe_char(c) for c in missing[:SHOWN_CHARS])
    more = f" and {len(missing) - SHOWN_CHARS} more" if len(missing) > SHOWN_CHARS else ""
    lead = f"no font the specification may use draws {shown}{more}"
    counts = fonts.coverage(missing).sum(axis=0) if names else np.zeros(0, np.int64)
    ranked = sorted((int(-n), name, i) for i, (n, name) in enumerate(zip(counts, names)) if n > 0)
    if not ranked and fonts.root == BUILTIN_DIRS["font"]:
        return (
            f"{lead}, and no font shipped with synthocr does (font_dir is empty): set font_dir to a folder with fonts "
            "for their script (it replaces the shipped fonts; `synthocr fonts FOLDER --corpus CORPUS_DIR` shows "
            "which fonts of a folder, e.g. /usr/share/fonts, can draw your texts), or remove those characters from "
            "the texts"
        )
    if not ranked:
        return (
            f"{lead}, and no font in {root} does: add a font for their script to the font dir (`synthocr "
            "fonts FOLDER --corpus CORPUS_DIR` shows which fonts of a folder, e.g. /usr/share/fonts, can draw your "
            "texts), or remove those characters from the texts"
        )
    picked = ranked[:SHOWN_FONTS]
    outside = [not allowed[i] for _, _, i in picked]
    suggestions = []
    for (neg, name, _), out in zip(picked, outside):
        share = "all of them" if -neg == len(missing) else f"{-neg} of {len(missing)}"
        note = ", not matched by font_filter/font_exclude" if out and not all(outside) else ""
        suggestions.append(f"{name} ({share}{note})")
    which = " (none of them matched by font_filter/font_exclude)" if all(outside) else ""
    return (
        f"{lead}; fonts in {root} that do{which}: {', '.join(suggestions)}. Add such a font to font_filter "
        "(or remove it from font_exclude), or remove those characters from the texts"
    )


def _no_single_font(fonts: FontCoverage, allowed: NDArray[np.bool_], texts: Sequence[str]) -> str:
    """Every character is drawn by some allowed font, but none draws a whole text: the closest font's gaps."""
    text = texts[0]
    chars = list(dict.fromkeys(text))
    cov = fonts.coverage(chars) & allowed  # (chars, fonts)
    best = int(np.argmax(cov.sum(axis=0)))
    lacks = [c for c, ok in zip(chars, cov[:, best]) if not ok]
    gaps = ", ".join(describe_char(c) for c in lacks[:SHOWN_CHARS])
    return (
        f"each character of {text!r} is drawn by some allowed font, but no single one draws them all (a text is "
        f"drawn in one font); the closest, {fonts.healthy[best].rel}, lacks {gaps}. Allow a font that covers the "
        "whole text, or keep mixed-script texts out of this specification's corpus"
    )
