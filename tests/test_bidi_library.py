"""Loading FriBidi: the Linux soname without a child process, find_library's name elsewhere, a clear error without it."""

from __future__ import annotations

import ctypes

import pytest

from synthocr.errors import UserError
from synthocr.renderer import bidi


@pytest.fixture
def fresh_loader():
    bidi._fribidi.cache_clear()
    yield
    bidi._fribidi.cache_clear()


def test_the_soname_loads_without_find_library(fresh_loader, monkeypatch):
    def no_search(name):
        raise AssertionError("find_library runs ldconfig in a child process")

    monkeypatch.setattr(bidi.ctypes.util, "find_library", no_search)
    assert bidi._fribidi().fribidi_log2vis


def test_find_library_names_it_where_the_soname_differs(fresh_loader, monkeypatch):
    real = ctypes.CDLL
    tried = []

    def cdll(name, *args, **kwargs):
        tried.append(name)
        if name == "libfribidi.so.0":
            raise OSError("no such soname here")
        return real("libfribidi.so.0" if name == "libfribidi.0.dylib" else name, *args, **kwargs)

    monkeypatch.setattr(bidi.ctypes, "CDLL", cdll)
    monkeypatch.setattr(bidi.ctypes.util, "find_library", lambda name: "libfribidi.0.dylib")
    assert bidi._fribidi().fribidi_log2vis
    assert tried == ["libfribidi.so.0", "libfribidi.0.dylib"]


def test_without_fribidi_the_error_says_what_to_install(fresh_loader, monkeypatch):
    def cdll(name, *args, **kwargs):
        raise OSError(f"{name}: cannot open shared object file")

    monkeypatch.setattr(bidi.ctypes, "CDLL", cdll)
    monkeypatch.setattr(bidi.ctypes.util, "find_library", lambda name: None)
    with pytest.raises(UserError, match="apt-get install libfribidi0"):
        bidi.check_layout_support()
