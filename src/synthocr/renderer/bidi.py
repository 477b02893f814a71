"""Bidirectional text: embedding levels from FriBidi, cut into directional runs in visual order."""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache
from typing import NamedTuple

from synthocr.errors import UserError

_PAR_LTR = 0x110  # FRIBIDI_PAR_LTR
_PAR_RTL = 0x111  # FRIBIDI_PAR_RTL

MISSING_FRIBIDI = (
    "right-to-left text layout is unavailable: it needs the system library libfribidi "
    "(the Unicode bidi algorithm). Install it with `apt-get install libfribidi0` (Debian/Ubuntu) "
    "or your system's fribidi package, then run again."
)


@lru_cache(maxsize=1)  # the shared library is a process-wide resource, loaded once
def _fribidi() -> ctypes.CDLL:
    try:  # the Linux soname first: find_library runs `ldconfig -p` in a child process at every render start
        lib = ctypes.CDLL("libfribidi.so.0")
    except OSError:
        try:
            lib = ctypes.CDLL(ctypes.util.find_library("fribidi") or "libfribidi.so.0")
        except OSError:
            raise UserError(MISSING_FRIBIDI) from None
    fn = lib.fribidi_log2vis
    fn.restype = ctypes.c_int
    fn.argtypes = [
        ctypes.POINTER(ctypes.c_uint32),
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_uint32),
        ctypes.POINTER(ctypes.c_uint32),
        ctypes.POINTER(ctypes.c_int),
        ctypes.POINTER(ctypes.c_int),
        ctypes.POINTER(ctypes.c_int8),
    ]
    return lib


def check_layout_support() -> None:
    """Fail early, with the install command, when the bidi library is missing."""
    _fribidi()


class Run(NamedTuple):
    """Logical characters [start, stop) shown in one direction (and, once itemized, one script)."""

    start: int
    stop: int
    rtl: bool
    script: str | None = None  # ISO 15924 tag, e.g. "Arab"; None: only common characters


def embedding_levels(text: str, base_rtl: bool) -> list[int]:
    """The resolved embedding level of every character (Unicode bidi algorithm, rule L1 applied)."""
    n = len(text)
    lib = _fribidi()
    buf = (ctypes.c_uint32 * n)(*map(ord, text))
    base = ctypes.c_uint32(_PAR_RTL if base_rtl else _PAR_LTR)
    visual = (ctypes.c_uint32 * n)()
    l2v = (ctypes.c_int * n)()
    v2l = (ctypes.c_int * n)()
    levels = (ctypes.c_int8 * n)()
    if not lib.fribidi_log2vis(buf, n, ctypes.byref(base), visual, l2v, v2l, levels):
        return [1 if base_rtl else 0] * n
    return list(levels)


def visual_runs(text: str, base_rtl: bool) -> list[Run]:
    """Maximal logical ranges of one embedding level, listed left to right (rule L2 on whole runs).

    Runs are cut from the levels in logical order, so a combining mark stays in its base's
    run even where a bidi implementation would reorder it on its own.
    """
    if not text:
        return []
    levels = embedding_levels(text, base_rtl)
    runs: list[tuple[int, int, int]] = []  # start, stop, level
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or levels[i] != levels[start]:
            runs.append((start, i, levels[start]))
            start = i
    top = max(level for _, _, level in runs)
    lowest_odd = min((level for _, _, level in runs if level % 2), default=top + 1)
    for level in range(top, lowest_odd - 1, -1):  # reverse every sequence at this level or higher
        i = 0
        while i < len(runs):
            if runs[i][2] < level:
                i += 1
                continue
            j = i
            while j < len(runs) and runs[j][2] >= level:
                j += 1
            runs[i:j] = runs[i:j][::-1]
            i = j
    return [Run(a, b, bool(level % 2)) for a, b, level in runs]
