"""Security: safe YAML, no pickle or eval of user data, a restricted --where, and paths kept inside their roots."""

from __future__ import annotations

import re
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import synthocr

SRC = Path(synthocr.__file__).parent


def test_yaml_tags_construct_no_objects(ws, synthocr, outcome, tmp_path):
    marker = tmp_path / "pwned"
    config = tmp_path / "evil.yaml"
    config.write_text(f'total_images: !!python/object/apply:os.system ["touch {marker}"]\n')
    result = synthocr("plan", config, "-o", tmp_path / "p.parquet")
    assert result.clean_error and "python/object" in result.err, result
    result = synthocr(
        "plan", ws.config(), "-o", tmp_path / "p.parquet", f'seed=!!python/object/apply:os.system ["touch {marker}"]'
    )
    assert result.clean_error, result
    assert not marker.exists()
    outcome("clean_error")


def test_no_unsafe_deserialisation_or_eval_in_the_library():
    """No pickle of user data, no unsafe YAML, no eval/exec: a source scan (analysis/ included)."""
    pattern = re.compile(
        r"\bpickle\.loads?\(|read_pickle|allow_pickle=True|yaml\.load\(|unsafe_load|"
        r"yaml\.Loader|(?<![.\w])eval\(|(?<![.\w])exec\(|joblib\.load\("
    )
    hits = [
        f"{p.relative_to(SRC)}:{i}: {line.strip()}"
        for p in SRC.rglob("*.py")
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert hits == []


@pytest.mark.parametrize(
    "query",
    [
        "font_size.__class__",
        "font_size.__class__.__mro__",
        "__import__('os').system('true')",
        "abs(font_size) > 1",
        "text.str.len() > 3",
        "font_size.values",
        "(font_size > 1).all()",
        "@x > 1",
        "os == 1",
        "text[0] == 'a'",
        "lambda: 1",
        "[c for c in text]",
    ],
)
def test_where_refuses_anything_but_columns_and_literals(ws, synthocr, outcome, query):
    plan = ws.plan(synthocr)
    result = synthocr("render", plan, "-o", ws.root / "out", "--where", query, "--dry-run")
    assert result.clean_error and "--where" in result.err, result
    outcome("clean_error")


def test_where_still_takes_plain_queries(ws, synthocr):
    plan = ws.plan(synthocr)
    result = synthocr(
        "render",
        plan,
        "-o",
        ws.root / "out",
        "--dry-run",
        "--where",
        "spec == 'default' and font_size >= 1 and not (rotation_angle > 500) or image_id in [1, 2]",
    )
    assert result.code == 0 and "would render 6 of 6" in result.out, result


@pytest.mark.parametrize("pattern", ["../*.txt", "/etc/*", "../../**/*", "**/../../*"])
def test_corpus_and_font_globs_cannot_leave_their_dirs(ws, synthocr, outcome, pattern, tmp_path):
    (tmp_path / "outside.txt").write_text("secret words from outside the corpus dir\n")
    config = ws.config(specifications=[{"corpus_file": pattern, "font_filter": pattern}])
    result = synthocr("plan", config, "-o", tmp_path / "p.parquet")
    assert result.clean_error and "corpus_file" in result.err and "font_filter" in result.err, result
    outcome("clean_error")


def _tamper(plan: Path, column: str, value: str) -> Path:
    table = pq.read_table(plan)
    i = table.schema.get_field_index(column)
    field = table.schema.field(i)
    column_values = pa.array([value] * table.num_rows, pa.string())
    if pa.types.is_dictionary(field.type):
        column_values = column_values.dictionary_encode().cast(field.type)
    table = table.set_column(i, field, column_values)
    out = plan.with_name(f"tampered-{column}.parquet")
    pq.write_table(table, out)
    return out


@pytest.mark.parametrize("name", ["../escape", "a/../../escape", "/tmp/escape", "a\x00b"])
def test_plan_output_name_outside_the_output_dir_is_refused(ws, synthocr, outcome, name):
    bad = _tamper(ws.plan(synthocr), "output_name", name)
    out = ws.root / "out" / "inner"
    result = synthocr("render", bad, "-o", out, "--workers", "1", "--quiet")
    assert result.clean_error and "output_name" in result.err, result
    assert not (ws.root / "out").exists() and not (ws.root / "escape.png").exists()
    outcome("clean_error")


@pytest.mark.parametrize(
    "column,value",
    [
        ("font", "../../../../../../etc/passwd"),
        ("font", "/etc/passwd"),
        ("background_file", "../../../../../../etc/passwd"),
    ],
)
def test_plan_asset_paths_outside_their_roots_fail_their_rows(ws, synthocr, outcome, column, value):
    plan = ws.plan(synthocr, ws.config(backgrounds=False))
    if column == "background_file":
        table = pq.read_table(plan)
        i = table.schema.get_field_index("background_kind")
        kinds = pa.array(["image"] * table.num_rows, pa.string()).dictionary_encode().cast(table.schema.field(i).type)
        pq.write_table(table.set_column(i, table.schema.field(i), kinds), plan)
    bad = _tamper(plan, column, value)
    out = ws.root / "out"
    result = synthocr("render", bad, "-o", out, "--workers", "1", "--quiet")
    assert result.code == 1 and "Traceback" not in result.err, result
    log = (out / "_render_state.jsonl").read_text()
    assert log.count('"failed"') == 6 and ("outside" in log or "no background directory" in log), log
    assert not list(out.rglob("image_*"))
    outcome("clean_error")


def test_output_shard_symlinked_out_of_the_output_dir_is_not_written(ws, synthocr, outcome, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    out = ws.root / "out"
    out.mkdir()
    (out / "00000").symlink_to(elsewhere)
    result = synthocr("render", ws.plan(synthocr), "-o", out, "--workers", "1", "--quiet")
    assert result.code in (1, 2) and "Traceback" not in result.err, result
    assert list(elsewhere.iterdir()) == []
    outcome("clean_error")
