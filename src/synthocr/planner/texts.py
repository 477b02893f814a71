"""Text sampling: per row, a corpus window and a font that covers every one of its characters."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from synthocr.errors import UserError
from synthocr.planner.corpus import CorpusFile, CorpusReader, cut_text, line_choice
from synthocr.planner.fonts import FontCoverage, pick_columns
from synthocr.planner.windows import WindowRequest, cut_windows
from synthocr.schemas.config import BatchConfig

MAX_TEXT_TRIES = 20


@dataclass(frozen=True)
class TextSources:
    """What text sampling needs, prepared once per plan."""

    config: BatchConfig
    corpus_files: list[CorpusFile]
    spec_files: list[list[int]]  # per spec, indices into corpus_files
    reader: CorpusReader
    fonts: FontCoverage
    spec_fonts: NDArray[np.bool_]  # (n_specs, n_fonts): fonts each spec's filter allows


@dataclass(frozen=True)
class SampledTexts:
    """Per row: the text, its corpus file and line, its font; and how many draws were repeated."""

    texts: list[str]
    file_idx: NDArray[np.int64]
    line_idx: NDArray[np.int64]
    font_idx: NDArray[np.int64]
    resamples: int


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
    running = np.array([s.corpus_mode != "lines" for s in config.specifications])[spec_idx]
    file_idx = np.zeros(n, np.int64)
    line_idx = np.zeros(n, np.int64)
    for s in np.unique(spec_idx):
        rows = np.flatnonzero(spec_idx == s)
        local = [src.corpus_files[i] for i in src.spec_files[s]]
        f_local, line_idx[rows] = line_choice(local, u_line[rows])
        file_idx[rows] = np.asarray(src.spec_files[s], np.int64)[f_local]
    texts = np.full(n, "", dtype=object)
    for fi in np.unique(file_idx):
        rows = np.flatnonzero(file_idx == fi)
        f = src.corpus_files[fi]
        lines = line_idx[rows]
        ls, le = f.starts[lines], f.ends[lines]
        start = ls + np.floor(u_start[rows] * (le - ls)).astype(np.int64)
        run = running[rows]
        req = WindowRequest(
            start=start,
            lo=np.where(run, 0, ls),
            hi=np.where(run, f.size, le),
            target=length[rows],
            min_len=lo_len[rows],
            max_len=hi_len[rows],
        )
        cut = cut_windows(src.reader.array(int(fi)), req, f.bytes_per_char)
        first_line = np.searchsorted(f.starts, cut.first, side="right") - 1
        line_idx[rows] = np.where(cut.ok, first_line, lines)
        got = np.empty(len(rows), dtype=object)
        got[:] = cut.texts
        texts[rows] = got
        for k in np.flatnonzero(~cut.ok):  # no word boundary to cut at: grapheme clusters, row by row
            r = rows[k]
            texts[r] = cut_text(
                src.reader,
                int(fi),
                int(lines[k]),
                int(length[r]),
                float(u_start[r]),
                int(lo_len[r]),
                int(hi_len[r]),
                running=bool(run[k]),
            )
    return texts.tolist(), file_idx, line_idx


def sample_texts(
    src: TextSources,
    rng: np.random.Generator,
    spec_idx: NDArray[np.int64],
    fixed_text: list[str | None] | None = None,
    fixed_font: NDArray[np.int64] | None = None,
) -> SampledTexts:
    """Texts, their corpus file and line, and a font covering every character, per row.

    A row whose text no eligible font covers (or, for line-based corpora, whose
    line is shorter than min_text_length) is drawn again, up to MAX_TEXT_TRIES
    times; the repeats are counted. `fixed_text` (None = sample) and
    `fixed_font` (index into fonts.healthy, -1 = choose) come from request
    files: a fixed text is kept (file index -1, line -1) and a fixed font
    restricts the choice to itself.

    Raises:
        UserError: some row found no usable text after MAX_TEXT_TRIES draws.
    """
    n = len(spec_idx)
    config = src.config
    lo_len, hi_len = (
        _spec_values(config, "min_text_length")[spec_idx],
        _spec_values(config, "max_text_length")[spec_idx],
    )
    lines_mode = np.array([s.corpus_mode == "lines" for s in config.specifications])[spec_idx]
    texts = np.full(n, "", dtype=object)
    file_idx = np.zeros(n, np.int64)
    line_idx = np.zeros(n, np.int64)
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
    for attempt in range(MAX_TEXT_TRIES):
        u_line, u_len, u_start, u_font = rng.random((4, len(todo)))
        lengths = np.minimum(lo_len[todo] + np.floor(u_len * (hi_len[todo] - lo_len[todo] + 1)), hi_len[todo])
        got, file_idx[todo], line_idx[todo] = _cut(src, spec_idx[todo], u_line, lengths.astype(np.int64), u_start)
        if given.any():
            for k, r in enumerate(todo):
                if given[r]:
                    got[k] = fixed_text[r]  # type: ignore[index, assignment]  # given[r]: not None
            file_idx[todo[given[todo]]] = -1
            line_idx[todo[given[todo]]] = -1
        got_arr = np.empty(len(got), dtype=object)
        got_arr[:] = got
        texts[todo] = got_arr
        allowed = src.fonts.coverage(got) & allowed_fonts[todo]
        font_idx[todo] = pick_columns(allowed, u_font)
        if lines_mode.any():
            n_chars = np.fromiter((len(t) for t in got), np.int64, len(got))
            too_short = lines_mode[todo] & (n_chars < lo_len[todo]) & ~given[todo]
            font_idx[todo[too_short]] = -1
        if attempt:
            resamples += len(todo)
        todo = todo[font_idx[todo] < 0]
        if len(todo) == 0:
            return SampledTexts(texts.tolist(), file_idx, line_idx, font_idx, resamples)
    row = int(todo[0])
    spec = config.specifications[int(spec_idx[row])]
    if fixed_font is not None and fixed_font[row] >= 0:
        raise UserError(
            f"specification {spec.name!r}: after {MAX_TEXT_TRIES} tries, the requested font "
            f"{src.fonts.healthy[int(fixed_font[row])].rel!r} covers no text drawn from {spec.corpus_file!r} "
            f"(e.g. {texts[row]!r}); give that request a text, or a spec whose corpus the font can draw."
        )
    if lines_mode[row] and len(texts[row]) < spec.min_text_length:
        raise UserError(
            f"specification {spec.name!r}: after {MAX_TEXT_TRIES} tries, the lines of {spec.corpus_file!r} are "
            f"still shorter than min_text_length ({spec.min_text_length}) (e.g. {texts[row]!r}); lower "
            "min_text_length or use corpus_mode: running."
        )
    raise UserError(
        f"specification {spec.name!r}: after {MAX_TEXT_TRIES} tries, no font matching {spec.font_filter!r} covers "
        f"every character of texts from {spec.corpus_file!r} (e.g. {texts[row]!r}); add a font that covers the "
        "corpus script or narrow corpus_file."
    )
