"""Vectorised text windows: whole blocks of texts cut at word boundaries straight from corpus bytes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

# ASCII whitespace: every one is a word boundary, and runs of them become one space.
_WS_TABLE = np.zeros(256, bool)
_WS_TABLE[[9, 10, 11, 12, 13, 32]] = True
_PAD = 32  # byte used outside the text (before the file, after the line): whitespace
# The words right before and after a window come back when they are at most this long (UTF-8 bytes): enough
# for any word of punctuation alone (« ! ? ؟ ।), which a window may not be cut from.
NEIGHBOUR_BYTES = 12


@dataclass(frozen=True)
class WindowRequest:
    """Per-row inputs for one corpus file: where to start and how long the text should be.

    Positions are byte offsets in the file. `lo`/`hi` bound the text (the file in
    running-text mode, the line in line mode); `target`, `min_len`, `max_len`
    are lengths in characters (code points of the text with whitespace runs
    collapsed to one space).
    """

    start: NDArray[np.int64]
    lo: NDArray[np.int64]
    hi: NDArray[np.int64]
    target: NDArray[np.int64]
    min_len: NDArray[np.int64]
    max_len: NDArray[np.int64]


@dataclass(frozen=True)
class Windows:
    """Texts cut for one corpus file: `ok` rows have a text in [min_len, max_len] starting at byte `first`.

    `before` and `after` are the words right before and after each `ok` text, where they are at most
    NEIGHBOUR_BYTES long (else, and where there is none, ""): punctuation set off by spaces there
    (`« oui`, `vous ?`) belongs with the text's word, which the caller checks."""

    texts: list[str]
    first: NDArray[np.int64]
    ok: NDArray[np.bool_]
    before: list[str]
    after: list[str]


def _last_true(mask: NDArray[np.bool_]) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    width = mask.shape[1]
    idx = width - 1 - np.argmax(mask[:, ::-1], axis=1)
    return idx.astype(np.int64), cast(NDArray[np.bool_], mask.any(axis=1))


def cut_windows(data: NDArray[np.uint8], req: WindowRequest, bytes_per_char: float = 4.0) -> Windows:
    """Word-boundary windows for many rows of one file at once.

    For each row: the first word starting at or after `start` (else the last one
    before it), then following words while the text is shorter than `target`
    and adding a word keeps it within `max_len`, then preceding words while it
    is shorter than `min_len`. Only whole words are taken: a window of a few
    times `max_len` bytes around the start is enough, and rows whose text would
    be cut by that window, or that end up outside [min_len, max_len] (a single
    word longer than allowed, a script without spaces), come back with
    `ok=False` for the caller to cut by grapheme clusters instead.

    Args:
        data: the whole file as bytes (a memory map: only the windows are read).
        req: per-row positions and lengths.
        bytes_per_char: UTF-8 bytes per character to allow for (1 for ASCII, up to 4).
    """
    n = len(req.start)
    if n == 0:
        return Windows([], np.zeros(0, np.int64), np.zeros(0, bool), [], [])
    half = int(np.ceil(float(req.max_len.max()) * min(max(bytes_per_char, 1.0), 4.0) * 1.25)) + 8
    width = 2 * half
    if len(data) < width:  # a tiny file: pad it so every window is a full slice
        data = np.concatenate([data, np.full(width - len(data), _PAD, np.uint8)])
    # Each window is one contiguous slice of the file: copy rows of a strided view (no index arrays).
    origin = np.clip(req.start - half, 0, len(data) - width)
    raw = np.lib.stride_tricks.sliding_window_view(data, width)[origin]
    count: type[np.signedinteger[Any]] = np.int16 if width < 2**14 else np.int32
    col = np.arange(width, dtype=count)[None, :]
    inside = (col >= np.clip(req.lo - origin, -1, width)[:, None].astype(count)) & (
        col < np.clip(req.hi - origin, -1, width)[:, None].astype(count)
    )
    raw[~inside] = _PAD
    rel_start = (req.start - origin).astype(count)
    ws = _WS_TABLE[raw]
    prev_ws = np.empty_like(ws)
    prev_ws[:, 1:] = ws[:, :-1]
    # The text's first byte starts a word; elsewhere the byte before the slice is unknown.
    prev_ws[:, 0] = (origin == 0) | (origin <= req.lo)
    next_ws = np.empty_like(ws)
    next_ws[:, :-1] = ws[:, 1:]
    next_ws[:, -1] = (origin + width >= len(data)) | (origin + width >= req.hi)
    word_start = ~ws & prev_ws
    word_end = ~ws & next_ws
    char_start = (raw & 0xC0) != 0x80
    chars = np.cumsum(char_start & ~ws, axis=1, dtype=count)  # non-space characters up to j (inclusive)
    words = np.cumsum(word_start, axis=1, dtype=count)  # words started up to j

    # First word: at or after the start byte, else the last one before it.
    after = word_start & (col >= rel_start[:, None])
    first_after = np.argmax(after, axis=1)
    has_after = after.any(axis=1)
    first_before, has_before = _last_true(word_start & (col < rel_start[:, None]))
    first = np.where(has_after, first_after, first_before)
    found = has_after | has_before
    first = np.where(found, first, 0)

    rows = np.arange(n)
    chars_before_first = chars[rows, first] - 1  # word_start is a non-space character
    words_at_first = words[rows, first]
    length = chars - chars_before_first[:, None] + (words - words_at_first[:, None])  # text first..j, j a word end
    fits = word_end & (col >= first[:, None]) & (length <= req.max_len[:, None])
    reach = fits & (length >= req.target[:, None])
    end_reach = np.argmax(reach, axis=1)
    end_last, has_fit = _last_true(fits)
    end = np.where(reach.any(axis=1), end_reach, end_last)
    text_len = length[rows, end]

    # Too short: grow backwards over whole words, as far as max_len allows.
    chars_end = chars[rows, end]
    words_end = words[rows, end]
    back_len = chars_end[:, None] - (chars - (char_start & ~ws)) + (words_end[:, None] - words)
    back = word_start & (col <= first[:, None]) & (back_len <= req.max_len[:, None])
    enough = back & (back_len >= req.min_len[:, None])
    grow_enough, has_enough = _last_true(enough)
    grow_all = np.argmax(back, axis=1)  # the earliest start that still fits
    need = text_len < req.min_len
    begin = np.where(need, np.where(has_enough, grow_enough, grow_all), first)
    text_len = np.where(need, back_len[rows, begin], text_len)

    ok = found & has_fit & (text_len >= req.min_len) & (text_len <= req.max_len) & (text_len > 0)
    # The word before the text, and the one after it, where whole within the slice and short.
    prev_end, has_prev_end = _last_true(word_end & (col < begin[:, None]))
    prev_start, has_prev_start = _last_true(word_start & (col < begin[:, None]))
    has_prev = ok & has_prev_end & has_prev_start & (prev_end - prev_start < NEIGHBOUR_BYTES)
    later = word_start & (col > end[:, None])
    next_start = np.argmax(later, axis=1)
    ends_later = word_end & (col >= next_start[:, None])
    next_end = np.argmax(ends_later, axis=1)
    has_next = ok & later.any(axis=1) & ends_later.any(axis=1) & (next_end - next_start < NEIGHBOUR_BYTES)
    raw[ws] = 32
    # Bytes of the text, whitespace runs collapsed to one space.
    span = (col >= begin[:, None]) & (col <= end[:, None]) & ok[:, None]
    texts = _strings(raw, span & (~ws | ~prev_ws), char_start)
    word_before = _strings(
        raw, (col >= prev_start[:, None]) & (col <= prev_end[:, None]) & has_prev[:, None], char_start
    )
    word_after = _strings(
        raw, (col >= next_start[:, None]) & (col <= next_end[:, None]) & has_next[:, None], char_start
    )
    first_byte = np.where(ok, origin + begin, req.start)
    return Windows(texts, first_byte.astype(np.int64), ok, word_before, word_after)


def _strings(raw: NDArray[np.uint8], keep: NDArray[np.bool_], char_start: NDArray[np.bool_]) -> list[str]:
    """Per row, the kept bytes of `raw` decoded (each row's kept bytes are whole UTF-8 characters)."""
    blob = raw[keep].tobytes().decode("utf-8")
    offsets = np.concatenate([[0], np.cumsum((keep & char_start).sum(axis=1))]).tolist()
    return [blob[offsets[i] : offsets[i + 1]] for i in range(len(raw))]
