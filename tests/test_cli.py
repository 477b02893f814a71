"""The command line end to end: plan, render, resume, selection of the output dir, and errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from helpers import outputs, plan_with_fonts


def test_plan_twice_gives_identical_bytes(cli, tiny_config_path, tmp_path):
    a, b = tmp_path / "a.parquet", tmp_path / "b.parquet"
    assert cli("plan", tiny_config_path, "-o", a)[0] == 0
    assert cli("plan", tiny_config_path, "-o", b)[0] == 0
    assert a.read_bytes() == b.read_bytes()
    assert pq.read_table(a).num_rows == 24


def test_overrides_change_the_plan(cli, tiny_config_path, tmp_path):
    plan = tmp_path / "p.parquet"
    code, out, _ = cli("plan", tiny_config_path, "total_images=10", "specifications.0.font_size_max=30", "-o", plan)
    assert code == 0 and "10 images" in out
    df = pq.read_table(plan).to_pandas()
    assert len(df) == 10
    assert df[df.spec == "latin"].font_size.max() <= 30


@pytest.mark.slow
def test_render_resume_and_worker_count(cli, tiny_config_path, tmp_path):
    plan, out1, out2 = tmp_path / "p.parquet", tmp_path / "out1", tmp_path / "out2"
    assert cli("plan", tiny_config_path, "-o", plan)[0] == 0
    code, text, _ = cli("render", plan, "-o", out1, "--workers", "1", "--quiet")
    assert code == 0 and "rendered 24" in text
    files = outputs(out1)
    assert len([f for f in files if f.endswith(".png")]) == 24
    assert len([f for f in files if f.endswith(".json")]) == 24

    # Two workers with small chunks give the same bytes.
    assert cli("render", plan, "-o", out2, "--workers", "2", "--chunk-size", "5", "--quiet")[0] == 0
    assert outputs(out2) == files

    # A second run renders nothing.
    code, text, _ = cli("render", plan, "-o", out1, "--quiet")
    assert code == 0 and "rendered 0, skipped 24" in text

    # Delete some outputs (labels, images, or both): exactly those come back, identical.
    labels = sorted(p for p in out1.rglob("image_*.json"))
    for p in labels[:3]:
        p.unlink()
    for p in labels[3:5]:
        p.with_suffix(".png").unlink()
    code, text, _ = cli("render", plan, "-o", out1, "--quiet")
    assert code == 0 and "rendered 5, skipped 19" in text
    assert outputs(out1) == files
    assert not [p for p in out1.rglob(".tmp-*")]

    checkpoint = json.loads((out1 / ".generation_checkpoint.json").read_text())
    assert checkpoint["done"] == 24 and checkpoint["total"] == 24


def test_the_checkpoint_counts_finished_rows_not_unselected_ones(cli, tiny_config_path, tmp_path):
    """`done` is the rows with a finished output: rows a selection leaves out are not done (it said 22 of 24
    after rendering 2), and after a forced run, which re-renders without looking, it is not known."""
    plan, out = tmp_path / "p.parquet", tmp_path / "out"
    assert cli("plan", tiny_config_path, "-o", plan)[0] == 0

    def done() -> int | None:
        return json.loads((out / ".generation_checkpoint.json").read_text())["done"]

    assert cli("render", plan, "-o", out, "--rows", "0-1", "--quiet")[0] == 0
    assert done() == 2
    assert cli("render", plan, "-o", out, "--rows", "0-5", "--quiet")[0] == 0
    assert done() == 6
    assert cli("render", plan, "-o", out, "--rows", "3", "--force", "--quiet")[0] == 0
    assert done() is None
    assert cli("render", plan, "-o", out, "--quiet")[0] == 0
    assert done() == 24


def test_label_matches_its_plan_row(cli, tiny_config_path, tmp_path):
    plan, out = tmp_path / "p.parquet", tmp_path / "out"
    cli("plan", tiny_config_path, "-o", plan)
    cli("render", plan, "-o", out, "--quiet")
    rows = pq.read_table(plan).to_pylist()
    for row in rows[:5]:
        label = json.loads((out / f"{row['output_name']}.json").read_text())
        assert label["text"] == row["text"]
        assert label["params"]["font"] == row["font"]
        assert label["image"] == Path(row["output_name"]).name + ".png"
        assert len(label["chars"]) == len("".join(row["text"].split())) or label["chars"]


def test_output_dir_of_another_plan_is_refused(cli, tiny_config_path, tmp_path):
    a, b, out = tmp_path / "a.parquet", tmp_path / "b.parquet", tmp_path / "out"
    cli("plan", tiny_config_path, "-o", a, "total_images=4")
    cli("plan", tiny_config_path, "-o", b, "total_images=4", "seed=99")
    assert cli("render", a, "-o", out, "--quiet")[0] == 0
    code, _, err = cli("render", b, "-o", out, "--quiet")
    assert code == 2 and "another plan" in err and "--allow-mismatch" in err
    code, _, _ = cli("render", b, "-o", out, "--quiet", "--allow-mismatch")
    assert code == 0


def test_failed_row_is_logged_and_others_render(cli, tiny_dict, tmp_path):
    fonts, plan = plan_with_fonts(cli, tiny_dict, tmp_path, ["DejaVuSans.ttf", "DejaVuSansMono.ttf"])
    out = tmp_path / "out"
    (fonts / "DejaVuSansMono.ttf").unlink()
    df = pq.read_table(plan).to_pandas()
    lost = set(df[df.font == "DejaVuSansMono.ttf"].image_id)
    assert lost
    code, text, err = cli("render", plan, "-o", out, "--quiet")
    assert code == 1 and f"failed {len(lost)}" in text and "failed rows" in err
    log = [json.loads(line) for line in (out / "_render_state.jsonl").read_text().splitlines()]
    assert {r["image_id"] for r in log} == lost
    assert all(r["status"] == "failed" and "DejaVuSansMono.ttf" in r["error_message"] for r in log)
    assert len([f for f in outputs(out) if f.endswith(".json")]) == len(df) - len(lost)


BAD_CONFIGS = {
    "typo": ({"specifications": [{"name": "a", "rotaton_angle_max": 3}]}, "did you mean 'rotation_angle_max'"),
    "min_gt_max": (
        {"specifications": [{"name": "a", "blur_radius_min": 2.0, "blur_radius_max": 1.0}]},
        "blur_radius_min: 2.0 is greater than blur_radius_max (1.0)",
    ),
    "missing_corpus": (
        {"specifications": [{"name": "a", "corpus_file": "missing.txt"}]},
        "No corpus files found matching pattern 'missing.txt'".lower(),
    ),
}


@pytest.mark.parametrize("case", BAD_CONFIGS)
def test_bad_config_exits_2_with_field_and_no_traceback(tmp_path, case):
    raw, expected = BAD_CONFIGS[case]
    cfg = tmp_path / "bad.yaml"
    cfg.write_text(yaml.safe_dump({"total_images": 5, **raw}))
    proc = subprocess.run(
        [sys.executable, "-m", "synthocr", "plan", str(cfg), "-o", str(tmp_path / "p.parquet")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert expected.lower() in proc.stderr.lower()
    assert "specification 'a'" in proc.stderr
    assert not (tmp_path / "p.parquet").exists()


def test_render_refuses_a_file_that_is_not_a_plan(cli, tmp_path):
    other = tmp_path / "other.parquet"
    import pyarrow as pa

    pq.write_table(pa.table({"x": [1, 2]}), other)
    code, _, err = cli("render", other, "-o", tmp_path / "out")
    assert code == 2 and "not written by `synthocr plan`" in err
    (tmp_path / "junk.parquet").write_bytes(b"not parquet")
    code, _, err = cli("render", tmp_path / "junk.parquet", "-o", tmp_path / "out")
    assert code == 2 and "not a readable Parquet file" in err
    assert not (tmp_path / "out").exists()


def test_selection_force_and_dry_run(cli, tiny_config_path, tmp_path):
    plan, out = tmp_path / "p.parquet", tmp_path / "out"
    cli("plan", tiny_config_path, "-o", plan)
    code, text, _ = cli("render", plan, "-o", out, "--rows", "2,5-7", "--dry-run")
    assert code == 0 and "would render 4 of 24" in text and not out.exists()
    code, text, _ = cli("render", plan, "-o", out, "--rows", "2,5-7", "--quiet")
    assert code == 0 and "rendered 4," in text
    assert sorted(p.name for p in out.rglob("image_*.json")) == [f"image_{i:08d}.json" for i in (2, 5, 6, 7)]

    df = pq.read_table(plan).to_pandas()
    n_arabic = int((df.spec == "arabic").sum())
    code, text, _ = cli("render", plan, "-o", out, "--where", "spec == 'arabic' and font_size > 0", "--quiet")
    assert code == 0 and f"rendered {n_arabic - int((df.spec.iloc[[2, 5, 6, 7]] == 'arabic').sum())}," in text

    before = (out / f"{df.output_name[2]}.png").stat().st_mtime_ns
    code, text, _ = cli("render", plan, "-o", out, "--rows", "2", "--force", "--quiet")
    assert code == 0 and "rendered 1," in text
    assert (out / f"{df.output_name[2]}.png").stat().st_mtime_ns >= before


@pytest.mark.parametrize(
    "args, message",
    [
        (["--rows", "3-1"], "--rows"),
        (["--rows", "999"], "outside the plan's rows"),
        (["--where", "no_such_column > 3"], "not a valid query"),
        (["--where", "__import__('os')"], "not a valid query"),
        (["--where", "font_size"], "true/false condition"),
    ],
)
def test_bad_selection_exits_2(cli, tiny_config_path, tmp_path, args, message):
    plan = tmp_path / "p.parquet"
    cli("plan", tiny_config_path, "-o", plan)
    code, _, err = cli("render", plan, "-o", tmp_path / "out", *args)
    assert code == 2 and message in err
    assert not (tmp_path / "out").exists()


def test_effect_probability_from_the_cli(cli, tiny_dict, tmp_path):
    """`<effect>_probability` sets the share of rows an effect is applied to; the rest get its neutral value,
    and the renderer leaves them as they would be without the effect."""
    from synthocr.schemas.params import EFFECTS_BY_NAME

    tiny_dict["total_images"] = 1200
    latin = tiny_dict["specifications"][0]
    latin.update(
        {
            "rotation_angle_min": 2.0,
            "rotation_angle_max": 3.0,
            "rotation_angle_probability": 0.25,
            "blur_radius_probability": 0.0,
            "noise_sigma_probability": 1.0,
        }
    )
    config = tmp_path / "shares.yaml"
    config.write_text(yaml.safe_dump(tiny_dict))
    plan = tmp_path / "plan.parquet"
    assert cli("plan", config, "-o", plan)[0] == 0
    frame = pq.read_table(plan).to_pandas()
    frame["spec"] = frame["spec"].astype(str)
    rows = {name: group for name, group in frame.groupby("spec")}
    rotated = rows["latin"].rotation_angle != 0
    assert 0.20 < rotated.mean() < 0.30
    assert rows["latin"].rotation_angle[rotated].between(2.0, 3.0).all()
    assert (rows["latin"].blur_radius == 0).all()
    assert (rows["latin"].noise_sigma > 0).all()
    # The arabic spec sets no effect: the built-in mild ranges apply to their default share of rows.
    for name in ("blur_radius", "noise_sigma", "rotation_angle"):
        share = (rows["arabic"][name] != EFFECTS_BY_NAME[name].neutral).mean()
        assert abs(share - EFFECTS_BY_NAME[name].probability) < 0.08, (name, share)
    # The hebrew spec sets a perspective range without a probability: every row gets it.
    assert (rows["hebrew"].perspective_warp_magnitude > 0).all()
    # Rows with and without the effects render end to end.
    code, text, _ = cli("render", plan, "-o", tmp_path / "out", "--rows", "0-7", "--workers", "1", "--quiet")
    assert code == 0 and len(list((tmp_path / "out").rglob("*.png"))) == 8


def test_the_command_exits_without_teardown_but_runs_exit_handlers_and_flushes(tmp_path, tiny_config_path):
    """`synthocr` skips the interpreter's teardown (cli.run): its output, its exit handlers and a still
    running thread's work are not lost, and the exit status is main()'s."""
    plan, out = tmp_path / "plan.parquet", tmp_path / "out"
    code = (
        "import atexit, sys, threading, time\n"
        "from synthocr.cli import run\n"
        "atexit.register(lambda: print('handler ran', flush=False))\n"
        "if sys.argv[1] == 'thread':\n"
        "    threading.Thread(target=lambda: (time.sleep(0.3), print('thread done'))).start()\n"
        "sys.argv = ['synthocr', *sys.argv[2:]]\n"
        "run()\n"
    )
    for case in ("plain", "thread"):
        args = ["plan", str(tiny_config_path), "-o", str(plan)] if case == "plain" else ["status", str(tmp_path)]
        proc = subprocess.run([sys.executable, "-c", code, case, *args], capture_output=True, text=True)
        assert "handler ran" in proc.stdout, proc.stderr
        if case == "thread":
            assert proc.returncode == 2 and "thread done" in proc.stdout and "error:" in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "synthocr", "render", str(plan), "-o", str(out), "--workers", "2"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    rendered = int(proc.stdout.split("rendered ")[1].split(",")[0])
    assert rendered > 0 and len(list(out.rglob("image_*.json"))) == rendered
