"""Hostile corpus files: a clean error naming the file, or a plan; never a traceback or a hang."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

LATIN = "The quick brown fox jumps over the lazy dog. "


def empty(path: Path) -> None:
    path.write_bytes(b"")


def binary(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 64)


def invalid_utf8_late(path: Path) -> None:
    """Valid for the first 100 kB (past the validation's quick look), then a stray byte."""
    path.write_bytes((LATIN * 3 + "\n").encode() * 800 + b"caf\xe9\n")


def whitespace_only(path: Path) -> None:
    path.write_bytes(b" \t\n\n   \r\n\x0b\x0c\n" * 20000)


def uncovered_script(path: Path) -> None:
    """Chinese text, which no font of the workspace (DejaVuSans) covers."""
    path.write_text("汉字测试文本没有字体能画出来\n" * 50, encoding="utf-8")


def control_characters(path: Path) -> None:
    path.write_bytes(bytes(range(1, 9)) * 200 + b"\n")


def utf16_cut(path: Path) -> None:
    """UTF-16 (read by its byte-order mark) that ends inside a character."""
    path.write_bytes((LATIN * 5 + "\n").encode("utf-16") + b"\x41")


BAD_CORPORA = {
    "empty": (empty, "is empty"),
    "binary": (binary, "not UTF-8"),
    "invalid_utf8_late": (invalid_utf8_late, "not UTF-8"),
    "whitespace_only": (whitespace_only, "empty"),
    "uncovered_script": (uncovered_script, "font"),
    "control_characters": (control_characters, "font"),
    "utf16_cut": (utf16_cut, "ends inside a UTF-16 character"),
}


@pytest.mark.parametrize("case", BAD_CORPORA)
def test_bad_corpus_is_a_clean_error(ws, synthocr, outcome, case):
    make, words = BAD_CORPORA[case]
    (ws.corpus / "latin.txt").unlink()
    make(ws.corpus / "bad.txt")
    plan = ws.root / "p.parquet"
    result = synthocr("plan", ws.config(), "-o", plan)
    assert result.clean_error, result
    assert words in result.err and "bad.txt" in result.err or case.startswith(("uncovered", "control")), result.err
    assert not plan.exists() and not list(ws.root.glob(".p.parquet.tmp*"))
    outcome("clean_error")


@pytest.mark.parametrize("size_mb", [1, pytest.param(64, marks=pytest.mark.reliability)])
def test_one_enormous_line_plans(ws, synthocr, outcome, size_mb):
    """A corpus that is one line of `size_mb` MB, with no line break at all."""
    words = (LATIN * 1000).encode()
    with (ws.corpus / "latin.txt").open("wb") as fh:
        for _ in range(size_mb * (1 << 20) // len(words)):
            fh.write(words)
    plan = ws.plan(synthocr, ws.config(total_images=50))
    import pyarrow.parquet as pq

    texts = pq.read_table(plan, columns=["text"]).column("text").to_pylist()
    assert all(5 <= len(t) <= 40 for t in texts)
    outcome("planned")


def test_one_enormous_word_plans(ws, synthocr, outcome):
    """8 MB without a space: cut between grapheme clusters."""
    (ws.corpus / "latin.txt").write_bytes(b"abcdefghij" * (800 << 10))
    plan = ws.plan(synthocr)
    assert plan.exists()
    outcome("planned")


def test_corpus_that_is_a_fifo_does_not_hang(ws, synthocr, outcome):
    (ws.corpus / "latin.txt").unlink()
    os.mkfifo(ws.corpus / "pipe.txt")
    result = synthocr("plan", ws.config(), "-o", ws.root / "p.parquet", timeout=20)
    assert result.clean_error, result
    outcome("clean_error")
