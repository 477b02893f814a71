"""Hostile request files: bad rows go to the rejected CSV with their reason; unreadable files are a clean error."""

from __future__ import annotations

import csv
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

GOOD = {"text": "Invoice 4471", "output_name": "ok/invoice"}

# name -> (file name, rows of JSONL or raw text, expected error_type of the bad row)
BAD_ROWS = {
    "json_array": ("r.jsonl", "[1, 2, 3]", "invalid_json"),
    "json_string": ("r.jsonl", '"just a string"', "invalid_json"),
    "json_number": ("r.jsonl", "42", "invalid_json"),
    "json_broken": ("r.jsonl", '{"text": "unterminated', "invalid_json"),
    "font_size_text": ("r.jsonl", {"font_size": "big"}, "invalid_type"),
    "font_size_nan": ("r.jsonl", '{"font_size": NaN}', "invalid_type"),
    "font_size_huge": ("r.jsonl", {"font_size": 10**30}, "out_of_range"),
    "seed_negative": ("r.jsonl", {"seed": -5}, "out_of_range"),
    "seed_bool": ("r.jsonl", {"seed": True}, "invalid_type"),
    "text_number": ("r.jsonl", {"text": 12345}, "invalid_type"),
    "text_object": ("r.jsonl", {"text": {"a": 1}}, "invalid_type"),
    "text_nul": ("r.jsonl", {"text": "a\x00b"}, "uncovered_text"),
    "text_newline": ("r.jsonl", {"text": "two\nlines"}, "invalid_value"),
    "image_id": ("r.jsonl", {"image_id": 3}, "unknown_column"),
    "unknown_column": ("r.jsonl", {"txet": "typo"}, "unknown_column"),
    "font_traversal": ("r.jsonl", {"font": "../../etc/passwd"}, "unknown_font"),
    "background_traversal": ("r.jsonl", {"background_file": "/etc/passwd"}, "unknown_background"),
    "name_dotdot": ("r.jsonl", {"output_name": "../escape"}, "invalid_output_name"),
    "name_dotdot_inner": ("r.jsonl", {"output_name": "a/../../escape"}, "invalid_output_name"),
    "name_absolute": ("r.jsonl", {"output_name": "/etc/cron.d/x"}, "invalid_output_name"),
    "name_windows": ("r.jsonl", {"output_name": "C:\\\\x"}, "invalid_output_name"),
    "name_nul": ("r.jsonl", {"output_name": "a\x00b"}, "invalid_output_name"),
    "name_control": ("r.jsonl", {"output_name": "a\nb"}, "invalid_output_name"),
    "name_long_component": ("r.jsonl", {"output_name": "x" * 250}, "invalid_output_name"),
    "name_long_path": ("r.jsonl", {"output_name": "/".join(["d" * 100] * 40)}, "invalid_output_name"),
    "name_hidden": ("r.jsonl", {"output_name": ".hidden"}, "invalid_output_name"),
    "name_duplicate": ("r.jsonl", GOOD, "duplicate_output_name"),
    "csv_bad_quoting": ("r.csv", '"Invoice 9,ok/x\n', "invalid_row"),  # unterminated quote
    "csv_too_many_fields": ("r.csv", "a,b,c,d\n", "invalid_row"),
}


def _line(row) -> str:
    return row if isinstance(row, str) else json.dumps(row)


@pytest.mark.parametrize("case", BAD_ROWS)
def test_bad_row_is_rejected_and_the_rest_plans(ws, synthocr, outcome, case):
    name, row, error_type = BAD_ROWS[case]
    path = ws.root / name
    if name.endswith(".csv"):
        path.write_text("text,output_name\nInvoice 4471,ok/invoice\n" + row, encoding="utf-8")
    else:
        path.write_text(json.dumps(GOOD) + "\n" + _line(row) + "\n", encoding="utf-8")
    plan = ws.root / "p.parquet"
    result = synthocr("plan", ws.config(), "-o", plan, "--requests", path)
    assert result.code == 0, result
    assert "rejected 1 of 2 requests" in result.out
    with open(f"{path}.rejected.csv", newline="", encoding="utf-8") as fh:
        rejected = list(csv.DictReader(fh))
    assert [r["error_type"] for r in rejected] == [error_type], rejected
    assert pq.read_table(plan, columns=["output_name"]).column("output_name").to_pylist() == ["ok/invoice"]
    outcome("excluded")


UNREADABLE = {
    "csv_nul_bytes": ("r.csv", b"text\nab\x00cd\n"),
    "csv_invalid_utf8": ("r.csv", b"text\ncaf\xe9\n"),
    "csv_huge_field": ("r.csv", b"text\n" + b"x" * 300_000 + b"\n"),
    "parquet_garbage": ("r.parquet", b"PAR1 not really parquet"),
    "json_whole_array": ("r.json", json.dumps([GOOD]).encode()),
    "empty_csv": ("r.csv", b""),
    "header_only": ("r.csv", b"text,font\n"),
    "unknown_extension": ("r.xlsx", b"PK\x03\x04"),
}


@pytest.mark.parametrize("case", UNREADABLE)
def test_unusable_request_file_is_a_clean_error(ws, synthocr, outcome, case):
    name, data = UNREADABLE[case]
    path = ws.root / name
    path.write_bytes(data)
    plan = ws.root / "p.parquet"
    result = synthocr("plan", ws.config(), "-o", plan, "--requests", path)
    assert result.clean_error, result
    assert not plan.exists()
    outcome("clean_error")


def test_parquet_request_with_wrong_types(ws, synthocr, outcome):
    path = ws.root / "r.parquet"
    pq.write_table(
        pa.table(
            {"font_size": ["30", "big"], "text": ["Invoice one", "Invoice two"], "rotation_angle": [1.0, float("inf")]}
        ),
        path,
    )
    result = synthocr("plan", ws.config(), "-o", ws.root / "p.parquet", "--requests", path)
    assert result.code == 0 and "rejected 1 of 2" in result.out, result
    outcome("excluded")


def test_request_file_that_is_a_directory(ws, synthocr, outcome):
    (ws.root / "d.csv").mkdir()
    result = synthocr("plan", ws.config(), "-o", ws.root / "p.parquet", "--requests", ws.root / "d.csv")
    assert result.clean_error, result
    outcome("clean_error")


def test_csv_with_a_byte_order_mark_plans_every_row(ws, synthocr, outcome):
    """Excel saves "CSV UTF-8" with a BOM; the header is still `text`, not `\\ufefftext`."""
    path = ws.root / "r.csv"
    path.write_bytes("text,output_name\nInvoice 1,a/one\nInvoice 2,a/two\n".encode("utf-8-sig"))
    plan = ws.root / "p.parquet"
    result = synthocr("plan", ws.config(), "-o", plan, "--requests", path)
    assert result.code == 0 and "rejected" not in result.out, result
    assert pq.read_table(plan, columns=["output_name"]).column("output_name").to_pylist() == ["a/one", "a/two"]
    outcome("planned")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_rejected_cells_cannot_run_as_spreadsheet_formulas(ws, synthocr, outcome, start):
    path = ws.root / "r.csv"
    cell = f'{start}HYPERLINK("http://example.invalid","x")'
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["text", "output_name", "txet"], ["Invoice 1", "a/one", ""], ["x", "a/two", cell]])
    result = synthocr("plan", ws.config(), "-o", ws.root / "p.parquet", "--requests", path)
    assert result.code == 0 and "rejected 1 of 2" in result.out, result
    with open(f"{path}.rejected.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))[1:]
    assert rows and all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for c in row), rows
    assert any("HYPERLINK" in c for row in rows for c in row)  # the content is kept, only neutralised
    outcome("excluded")
