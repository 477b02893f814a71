"""`synthocr collect`: one Parquet table of plan rows + geometry, complete, or listing the plan rows that are missing."""

from __future__ import annotations

import json
import shutil

import pyarrow.parquet as pq
import pytest

from analysis_helpers import plan_and_render
from synthocr.analysis.collect import LABEL_FIELDS


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    return plan_and_render(tmp_path_factory.mktemp("collect"))


def test_complete_render_collects_every_row(cli, rendered, tmp_path):
    dest = tmp_path / "labels.parquet"
    code, out, _ = cli("collect", rendered.out, "-o", dest)
    assert code == 0 and "collected 12 labels" in out and "0 plan rows missing" in out
    table = pq.read_table(dest)
    plan = pq.read_table(rendered.plan)
    assert table.column_names == plan.column_names + [f.name for f in LABEL_FIELDS]
    assert table.select(plan.column_names).equals(plan)  # plan columns with the plan's own types, in plan order
    meta = pq.read_schema(dest).metadata
    assert meta[b"synthocr.plan_fingerprint"] == pq.read_schema(rendered.plan).metadata[b"synthocr.plan_fingerprint"]
    # Geometry as nested lists, equal to the label files.
    columns = ["image_id", "image", "label", "width", "height", "chars", "words", "line", "baseline"]
    for row in table.select(columns).to_pylist():
        label = json.loads((rendered.out / row["label"]).read_text())
        assert (rendered.out / row["image"]).is_file() and label["image_id"] == row["image_id"]
        assert (row["width"], row["height"]) == (label["width"], label["height"])
        baseline = label["line"].pop("baseline")
        assert row["words"] == label["words"] and row["chars"] == label["chars"] and row["line"] == label["line"]
        assert row["baseline"] == baseline and len(baseline) >= 2


def test_missing_rows_are_listed(cli, rendered, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(rendered.out, out)
    (out / "00000" / "image_00000003.json").unlink()  # no label: unfinished
    (out / "00000" / "image_00000007.png").unlink()  # no image: unfinished
    dest = tmp_path / "labels.parquet"
    code, text, err = cli("collect", out, "-o", dest, "--plan", rendered.plan)
    assert code == 1
    assert "collected 10 labels" in text and "2 plan rows missing" in text
    assert "missing image_id: 3, 7" in err and f"synthocr render {rendered.plan}" in err
    assert sorted(pq.read_table(dest, columns=["image_id"]).column(0).to_pylist()) == [0, 1, 2, 4, 5, 6, 8, 9, 10, 11]

    # Rendering the missing rows completes the set.
    assert cli("render", rendered.plan, "-o", out, "--workers", 1, "--quiet")[0] == 0
    code, text, _ = cli("collect", out, "-o", dest, "--plan", rendered.plan)
    assert code == 0 and "collected 12 labels" in text


def test_outputs_not_in_the_plan_are_left_out(cli, rendered, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(rendered.out, out)
    for ext in ("png", "json"):
        shutil.copy(out / "00000" / f"image_00000000.{ext}", out / "00000" / f"stray.{ext}")
    code, text, err = cli("collect", out, "-o", tmp_path / "l.parquet")
    assert code == 0 and "collected 12 labels" in text and "1 outputs not in the plan" in text
    assert "00000/stray" in err


def test_plan_found_from_checkpoint_or_given(cli, rendered, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(rendered.out, out)
    (out / ".generation_checkpoint.json").unlink()
    code, _, err = cli("collect", out, "-o", tmp_path / "l.parquet")
    assert code == 2 and "--plan" in err
    assert cli("collect", out, "-o", tmp_path / "l.parquet", "--plan", rendered.plan)[0] == 0


def test_label_that_disagrees_with_its_plan_row_is_not_collected(cli, rendered, tmp_path, caplog):
    """A label naming another row is not a finished output (renderer.finished): collect reports the row
    missing, as status does, instead of joining the wrong plan row to it."""
    out = tmp_path / "out"
    shutil.copytree(rendered.out, out)
    label = out / "00000" / "image_00000002.json"
    data = json.loads(label.read_text())
    data["image_id"] = data["params"]["image_id"] = 5
    label.write_text(json.dumps(data))
    code, _, err = cli("collect", out, "-o", tmp_path / "l.parquet", "--plan", rendered.plan)
    assert code == 1 and "missing image_id: 2;" in err
    assert "image_00000002 is not finished (the label has image_id 5, the plan row 2)" in caplog.text
    assert 2 not in pq.read_table(tmp_path / "l.parquet").column("image_id").to_pylist()


def test_empty_output_dir_is_a_user_error(cli, rendered, tmp_path):
    code, _, err = cli("collect", tmp_path, "-o", tmp_path / "l.parquet", "--plan", rendered.plan)
    assert code == 2 and "no finished outputs" in err
