"""Selections handed over from pandas: `render --ids FILE` and a plan subset written by DataFrame.to_parquet,
both giving the same bytes as the full plan for those rows; the checkpoint names the plan from anywhere."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis_helpers import plan_and_render


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    return plan_and_render(tmp_path_factory.mktemp("handover"), total_images=12)


def files(out) -> dict[str, bytes]:
    """Every image and label under an output dir (not its records), by relative path."""
    return {
        str(p.relative_to(out)): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and not any(part.startswith((".", "_")) for part in p.relative_to(out).parts)
    }


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["txt", "csv", "parquet"])
def test_pandas_selection_renders_the_same_bytes(cli, full, tmp_path, kind, caplog):
    plan = pd.read_parquet(full.plan)
    picked = plan[(plan.spec != "latin") | (plan.font_size > plan.font_size.median())]
    assert 0 < len(picked) < len(plan)
    ids = tmp_path / f"ids.{kind}"
    if kind == "txt":
        ids.write_text("# chosen in pandas\n" + "\n".join(map(str, picked.image_id)) + "\n")
    elif kind == "csv":
        picked[["image_id", "spec"]].to_csv(ids, index=False)
    else:
        picked[["image_id"]].to_parquet(ids)
    by_ids = tmp_path / "by-ids"
    code, out, err = cli("render", full.plan, "-o", by_ids, "--ids", ids, "--workers", "1", "--quiet")
    assert code == 0, err
    reference = files(full.out)
    got = files(by_ids)
    assert len(got) == 2 * len(picked) and all(got[k] == reference[k] for k in got)

    subset = tmp_path / "subset.parquet"
    picked.to_parquet(subset)  # pandas drops synthocr's metadata and adds its index column
    by_subset = tmp_path / "by-subset"
    args = ("render", subset, "-o", by_subset, "--workers", "1", "--quiet")
    code, _, err = cli(*args)
    assert code == 2 and "--metadata-from" in err and "no synthocr metadata" in err
    code, _, err = cli(*args, "--metadata-from", full.plan)
    assert code == 0, err
    assert "provenance beyond that is lost" in caplog.text  # the warning that the rows lost their metadata
    assert files(by_subset) == got
    # The checkpoint names the full plan (absolute), so collect works from anywhere and sees the rows missing.
    record = json.loads((by_subset / ".generation_checkpoint.json").read_text())
    assert record["plan_path"] == str(full.plan.resolve())
    code, _, _ = cli("render", subset, "-o", by_subset, "--workers", "1", "--quiet")  # resumes: nothing left
    assert code == 0


def test_subset_rows_are_checked(cli, full, tmp_path):
    plan = pd.read_parquet(full.plan)
    bad = plan.head(3).copy()
    bad["font_size"] = -5
    bad.to_parquet(tmp_path / "bad.parquet")
    code, _, err = cli("render", tmp_path / "bad.parquet", "-o", tmp_path / "o", "--metadata-from", full.plan)
    assert code == 2 and "font_size" in err
    plan.head(3).drop(columns=["seed"]).to_parquet(tmp_path / "cols.parquet")
    code, _, err = cli("render", tmp_path / "cols.parquet", "-o", tmp_path / "o2", "--metadata-from", full.plan)
    assert code == 2 and "missing columns ['seed']" in err


def test_ids_errors(cli, full, tmp_path):
    (tmp_path / "ids.txt").write_text("1\n2\n999\n")
    code, _, err = cli("render", full.plan, "-o", tmp_path / "o", "--ids", tmp_path / "ids.txt", "--dry-run")
    assert code == 2 and "not in the plan: 999" in err
    (tmp_path / "ids.csv").write_text("id\n1\n")
    code, _, err = cli("render", full.plan, "-o", tmp_path / "o", "--ids", tmp_path / "ids.csv", "--dry-run")
    assert code == 2 and "no image_id column" in err
    (tmp_path / "x.txt").write_text("1\nseven\n")
    code, _, err = cli("render", full.plan, "-o", tmp_path / "o", "--ids", tmp_path / "x.txt", "--dry-run")
    assert code == 2 and "'seven'" in err
    many = tmp_path / "many.txt"
    many.write_text("\n".join(str(i) for i in range(0, 12, 2)))
    code, out, _ = cli("render", full.plan, "-o", tmp_path / "fresh", "--ids", many, "--dry-run")
    assert code == 0 and "would render 6 of 12" in out


def test_format_change_leaves_one_image_per_row(cli, tmp_path):
    rendered = plan_and_render(tmp_path, total_images=4)
    render = ("render", rendered.plan, "-o", rendered.out, "--workers", "1", "--quiet")
    assert cli(*render, "--format", "jpg", "--force", "--rows", "0-1")[0] == 0
    images = sorted(
        p.relative_to(rendered.out).as_posix() for p in rendered.out.rglob("image_*.*") if p.suffix != ".json"
    )
    assert len(images) == 4 and sum(i.endswith(".jpg") for i in images) == 2
    assert cli(*render, "--format", "webp", "--force")[0] == 0
    images = [p for p in rendered.out.rglob("image_*.*") if p.suffix != ".json"]
    assert len(images) == 4 and all(p.suffix == ".webp" for p in images)
    code, _, _ = cli("export", rendered.out, "--to", "doctr", "-o", tmp_path / "e")
    assert code == 0 and sorted(p.suffix for p in (tmp_path / "e" / "images").iterdir()) == [".webp"] * 4


def test_collect_reports_what_each_image_was_rendered_with(cli, tmp_path, monkeypatch):
    rendered = plan_and_render(tmp_path, total_images=4)
    plan = pd.read_parquet(rendered.plan)
    edited = plan.head(2).copy()
    edited["font_size"] = edited.font_size + 2  # changed in pandas: the plan file no longer says this
    edited.to_parquet(tmp_path / "edited.parquet")
    code, _, err = cli(
        "render", tmp_path / "edited.parquet", "-o", rendered.out, "--force", "--workers", "1", "--quiet"
    )
    assert code == 0, err
    monkeypatch.chdir(tmp_path / "out")  # the checkpoint's absolute plan path works from anywhere
    code, out, err = cli("collect", ".", "-o", tmp_path / "labels.parquet")
    assert code == 0 and "2 rendered with other parameters" in out and "image_id 0, 1" in err
    table = pd.read_parquet(tmp_path / "labels.parquet")
    assert table.font_size.tolist() == [*edited.font_size, *plan.font_size[2:]]
    assert [list(d) for d in table.plan_differs] == [["font_size"], ["font_size"], [], []]


def test_plan_rewritten_by_pyarrow_renders_the_same_bytes(cli, full, tmp_path):
    """pyarrow's set_column (and polars, Spark) write every column nullable and keep the metadata: such a plan
    is a plan when it holds no null, and its rows give the same bytes; a null is named by row and column."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(full.plan)
    nullable = pa.schema([f.with_nullable(True) for f in table.schema], metadata=table.schema.metadata)
    rewritten = tmp_path / "rewritten.parquet"
    pq.write_table(table.cast(nullable), rewritten)
    out = tmp_path / "out"
    code, _, err = cli("render", rewritten, "-o", out, "--workers", "1", "--quiet")
    assert code == 0, err
    assert files(out) == files(full.out)
    code, text, err = cli("status", rewritten, out)
    assert code == 0 and " 12 " in text, err

    ink = table.column("ink_r").to_pylist()
    ink[7] = None
    holed = table.cast(nullable).set_column(
        table.schema.get_field_index("ink_r"), nullable.field("ink_r"), pa.array(ink, nullable.field("ink_r").type)
    )
    for stats in (True, False):  # where the row groups' statistics are missing, the column is read
        path = tmp_path / f"null-{stats}.parquet"
        pq.write_table(holed, path, write_statistics=stats, row_group_size=5)
        code, _, err = cli("render", path, "-o", tmp_path / f"o-{stats}", "--workers", "1", "--quiet")
        assert code == 2 and "row 7, column 'ink_r' is empty (null)" in err, err
        assert "Traceback" not in err
