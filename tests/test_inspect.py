"""`synthocr inspect`: the per-specification table and JSON agree with pandas on a known plan; plots are real PNGs."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from PIL import Image

from analysis_helpers import plan_and_render
from synthocr.analysis.plots import plotted_columns, write_plots
from synthocr.analysis.summary import (
    EFFECT_OF_COLUMN,
    dominant_script,
    param_columns,
    read_plan_frame,
    summarise_plan,
)


@pytest.fixture(scope="module")
def plan(tmp_path_factory):
    return plan_and_render(tmp_path_factory.mktemp("inspect"), total_images=24, render=False).plan


def test_json_matches_pandas(cli, plan):
    code, out, _ = cli("inspect", plan, "--json", "--top", "2")
    assert code == 0
    summary = json.loads(out)
    df = pd.read_parquet(plan)
    assert summary["rows"] == 24
    assert [s["name"] for s in summary["specs"]] == ["latin", "arabic", "hebrew", "all"]
    for s in summary["specs"]:
        part = df if s["name"] == "all" else df[df.spec == s["name"]]
        assert s["rows"] == len(part)
        assert s["fonts"] == part.font.astype(str).nunique()
        counts = part.font.astype(str).value_counts()
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))  # most rows first, ties by name
        assert s["top_fonts"] == [[f, n] for f, n in ranked[:2]]
        lengths = part.text.str.len()
        assert s["text_length"] == {"min": lengths.min(), "mean": pytest.approx(lengths.mean()), "max": lengths.max()}
        for col in param_columns():
            got = s["params"][col]
            assert got["min"] == pytest.approx(float(part[col].min()))
            assert got["mean"] == pytest.approx(float(part[col].astype(np.float64).mean()))
            assert got["max"] == pytest.approx(float(part[col].max()))
    by_name = {s["name"]: s for s in summary["specs"]}
    # The known config: 2:1:1 proportions, rtl Arabic and Hebrew, latin rotated within ±5 degrees.
    assert (by_name["latin"]["rows"], by_name["arabic"]["rows"], by_name["hebrew"]["rows"]) == (12, 6, 6)
    assert by_name["arabic"]["text_direction"] == {"rtl": 6} and by_name["arabic"]["script"] == {"ARABIC": 6}
    assert by_name["hebrew"]["script"] == {"HEBREW": 6} and by_name["latin"]["script"] == {"LATIN": 12}
    rotation = by_name["latin"]["params"]["rotation_angle"]
    assert -5 <= rotation["min"] < rotation["max"] <= 5


def _same_summary(one, other) -> None:
    """Equal, but for means summed in another order (to 1e-9 relative)."""
    if isinstance(one, dict):
        assert list(one) == list(other)
        for key in one:
            if key == "mean":
                assert one[key] == pytest.approx(other[key], rel=1e-9)
            else:
                _same_summary(one[key], other[key])
    elif isinstance(one, list):
        assert len(one) == len(other)
        for a, b in zip(one, other):
            _same_summary(a, b)
    else:
        assert one == other


def test_a_plan_read_a_row_group_at_a_time_gives_the_same_summary(cli, plan, tmp_path):
    """The CLI sums row groups: split into groups of 5 rows (specifications across them), the JSON is the same,
    and the same as the summary of the whole frame."""
    import pyarrow.parquet as pq

    split = tmp_path / "split.parquet"
    pq.write_table(pq.read_table(plan), split, row_group_size=5)  # the plan's metadata comes along
    assert pq.ParquetFile(split).metadata.num_row_groups == 5
    whole, parts = (json.loads(cli("inspect", p, "--json")[1]) for p in (plan, split))
    assert (whole.pop("plan"), parts.pop("plan")) == (str(plan), str(split))
    _same_summary(whole, parts)
    _same_summary(summarise_plan(read_plan_frame(plan)), whole)
    pytest.importorskip("matplotlib")
    for name, source in (("whole", plan), ("split", split)):  # plots too: two passes, a group at a time
        assert cli("inspect", source, "--plots", tmp_path / name)[0] == 0
    drawn = sorted(p.name for p in (tmp_path / "whole").glob("*.png"))
    assert drawn and drawn == sorted(p.name for p in (tmp_path / "split").glob("*.png"))
    for name in drawn:
        assert (tmp_path / "whole" / name).read_bytes() == (tmp_path / "split" / name).read_bytes(), name


def test_table_fits_the_terminal_and_names_everything(cli, plan, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    code, out, _ = cli("inspect", plan)
    assert code == 0
    table, _, fonts = out.partition("top fonts:")
    assert max(len(line) for line in table.splitlines()) <= 80
    df = pd.read_parquet(plan)
    assert "24 rows, 3 specification(s)" in out
    for cell in ("latin", "arabic", "hebrew", "12 (50%)", "6 (25%)", "rtl", "ARABIC", "HEBREW"):
        assert cell in table
    fixed = [c for c in param_columns() if df[c].nunique() == 1]
    varying = [c for c in param_columns() if df[c].nunique() > 1]
    assert all(any(line.startswith(c + " ") for line in table.splitlines()) for c in varying)
    # A constant column is listed once: under its effect when that effect applies to no row, else as fixed.
    never = table[table.index("effects applied to no row:") :].split("\n\n")[0] if "to no row:" in table else ""
    fixed_text = table[table.index("fixed in every row:") :].split("\n\n")[0] if "fixed in every" in table else ""
    for c in fixed:
        effect = EFFECT_OF_COLUMN.get(c)
        assert f"{c} " in fixed_text or (effect is not None and effect.name in never), c
    # A row reads min / mean / max with the plan's values.
    font_size = next(line for line in table.splitlines() if line.startswith("font_size "))
    latin = df[df.spec == "latin"].font_size
    assert f"{latin.min()} / {latin.mean():.1f} / {latin.max()}" in font_size
    assert df.font.astype(str).value_counts().index[0] in fonts


def test_effect_shares_backgrounds_and_applied_values(cli, plan):
    code, out, _ = cli("inspect", plan, "--json")
    assert code == 0
    summary = {s["name"]: s for s in json.loads(out)["specs"]}
    df = pd.read_parquet(plan)
    from synthocr.schemas.params import EFFECTS

    for name, part in [*df.groupby(df.spec.astype(str)), ("all", df)]:
        got = summary[name]
        for effect in EFFECTS:
            on = part[effect.name] != np.float32(effect.neutral)
            assert got["effects"][effect.name] == pytest.approx(on.mean())
            for col in effect.column_names:
                stats = got["applied"][col]
                if on.any():
                    assert stats["min"] == pytest.approx(float(part[col][on].min()))
                    assert stats["max"] == pytest.approx(float(part[col][on].max()))
                else:
                    assert stats is None
        assert got["background_kind"] == part.background_kind.astype(str).value_counts().to_dict()
        assert sum(got["background_source"].values()) == len(part)
    rotation = summary["all"]["applied"]["rotation_angle"]
    assert rotation["min"] != 0 or rotation["max"] != 0  # the neutral rows are not in the applied values
    code, out, _ = cli("inspect", plan)
    assert "rotation_angle %" in out and "background sources:" in out and "background " in out


def test_dominant_script():
    assert dominant_script("Hello, мир") == "LATIN"
    assert dominant_script("שלום 123") == "HEBREW"
    assert dominant_script("2024-01-01") == "COMMON"


def test_missing_plan_is_a_user_error(cli, tmp_path):
    code, _, err = cli("inspect", tmp_path / "nope.parquet")
    assert code == 2 and "does not exist" in err


@pytest.mark.slow
def test_plots_are_valid_pngs(cli, plan, tmp_path):
    plots = tmp_path / "plots"
    code, out, _ = cli("inspect", plan, "--plots", plots)
    assert code == 0 and "overview" in out
    plotted, constant = plotted_columns(pd.read_parquet(plan))
    assert set(plotted) | set(constant) == set(param_columns()) and "rotation_angle" in plotted
    expected = {"overview", "text_length", "fonts", "direction", "script", *(f"param_{c}" for c in plotted)}
    assert {p.stem for p in plots.glob("*.png")} == expected
    assert "not plotted" in out and all(c in out for c in constant)
    for path in plots.glob("*.png"):
        with Image.open(path) as im:
            im.verify()
        with Image.open(path) as im:
            assert im.format == "PNG" and im.width >= 250 and im.height >= 200
            colours = np.unique(np.asarray(im.convert("RGB")).reshape(-1, 3), axis=0)
            assert len(colours) > 20, f"{path.name} looks blank"
        assert path.stat().st_size > 5_000
    with Image.open(plots / "overview.png") as im:
        assert im.width >= 1500 and im.height >= 1000
        pixels = np.asarray(im.convert("RGB")).reshape(-1, 3)
        # The first two specifications' colours (matplotlib tab10 blue and orange) fill the histograms.
        for colour in ((31, 119, 180), (255, 127, 14)):
            assert (pixels == colour).all(axis=1).sum() > 1000


def test_write_plots_refuses_an_empty_plan(tmp_path):
    from synthocr.errors import UserError

    with pytest.raises(UserError, match="no rows"):
        write_plots(pd.DataFrame({"spec": [], "text": []}), tmp_path)


def test_plots_into_a_file_is_a_user_error(cli, plan, tmp_path):
    target = tmp_path / "file.png"
    target.write_bytes(b"x")
    code, _, err = cli("inspect", plan, "--plots", target)
    assert code == 2 and "is a file" in err


def test_a_subset_written_by_pandas_is_inspected_as_render_takes_it(cli, plan, tmp_path):
    """Rows filtered in pandas and written back have no synthocr metadata: `render` adopts them, and
    `inspect` summarises them; one without the plan's columns is a clear error."""
    frame = pd.read_parquet(plan)
    subset = tmp_path / "latin.parquet"
    frame[frame.spec == "latin"].to_parquet(subset)
    code, out, err = cli("inspect", subset, "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["rows"] == 12 and [s["name"] for s in summary["specs"]] == ["latin", "all"]
    code, out, _ = cli("inspect", subset, "--charset")
    assert code == 0 and "in 12 texts" in out
    frame[["text", "spec"]].to_parquet(tmp_path / "thin.parquet")
    code, _, err = cli("inspect", tmp_path / "thin.parquet")
    assert code == 2 and "Traceback" not in err
    assert "no synthocr metadata" in err and "background_kind" in err and "every column of the plan" in err


def test_languages_are_shown_when_a_spec_sets_one(cli, plan, tmp_path, monkeypatch):
    """A plan with a `language` gets a language row (none where a spec sets none); a plan without gets none."""
    monkeypatch.setenv("COLUMNS", "200")
    code, out, _ = cli("inspect", plan)
    assert code == 0 and "\nlanguage " not in out
    assert all(s["language"] == {"": s["rows"]} for s in json.loads(cli("inspect", plan, "--json")[1])["specs"])
    table = pq.read_table(plan)
    i = table.schema.get_field_index("language")
    tags = ["sr" if s == "latin" else "" for s in table.column("spec").to_pylist()]
    edited = tmp_path / "sr.parquet"
    pq.write_table(table.set_column(i, table.schema.field(i), pa.array(tags).dictionary_encode()), edited)
    code, out, _ = cli("inspect", edited)
    line = next(x for x in out.splitlines() if x.startswith("language"))
    assert line.split() == ["language", "sr", "none", "none", "none", "50%", "sr", "50%"]
