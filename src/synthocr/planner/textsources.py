"""What each specification's text source can draw (window, lines, words, chars, template), prepared once per plan.

Preparing is also where small inputs are caught: a specification that cannot give any text within
its limits is an error naming the file, the limits and the longest line; one that can give fewer
distinct texts than it has rows is warned about, with both numbers.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import regex
from numpy.typing import NDArray

from synthocr.errors import UserError
from synthocr.planner.corpus import TOO_LONG, CorpusFile, CorpusReader, join_words
from synthocr.planner.corpus_formats import corpus_format
from synthocr.planner.templates import CorpusPicks, TemplateFiller, foreign_fields, parse_template, uses_corpus
from synthocr.planner.text_encoding import encoding_warnings
from synthocr.schemas.text_rules import INVISIBLE

TEXT_SOURCES = ("window", "lines", "words", "chars", "template")
WINDOW_CHECK_BYTES = 1 << 20  # files up to this size are measured to see that a window fits at all
MAX_CHARSET_BYTES = 4 << 20
_GRAPHEME = regex.compile(r"\X")

log = logging.getLogger(__name__)


def needs_corpus(spec: Any) -> bool:
    """Whether the specification reads corpus files (chars with an inline charset and templates
    without {line}/{word} fields do not)."""
    if spec.text_source == "chars":
        return not spec.charset
    if spec.text_source == "template":
        return uses_corpus(spec.templates)
    return True


# --- lines: pools of qualified corpus lines ----------------------------------------------


@dataclass(frozen=True)
class LinePool:
    """Lines of some corpus files that qualify (by length), drawn uniformly over all of them."""

    files: NDArray[np.int64]  # corpus file index (into TextSources.corpus_files) of each member file
    offsets: NDArray[np.int64]  # where each member's lines start in `lines`, plus the total at the end
    lines: NDArray[np.int32]  # qualified line numbers, member after member

    @property
    def total(self) -> int:
        return int(self.offsets[-1])

    def choose(self, u: NDArray[np.float64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """(corpus file index, line number) for uniform draws `u`."""
        flat = np.minimum((u * self.total).astype(np.int64), self.total - 1)
        member = np.searchsorted(self.offsets[1:], flat, side="right")
        return self.files[member], self.lines[flat].astype(np.int64)


def read_lines(reader: CorpusReader, file_idx: NDArray[np.int64], line_idx: NDArray[np.int64]) -> list[str]:
    """Whole lines for (file, line) pairs, one decode per file."""
    out = np.empty(len(file_idx), dtype=object)
    for fi in np.unique(file_idx):
        rows = np.flatnonzero(file_idx == fi)
        got = np.empty(len(rows), dtype=object)
        got[:] = reader.whole_lines(int(fi), line_idx[rows])
        out[rows] = got
    return out.tolist()


class LineLengths:
    """Per corpus file, the length of every whole line (measured once, shared by every specification)."""

    def __init__(self, reader: CorpusReader) -> None:
        self.reader = reader
        self._lengths: dict[int, NDArray[np.int32]] = {}

    def of(self, file_index: int) -> NDArray[np.int32]:
        got = self._lengths.get(file_index)
        if got is None:
            got = self._lengths[file_index] = self.reader.line_lengths(file_index)
        return got

    def pool(self, files: Sequence[int], lo: int, hi: int) -> LinePool:
        """The lines of `files` whose length is within [lo, hi]."""
        parts = [np.flatnonzero((self.of(i) >= lo) & (self.of(i) <= hi)).astype(np.int32) for i in files]
        offsets = np.concatenate([[0], np.cumsum([len(p) for p in parts])]).astype(np.int64)
        lines = np.concatenate(parts) if parts else np.zeros(0, np.int32)
        return LinePool(np.asarray(files, np.int64), offsets, lines)


# --- chars: charsets -------------------------------------------------------------------------


@dataclass(frozen=True)
class Charset:
    """Characters (grapheme clusters) to draw random strings from, with their weights."""

    entries: tuple[str, ...]
    weights: NDArray[np.float64]

    @property
    def cum(self) -> NDArray[np.float64]:
        c = np.cumsum(self.weights) / self.weights.sum()
        c[-1] = 1.0
        return c

    def draw(self, rng: np.random.Generator, lengths: NDArray[np.int64]) -> list[str]:
        """One string per row of `lengths[i]` characters, each drawn independently by weight."""
        n = len(lengths)
        if n == 0:
            return []
        width = int(lengths.max())
        pick = np.minimum(np.searchsorted(self.cum, rng.random((n, width)), side="right"), len(self.entries) - 1)
        used = np.arange(width)[None, :] < lengths[:, None]
        if all(len(e) == 1 for e in self.entries):  # one code point each: one decode for the whole block
            codes = np.array([ord(e) for e in self.entries], np.uint32)
            text = codes[pick[used]].tobytes().decode("utf-32-le")
            ends = np.cumsum(lengths).tolist()
            return [text[a:b] for a, b in zip([0, *ends[:-1]], ends)]
        entries = np.array(self.entries, dtype=object)
        return ["".join(entries[row[:k]]) for row, k in zip(pick, lengths.tolist())]


def parse_charset(text: str, where: str) -> list[tuple[str, float | None]]:
    """Entries of a charset file: one character per line, optionally `<TAB>weight` after it, or
    lines of several characters (each one an entry). A line holding only a space is the space.

    Raises:
        UserError: a weighted line whose character is more than one grapheme cluster, or a bad weight.
    """
    out: list[tuple[str, float | None]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line:
            continue
        if "\t" in line:
            entry, _, raw_weight = line.partition("\t")
            if len(_GRAPHEME.findall(entry)) != 1:
                raise UserError(
                    f"{where} line {number}: {entry!r} before the tab is not one character; "
                    "write one character per line, then a tab and its weight."
                )
            try:
                weight = float(raw_weight)
            except ValueError:
                weight = -1.0
            if not (math.isfinite(weight) and weight >= 0):
                raise UserError(f"{where} line {number}: weight {raw_weight!r} is not a number >= 0.")
            out.append((entry, weight))
        elif not line.strip():
            out.extend((g, None) for g in _GRAPHEME.findall(line))
        else:
            out.extend((g, None) for g in _GRAPHEME.findall(line) if not g.isspace())
    return out


def build_charset(entries: list[tuple[str, float | None]], weights: dict[str, float], where: str) -> Charset:
    """Distinct entries in first-seen order; a weight from `charset_weights` wins over one in the file.

    Raises:
        UserError: no entries, a weight for a character not in the charset, or every weight 0.
    """
    merged: dict[str, float] = {}
    for entry, weight in entries:
        if weight is not None or entry not in merged:
            merged[entry] = 1.0 if weight is None else weight
    if not merged:
        raise UserError(f"{where}: the charset holds no character; list the characters to draw.")
    unknown = [k for k in weights if k not in merged]
    if unknown:
        raise UserError(
            f"{where}: charset_weights names {unknown!r}, which the charset does not hold; "
            "add them to the charset or remove their weights."
        )
    merged.update({k: float(v) for k, v in weights.items()})
    w = np.array(list(merged.values()), np.float64)
    if w.sum() <= 0:
        raise UserError(f"{where}: every charset weight is 0; give some character a positive weight.")
    return Charset(tuple(merged), w)


# --- per specification ------------------------------------------------------------------------


@dataclass
class SpecSource:
    """What one specification draws its texts from."""

    mode: str
    lines: LinePool | None = None  # lines: qualified lines; template: the {line} pool
    words: LinePool | None = None  # words: the word list's entries; template: the {word} pool
    charset: Charset | None = None
    charset_file: int = -1  # corpus file index of the charset file (-1: inline)
    templates: TemplateFiller | None = None
    template_names: list[str] = field(default_factory=list)


def _describe_lengths(reader: CorpusReader, lengths: LineLengths, files: Sequence[int]) -> str:
    """Where the longest and shortest measurable lines are, for error messages."""
    best: tuple[int, int, int] | None = None
    short: tuple[int, int, int] | None = None
    for i in files:
        ln = lengths.of(i)
        ok = ln < TOO_LONG
        if not ok.any():
            continue
        k = int(np.argmax(np.where(ok, ln, -1)))
        if best is None or ln[k] > best[0]:
            best = (int(ln[k]), i, k)
        k = int(np.argmin(np.where(ok, ln, TOO_LONG)))
        if short is None or ln[k] < short[0]:
            short = (int(ln[k]), i, k)
    if best is None or short is None:
        return "every line is over 64 KiB"
    text = reader.whole_lines(best[1], np.array([best[2]]))[0]
    shown = text if len(text) <= 60 else text[:57] + "..."
    return (
        f"the longest line has {best[0]} characters ({reader.files[best[1]].rel} line {best[2] + 1}: {shown!r}), "
        f"the shortest {short[0]}"
    )


_WORD_AND_COUNT = regex.compile(r"\S+[ \t]+[0-9][0-9.,]*")
COUNT_SAMPLE = 200  # entries of a word list looked at for counts


def _counts_warning(
    spec: Any, reader: CorpusReader, pool: LinePool, corpus_files: list[CorpusFile], files: list[int]
) -> None:
    """Warn when the entries of a word list are a word and a number: a frequency list (FrequencyWords,
    wordfreq exports: `you 28787591`), whose counts would be drawn as words of the texts."""
    if pool.total == 0:
        return
    n = min(pool.total, COUNT_SAMPLE)
    entries = read_lines(reader, *pool.choose((np.arange(n) + 0.5) / n))
    counted = sum(bool(_WORD_AND_COUNT.fullmatch(e.strip())) for e in entries)
    if counted < 0.9 * n:
        return
    example = next(e.strip() for e in entries if _WORD_AND_COUNT.fullmatch(e.strip()))
    log.warning(
        "specification %r: %d of %d entries of the word list %s looked at are a word and a number (%r): a "
        "frequency list? The numbers are drawn as part of every text. Keep the first column (`cut -d' ' -f1`), "
        "or give the file a header line and name the words' column with corpus_column (a .tsv or .csv).",
        spec.name,
        counted,
        n,
        _names(corpus_files, files),
        example,
    )


NFC_SAMPLE = 200  # corpus lines looked at for text not in Unicode NFC


def _sample_lines(reader: CorpusReader, corpus_files: list[CorpusFile], files: list[int]) -> list[str]:
    """Up to NFC_SAMPLE lines spread evenly over `files` (by their line counts)."""
    counts = np.array([corpus_files[i].n_lines for i in files], np.int64)
    total = int(counts.sum())
    if total == 0:
        return []
    picks = ((np.arange(min(total, NFC_SAMPLE)) + 0.5) * total / min(total, NFC_SAMPLE)).astype(np.int64)
    ends = np.cumsum(counts)
    which = np.searchsorted(ends, picks, side="right")
    out: list[str] = []
    for k in np.unique(which).tolist():
        lines = picks[which == k] - (ends[k] - counts[k])
        out.extend(reader.whole_lines(files[k], lines))
    return out


def _distinct_warning(spec: Any, rows: int, distinct: int, what: str) -> None:
    if 0 < distinct < rows:
        log.warning(
            "specification %r: %d rows but its %s can give only %d distinct texts; texts will repeat",
            spec.name,
            rows,
            what,
            distinct,
        )


def _sum_powers(base: int, lo: int, hi: int, cap: int) -> int:
    """sum(base**k for k in lo..hi), stopping once it passes `cap`."""
    total = 0
    for k in range(lo, hi + 1):
        total += base**k if base > 1 else 1
        if total > cap:
            break
    return total


@dataclass
class PreparedSources:
    """Every specification's source, the corpus files left to each, and what to tell the user."""

    sources: list[SpecSource]
    spec_files: list[list[int]]
    report: list[str]


def prepare_sources(
    specs: Sequence[Any],
    corpus_files: list[CorpusFile],
    spec_files: list[list[int]],
    reader: CorpusReader,
    rows: Sequence[int],
) -> PreparedSources:
    """Build each specification's source and check it can give texts.

    Args:
        specs: the batch's specifications.
        corpus_files, spec_files: indexed corpus files and, per spec, the indices of its files.
        reader: reads the corpus files.
        rows: plan rows per specification (for the distinct-text warning).

    Raises:
        UserError: a specification with rows that cannot give any text.
    """
    lengths = LineLengths(reader)
    sources: list[SpecSource] = []
    report: list[str] = []
    kept_files: list[list[int]] = []
    for spec, files, n_rows in zip(specs, spec_files, rows):
        mode = spec.text_source
        if mode in ("window", "lines", "words") and n_rows:
            encoding_warnings(spec, _sample_lines(reader, corpus_files, files), _names(corpus_files, files))
        if mode == "window":
            files = _window_files(spec, files, reader, lengths, n_rows)
            sources.append(SpecSource(mode))
        elif mode == "lines":
            pool = _qualifying_lines(spec, files, reader, lengths, n_rows, "")
            report.extend(_qualifying_report(spec, files, corpus_files, pool))
            if 0 < pool.total < n_rows:
                distinct = len(set(read_lines(reader, *pool.choose((np.arange(pool.total) + 0.5) / pool.total))))
                _distinct_warning(spec, n_rows, distinct, "qualifying lines")
            sources.append(SpecSource(mode, lines=pool))
        elif mode == "words":
            pool = lengths.pool(files, 1, TOO_LONG - 1)
            if pool.total == 0 and n_rows:
                raise UserError(
                    f"specification {spec.name!r}: the word list {_names(corpus_files, files)} holds no word "
                    "(one word per line); add words or change corpus_file."
                )
            report.append(f"{spec.name}: {pool.total:,} words from {_names(corpus_files, files)}")
            _counts_warning(spec, reader, pool, corpus_files, files)
            cap = max(n_rows, 1)
            _distinct_warning(spec, n_rows, _sum_powers(pool.total, spec.min_words, spec.max_words, cap), "word list")
            sources.append(SpecSource(mode, words=pool))
        elif mode == "chars":
            charset, charset_file = _charset(spec, corpus_files, files, reader)
            if n_rows:
                encoding_warnings(spec, list(charset.entries), "its charset")
            report.append(f"{spec.name}: {len(charset.entries):,} characters in the charset")
            bound = _sum_powers(len(charset.entries), spec.min_text_length, spec.max_text_length, max(n_rows, 1))
            _distinct_warning(spec, n_rows, bound, "charset")
            sources.append(SpecSource(mode, charset=charset, charset_file=charset_file))
        else:
            sources.append(_template_source(spec, corpus_files, files, reader, lengths, n_rows))
            report.append(f"{spec.name}: {len(spec.templates)} template(s), locale {spec.template_locale}")
        kept_files.append(list(files))
    return PreparedSources(sources, kept_files, report)


# Up to this many files, `plan` says how many lines of each qualify; beyond, of all of them together.
REPORT_FILES = 10


def _qualifying_report(spec: Any, files: list[int], corpus_files: list[CorpusFile], pool: LinePool) -> list[str]:
    """How many lines of each file qualify; for more than REPORT_FILES files, of all of them together, naming
    the files none of whose lines qualify."""
    counts = np.diff(pool.offsets).tolist()
    limits = f"({spec.min_text_length}..{spec.max_text_length} characters; the others are skipped)"

    def unit(members: list[int]) -> str:
        text = all(corpus_format(Path(corpus_files[files[m]].rel)) in (None, "text") for m in members)
        return "lines" if text else "texts"

    if len(files) <= REPORT_FILES:
        return [
            f"{spec.name}: {corpus_files[i].rel}: {n_ok:,} of {corpus_files[i].n_lines:,} {unit([m])} qualify {limits}"
            for m, (i, n_ok) in enumerate(zip(files, counts))
        ]
    total = sum(corpus_files[i].n_lines for i in files)
    out = [
        f"{spec.name}: {len(files):,} files ({_names(corpus_files, files)}): {pool.total:,} of {total:,} "
        f"{unit(list(range(len(files))))} qualify {limits}"
    ]
    empty = [i for i, n_ok in zip(files, counts) if n_ok == 0]
    if empty:
        out.append(
            f"{spec.name}: {len(empty):,} of the files have no line that qualifies: {_names(corpus_files, empty)}"
        )
    return out


def _qualifying_lines(
    spec: Any, files: list[int], reader: CorpusReader, lengths: LineLengths, n_rows: int, why: str
) -> LinePool:
    """The lines of min_text_length..max_text_length characters.

    Raises:
        UserError: there is none while the specification has rows (naming the files, limits and longest line).
    """
    pool = lengths.pool(files, spec.min_text_length, spec.max_text_length)
    if pool.total == 0 and n_rows:
        raise UserError(
            f"specification {spec.name!r}: {why}no line of {_names(reader.files, files)} has "
            f"{spec.min_text_length} to {spec.max_text_length} characters (min_text_length..max_text_length); "
            f"{_describe_lengths(reader, lengths, files)}. Change the limits or the corpus_file; "
            "text_source: window cuts texts from longer lines."
        )
    return pool


def _names(corpus_files: list[CorpusFile], files: Sequence[int]) -> str:
    names = [corpus_files[i].rel for i in files]
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _window_files(spec: Any, files: list[int], reader: CorpusReader, lengths: LineLengths, n_rows: int) -> list[int]:
    """The files a window of at least min_text_length characters fits in (small files are measured)."""
    corpus_files = reader.files
    fits = []
    for i in files:
        f = corpus_files[i]
        if f.size > WINDOW_CHECK_BYTES:
            fits.append(i)
            continue
        ln = lengths.of(i)
        nonempty = ln[(ln > 0) & (ln < TOO_LONG)]
        if (ln == TOO_LONG).any() or int(nonempty.sum()) + max(len(nonempty) - 1, 0) >= spec.min_text_length:
            fits.append(i)
    if not fits and n_rows:
        raise UserError(
            f"specification {spec.name!r}: the whole text of {_names(corpus_files, files)} is shorter than "
            f"min_text_length ({spec.min_text_length}); {_describe_lengths(reader, lengths, files)}. "
            "Add text to the corpus or lower min_text_length."
        )
    for i in files:
        if i not in fits:
            log.warning(
                "specification %r: corpus file %s left out: its whole text is shorter than min_text_length (%d)",
                spec.name,
                corpus_files[i].rel,
                spec.min_text_length,
            )
    n_chars = sum(corpus_files[i].n_chars for i in fits)
    _distinct_warning(spec, n_rows, n_chars * (spec.max_text_length - spec.min_text_length + 1), "corpus")
    return fits


def _charset(spec: Any, corpus_files: list[CorpusFile], files: list[int], reader: CorpusReader) -> tuple[Charset, int]:
    where = f"specification {spec.name!r}"
    if spec.charset:
        entries: list[tuple[str, float | None]] = [(g, None) for g in _GRAPHEME.findall(spec.charset)]
        return build_charset(_visible(entries, where), dict(spec.charset_weights), f"{where}: charset"), -1
    entries = []
    for i in files:
        f = corpus_files[i]
        if f.size > MAX_CHARSET_BYTES:
            raise UserError(
                f"{where}: charset file {f.rel} is {f.size >> 20} MiB, over the {MAX_CHARSET_BYTES >> 20} MiB "
                "limit for a charset; list each character once."
            )
        entries += parse_charset(bytes(reader.array(i)).decode("utf-8-sig"), f"{where}: charset file {f.rel}")
    charset = build_charset(
        _visible(entries, where), dict(spec.charset_weights), f"{where}: charset file {_names(corpus_files, files)}"
    )
    return charset, files[0]


def _visible(entries: list[tuple[str, float | None]], where: str) -> list[tuple[str, float | None]]:
    """The charset entries the image can show: one of only invisible characters (text_rules.INVISIBLE, which
    drawn texts lose) would make texts shorter than drawn, or empty. Those left out are named in a warning."""
    kept = [(g, w) for g, w in entries if INVISIBLE.sub("", g)]
    if len(kept) < len(entries):
        dropped = sorted({f"U+{ord(c):04X}" for g, _ in entries if not INVISIBLE.sub("", g) for c in g})
        log.warning("%s: charset entries %s are left out: the image never shows them", where, ", ".join(dropped))
    return kept


def _template_source(
    spec: Any, corpus_files: list[CorpusFile], files: list[int], reader: CorpusReader, lengths: LineLengths, n: int
) -> SpecSource:
    fields = {f.name for name, text in spec.templates.items() for f in parse_template(name, text).fields}
    line_pool = word_pool = None
    if "line" in fields:
        line_pool = _qualifying_lines(spec, files, reader, lengths, n, "a template has a {line} field, but ")
    if fields & {"word", "words"}:
        word_pool = lengths.pool(files, 1, TOO_LONG - 1)
        if word_pool.total == 0 and n:
            raise UserError(
                f"specification {spec.name!r}: a template has a {{word}} field, but "
                f"{_names(corpus_files, files)} holds no word."
            )
    picks = None
    if line_pool is not None or word_pool is not None:
        picks = CorpusPicks(
            line_pool.total if line_pool else 0,
            word_pool.total if word_pool else 0,
            _reader_of(reader, line_pool),
            _reader_of(reader, word_pool),
        )
    filler = TemplateFiller(spec.template_locale, spec.templates, spec.template_weights, picks)
    _foreign_warning(spec, filler)
    return SpecSource("template", lines=line_pool, words=word_pool, templates=filler, template_names=filler.names)


def _foreign_warning(spec: Any, filler: TemplateFiller) -> None:
    """Warn of template fields that Faker fills from another language's data than the spec's locale."""
    fields = list({f.name: f for t in filler.templates for f in t.fields}.values())
    foreign = foreign_fields(filler, fields)
    if not foreign:
        return
    examples = ", ".join(f"{{{name}}} gives {where} ({example!r})" for name, (where, example) in foreign.items())
    log.warning(
        "specification %r: Faker has no %s text for some template fields: %s. Texts in the wrong language (or "
        "English formats around %s names) teach a recognizer the wrong words: use {line} or {word} over a "
        "corpus of your own for these fields, or a locale Faker has them in.",
        spec.name,
        spec.template_locale,
        examples,
        spec.template_locale,
    )


def _reader_of(reader: CorpusReader, pool: LinePool | None) -> Any:
    def read(k: int) -> str:
        assert pool is not None
        file_idx, line_idx = pool.choose(np.array([(k + 0.5) / pool.total]))
        return reader.whole_lines(int(file_idx[0]), line_idx)[0]

    return read


def draw_words(
    reader: CorpusReader, pool: LinePool, counts: NDArray[np.int64], u: NDArray[np.float64]
) -> tuple[list[str], NDArray[np.int64], NDArray[np.int64]]:
    """Texts of counts[i] words each (u: (rows, max count) uniforms), and the file and line of each first word."""
    n, width = u.shape
    file_idx, line_idx = pool.choose(u.ravel())
    used = (np.arange(width)[None, :] < counts[:, None]).ravel()
    words = np.full(n * width, "", dtype=object)
    got = np.empty(int(used.sum()), dtype=object)
    got[:] = read_lines(reader, file_idx[used], line_idx[used])
    words[used] = got
    grid = words.reshape(n, width)
    texts = [join_words(list(row[:k])) for row, k in zip(grid, counts.tolist())]
    return texts, file_idx.reshape(n, width)[:, 0], line_idx.reshape(n, width)[:, 0]
