"""Request files through the CLI: good and bad rows, the rejected file, and 'no valid requests'."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from helpers import plan_requests
from synthocr.schemas.output_names import check_output_name

CSV_ROWS = """\
text,font,font_size,output_name,spec,rotation_angle
Hello world,DejaVuSans.ttf,30,words/hello,,
,,,,arabic,
bad,NoSuch.ttf,,,,
x,,5000,,,
y,,,../escape,,
,,,,nospec,
שלום,DejaVuSerif.ttf,,,,
ok,,,words/hello,,
"""


def _rejected(path: Path) -> list[dict[str, str]]:
    with open(str(path) + ".rejected.csv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_csv_good_and_bad_rows(cli, tiny_config_path, tmp_path):
    requests = tmp_path / "req.csv"
    requests.write_text(CSV_ROWS, encoding="utf-8")
    plan = tmp_path / "plan.parquet"
    code, out, err = cli("plan", tiny_config_path, "--requests", requests, "-o", plan)
    assert code == 0, err
    assert "rejected 6 of 8 requests" in out
    frame = pd.read_parquet(plan)
    assert len(frame) == 2
    first = frame.iloc[0]
    assert (first.text, first.font, first.font_size, first.output_name) == (
        "Hello world",
        "DejaVuSans.ttf",
        30,
        "words/hello",
    )
    assert first.corpus_file == "" and first.corpus_line == -1  # the text came from the request
    assert frame.iloc[1].spec == "arabic" and frame.iloc[1].corpus_file == "arabic.txt"
    rejected = _rejected(requests)
    assert list(rejected[0]) == ["row_number", "error_type", "error_message", "raw_data"]
    got = [(r["row_number"], r["error_type"]) for r in rejected]
    assert got == [
        ("3", "unknown_font"),
        ("4", "out_of_range"),
        ("5", "invalid_output_name"),
        ("6", "unknown_spec"),
        ("7", "uncovered_text"),
        ("8", "duplicate_output_name"),
    ]
    assert rejected[0]["raw_data"] == "bad,NoSuch.ttf,,,,"
    assert "NoSuch.ttf" in rejected[0]["error_message"]
    assert "'..'" in rejected[2]["error_message"]


def test_jsonl_rows_and_bad_json(cli, tiny_config_path, tmp_path):
    requests = tmp_path / "req.jsonl"
    requests.write_text(
        '{"text": "plain words", "blur_radius": 0.5, "spec": "latin", "ink_color": "pen_red"}\n'
        "{not json\n"
        '{"txet": "typo"}\n'
        '{"image_id": 4}\n'
        '{"rotation_angle": 500}\n',
        encoding="utf-8",
    )
    plan = tmp_path / "plan.parquet"
    code, out, err = cli("plan", tiny_config_path, "--requests", requests, "-o", plan)
    assert code == 0, err
    frame = pd.read_parquet(plan)
    assert len(frame) == 1
    row = frame.iloc[0]
    assert row.text == "plain words" and row.blur_radius == pytest.approx(0.5) and row.ink_color == "pen_red"
    assert int(row.ink_r) > int(row.ink_g) + 40  # the colour is drawn in the requested mode: red
    types = [(r["row_number"], r["error_type"]) for r in _rejected(requests)]
    assert types == [("2", "invalid_json"), ("3", "unknown_column"), ("4", "unknown_column"), ("5", "out_of_range")]
    assert "did you mean 'text'" in _rejected(requests)[1]["error_message"]


def test_parquet_requests_and_format_option(cli, tiny_config_path, tmp_path):
    requests = tmp_path / "req.data"
    pq.write_table(pa.table({"text": ["first", None], "font_size": [25, 26]}), requests)
    plan = tmp_path / "plan.parquet"
    code, _, err = cli("plan", tiny_config_path, "--requests", requests, "--format", "parquet", "-o", plan)
    assert code == 0, err
    frame = pd.read_parquet(plan)
    assert frame.font_size.tolist() == [25, 26] and frame.text[0] == "first"
    assert not Path(str(requests) + ".rejected.csv").exists()
    code, _, err = cli("plan", tiny_config_path, "--requests", requests, "-o", plan)
    assert code == 2 and "--format" in err


def test_no_valid_requests_exits_2(cli, tiny_config_path, tmp_path):
    requests = tmp_path / "req.jsonl"
    requests.write_text('{"font": "Missing.ttf"}\n', encoding="utf-8")
    plan = tmp_path / "plan.parquet"
    code, _, err = cli("plan", tiny_config_path, "--requests", requests, "-o", plan)
    assert code == 2
    assert "no valid requests" in err and f"{requests}.rejected.csv" in err
    assert "Traceback" not in err and not plan.exists()


def test_requested_plan_is_deterministic(cli, tiny_config_path, tmp_path):
    requests = tmp_path / "req.csv"
    requests.write_text(CSV_ROWS, encoding="utf-8")
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    assert cli("plan", tiny_config_path, "--requests", requests, "-o", a)[0] == 0
    assert cli("plan", tiny_config_path, "--requests", requests, "-o", b)[0] == 0
    assert a.read_bytes() == b.read_bytes()
    meta = pq.read_schema(a).metadata
    assert json.loads(meta[b"synthocr.rows"]) == 2


@pytest.mark.parametrize(
    "name, ok",
    [
        ("a/b", True),
        ("x", True),
        ("../x", False),
        ("a/../../x", False),
        ("/etc/x", False),
        ("C:/x", False),
        ("a\\b", False),
        ("", False),
        ("a//b", False),
        ("./a", False),
        ("_hidden/a", False),
        ("a/image_00000001", False),
    ],
)
def test_output_name_rules(name, ok):
    assert (check_output_name(name) == "") is ok


def test_a_request_direction_may_be_auto(cli, tiny_config_path, tmp_path):
    """`auto` in a request's text_direction takes the direction of the request's text, as in a spec."""
    requests = tmp_path / "req.csv"
    rows = "text,text_direction\nمرحبا بالعالم.,auto\nHello there,auto\nשלום עולם,auto\nabc,rtl\n"
    requests.write_text(rows, encoding="utf-8")
    plan = tmp_path / "plan.parquet"
    code, _, err = cli("plan", tiny_config_path, "--requests", requests, "-o", plan)
    assert code == 0, err
    frame = pd.read_parquet(plan)
    assert frame.text_direction.astype(str).tolist() == ["rtl", "ltr", "rtl", "rtl"]
    requests.write_text("text,text_direction\nabc,sideways\n", encoding="utf-8")
    code, out, _ = cli("plan", tiny_config_path, "--requests", requests, "-o", tmp_path / "p2.parquet")
    rejected = _rejected(requests)
    assert rejected[0]["error_type"] == "invalid_value" and "'auto'" in rejected[0]["error_message"]


def test_a_request_text_with_a_line_separator_is_refused(cli, tiny_config_path, tmp_path):
    """U+2028 and its kin end a line (str.splitlines), and U+1680 is a space drawn as a stroke: neither fits
    one line whose label takes whitespace for a gap, so the row is rejected with the character named."""
    requests = tmp_path / "req.jsonl"
    rows = ["two\u2028lines", "page\x0cbreak", "next\x85line", "ogham\u1680mark", "fine text"]
    requests.write_text("".join(json.dumps({"text": t}) + "\n" for t in rows), encoding="utf-8")
    plan = tmp_path / "plan.parquet"
    code, out, err = cli("plan", tiny_config_path, "--requests", requests, "-o", plan)
    assert code == 0, err
    assert pd.read_parquet(plan).text.tolist() == ["fine text"]
    rejected = _rejected(requests)
    assert [r["error_type"] for r in rejected] == ["invalid_value"] * 4
    assert "U+2028 LINE SEPARATOR" in rejected[0]["error_message"]
    assert "U+1680 OGHAM SPACE MARK" in rejected[3]["error_message"]


def test_a_request_may_give_the_language(cli, tiny_config_path, tmp_path):
    content = "text,language\nБеоград,sr\nMoscow,\nbad,not a tag\n"
    plan, requests = plan_requests(cli, tiny_config_path, tmp_path, content)
    assert pd.read_parquet(plan).language.astype(str).tolist() == ["sr", ""]
    rejected = _rejected(requests)
    assert rejected[0]["error_type"] == "invalid_value" and "BCP 47" in rejected[0]["error_message"]


def test_spreadsheet_csv_with_semicolons_or_in_windows_1252(cli, tiny_config_path, tmp_path):
    """Excel in a decimal-comma locale writes ';'-separated CSV: read as such (every row was rejected with
    "text;font_size: not a plan column"). Its plain "CSV" is Windows-1252: a clear error with what to do."""
    requests, plan = tmp_path / "de.csv", tmp_path / "plan.parquet"
    requests.write_bytes('text;font_size\r\nMüller Straße;30\r\n"a;b";31\r\n'.encode("utf-8-sig"))
    code, _, err = cli("plan", tiny_config_path, "--requests", requests, "-o", plan)
    assert code == 0, err
    frame = pd.read_parquet(plan)
    assert frame.text.tolist() == ["Müller Straße", "a;b"] and frame.font_size.tolist() == [30, 31]
    requests.write_bytes("text;font_size\r\nMüller Straße;30\r\n".encode("cp1252"))
    code, _, err = cli("plan", tiny_config_path, "--requests", requests, "-o", plan)
    assert code == 2 and "is not UTF-8 text (invalid byte at offset 17" in err and "CSV UTF-8" in err
    # Excel's "Unicode Text": UTF-16 with its byte-order mark, tab-separated, read by the mark.
    requests.write_bytes("text\tfont_size\r\nMüller Straße\t30\r\n".encode("utf-16"))
    code, _, err = cli("plan", tiny_config_path, "--requests", requests, "-o", plan)
    assert code == 0, err
    assert pd.read_parquet(plan).text.tolist() == ["Müller Straße"]
    requests.write_bytes("text,font_size\nHi there,30\n".encode("utf-16") + b"\x41")  # ends inside a character
    code, _, err = cli("plan", tiny_config_path, "--requests", requests, "-o", plan)
    assert code == 2 and "cannot be read as csv" in err and "Traceback" not in err


DEFAULT_CONFIG = Path(__file__).resolve().parents[1] / "configs" / "default.yaml"


def test_a_row_without_spec_goes_to_a_specification_that_can_draw_it(cli, tmp_path):
    """The allocation gave a requested Arabic text to the Greek specification (DejaVu Serif: no Arabic) and
    stopped the whole plan ("after 20 tries, no font ... covers every character of texts from 'greek.txt'");
    a font asked for alone went to a specification whose corpus it cannot draw ("the requested font covers no
    text drawn from 'latin.txt'"). Such a row now takes a specification that can draw it, from a row that
    may have any, so the allocation's counts stand."""
    rows = [{"font_size": 30}] * 30
    free, _ = plan_requests(cli, DEFAULT_CONFIG, tmp_path, "".join(json.dumps(r) + "\n" for r in rows), "free.jsonl")
    allocated = pd.read_parquet(free).spec.astype(str)
    rows = [{"text": "لا سلام"} if i % 3 == 0 else r for i, r in enumerate(rows)]
    rows[1] = rows[2] = {"font": "NotoSansHebrew-Regular.ttf"}
    plan, _ = plan_requests(cli, DEFAULT_CONFIG, tmp_path, "".join(json.dumps(r) + "\n" for r in rows), "req.jsonl")
    frame = pd.read_parquet(plan)
    assert sorted(frame.spec.astype(str)) == sorted(allocated)
    arabic = frame[frame.text == "لا سلام"]
    assert len(arabic) == 10 and not arabic.font.isin(["DejaVuSerif.ttf", "NotoSansHebrew-Regular.ttf"]).any()
    assert (frame.spec.astype(str)[[1, 2]] == "hebrew").all()
    assert (
        frame.spec.astype(str)[[i for i in range(30) if i % 3 and i > 2]]
        == allocated[[i for i in range(30) if i % 3 and i > 2]]
    ).sum() > 10


def test_a_request_outside_the_image_fractions_is_rejected(cli, tiny_config_path, tmp_path):
    """background_x, background_y and min_contrast were checked only when the plan was written, a traceback
    ('PlanError ... 100.0 is not a finite number in the allowed range')."""
    requests = tmp_path / "req.jsonl"
    requests.write_text('{"background_y": 100.0}\n{"min_contrast": 0.5}\n{"background_x": 0.25}\n', encoding="utf-8")
    plan = tmp_path / "plan.parquet"
    code, _, err = cli("plan", tiny_config_path, "--requests", requests, "-o", plan)
    assert code == 0, err
    rejected = _rejected(requests)
    assert [r["error_type"] for r in rejected] == ["out_of_range", "out_of_range"]
    assert "background_y: 100.0 is outside the allowed range [0.0, 1.0]" in rejected[0]["error_message"]
    assert pd.read_parquet(plan).background_x.tolist() == [0.25]


def test_fit_specs_keeps_the_allocation_counts_where_rows_may_swap():
    from synthocr.planner.requests import fit_specs

    rng = np.random.default_rng(0)
    specs = rng.integers(0, 4, 2000).astype(np.int16)
    only = np.array([False, True, False, True])
    allowed = [None if rng.random() < 0.5 else only for _ in specs]
    out = fit_specs(specs, allowed)
    assert all(mask is None or mask[s] for mask, s in zip(allowed, out))
    assert np.array_equal(np.bincount(out, minlength=4), np.bincount(specs, minlength=4))
    kept = [i for i, mask in enumerate(allowed) if mask is not None and mask[specs[i]]]
    assert np.array_equal(out[kept], specs[kept])  # a row that fits keeps its spec
    # No row may take spec 0 or 2: those rows go to 1 and 3 in proportion to their shares
    out = fit_specs(specs, [only] * len(specs))
    counts = np.bincount(out, minlength=4)
    share = np.sum(specs == 1) / np.sum((specs == 1) | (specs == 3))
    assert counts[0] == counts[2] == 0 and abs(counts[1] - len(specs) * share) <= 1


def test_the_columns_the_planner_derives_are_refused(cli, tiny_config_path, tmp_path):
    """A requested font_sha1 was kept unchecked and the row failed to render ('the font changed'); a requested
    corpus_file or corpus_line was written beside a text from elsewhere."""
    requests = tmp_path / "req.csv"
    requests.write_text(
        "text,font,font_sha1,corpus_file,corpus_line\n"
        "Hello there,DejaVuSans.ttf,abc,,\n"
        "Hello there,,,x.txt,\n"
        ",,,,5\n"
        "Hello there,,,,\n",
        encoding="utf-8",
    )
    plan = tmp_path / "plan.parquet"
    code, _, err = cli("plan", tiny_config_path, "--requests", requests, "-o", plan)
    assert code == 0, err
    rejected = _rejected(requests)
    assert [(r["row_number"], r["error_type"]) for r in rejected] == [
        ("1", "unknown_column"),
        ("2", "unknown_column"),
        ("3", "unknown_column"),
    ]
    assert rejected[0]["error_message"].startswith("font_sha1: cannot be requested")
    frame = pd.read_parquet(plan)
    assert frame.text.tolist() == ["Hello there"] and frame.corpus_line.tolist() == [-1]
