"""Config and request parsing limits: depth, alias bombs, file size, counts, interpolation, deep or odd JSON."""

from __future__ import annotations

import json
import time

import pyarrow.parquet as pq
import pytest

from synthocr.config.bounded import MAX_CONFIG_BYTES
from synthocr.config.rules import MAX_BACKGROUND_SOURCES, MAX_SPECIFICATIONS


def alias_bomb(levels: int = 9) -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i in range(1, levels):
        name, prev = chr(ord("a") + i), chr(ord("a") + i - 1)
        text += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
    return text + "total_images: 5\n"


# case -> (YAML text, words the error names)
BAD_YAML = {
    "lists 5000 deep": ("total_images: 5\nx: " + "[" * 5000 + "]" * 5000 + "\n", "nested more than"),
    "mappings 5000 deep": ("total_images: 5\nx: " + "{a: " * 5000 + "1" + "}" * 5000 + "\n", "nested more than"),
    "billion laughs": (alias_bomb(), "expands to more than"),
    "alias bomb in a spec": (
        alias_bomb(7).replace(
            "total_images: 5\n", "total_images: 5\nspecifications:\n  - name: x\n    font_filter: *g\n"
        ),
        "expands to more than",
    ),
    "2 MB of comments": (
        "total_images: 5\n" + ("# a comment line\n" * (2 * MAX_CONFIG_BYTES // 17)),
        "characters long",
    ),
    "5 MB file": ("total_images: 5\n" + "#" * (5 * MAX_CONFIG_BYTES), "is it a config"),
    "interpolation of a key": ("total_images: 5\nseed: ${total_images}\n", "interpolation"),
    "environment resolver": ("total_images: 5\nfont_dir: ${oc.env:HOME}\n", "oc.env"),
    "resolver in a spec": ("specifications:\n  - name: a\n    font_filter: '${oc.env:USER}*.ttf'\n", "font_filter"),
    "missing interpolation key": ("total_images: 5\ncorpus_dir: ${nowhere}\n", "interpolation"),
    f"{MAX_SPECIFICATIONS + 1} specifications": (
        "specifications:\n" + "".join(f"  - name: s{i}\n" for i in range(MAX_SPECIFICATIONS + 1)),
        "over the limit",
    ),
}


@pytest.mark.parametrize("case", BAD_YAML)
def test_hostile_yaml_is_refused_quickly(ws, synthocr, outcome, case):
    text, words = BAD_YAML[case]
    config = ws.root / "c.yaml"
    config.write_text(text, encoding="utf-8")
    started = time.monotonic()
    result = synthocr("plan", config, "-o", ws.root / "plan.parquet")
    assert result.clean_error and words in result.err, result
    assert time.monotonic() - started < 30
    assert not (ws.root / "plan.parquet").exists()
    outcome("clean_error")


@pytest.mark.parametrize("override", ["seed=${total_images}", "font_dir=${oc.env:HOME}", "seed=${nowhere}"])
def test_interpolation_in_an_override_is_refused(ws, synthocr, outcome, override):
    result = synthocr("plan", ws.config(), "-o", ws.root / "plan.parquet", override)
    assert result.clean_error and "interpolation" in result.err, result
    outcome("clean_error")


def test_many_background_sources_are_refused(ws, synthocr, outcome):
    dirs = {}
    for i in range(MAX_BACKGROUND_SOURCES + 1):
        (ws.root / f"bg{i}").mkdir()
        dirs[f"s{i}"] = str(ws.root / f"bg{i}")
    result = synthocr("plan", ws.config(background_dirs=dirs), "-o", ws.root / "plan.parquet")
    assert result.clean_error and "background_dirs" in result.err, result
    outcome("clean_error")


def test_dollar_brace_in_template_text_is_text(ws, synthocr, outcome):
    """Template texts are free text: `${` in them is kept as written, never resolved."""
    spec = {"name": "receipt", "text_source": "template", "templates": {"total": "Total ${amount}"}}
    plan = ws.plan(synthocr, ws.config(specifications=[spec]))
    texts = pq.read_table(plan).column("text").to_pylist()
    assert texts and all(t.startswith("Total $") and "{" not in t for t in texts), texts
    outcome("planned")


# request line -> words in its rejection
BAD_JSONL = {
    "arrays 100000 deep": ('{"text": "x", "a": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested more than"),
    "objects 1000 deep": ('{"text": "x", "a": ' + '{"b": ' * 1000 + "1" + "}" * 1000 + "}", "nested more than"),
    "lone surrogate in text": ('{"text": "a\\ud800b"}', "lone surrogate"),
    "lone low surrogate in a key": ('{"text": "ok", "\\udc80": 1}', "lone surrogate"),
}


@pytest.mark.parametrize("case", BAD_JSONL)
def test_hostile_jsonl_row_is_rejected_alone(ws, synthocr, outcome, case):
    line, words = BAD_JSONL[case]
    requests = ws.root / "r.jsonl"
    requests.write_text(line + "\n" + json.dumps({"text": "a fine line"}) + "\n", encoding="utf-8")
    result = synthocr("plan", ws.config(), "-o", ws.root / "plan.parquet", "--requests", requests)
    assert result.code == 0 and "rejected 1 of 2" in result.out, result
    assert words in (ws.root / "r.jsonl.rejected.csv").read_text(encoding="utf-8")
    outcome("excluded")
