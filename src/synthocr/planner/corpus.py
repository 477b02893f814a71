"""Corpus files indexed by line offsets (never loaded whole), and text windows cut from them."""

from __future__ import annotations

import bisect
import codecs
import collections
import dataclasses
import hashlib
import itertools
import mmap
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import regex
from numpy.typing import NDArray

from synthocr.errors import UserError
from synthocr.planner.corpus_formats import COLUMN_KINDS, corpus_format, extract, needs_extraction, transcoded
from synthocr.planner.line_breaks import DICTIONARY_SCRIPT, line_breaks

_CHUNK = 1 << 22
_LONG_LINE_BYTES = 1 << 16  # a longer line is read only in a window of this size: a text needs a few dozen characters
_WS = regex.compile(r"\s+")
_ASCII_WS_RUN = regex.compile(r"[\t\v\f\r ]+")
_GRAPHEME = regex.compile(r"\X")
# Scripts written without spaces between words: words drawn from them are joined with nothing between.
NO_SPACE = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}]")
MAX_LINE_BYTES = 1 << 16  # a longer line is never a whole-line text, a word or a charset
_LENGTH_CHUNK = 1 << 22  # bytes classified at once when measuring lines
_WS_BYTES = np.zeros(256, bool)
_WS_BYTES[[9, 10, 11, 12, 13, 32]] = True
TOO_LONG = np.iinfo(np.int32).max  # the length recorded for lines over MAX_LINE_BYTES
UTF8_BOM = codecs.BOM_UTF8  # a byte-order mark: what Notepad and Excel put before UTF-8 text, not part of it


@dataclass(frozen=True)
class CorpusFile:
    """One corpus file: byte offsets of its non-empty lines (start, end), in file order."""

    path: Path
    rel: str  # path relative to the corpus root (absolute for a file outside it), as recorded in the plan
    starts: NDArray[np.int64]
    ends: NDArray[np.int64]
    size: int = 0  # bytes
    n_chars: int = 0  # code points, line breaks included
    sha1: str = ""  # of the file's bytes: the plan's provenance (synthocr.corpus_files)
    text_start: int = 0  # byte offset of the text: 3 after a byte-order mark, which no text includes

    @property
    def n_lines(self) -> int:
        return len(self.starts)

    @property
    def bytes_per_char(self) -> float:
        """Average UTF-8 bytes per character (1 for ASCII text, 2 for Greek or Hebrew, 3 for CJK)."""
        return self.size / max(self.n_chars, 1)


def index_corpus_file(path: Path, rel: str) -> CorpusFile:
    """Scan a file in chunks for line breaks, checking it is UTF-8 on the way.

    Memory is 16 bytes per line, whatever the file size. A leading byte-order mark (files saved as
    "UTF-8 with BOM") is not text: the first line starts after it.

    Raises:
        UserError: the file is not UTF-8 or holds no text.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    breaks: list[NDArray[np.int64]] = []
    offset = 0
    n_chars = 0
    text_start = 0
    digest = hashlib.sha1()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            if offset == 0 and chunk.startswith(UTF8_BOM):
                text_start = len(UTF8_BOM)
            digest.update(chunk)
            try:
                n_chars += len(decoder.decode(chunk))
            except UnicodeDecodeError as exc:
                raise UserError(
                    f"corpus file {path} is not UTF-8 text (invalid byte near offset {offset + exc.start}); "
                    "convert it to UTF-8, name its encoding with the specification's corpus_encoding (such as "
                    "'cp1252'), or leave it out of the corpus_file pattern."
                ) from None
            raw = np.frombuffer(chunk, np.uint8)
            breaks.append(np.flatnonzero(raw == 10) + offset)
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise UserError(f"corpus file {path} ends inside a UTF-8 character; fix or re-save it as UTF-8.") from None
    breaks.append(np.array([offset], np.int64))
    ends = np.concatenate(breaks).astype(np.int64, copy=False)
    breaks.clear()
    starts = np.empty_like(ends)
    starts[0] = text_start
    np.add(ends[:-1], 1, out=starts[1:])
    keep = ends > starts
    if not keep.all():  # empty lines
        starts, ends = starts[keep], ends[keep]
    if len(starts) == 0:
        raise UserError(f"corpus file {path} is empty; add text to it or leave it out of the corpus_file pattern.")
    return CorpusFile(
        path=path,
        rel=rel,
        starts=starts,
        ends=ends,
        size=offset,
        n_chars=n_chars - (1 if text_start else 0),
        sha1=digest.hexdigest(),
        text_start=text_start,
    )


class CorpusReader:
    """Reads corpus files: small ones (up to SMALL_FILE bytes) read whole and kept, up to SMALL_KEPT bytes in
    all; larger ones through memory maps, at most OPEN_MAPS held, the least recently used given up first.
    Each map holds a file descriptor: a corpus of thousands of files (one per document) would otherwise
    exceed the usual limit of 1024, and map thousands of pages for a few lines each."""

    SMALL_FILE = 1 << 20
    SMALL_KEPT = 1 << 28
    OPEN_MAPS = 64

    def __init__(self, files: list[CorpusFile]) -> None:
        self.files = files
        self._maps: collections.OrderedDict[Path, mmap.mmap] = collections.OrderedDict()
        self._small: dict[Path, bytes] = {}
        self._small_bytes = 0
        self._arrays: dict[Path, NDArray[np.uint8]] = {}

    def _buffer(self, f: CorpusFile) -> mmap.mmap | bytes:
        if f.size <= self.SMALL_FILE:
            data = self._small.get(f.path)
            if data is None:
                data = f.path.read_bytes()
                if self._small_bytes + len(data) <= self.SMALL_KEPT:
                    self._small[f.path] = data
                    self._small_bytes += len(data)
            return data
        mm = self._maps.get(f.path)
        if mm is not None:
            self._maps.move_to_end(f.path)
            return mm
        while len(self._maps) >= self.OPEN_MAPS:
            # Dropped, not closed: an array a caller still holds keeps its map open until it is let go.
            old, _ = self._maps.popitem(last=False)
            self._arrays.pop(old, None)
        with f.path.open("rb") as fh:
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        self._maps[f.path] = mm
        return mm

    def array(self, file_index: int) -> NDArray[np.uint8]:
        """The whole file as a read-only byte array (a large file's is backed by its memory map: pages load
        on access); its text starts at the file's text_start."""
        f = self.files[file_index]
        arr = self._arrays.get(f.path)
        if arr is None:
            arr = np.frombuffer(self._buffer(f), np.uint8)
            if f.size > self.SMALL_FILE or f.path in self._small:
                self._arrays[f.path] = arr
        return arr

    def line(self, file_index: int, line_index: int, start: float = 0.0) -> str:
        """One non-empty line, whitespace runs collapsed to one space.

        A line longer than _LONG_LINE_BYTES (a whole book without line breaks) is read only in a
        window of that size from fraction `start` of it, whole grapheme clusters only: cutting a text
        from it then costs the same as from a short line.
        """
        f = self.files[file_index]
        lo, hi = int(f.starts[line_index]), int(f.ends[line_index])
        if hi - lo <= _LONG_LINE_BYTES:
            return _WS.sub(" ", self._buffer(f)[lo:hi].decode("utf-8", errors="replace")).strip()
        at = lo + int(start * (hi - lo - _LONG_LINE_BYTES))
        text = _WS.sub(" ", self._buffer(f)[at : at + _LONG_LINE_BYTES].decode("utf-8", errors="ignore"))
        return "".join(_GRAPHEME.findall(text)[1:-1]).strip()  # the clusters at the edges may be cut

    def whole_lines(self, file_index: int, line_idx: NDArray[np.int64]) -> list[str]:
        """The given lines whole: ASCII whitespace runs collapsed to one space, trimmed (one decode for all)."""
        if len(line_idx) == 0:
            return []
        f = self.files[file_index]
        mm = self._buffer(f)
        starts, ends = f.starts[line_idx].tolist(), f.ends[line_idx].tolist()
        blob = b"\n".join([mm[s:e] for s, e in zip(starts, ends)]).decode("utf-8", errors="replace")
        return [t.strip(" ") for t in _ASCII_WS_RUN.sub(" ", blob).split("\n")]

    def line_lengths(self, file_index: int) -> NDArray[np.int32]:
        """Characters of every line as whole_lines gives it (TOO_LONG for lines over MAX_LINE_BYTES).

        One pass over the file, MAX_LINE_BYTES-aligned chunks of about 4 MB: memory does not grow with the file.
        """
        f = self.files[file_index]
        data = self.array(file_index)
        n = f.n_lines
        out = np.full(n, TOO_LONG, np.int32)
        i = 0
        while i < n:
            j = max(int(np.searchsorted(f.ends, f.starts[i] + _LENGTH_CHUNK, side="right")), i + 1)
            lo, hi = int(f.starts[i]), int(f.ends[j - 1])
            if hi - lo > _LENGTH_CHUNK:  # one line longer than a chunk: too long anyway
                i = j
                continue
            raw = data[lo:hi]
            ws = _WS_BYTES[raw]
            ink = ~ws
            # Per byte: 1 for a character that is not whitespace, 1 more where a word starts; summed from one
            # line's start to the next one's (the bytes between are line breaks): characters + words, so the
            # line's length (its words joined by single spaces) is that sum less one, or 0.
            count = (ink & ((raw & 0xC0) != 0x80)).view(np.uint8)
            count[1:] += ink[1:] & ws[:-1]
            count[0] += ink[0]
            total = np.add.reduceat(count, f.starts[i:j] - lo, dtype=np.int32)
            out[i:j] = total - (total > 0)
            i = j
        out[f.ends - f.starts > MAX_LINE_BYTES] = TOO_LONG
        return out

    def close(self) -> None:
        self._arrays.clear()  # the arrays export the maps' buffers: drop them first
        for mm in self._maps.values():
            mm.close()
        self._maps.clear()
        self._small.clear()
        self._small_bytes = 0


def cut_text(
    reader: CorpusReader,
    file_index: int,
    line_index: int,
    length: int,
    start: float,
    min_len: int,
    max_len: int,
    running: bool = True,
) -> str:
    """A window of about `length` characters (within [min_len, max_len]) from corpus text.

    Starts at fraction `start` of the chosen line; running text (`running`) runs
    on into the next lines when the line is short, line-based text stays in its
    line. Cuts fall on word boundaries, except in text of a script written
    without spaces (NO_SPACE: a "word" there is a phrase or a line) and inside
    a word longer than `max_len`: there they fall between grapheme clusters,
    never inside one, from the start point on. Lengths count code points. This is the row-by-row path for the
    rows planner/windows.py cannot cut (scripts without spaces, overlong words).
    """
    n_lines = reader.files[file_index].n_lines
    line = text = reader.line(file_index, line_index, start)
    follow = line_index
    # Running text: a window needs up to max_len characters after the start point.
    while running and len(text) < max_len * 2 and follow - line_index < n_lines - 1 and follow - line_index < 64:
        follow += 1
        more = reader.line(file_index, follow % n_lines)
        text = f"{text} {more}" if more else text
    if not text:
        return ""
    clusters = _GRAPHEME.findall(text)
    ends = list(itertools.accumulate(map(len, clusters)))  # where each cluster ends in the text
    at = min(int(start * (bisect.bisect_left(ends, len(line)) + 1)), len(clusters) - 1)  # start point, in the line
    pos = ends[at] - len(clusters[at])
    if text[pos] == " ":
        first = pos + 1  # where the window's first word starts
    else:
        begin, end = text.rfind(" ", 0, pos) + 1, text.find(" ", pos)
        end = len(text) if end < 0 else end
        if (pos > begin and end - begin > max_len) or NO_SPACE.search(text, begin, end):
            # In a run of a script written without spaces (Chinese, Thai, Khmer: a phrase or a line), or
            # inside a word longer than max_len: cut between clusters from the point, so every part of a
            # line can be drawn.
            return _grapheme_window(clusters, length, at, min_len, max_len)
        first = begin if pos == begin or end == len(text) else end + 1  # the next word, as windows.py
    words = text.split(" ")
    k = text.count(" ", 0, first)
    if len(words[k]) > max_len:
        return _grapheme_window(clusters, length, bisect.bisect_right(ends, first), min_len, max_len)
    return _word_window(words, k, length, min_len, max_len)


def _word_window(words: list[str], first: int, length: int, min_len: int, max_len: int) -> str:
    """Whole words from words[first] (at most max_len long), about `length` code points.

    Punctuation set off by spaces (French `Bonjour !`, `« oui »`; Hindi `है ।`) stays with its word, as a line
    break keeps it in print: a text is made of whole print units (_units: a word with the opening words before
    it and the closing words after it), so it never starts with a closing word (! ? » ।) or right after an
    opening one, and never ends with an opening word (« ( “) or right before a closing one. Where the unit at
    `first` alone is longer than max_len, its words are taken one by one."""
    units = _units(words)
    at = next(i for i, (a, b, _) in enumerate(units) if a <= first < b)
    take = [i for i in range(at, len(units)) if units[i][2]] or [i for i in range(at) if units[i][2]][-1:]
    if take and _size(words, units[take[0]][0], units[take[0]][1]) <= max_len:
        u = v = take[0]  # text = units u..v
        lo, hi = units[u][0], units[v][1]
        while _size(words, lo, hi) < length and v + 1 < len(units) and _size(words, lo, units[v + 1][1]) <= max_len:
            v += 1
            hi = units[v][1]
        while _size(words, lo, hi) < min_len and u > 0 and _size(words, units[u - 1][0], hi) <= max_len:
            u -= 1  # too short at the end: grow backwards
            lo = units[u][0]
        out = " ".join(words[lo:hi])
    else:
        a = first
        while a + 1 < len(words) and _closing_word(words[a]):  # no text starts with one (`៖ បាន` of `អ្នក ៖ បាន`)
            a += 1
        b = a + 1
        while _size(words, a, b) < length and b < len(words) and _size(words, a, b + 1) <= max_len:
            b += 1
        out = " ".join(words[a:b])
    if len(out) < min_len:  # long neighbouring words: fall back to a character window
        joined = " ".join(words[first:])
        if len(joined) < min_len:
            joined = " ".join(words)
        out = _grapheme_window(_GRAPHEME.findall(joined), length, 0, min_len, max_len)
    return out


def _size(words: list[str], a: int, b: int) -> int:
    """Code points of words[a:b] joined by single spaces."""
    return sum(map(len, words[a:b])) + b - a - 1


def _units(words: list[str]) -> list[tuple[int, int, bool]]:
    """The print units of a line of words, as (start, end, has a word that is not punctuation): a word with the
    opening words right before it and the closing words right after it (`« oui »`, `allez-vous ?`), which no
    printed line breaks. Punctuation with no word to hold on to (a line's leading `»`) is a unit of its own."""
    units, i, n = [], 0, len(words)
    while i < n:
        j = i
        while j < n and _opening_word(words[j]):
            j += 1
        core = j < n and not _closing_word(words[j])
        j += core
        while j < n and _closing_word(words[j]):
            j += 1
        j = max(j, i + 1)
        units.append((i, j, core))
        i = j
    return units


def _closing_word(word: str) -> bool:
    """A word of closing punctuation only (! ? : ; , . » ) । ॥), which no line starts with."""
    return bool(word) and all(c in _CLOSING_WORD for c in word)


def _opening_word(word: str) -> bool:
    """A word of opening brackets and quotes only (« ( “), which no line ends with."""
    return bool(word) and all(c in _OPENING for c in word)


# Where a text cut between grapheme clusters may not fall: before a vowel written after its consonant that is
# a letter of its own (Thai and Lao sara a, aa, am; a Myanmar sign outside the cluster before it; a Myanmar final
# consonant; what Chinese and Japanese lines may not start with), or after a vowel written before its consonant
# (Thai and Lao e, ae, o, ai, ai maimalai; an opening bracket), or inside a Tibetan syllable.
# A cut there leaves a text that starts or ends with part of a syllable.
# Chinese and Japanese lines never start with closing brackets and punctuation, small kana, the long vowel
# mark or the iteration marks, nor end with an opening bracket (JIS X 4051's line-start and line-end
# prohibitions, kinsoku; CSS line-break: strict): a window there is a line no page has.
_CLOSING = "）〕］｝〉》」』】〙〗〟｠»’”)]}、。，．・：；？！‼⁇⁈⁉,.:;!?%％ヽヾゝゞ々〻ー゠〜～"
# Nor does a Thai, Lao, Khmer or Burmese one start with its repetition mark (ๆ ໆ ៗ) or full stop (។ ៕ ၊ ။).
_SEA_MARKS = "ๆໆៗ។៕၊။"
# Thai and Lao paiyannoi (ฯ ຯ) shortens the word before it (กรุงเทพฯ) and starts no line, but for ฯลฯ, "etc.".
_PAIYANNOI = {"ฯ": "ล", "ຯ": "ລ"}
_SMALL_KANA = "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰ-ㇿ"
_OPENING = "（〔［｛〈《「『【〘〖〝｟«‘“([{"
# Set apart by a space, closing punctuation of other scripts too: Arabic and Urdu (، ؛ ؟ ۔), Armenian (։ ՝),
# Ethiopic (። ፣ ፤ ፥ ፦), Greek (; · as U+037E, U+0387), Devanagari (। ॥), and Thai, Khmer and Burmese: their
# repetition marks and full stops (ทุก ๆ, ឡើយ ។), and the Khmer colon (៖).
_CLOSING_WORD = frozenset(_CLOSING + _SEA_MARKS + "៖»›।॥…،؛؟۔։՝።፣፤፥፦\u037e\u0387")
# A text (one per line, as text_scan.texts_with searches them) that starts with a word of closing punctuation or
# ends with one of opening brackets: the vectorised word windows (windows.py) leave those to _word_window.
BAD_WORD_EDGE = re.compile(
    rf"^[{re.escape(''.join(sorted(_CLOSING_WORD)))}]+(?= |$)|(?<= )[{re.escape(_OPENING)}]+$", re.MULTILINE
)
# The words before and after a text, joined by a tab (one pair per line): an opening word before it or a
# closing one after it, which belong with the text's first or last word.
BAD_NEIGHBOURS = re.compile(
    rf"^[{re.escape(_OPENING)}]+\t|\t[{re.escape(''.join(sorted(_CLOSING_WORD)))}]+$", re.MULTILINE
)
_NO_START = regex.compile(
    rf"[\u0e30\u0e32\u0e33\u0e45\u0eb0\u0eb2\u0eb3\u0f0b-\u0f14\p{{M}}{regex.escape(_CLOSING)}{_SMALL_KANA}{_SEA_MARKS}]"
    # A Myanmar consonant killed by the asat (U+103A, after its tone marks if any): the final of the syllable
    # before it (ကျွ|န်, မ|င်္ဂ: a killed nga over the next consonant, kinzi, is one too), never a syllable's start.
    r"|[\u1000-\u1021\u103f\u104e\u105a-\u105d\u1061\u1065\u1066\u106e-\u1070\u1075-\u1081\u108e][\u1037\u1038]*\u103a"
)
_NO_END = regex.compile(rf"[\u0e40-\u0e44\u0ec0-\u0ec4{regex.escape(_OPENING)}]$")
# Tibetan marks the end of each syllable (the tsheg ་, the shad །), not of each word: a cut falls after one.
_TIBETAN = regex.compile(r"[\u0f40-\u0fbc]")


# Letters of the scripts written with spaces, and digits: a Chinese, Japanese or Thai line breaks around a Latin
# word or a number, never inside one (iPhone, 2023; UAX #14 has no break between them).
_IN_WORD = regex.compile(r"[\p{Latin}\p{Greek}\p{Cyrillic}\p{Hangul}\p{N}]")


def _joined(left: str, right: str) -> bool:
    """Whether two characters belong to one Latin (Greek, Cyrillic, Korean) word or number: both letters or
    digits, or one of them a hyphen inside it (Wi-Fi, USB-C)."""
    a, b = _IN_WORD.match(left) is not None, _IN_WORD.match(right) is not None
    return (a and b) or (a and right in _HYPHENS) or (b and left in _HYPHENS)


_HYPHENS = frozenset("-\u2010\u2011")


def _cut_ok(graphemes: list[str], at: int, words: bool = False) -> bool:
    """Whether a text may start or end between clusters at-1 and at; with `words` (in text of a script written
    without spaces), not inside a Latin, Greek, Cyrillic or Korean word or a number (hyphens included) either."""
    if at <= 0 or at >= len(graphemes):
        return True
    before, after = graphemes[at - 1], graphemes[at]
    if (_gap(before) or _gap(after)) and not _space_cut_ok(graphemes, at):
        return False
    if words and _joined(before[-1], after[0]):
        return False
    if _TIBETAN.match(before[-1]) and _TIBETAN.match(after):
        return False
    if after in _PAIYANNOI:
        return at + 1 < len(graphemes) and graphemes[at + 1] == _PAIYANNOI[after]
    return not (_NO_END.search(before) or _NO_START.match(after))


def _gap(cluster: str) -> bool:
    """A space, or a ZERO WIDTH SPACE marking a word break: what a text's ends lose (texts.one_line)."""
    return cluster in (" ", _ZWSP)


def _space_cut_ok(graphemes: list[str], at: int) -> bool:
    """At spaces, a text may start or end (the spaces leave it) unless the word after them is closing
    punctuation set off by a space (`คุณสมบัติ .`, `ou ?`, `បរាជ័យ ។`) or the word before them opening
    punctuation: as _word_window keeps such a word with its neighbour."""
    i, j = at, at
    while i > 0 and _gap(graphemes[i - 1]):
        i -= 1
    while j < len(graphemes) and _gap(graphemes[j]):
        j += 1
    if i == 0 or j == len(graphemes):
        return True
    return not (_punctuation_word(graphemes, j, 1, _CLOSING_WORD) or _punctuation_word(graphemes, i - 1, -1, _OPENING))


def _punctuation_word(graphemes: list[str], at: int, step: int, marks: Collection[str]) -> bool:
    """Whether the word from cluster `at` on (`step` -1: back) to the next gap is of `marks` only: read no
    further than its first other character, however long the word (a CJK line is one)."""
    seen = False
    while 0 <= at < len(graphemes) and not _gap(graphemes[at]):
        if not all(c in marks for c in graphemes[at]):
            return False
        seen, at = True, at + step
    return seen


_ZWSP = "\u200b"


def _word_break(graphemes: list[str], at: int) -> bool:
    """In text whose word breaks are marked (ZERO WIDTH SPACE), whether clusters at-1 and at are not inside
    one word of a script written without spaces: a mark, a space or another script lies between them."""
    if at <= 0 or at >= len(graphemes):
        return True
    before, after = graphemes[at - 1], graphemes[at]
    return _ZWSP in (before, after) or not (NO_SPACE.search(before) and NO_SPACE.match(after))


@dataclass(frozen=True)
class _DictionaryWords:
    """Where a window may start and end next to a cluster of a dictionary script (Thai, Lao, Khmer, Myanmar)
    within clusters lo..hi of a text (all a window cut from cluster `first` can reach): at ICU's line breaks
    (not inside a word, nor between one and the Latin word or number written against it), or, in a run
    between spaces whose word breaks the text marks with ZERO WIDTH SPACE, at the marks."""

    graphemes: list[str]
    lo: int
    hi: int
    offsets: dict[int, int]  # code-point offset, from cluster lo, of each cluster boundary lo < at < hi
    allowed: frozenset[int]  # ICU's line breaks, as such offsets
    marked: frozenset[int]  # the boundaries inside a run between spaces that holds a ZERO WIDTH SPACE

    def governs(self, at: int) -> bool:
        """Whether the boundary before cluster `at` lies next to a dictionary script's cluster (in the span),
        and not at a space (where _space_cut_ok judges: ICU's break lies after the spaces)."""
        if at <= self.lo or at >= self.hi:
            return False
        before, after = self.graphemes[at - 1], self.graphemes[at]
        if _gap(before) or _gap(after):
            return False
        return bool(DICTIONARY_SCRIPT.search(before) or DICTIONARY_SCRIPT.match(after))

    def breaks(self, at: int) -> bool:
        if at in self.marked:
            return _word_break(self.graphemes, at)
        return self.offsets[at] in self.allowed


def _dictionary_words(graphemes: list[str], first: int, reach: int) -> _DictionaryWords | None:
    """The word breaks around cluster `first`, if a text of dictionary script lies there. A window moves at
    most `reach` clusters (max_len and the reach of a cut) either way of its first and last cluster; a margin
    of as many again keeps ICU's view of the words at the edges the same as the whole line's."""
    lo, hi = max(0, first - 4 * reach), min(len(graphemes), first + 6 * reach)
    span = graphemes[lo:hi]
    text = "".join(span)
    if not DICTIONARY_SCRIPT.search(text):
        return None
    offsets = dict(zip(range(lo + 1, hi), itertools.accumulate(map(len, span))))
    marked: set[int] = set()
    run = lo  # first cluster of the run between spaces
    for at in range(lo, hi + 1):
        if at == hi or graphemes[at] == " ":
            if _ZWSP in graphemes[run:at]:
                marked.update(range(run + 1, at))
            run = at + 1
    return _DictionaryWords(graphemes, lo, hi, offsets, line_breaks(text), frozenset(marked))


def _grapheme_window(graphemes: list[str], length: int, first: int, min_len: int, max_len: int) -> str:
    """Whole grapheme clusters from cluster `first`: about `length` code points and at most `max_len`
    (lengths count code points, as everywhere else), moved back when the text ends too soon. Both ends
    fall where a text may start and end (_cut_ok) when such a place lies a cluster or two away.

    At least one cluster, even one longer than max_len (a one-character limit on a script whose
    characters take several code points). In text of a script written without spaces, the Latin words and
    numbers in it are not cut either (an end moves back to the word's start when it must)."""
    words = any(NO_SPACE.match(g) for g in graphemes)
    reach = 24 if words else 3  # how far back an end may move to where a text may end
    # Khmer, and some Thai and Burmese, text marks its word breaks with ZERO WIDTH SPACE: there a text starts
    # and ends at words, not between syllables (the marks leave the text later: texts.one_line). Thai, Lao,
    # Khmer and Burmese text without marks breaks where ICU's dictionaries find words.
    marked = words and _ZWSP in graphemes
    dictionary = _dictionary_words(graphemes, first, max_len + reach) if words else None

    def ok(at: int) -> bool:
        if not _cut_ok(graphemes, at, words):
            return False
        if dictionary is not None and dictionary.governs(at):
            return dictionary.breaks(at)
        return not marked or _word_break(graphemes, at)

    for step in range(reach if marked or dictionary else 3):  # the next place a text may start
        if first + step < len(graphemes) and ok(first + step):
            first += step
            break
    end, total = first, 0
    while end < len(graphemes) and (end == first or total + len(graphemes[end]) <= length):
        total += len(graphemes[end])
        end += 1
    while total < length and first > 0 and total + len(graphemes[first - 1]) <= max_len:
        first -= 1
        total += len(graphemes[first])
    # Moved back to where no text may start: further back within max_len, else forward again.
    while not ok(first) and first > 0 and total + len(graphemes[first - 1]) <= max_len:
        first -= 1
        total += len(graphemes[first])
    while not ok(first) and first + 1 < end:
        total -= len(graphemes[first])
        first += 1
    if not ok(end):  # where the text may end: back a little, else on within max_len
        back = next((b for b in range(1, reach) if end - b > first and ok(end - b)), 0)
        if back:
            total -= sum(map(len, graphemes[end - back : end]))
            end -= back
        else:
            while end < len(graphemes) and not ok(end) and total + len(graphemes[end]) <= max_len:
                total += len(graphemes[end])
                end += 1
    out = "".join(graphemes[first:end]).strip()
    grown = False
    while len(out) < min_len and end < len(graphemes) and total + len(graphemes[end]) <= max_len:  # spaces stripped
        total += len(graphemes[end])
        end += 1
        out, grown = "".join(graphemes[first:end]).strip(), True
    while grown and not ok(end) and end < len(graphemes) and total + len(graphemes[end]) <= max_len:
        total += len(graphemes[end])
        end += 1
        out = "".join(graphemes[first:end]).strip()
    return out


def line_choice(files: list[CorpusFile], u: NDArray[np.float64]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(file index, line index) for uniform draws `u`, uniform over all lines of `files`."""
    counts = np.array([f.n_lines for f in files], np.int64)
    cum = np.cumsum(counts)
    flat = np.minimum((u * cum[-1]).astype(np.int64), cum[-1] - 1)
    file_idx = np.searchsorted(cum, flat, side="right")
    line_idx = flat - np.concatenate([[0], cum[:-1]])[file_idx]
    return file_idx.astype(np.int64), line_idx


def index_any(path: Path, rel: str, column: str = "text", encoding: str = "") -> CorpusFile:
    """The index of a text file; or of the texts of column `column` of a table (CSV, TSV, JSON Lines,
    Parquet), or of a compressed file, read from their extracted text (corpus_formats.py); its sha1 is the
    file's own. A file of text in `encoding` (corpus_encoding) is read from its UTF-8 copy."""
    converted = transcoded(path, encoding)
    if converted is not None:
        return dataclasses.replace(index_any(converted[0], rel, column), sha1=converted[1])
    if not needs_extraction(path):
        return index_corpus_file(path, rel)
    text, sha1 = extract(path, column)
    return dataclasses.replace(index_corpus_file(text, rel), sha1=sha1)


class CorpusIndex:
    """The corpus files of a batch, indexed once (line offsets only), shared by every specification.

    Args:
        root: the corpus directory; files are recorded in the plan relative to it.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self._index: dict[tuple[str, str, str], CorpusFile] = {}

    def files_for(self, paths: list[Path], column: str = "text", encoding: str = "") -> list[CorpusFile]:
        """The index of each file (built on first use, then shared); of a table's `column`; of text in
        `encoding`.

        Raises:
            UserError: a file is not UTF-8 or holds no text, or a table has no such column.
        """
        out = []
        for p in paths:
            rel = self.plan_name(p)
            key = (rel, column if corpus_format(p) in COLUMN_KINDS else "", encoding)
            if key not in self._index:
                self._index[key] = index_any(p, rel, column, encoding)
            out.append(self._index[key])
        return out

    def plan_name(self, path: Path) -> str:
        """How the plan names a corpus file: relative to the root, or by its absolute path when it lies
        outside (a `corpus_file` given as an absolute path)."""
        for root, p in ((self.root, path), (self.root.absolute(), path.absolute())):
            if p.is_relative_to(root):
                return p.relative_to(root).as_posix()
        return path.absolute().as_posix()


def join_words(words: list[str]) -> str:
    """Words joined by their script's space: none between words of scripts written without (Chinese, Thai)."""
    if words and all(NO_SPACE.match(w) for w in words):
        return "".join(words)
    return " ".join(words)
