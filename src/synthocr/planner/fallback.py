"""Font fallback: the characters a row's font lacks are drawn by the first of its specification's
`fallback_fonts` that has them, as browsers and word processors draw them. Which fonts can draw a text with
that help (for the font choice), and which fallback fonts each row needs (the `fallback_fonts` column).

A character here is an extended grapheme cluster: a letter and its marks are drawn by one font, never a mark
by another font than its base (it would be shaped apart from it, on its own)."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import regex
from numpy.typing import NDArray

from synthocr.errors import UserError
from synthocr.planner.fonts import FontCoverage, select_fonts
from synthocr.schemas.config import BatchSpecification
from synthocr.unicode_scripts import char_script

_GRAPHEME = regex.compile(r"\X")


def fallback_chains(
    specs: Sequence[BatchSpecification], named: list[tuple[str, Path]], fonts: FontCoverage
) -> list[tuple[int, ...]]:
    """Per specification, its fallback_chain."""
    return [fallback_chain(s.fallback_fonts, named, fonts, f"specification {s.name!r}: fallback_fonts") for s in specs]


def fallback_chain(
    globs: Sequence[str], named: list[tuple[str, Path]], fonts: FontCoverage, where: str
) -> tuple[int, ...]:
    """Positions in `fonts.healthy` of the fallback fonts `globs` give, in order of preference: the globs in
    the order written, the fonts one glob matches in name order (a font once, at its first place).

    Raises:
        UserError: a glob matches only fonts that fail to load (`where` names the field).
    """
    chain: list[int] = []
    for glob in globs:
        matched = sorted(select_fonts(named, [glob], []))
        usable = fonts.indices(matched)
        if matched and not usable:
            raise UserError(
                f"{where} {glob!r} matches only fonts that failed to load ({', '.join(matched[:3])}; the reasons "
                "are in the warnings above); give a glob of a usable font, or leave it out."
            )
        chain.extend(i for i in usable if i not in chain)
    return tuple(chain)


# Scripts written together as one: Japanese mixes Han with kana, Korean Han with Hangul, Chinese Han with
# Bopomofo. Counted apart, a Japanese line's three kanji and four kana lose to an Arabic word of five letters.
_WRITTEN_WITH_HAN = frozenset({"Hira", "Kana", "Hrkt", "Hang", "Bopo"})


def writing_system(ch: str) -> str:
    """The script tag of `ch` for choosing a line's main script ("" for common and inherited characters): its
    script's, but "Hani" for kana, Hangul and Bopomofo, which are written with Han in one line."""
    script = char_script(ch) or ""
    return "Hani" if script in _WRITTEN_WITH_HAN else script


def main_script(scripts: Sequence[str]) -> str | None:
    """A line's main script, from the script tag of each of its characters ("" for common ones): the script of
    most letters (of two as common, the first by name); None for a line with no letters."""
    counts = Counter(x for x in scripts if x)
    return max(sorted(counts), key=counts.__getitem__) if counts else None


def text_script(text: str) -> str | None:
    """The main script of `text` (main_script of its grapheme clusters)."""
    return main_script([writing_system(g[0]) for g in _GRAPHEME.findall(text)])


@dataclass(frozen=True)
class Fallback:
    """The specifications' fallback chains over the plan's fonts."""

    fonts: FontCoverage
    chains: list[tuple[int, ...]]  # per specification

    @functools.cached_property
    def member(self) -> NDArray[np.bool_]:
        """(specifications, fonts): True where the font is in the specification's chain."""
        out = np.zeros((len(self.chains), len(self.fonts.healthy)), bool)
        for s, chain in enumerate(self.chains):
            out[s, list(chain)] = True
        return out

    def drawable(
        self, texts: list[str], spec_idx: NDArray[np.int64], candidates: NDArray[np.bool_] | None = None
    ) -> NDArray[np.bool_]:
        """(len(texts), fonts): True where the font draws every character of the text by itself, or draws
        every character of the text's main script (the one most of its letters are written in; every
        character, for a text with no letters) and the row's specification's fallback fonts draw the rest.

        A font that has none of a Hebrew line's letters is not that line's font, with its spaces and digits
        the only characters it draws: a row's font is a font for the line's script. `candidates` (texts, fonts):
        the fonts a row may take (None: all); the answer is exact for those, where fallback fonts can matter.
        """
        covered = self.fonts.coverage(texts)
        # Only texts that some candidate font does not draw by itself can gain one.
        open_ = ~covered if candidates is None else candidates & ~covered
        rows = [k for k, s in enumerate(spec_idx) if self.chains[s] and texts[k] and open_[k].any()]
        if not rows:
            return covered
        pieces: list[str] = []
        owner: list[int] = []
        starts: list[int] = []
        for k in rows:
            starts.append(len(pieces))
            got = _GRAPHEME.findall(texts[k])
            pieces.extend(got)
            owner.extend([int(spec_idx[k])] * len(got))
        unique, inverse = np.unique(np.array(pieces, dtype=object), return_inverse=True)
        by_font = self.fonts.coverage(unique.tolist())[inverse]  # (graphemes, fonts)
        named = [writing_system(u[0]) for u in unique.tolist()]
        scripts = [named[i] for i in inverse.tolist()]
        main = np.ones(len(pieces), bool)
        for lo, hi in zip(starts, [*starts[1:], len(pieces)]):
            dominant = main_script(scripts[lo:hi])
            if dominant is not None:
                main[lo:hi] = [x == dominant for x in scripts[lo:hi]]
        by_chain = (by_font & self.member[np.array(owner)]).any(axis=1) & ~main
        ok = np.logical_and.reduceat(by_font | by_chain[:, None], np.array(starts), axis=0)
        covered[rows] |= ok
        return covered

    def needed(
        self, texts: list[str], font_idx: NDArray[np.int64], spec_idx: NDArray[np.int64]
    ) -> list[tuple[int, ...]]:
        """Per row, the fallback fonts drawing a character its font lacks, in chain order (empty for most)."""
        covered = self.fonts.coverage(texts)
        out: list[tuple[int, ...]] = [()] * len(texts)
        has_chain = np.array([bool(c) for c in self.chains])[spec_idx]
        lacking = has_chain & (font_idx >= 0) & ~covered[np.arange(len(texts)), np.maximum(font_idx, 0)]
        for k in np.flatnonzero(lacking).tolist():
            text, font, chain = texts[k], int(font_idx[k]), self.chains[int(spec_idx[k])]
            pieces = sorted(set(_GRAPHEME.findall(text)))
            by_font = self.fonts.coverage(pieces)
            used = {next((f for f in chain if by_font[g, f]), -1) for g in range(len(pieces)) if not by_font[g, font]}
            out[k] = tuple(f for f in chain if f in used)
        return out
