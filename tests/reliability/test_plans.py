"""Hostile plan files: `render` refuses with a clear message before writing anything."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from synthocr.schemas.plan import META_CONFIG, META_FINGERPRINT, META_ROOTS


def _rewrite(plan, path, table=None, **meta):
    table = table if table is not None else pq.read_table(plan)
    old = table.schema.metadata or {}
    table = table.replace_schema_metadata({**old, **{k.encode(): v.encode() for k, v in meta.items()}})
    pq.write_table(table, path)


def other_tool(plan, path):
    pq.write_table(pa.table({"a": [1, 2], "b": ["x", "y"]}), path)


def missing_column(plan, path):
    _rewrite(plan, path, pq.read_table(plan).drop_columns(["font_size"]))


def wrong_type(plan, path):
    table = pq.read_table(plan)
    i = table.schema.get_field_index("font_size")
    _rewrite(plan, path, table.set_column(i, "font_size", pc.cast(table.column(i), pa.float64())))


def duplicate_ids(plan, path):
    table = pq.read_table(plan)
    _rewrite(plan, path, pa.concat_tables([table, table]))


def out_of_range(plan, path):
    table = pq.read_table(plan)
    i = table.schema.get_field_index("rotation_angle")
    _rewrite(plan, path, table.set_column(i, table.field(i), pa.array([1e9] * table.num_rows, pa.float32())))


def tampered_config(plan, path):
    meta = pq.read_schema(plan).metadata
    config = json.loads(meta[META_CONFIG.encode()])
    config["total_images"] += 1
    _rewrite(plan, path, **{META_CONFIG: json.dumps(config, sort_keys=True, separators=(",", ":"))})


def tampered_fingerprint(plan, path):
    _rewrite(plan, path, **{META_FINGERPRINT: "0" * 40})


def broken_roots(plan, path):
    _rewrite(plan, path, **{META_ROOTS: "{not json"})


def truncated_file(plan, path):
    path.write_bytes(plan.read_bytes()[:-200])


def empty_file(plan, path):
    path.write_bytes(b"")


def not_parquet(plan, path):
    path.write_text("image_id,text\n0,hello\n")


BAD_PLANS = {
    f.__name__: f
    for f in (
        other_tool,
        missing_column,
        wrong_type,
        duplicate_ids,
        out_of_range,
        tampered_config,
        tampered_fingerprint,
        broken_roots,
        truncated_file,
        empty_file,
        not_parquet,
    )
}


ROW_CASES = {"duplicate_ids", "out_of_range"}


@pytest.mark.parametrize("case", BAD_PLANS)
def test_bad_plan_is_refused_before_writing(ws, synthocr, outcome, case):
    good = ws.plan(synthocr)
    bad = ws.root / "bad.parquet"
    BAD_PLANS[case](good, bad)
    out = ws.root / "out"
    commands = [("render", bad, "-o", out, "--workers", "1", "--quiet")]
    if case not in ROW_CASES:  # status reads only ids and names: bad parameter values do not concern it
        commands.append(("status", bad, out))
    for command in commands:
        result = synthocr(*command)
        assert result.clean_error, (command, result)
        assert str(bad) in result.err
    assert not out.exists(), "nothing may be written for a refused plan"
    outcome("clean_error")


def test_plan_that_is_a_directory(ws, synthocr, outcome):
    (ws.root / "dir.parquet").mkdir()
    result = synthocr("render", ws.root / "dir.parquet", "-o", ws.root / "out")
    assert result.clean_error, result
    outcome("clean_error")


def _set(plan, path, column, values_at: dict[int, object]):
    """The plan with some values of one column replaced (cast to the column's type, or raw bytes for strings)."""
    table = pq.read_table(plan)
    i = table.schema.get_field_index(column)
    field = table.schema.field(i)
    values = table.column(i).to_pylist()
    for row, value in values_at.items():
        values[row] = value
    if any(isinstance(v, bytes) for v in values):  # bytes that need not be UTF-8, as another tool may write
        raw = [v if isinstance(v, bytes) else v.encode() for v in values]
        array = pa.array(raw, pa.binary()).view(pa.string())
    else:
        array = pa.array(values, field.type if not pa.types.is_dictionary(field.type) else pa.string())
        if pa.types.is_dictionary(field.type):
            array = array.dictionary_encode().cast(field.type)
    _rewrite(plan, path, table.set_column(i, field, array))


# case -> (column, {row: value}, words the error names)
BAD_VALUES = {
    "nan contrast": ("contrast_factor", {2: float("nan")}, "row 2"),
    "nan noise": ("noise_sigma", {1: float("nan")}, "row 1"),
    "nan rotation": ("rotation_angle", {3: float("nan")}, "rotation_angle"),
    "inf blur": ("blur_radius", {0: float("inf")}, "blur_radius"),
    "-inf brightness": ("brightness_offset", {4: float("-inf")}, "brightness_offset"),
    "background_x 1e30": ("background_x", {5: 1e30}, "background_x"),
    "background_y nan": ("background_y", {0: float("nan")}, "background_y"),
    "min_contrast 0": ("min_contrast", {1: 0.0}, "min_contrast"),
    "negative seed": ("seed", {2: -5}, "seed"),
    "negative image_id": ("image_id", {3: -1}, "image_id"),
    "padding past its range": ("padding_top", {0: 20000}, "padding_top"),
    "duplicate output_name": ("output_name", {1: "same", 2: "same"}, "row 2"),
    "hidden output_name": ("output_name", {0: ".hidden"}, ".hidden"),
    "output_name in a hidden folder": ("output_name", {0: "ok/.cache/x"}, "ok/.cache/x"),
    "underscore output_name": ("output_name", {4: "_done_index/x"}, "_done_index"),
    "output_name ending in /": ("output_name", {2: "dir/"}, "dir/"),
    "empty output_name": ("output_name", {3: ""}, "row 3"),
    "blank output_name": ("output_name", {3: "   "}, "row 3"),
    "output_name with //": ("output_name", {3: "a//b"}, "a//b"),
    "file where a folder goes": ("output_name", {0: "a", 1: "a.json/b"}, "'a'"),
    "image where a folder goes": ("output_name", {0: "x/a", 1: "x/a.png/b"}, "x/a"),
    "output_name not UTF-8": ("output_name", {1: b"caf\xe9"}, "UTF-8"),
}


@pytest.mark.parametrize("case", BAD_VALUES)
def test_bad_plan_value_is_refused_naming_row_and_column(ws, synthocr, outcome, case):
    column, values, words = BAD_VALUES[case]
    good = ws.plan(synthocr)
    bad = ws.root / "bad.parquet"
    _set(good, bad, column, values)
    out = ws.root / "out"
    commands = [("render", bad, "-o", out, "--workers", "1", "--quiet")]
    if column == "output_name":  # status counts outputs by name: a bad name would make its figures wrong
        commands.append(("status", bad, out))
    for command in commands:
        result = synthocr(*command)
        assert result.clean_error, (command, result)
        assert str(bad) in result.err and words in result.err, result.err
        assert "\n" not in result.err.strip()
    assert not out.exists(), "nothing may be written for a refused plan"
    outcome("clean_error")


TEXT_ROWS = {
    "text not UTF-8": b"caf\xe9 au lait",
    "text with a lone surrogate": "a\ud800b".encode("utf-8", "surrogatepass"),
    "text over the length bound": "word " * 2000,
}


@pytest.mark.parametrize("case", TEXT_ROWS)
def test_bad_text_fails_its_row_only(ws, synthocr, record_property, case):
    good = ws.plan(synthocr)
    bad = ws.root / "bad.parquet"
    _set(good, bad, "text", {2: TEXT_ROWS[case]})
    out = ws.root / "out"
    result = synthocr("render", bad, "-o", out, "--workers", "1", "--quiet")
    assert result.code == 1 and "Traceback" not in result.err, result
    assert "rendered 5," in result.out and "failed 1" in result.out, result
    assert not list(out.rglob("image_00000002.*"))
    state = [json.loads(line) for line in (out / "_render_state.jsonl").read_text().splitlines()]
    failed = [r for r in state if r.get("status") == "failed"]
    assert [r["image_id"] for r in failed] == [2]
    assert "UTF-8" in failed[0]["error_message"] or "characters long" in failed[0]["error_message"]
    status = synthocr("status", bad, out)
    assert status.code in (0, 1) and "Traceback" not in status.err, status
    record_property("outcomes", {"row_failure": 1})
