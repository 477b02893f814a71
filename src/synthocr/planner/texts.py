"""Text sampling: per row, a text from its specification's source and a font that covers every character."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import regex
from numpy.typing import NDArray

from synthocr.errors import UserError
from synthocr.planner.corpus import (
    BAD_NEIGHBOURS,
    BAD_WORD_EDGE,
    NO_SPACE,
    CorpusFile,
    CorpusReader,
    cut_text,
    line_choice,
)
from synthocr.planner.fallback import Fallback
from synthocr.planner.fonts import FontCoverage, pick_columns, pick_weighted
from synthocr.planner.text_case import apply_case
from synthocr.planner.text_encoding import zawgyi
from synthocr.planner.text_scan import texts_with, texts_with_wide
from synthocr.planner.textsources import SpecSource, draw_words, read_lines
from synthocr.planner.uncovered import coverage_hint
from synthocr.planner.windows import WindowRequest, cut_windows
from synthocr.schemas.config import BatchConfig
from synthocr.schemas.params import TEXT_CASES
from synthocr.schemas.text_rules import INVISIBLE, INVISIBLE_RUN, LINE_SEPARATOR, LINE_SEPARATOR_RUN

MAX_TEXT_TRIES = 20
# Rows still without a text after MAX_TEXT_TRIES draws, when they are few (at most TAIL_SHARE of the rows drawn
# together): unlucky draws from a corpus most of whose lines are usable, not one none of whose lines is;
# they draw on, up to MAX_TAIL_TRIES. A corpus half of whose lines no allowed font draws failed 6 in 10 plans of
# a million rows (0.5^20 a row); its last rows now have 200 draws. A plan that needs no more draws is unchanged.
MAX_TAIL_TRIES = 200
TAIL_SHARE = 0.01
# A combining mark with no base letter: at the start of a text, right after whitespace (UAX #29 makes
# it part of the space's grapheme cluster), a punctuation mark or an invisible format character (a bidi mark,
# a zero-width space; not the joiners, which sit inside Indic clusters). Such a text is broken (a typo, a cut
# through a word, text extraction's debris: `ক(্ষ`, `ភាស!ា`): the renderer would draw the mark bare (HarfBuzz
# would put it on a dotted circle), so an Indic vowel sign, say, could read as a valid syllable the label
# does not have. Drawn texts with one are drawn again; texts a request gives are kept as they are.
# A no-break space (U+00A0, U+202F) is a base: Unicode's way to show a mark on its own, and HarfBuzz's; so
# are symbols and digits (≠, the keycap 1⃣).
# A bidi override (LRO U+202D, RLO U+202E) draws the letters after it in the order it forces: the image
# reads "cba" where the label says "abc" (debris, or a Trojan-source trick). Drawn again too.
_NO_BASE = r"(?<=[\s\p{P}\p{Cf}])(?<![\u00a0\u202f\u200c\u200d])"  # looked behind: twice as fast a scan
_ORPHAN_MARK = regex.compile(rf"(?:^|{_NO_BASE})\p{{M}}")
_OVERRIDE = regex.compile(r"[\u202d\u202e]")
# Over texts joined by line breaks (a text's start is after one too): where each such mark or override is.
_BROKEN = regex.compile(rf"{_NO_BASE}\p{{M}}|[\u202d\u202e]")


def one_line(texts: list[str]) -> None:
    """Each run of line separators in `texts` (and the blanks around it) becomes one space, and characters the
    image never shows (text_rules.INVISIBLE: U+200B, U+2060, U+FEFF, U+00AD) are removed, in place."""
    for i in np.flatnonzero(texts_with(LINE_SEPARATOR, texts)):
        texts[i] = LINE_SEPARATOR_RUN.sub(" ", texts[i]).strip(" ")
    for i in np.flatnonzero(texts_with(INVISIBLE, texts)):
        texts[i] = _without_invisible(texts[i])


def _without_invisible(text: str) -> str:
    """The text without its invisible characters, and without the spaces they leave at its ends or doubled
    (`\u200b ព្រះ` cut from Khmer marked with ZERO WIDTH SPACE was ` ព្រះ`: a label starting with a space)."""

    def gap(m: re.Match[str]) -> str:
        return " " if " " in m.group() and 0 < m.start() and m.end() < len(text) else ""

    return INVISIBLE_RUN.sub(gap, text)


# Why sample_texts draws a text again, as the planner reports it.
RESAMPLE_REASON = (
    "no eligible font covered them, or they were broken (a combining mark with no base letter, a bidi override)"
)


def broken_texts(texts: Sequence[str]) -> NDArray[np.bool_]:
    """Per text, whether it has a combining mark with no base letter or a bidi override (about 0.2 s of CPU
    a million texts)."""
    return texts_with(_BROKEN, texts)


@dataclass(frozen=True)
class TextSources:
    """What text sampling needs, prepared once per plan."""

    config: BatchConfig
    corpus_files: list[CorpusFile]
    spec_files: list[list[int]]  # per spec, indices into corpus_files
    reader: CorpusReader
    fonts: FontCoverage
    spec_fonts: NDArray[np.bool_]  # (n_specs, n_fonts): fonts each spec's filter allows
    sources: list[SpecSource]  # per spec, what its text_source draws from
    font_weights: NDArray[np.float64] | None = None  # (n_specs, n_fonts); all 0 for specs without font_weights
    template_names: tuple[str, ...] = ()  # every template name of the batch, for the plan's `template` column
    fallback: Fallback | None = None  # the specifications' fallback fonts (None: no specification has any)

    def drawable(
        self, texts: list[str], spec_idx: NDArray[np.int64], candidates: NDArray[np.bool_]
    ) -> NDArray[np.bool_]:
        """(len(texts), fonts): True where a candidate font draws the text (with the row's fallback fonts)."""
        if self.fallback is None:
            return self.fonts.coverage(texts) & candidates
        return self.fallback.drawable(texts, spec_idx, candidates) & candidates

    @property
    def modes(self) -> NDArray[np.int8]:
        """Per spec: 0 for the window source, 1 for any other."""
        return np.array([s.mode != "window" for s in self.sources], np.int8)


@dataclass(frozen=True)
class SampledTexts:
    """Per row: the text, its corpus file and line, its template, its font; and how many draws were repeated."""

    texts: list[str]
    file_idx: NDArray[np.int64]
    line_idx: NDArray[np.int64]
    font_idx: NDArray[np.int64]
    resamples: int
    template_idx: NDArray[np.int64] | None = None  # index into TextSources.template_names, -1: none
    # Per spec index, a few drawn texts no font it may use could draw (broken ones left out), for the report
    # of why texts were drawn again: at most UNDRAWN_KEPT each.
    undrawn: dict[int, list[str]] = field(default_factory=dict)


def _spec_values(config: BatchConfig, attr: str) -> NDArray[np.int64]:
    return np.array([int(getattr(s, attr)) for s in config.specifications], np.int64)


def _cut(
    src: TextSources,
    spec_idx: NDArray[np.int64],
    u_line: NDArray[np.float64],
    length: NDArray[np.int64],
    u_start: NDArray[np.float64],
) -> tuple[list[str], NDArray[np.int64], NDArray[np.int64]]:
    """Texts for rows of any specifications: vectorised per corpus file, row by row only where needed."""
    n = len(spec_idx)
    config = src.config
    lo_len, hi_len = (
        _spec_values(config, "min_text_length")[spec_idx],
        _spec_values(config, "max_text_length")[spec_idx],
    )
    running = np.ones(n, bool)  # a window runs on from its line into the next ones
    file_idx = np.zeros(n, np.int64)
    line_idx = np.zeros(n, np.int64)
    for s in np.unique(spec_idx):
        rows = np.flatnonzero(spec_idx == s)
        local = [src.corpus_files[i] for i in src.spec_files[s]]
        f_local, line_idx[rows] = line_choice(local, u_line[rows])
        file_idx[rows] = np.asarray(src.spec_files[s], np.int64)[f_local]
    texts = np.full(n, "", dtype=object)
    for group in _file_groups(src.corpus_files, np.unique(file_idx)):
        # Small files are cut together, from their bytes laid end to end (each row bounded by its own file):
        # a corpus of thousands of one-page files costs one vectorised pass, not thousands.
        files = [src.corpus_files[fi] for fi in group]
        rows = np.flatnonzero(np.isin(file_idx, group))
        member = np.searchsorted(group, file_idx[rows])
        sizes = np.array([f.size for f in files], np.int64)
        offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])  # of each file in the bytes laid end to end
        shift = offsets[member]
        base = _line_base(files)
        starts, ends = _joined_lines(files, offsets)
        lines = line_idx[rows]
        ls, le = starts[base[member] + lines] - shift, ends[base[member] + lines] - shift
        start = ls + np.floor(u_start[rows] * (le - ls)).astype(np.int64)
        run = running[rows]
        text_start = np.array([f.text_start for f in files], np.int64)[member]
        req = WindowRequest(
            start=start + shift,
            lo=np.where(run, text_start, ls) + shift,
            hi=np.where(run, sizes[member], le) + shift,
            target=length[rows],
            min_len=lo_len[rows],
            max_len=hi_len[rows],
        )
        if len(group) == 1:
            data = src.reader.array(int(group[0]))
        else:  # copied one by one: a list of the files' arrays would hold every file open
            data = np.empty(int(sizes.sum()), np.uint8)
            for fi, off, size in zip(group.tolist(), offsets.tolist(), sizes.tolist()):
                data[off : off + size] = src.reader.array(fi)
        cut = cut_windows(data, req, max(f.bytes_per_char for f in files))
        # Whole "words" of a script written without spaces are phrases or lines: such rows are cut by
        # grapheme clusters from their start point instead (cut_text), so texts start anywhere in a line.
        # So are rows whose window starts with closing punctuation set off by a space (French `! Comment`,
        # Hindi `। मैं`) or ends with an opening one (`dit : «`), or that leaves one out next to it (`« oui`,
        # `allez-vous ?`): cut_text keeps it with its word.
        neighbours = [f"{b}\t{a}" for b, a in zip(cut.before, cut.after, strict=True)]
        ok = (
            cut.ok
            & ~texts_with_wide(NO_SPACE, cut.texts)
            & ~texts_with(BAD_WORD_EDGE, cut.texts)
            & ~texts_with(BAD_NEIGHBOURS, neighbours)
        )
        first_line = np.searchsorted(starts, cut.first, side="right") - 1 - base[member]
        line_idx[rows] = np.where(ok, first_line, lines)
        got = np.empty(len(rows), dtype=object)
        got[:] = cut.texts
        texts[rows] = got
        for k in np.flatnonzero(~ok):  # no word boundary to cut at: grapheme clusters, row by row
            r = rows[k]
            texts[r] = cut_text(
                src.reader,
                int(file_idx[r]),
                int(lines[k]),
                int(length[r]),
                float(u_start[r]),
                int(lo_len[r]),
                int(hi_len[r]),
                running=bool(run[k]),
            )
    return texts.tolist(), file_idx, line_idx


# Where a block's rows come from more than GROUP_FROM files, those the reader reads whole (CorpusReader.SMALL_FILE
# bytes at most) are cut together, up to GROUP_BYTES at a time (a group's slices are as wide as its widest-written file needs: fewer files, as in
# a config with a file per script, are each cut alone).
GROUP_FROM = 16
GROUP_BYTES = 1 << 23


def _file_groups(corpus_files: list[CorpusFile], used: NDArray[np.int64]) -> list[NDArray[np.int64]]:
    """The corpus files of a block's rows (sorted indices) in groups to cut at once: each large file alone,
    small ones together up to GROUP_BYTES when there are more than GROUP_FROM files."""
    if len(used) <= GROUP_FROM:
        return [used[i : i + 1] for i in range(len(used))]
    groups: list[list[int]] = []
    small: list[int] = []
    total = 0
    for fi in used.tolist():
        size = corpus_files[fi].size
        if size > CorpusReader.SMALL_FILE:
            groups.append([fi])
            continue
        if small and total + size > GROUP_BYTES:
            groups.append(small)
            small, total = [], 0
        small.append(fi)
        total += size
    if small:
        groups.append(small)
    return [np.array(g, np.int64) for g in groups]


def _joined_lines(files: list[CorpusFile], offsets: NDArray[np.int64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Line starts and ends of a group's files in their bytes laid end to end (a lone file's own arrays)."""
    if len(files) == 1:
        return files[0].starts, files[0].ends
    return (
        np.concatenate([f.starts + off for f, off in zip(files, offsets.tolist())]),
        np.concatenate([f.ends + off for f, off in zip(files, offsets.tolist())]),
    )


def _line_base(files: list[CorpusFile]) -> NDArray[np.int64]:
    """Where each file's lines start in its group's lines laid end to end."""
    counts = np.array([f.n_lines for f in files], np.int64)
    return np.concatenate([[0], np.cumsum(counts)[:-1]])


def _draw_other(
    src: TextSources,
    rng: np.random.Generator,
    spec_idx: NDArray[np.int64],
    u_line: NDArray[np.float64],
    u_len: NDArray[np.float64],
    u_start: NDArray[np.float64],
) -> tuple[list[str], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """Texts of rows whose source is not a window: spec after spec, each vectorised over its rows.

    Returns texts, corpus file index (-1: none), line (-1: none) and template index (-1: none).
    Extra draws (word picks, characters, template seeds) come from `rng` in spec order, so the
    result is a function of the block alone.
    """
    n = len(spec_idx)
    texts = np.full(n, "", dtype=object)
    file_idx = np.full(n, -1, np.int64)
    line_idx = np.full(n, -1, np.int64)
    template_idx = np.full(n, -1, np.int64)
    for s in np.unique(spec_idx):
        rows = np.flatnonzero(spec_idx == s)
        spec = src.config.specifications[int(s)]
        source = src.sources[int(s)]
        got: list[str]
        if source.mode == "lines":
            assert source.lines is not None
            f, ln = source.lines.choose(u_line[rows])
            got = read_lines(src.reader, f, ln)
            file_idx[rows], line_idx[rows] = f, ln
        elif source.mode == "words":
            assert source.words is not None
            span = spec.max_words - spec.min_words + 1
            counts = np.minimum(spec.min_words + np.floor(u_len[rows] * span), spec.max_words).astype(np.int64)
            got, file_idx[rows], line_idx[rows] = draw_words(
                src.reader, source.words, counts, rng.random((len(rows), spec.max_words))
            )
        elif source.mode == "chars":
            assert source.charset is not None
            lo, hi = spec.min_text_length, spec.max_text_length
            lengths = np.minimum(lo + np.floor(u_len[rows] * (hi - lo + 1)), hi).astype(np.int64)
            got = source.charset.draw(rng, lengths)
            file_idx[rows] = source.charset_file
        else:
            assert source.templates is not None
            chosen = source.templates.choose(u_start[rows])
            seeds = rng.integers(0, 2**63 - 1, len(rows), dtype=np.int64)
            got = source.templates.fill_many(chosen, seeds)
            template_idx[rows] = np.array(
                [src.template_names.index(source.template_names[int(t)]) for t in chosen], np.int64
            )
        texts[rows] = _objects(got)
    return texts.tolist(), file_idx, line_idx, template_idx


def _objects(values: list[str]) -> NDArray[np.object_]:
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    return arr


def _pick_fonts(
    src: TextSources, allowed: NDArray[np.bool_], spec_idx: NDArray[np.int64], u: NDArray[np.float64]
) -> NDArray[np.int64]:
    """A font per row among the allowed ones: uniformly, or by font_weights for specs that set them."""
    out = pick_columns(allowed, u)
    if src.font_weights is None:
        return out
    weighted = src.font_weights[spec_idx].any(axis=1)
    if weighted.any():
        rows = np.flatnonzero(weighted)
        out[rows] = pick_weighted(allowed[rows], src.font_weights[spec_idx[rows]], u[rows])
    return out


def _draw(
    src: TextSources,
    rng: np.random.Generator,
    spec_idx: NDArray[np.int64],
    u_line: NDArray[np.float64],
    lengths: NDArray[np.int64],
    u_start: NDArray[np.float64],
    u_len: NDArray[np.float64],
) -> tuple[list[str], NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """One draw of a text per row from its spec's source: texts, file, line, template index; each text in
    its spec's Unicode normalization form, if it has one."""
    n = len(spec_idx)
    rest = src.modes[spec_idx].astype(bool)
    if not rest.any():  # windows only (the default): one vectorised cut for the whole block
        got, file_idx, line_idx = _cut(src, spec_idx, u_line, lengths, u_start)
        return _normalized(src, got, spec_idx), file_idx, line_idx, np.full(n, -1, np.int64)
    texts = np.full(n, "", dtype=object)
    file_idx = np.full(n, -1, np.int64)
    line_idx = np.full(n, -1, np.int64)
    template_idx = np.full(n, -1, np.int64)
    win = np.flatnonzero(~rest)
    if len(win):
        cut, file_idx[win], line_idx[win] = _cut(src, spec_idx[win], u_line[win], lengths[win], u_start[win])
        texts[win] = _objects(cut)
    oth = np.flatnonzero(rest)
    drawn, file_idx[oth], line_idx[oth], template_idx[oth] = _draw_other(
        src, rng, spec_idx[oth], u_line[oth], u_len[oth], u_start[oth]
    )
    texts[oth] = _objects(drawn)
    return _normalized(src, texts.tolist(), spec_idx), file_idx, line_idx, template_idx


def _normalized(src: TextSources, texts: list[str], spec_idx: NDArray[np.int64]) -> list[str]:
    """The texts in their spec's `unicode_normalization` form (as they are where it is empty)."""
    forms = [s.unicode_normalization for s in src.config.specifications]
    if not any(forms):
        return texts
    return [unicodedata.normalize(forms[s], t) if forms[s] else t for t, s in zip(texts, spec_idx.tolist())]


def draw_texts(src: TextSources, rng: np.random.Generator, spec_idx: NDArray[np.int64]) -> list[str]:
    """Texts drawn from each row's spec source, with no font chosen (for reports of what fonts can draw)."""
    lo_len = _spec_values(src.config, "min_text_length")[spec_idx]
    hi_len = _spec_values(src.config, "max_text_length")[spec_idx]
    u_line, u_len, u_start = rng.random((3, len(spec_idx)))
    lengths = np.minimum(lo_len + np.floor(u_len * (hi_len - lo_len + 1)), hi_len).astype(np.int64)
    return _draw(src, rng, spec_idx, u_line, lengths, u_start, u_len)[0]


def sample_texts(
    src: TextSources,
    rng: np.random.Generator,
    spec_idx: NDArray[np.int64],
    fixed_text: list[str | None] | None = None,
    fixed_font: NDArray[np.int64] | None = None,
    cases: tuple[NDArray[np.int64], list[str]] | None = None,
) -> SampledTexts:
    """Texts, their corpus file and line, and a font covering every character, per row.

    A row whose text no eligible font covers, or that has a combining mark with no
    base letter or a bidi override (broken_texts), is drawn again, up to MAX_TEXT_TRIES times
    (MAX_TAIL_TRIES for the last few rows); the repeats are counted. `fixed_text` (None = sample)
    and `fixed_font` (index into fonts.healthy, -1 = choose) come from request
    files: a fixed text is kept (file index -1, line -1) and a fixed font
    restricts the choice to itself. `cases` (index into TEXT_CASES per row, and each row's language; None:
    as_is) cases each text, requested or drawn, before its font is chosen.

    Raises:
        UserError: some row found no usable text after MAX_TEXT_TRIES draws (MAX_TAIL_TRIES if it was one of few).
    """
    n = len(spec_idx)
    config = src.config
    lo_len, hi_len = (
        _spec_values(config, "min_text_length")[spec_idx],
        _spec_values(config, "max_text_length")[spec_idx],
    )
    texts = np.full(n, "", dtype=object)
    file_idx = np.zeros(n, np.int64)
    line_idx = np.zeros(n, np.int64)
    template_idx = np.full(n, -1, np.int64)
    font_idx = np.full(n, -1, np.int64)
    allowed_fonts = src.spec_fonts[spec_idx]
    if fixed_font is not None and (fixed_font >= 0).any():
        chosen = fixed_font >= 0
        allowed_fonts = allowed_fonts.copy()
        allowed_fonts[chosen] = False
        allowed_fonts[np.flatnonzero(chosen), fixed_font[chosen]] = True
    given = np.array([t is not None for t in fixed_text], bool) if fixed_text is not None else np.zeros(n, bool)
    todo = np.arange(n)
    resamples = 0
    undrawn: dict[int, list[str]] = {}
    tries = 0
    for attempt in range(MAX_TAIL_TRIES):
        if attempt >= MAX_TEXT_TRIES and len(todo) > n * TAIL_SHARE:
            break
        tries = attempt + 1
        u_line, u_len, u_start, u_font = rng.random((4, len(todo)))
        lengths = np.minimum(lo_len[todo] + np.floor(u_len * (hi_len[todo] - lo_len[todo] + 1)), hi_len[todo])
        got, file_idx[todo], line_idx[todo], template_idx[todo] = _draw(
            src, rng, spec_idx[todo], u_line, lengths.astype(np.int64), u_start, u_len
        )
        one_line(got)
        if given.any() and fixed_text is not None:
            for k, r in enumerate(todo):
                text = fixed_text[r]
                if text is not None:
                    got[k] = text
            file_idx[todo[given[todo]]] = -1
            line_idx[todo[given[todo]]] = -1
            template_idx[todo[given[todo]]] = -1
        if cases is not None and cases[0][todo].any():
            codes, languages = cases
            got = [
                apply_case(t, TEXT_CASES[c], languages[r]) if c else t
                for t, c, r in zip(got, codes[todo].tolist(), todo.tolist())
            ]
        got_arr = np.empty(len(got), dtype=object)
        got_arr[:] = got
        texts[todo] = got_arr
        allowed = src.drawable(got, spec_idx[todo], allowed_fonts[todo])
        allowed[broken_texts(got) & ~given[todo]] = False
        font_idx[todo] = _pick_fonts(src, allowed, spec_idx[todo], u_font)
        if attempt:
            resamples += len(todo)
        failed = font_idx[todo] < 0
        if failed.any():
            _keep_undrawn(undrawn, [got[k] for k in np.flatnonzero(failed)], spec_idx[todo[failed]])
        todo = todo[failed]
        if len(todo) == 0:
            return SampledTexts(texts.tolist(), file_idx, line_idx, font_idx, resamples, template_idx, undrawn)
    row = int(todo[0])
    spec = config.specifications[int(spec_idx[row])]
    if fixed_font is not None and fixed_font[row] >= 0:
        raise UserError(
            f"specification {spec.name!r}: after {tries} tries, the requested font "
            f"{src.fonts.healthy[int(fixed_font[row])].rel!r} covers no text drawn from {source_name(spec)} "
            f"(e.g. {texts[row]!r}); give that request a text, or a spec whose texts the font can draw."
        )
    same_spec = todo[spec_idx[todo] == spec_idx[row]]
    failing = [str(texts[r]) for r in same_spec]
    broken = [t for t, bad in zip(failing, broken_texts(failing)) if bad]
    if len(broken) == len(failing):
        mark = _ORPHAN_MARK.search(broken[0])
        what = (
            "a combining mark with no base letter (at the start of the text, or after a space, a punctuation mark "
            "or an invisible format character)"
        )
        if mark is None:
            mark = _OVERRIDE.search(broken[0])
            what = "a bidi override, which draws the letters after it in reverse of how the label reads them"
        at = mark.end() - 1 if mark else 0
        raise UserError(
            f"specification {spec.name!r}: after {tries} tries, every text drawn from "
            f"{source_name(spec)} is broken: e.g. {broken[0]!r} has {what}, U+{ord(broken[0][at]):04X} at "
            f"character {at + 1}. "
            + ("It is Burmese typed in the Zawgyi encoding: convert the corpus to Unicode. " * zawgyi(broken[0]))
            + "Fix the corpus (or the charset), or leave that file out."
        )
    allowed = src.spec_fonts[int(spec_idx[row])]
    raise UserError(
        f"specification {spec.name!r}: after {tries} tries, no font matching font_filter "
        f"{list(spec.font_filter)} (less font_exclude) covers every character of texts from {source_name(spec)} "
        f"(e.g. {texts[row]!r}): {coverage_hint(src.fonts, allowed, failing)}."
    )


UNDRAWN_KEPT = 200  # texts kept per specification to say which characters made texts undrawable


def _keep_undrawn(undrawn: dict[int, list[str]], texts: list[str], spec_idx: NDArray[np.int64]) -> None:
    """Adds the texts no font could draw (not the broken ones) to `undrawn`, per spec, up to UNDRAWN_KEPT each."""
    for text, bad, s in zip(texts, broken_texts(texts).tolist(), spec_idx.tolist()):
        kept = undrawn.setdefault(int(s), [])
        if not bad and text and len(kept) < UNDRAWN_KEPT:
            kept.append(text)


def source_name(spec: Any) -> str:
    """How error messages name where a specification's texts come from."""
    if spec.text_source == "template":
        return f"its templates {sorted(spec.templates)}"
    if spec.text_source == "chars" and spec.charset:
        return f"charset {spec.charset[:40]!r}"
    return f"{spec.corpus_file!r} (text_source {spec.text_source})"


def check_charsets(
    specs: Any,
    sources: list[SpecSource],
    fonts: FontCoverage,
    spec_fonts: NDArray[np.bool_],
    fallback: Fallback | None = None,
) -> None:
    """Every character of a chars specification's charset is drawn by at least one font it may use.

    Raises:
        UserError: naming the characters (and code points) no allowed font covers.
    """
    for i, (spec, source) in enumerate(zip(specs, sources)):
        if source.charset is None:
            continue
        entries = list(source.charset.entries)
        allowed = np.broadcast_to(spec_fonts[i], (len(entries), len(spec_fonts[i])))
        drawn = fallback.drawable(entries, np.full(len(entries), i), allowed) if fallback else fonts.coverage(entries)
        covered = (drawn & allowed).any(axis=1)
        missing = [e for e, ok in zip(entries, covered) if not ok]
        if missing:
            raise UserError(
                f"specification {spec.name!r}, charset (font_filter {list(spec.font_filter)}): "
                f"{coverage_hint(fonts, spec_fonts[i], missing)}."
            )
