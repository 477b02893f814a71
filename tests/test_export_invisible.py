"""Recognition and detection exports write the texts a reader sees: the bidi marks, zero-width spaces, soft
hyphens and the like that a corpus of web text carries, and that no ink shows, are left out (kept with
--keep-invisible); the joiners, which change the letters beside them, stay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from synthocr.analysis.export.invisible import INVISIBLE

DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"
REQUESTS = [
    {"text": "שלום\u200f 123 עולם", "spec": "hebrew"},  # a right-to-left mark after a word, as web pages put it
    {"text": "abc\u200bdef ghi", "spec": "latin"},  # a zero-width space in a long word
    {"text": "مرحبا\u200c بالعالم\u061c", "spec": "arabic"},  # a non-joiner (kept) and an Arabic letter mark
    {"text": "\u2067שלום\u2069 and\u00ad more", "spec": "hebrew"},  # an isolate, and a soft hyphen
]
SEEN = ["שלום 123 עולם", "abcdef ghi", "مرحبا\u200c بالعالم", "שלום and more"]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    from synthocr.cli import main

    root = tmp_path_factory.mktemp("invisible")
    requests = root / "req.jsonl"
    requests.write_text("".join(json.dumps(r) + "\n" for r in REQUESTS), encoding="utf-8")
    assert main(["plan", str(DEFAULT_CONFIG), "--requests", str(requests), "-o", str(root / "p.parquet")]) == 0
    assert main(["render", str(root / "p.parquet"), "-o", str(root / "out"), "--workers", "1", "--quiet"]) == 0
    return root / "out"


def _paddle(cli, rendered: Path, dest: Path, *options: str) -> list[str]:
    code, _, err = cli("export", rendered, "--to", "paddleocr", "-o", dest, *options)
    assert code == 0, err
    return [line.split("\t")[1] for line in (dest / "rec_gt.txt").read_text(encoding="utf-8").splitlines()]


def test_recognition_texts_leave_out_what_no_ink_shows(cli, rendered, tmp_path):
    assert _paddle(cli, rendered, tmp_path / "p") == SEEN
    characters = (tmp_path / "p" / "dict.txt").read_text(encoding="utf-8").splitlines()
    assert not any(INVISIBLE.search(c) for c in characters) and "\u200c" in characters
    labels = sorted(json.loads(p.read_text(encoding="utf-8"))["text"] for p in rendered.rglob("image_*.json"))
    assert sorted(r["text"] for r in REQUESTS) == labels  # the labels keep the text as given


def test_keep_invisible_writes_the_texts_as_given(cli, rendered, tmp_path):
    assert _paddle(cli, rendered, tmp_path / "p", "--keep-invisible") == [r["text"] for r in REQUESTS]


def test_max_length_counts_the_characters_written(cli, rendered, tmp_path):
    assert _paddle(cli, rendered, tmp_path / "p", "--max-length", "10") == ["abcdef ghi"]  # 11 with its ZWSP


def test_detection_regions_leave_them_out_too(cli, rendered, tmp_path):
    code, _, err = cli("export", rendered, "--to", "icdar2015", "-o", tmp_path / "d", "--level", "word")
    assert code == 0, err
    words = [
        line.rsplit(",", 1)[1] if line.count(",") == 8 else line.split(",", 8)[8]
        for path in sorted((tmp_path / "d" / "gts").glob("*.txt"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert "שלום" in words and "abcdef" in words and not any(INVISIBLE.search(w) for w in words)
