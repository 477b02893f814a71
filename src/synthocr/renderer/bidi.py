"""Bidirectional text: visual runs of a line from FriBidi, the library Pillow's raqm layout uses."""

from __future__ import annotations

import ctypes
import ctypes.util
from dataclasses import dataclass
from functools import lru_cache

import PIL.features

from synthocr.errors import UserError

_PAR_LTR = 0x110  # FRIBIDI_PAR_LTR
_PAR_RTL = 0x111  # FRIBIDI_PAR_RTL

MISSING_RAQM = (
    "complex-script text layout is unavailable: Pillow's raqm layout needs the system library "
    "libfribidi (and libharfbuzz). Install it with `apt-get install libfribidi0` (Debian/Ubuntu) "
    "or your system's fribidi package, then run again."
)


@lru_cache(maxsize=1)  # the shared library is a process-wide resource, loaded once
def _fribidi() -> ctypes.CDLL:
    if not PIL.features.check("raqm"):
        raise UserError(MISSING_RAQM)
    name = ctypes.util.find_library("fribidi") or "libfribidi.so.0"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        raise UserError(MISSING_RAQM) from None
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
    """Fail early, with the install command, when complex-script layout is missing."""
    _fribidi()


@dataclass(frozen=True)
class Run:
    """Logical characters [start, stop) shown in one direction; runs are listed left to right."""

    start: int
    stop: int
    rtl: bool


def visual_runs(text: str, base_rtl: bool) -> list[Run]:
    """Split a line into directional runs in visual (left-to-right) order (Unicode bidi algorithm)."""
    n = len(text)
    if n == 0:
        return []
    lib = _fribidi()
    buf = (ctypes.c_uint32 * n)(*map(ord, text))
    base = ctypes.c_uint32(_PAR_RTL if base_rtl else _PAR_LTR)
    visual = (ctypes.c_uint32 * n)()
    l2v = (ctypes.c_int * n)()
    v2l = (ctypes.c_int * n)()
    levels = (ctypes.c_int8 * n)()
    if not lib.fribidi_log2vis(buf, n, ctypes.byref(base), visual, l2v, v2l, levels):
        return [Run(0, n, base_rtl)]
    runs: list[Run] = []
    v = 0
    while v < n:
        first = v2l[v]
        level = levels[first]
        step = -1 if level % 2 else 1
        w = v + 1
        while w < n and levels[v2l[w]] == level and v2l[w] == v2l[w - 1] + step:
            w += 1
        logical = [v2l[i] for i in range(v, w)]
        runs.append(Run(min(logical), max(logical) + 1, bool(level % 2)))
        v = w
    return runs
