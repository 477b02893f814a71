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
