"""Shard layouts (`render --layout webdataset|parquet`): exactly the plan's rows, byte-identical for any
worker count, resume after SIGKILL mid-shard, and status, collect, export and preview reading them."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from helpers import FAULT_ROWS as ROWS
from helpers import start_render
from synthocr.renderer.shards import read_shard

LAYOUTS = ("webdataset", "parquet")
EXT = {"webdataset": "tar", "parquet": "parquet"}
SHARD = 10  # rows per shard: 48 rows make 4 full shards and one of 8


def shards(out: Path, layout: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.glob(f"shard-*.{EXT[layout]}"))}


def render(cli, plan: Path, out: Path, layout: str, *extra: str) -> tuple[int, str, str]:
    return cli("render", plan, "-o", out, "--quiet", "--layout", layout, "--shard-size", SHARD, *extra)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_shards_hold_exactly_the_plan_rows_as_the_files_layout_renders_them(cli, job, tmp_path, layout):
    plan, reference = job
    out = tmp_path / "out"
    assert render(cli, plan, out, layout, "--workers", "1")[0] == 0
    files = shards(out, layout)
    assert list(files) == [f"shard-{k:06d}.{EXT[layout]}" for k in range(5)]
    assert not list(out.glob(".tmp-*"))
    samples = [s for data in files.values() for s in read_shard(layout, data)]
    table = pq.read_table(plan, columns=["image_id", "output_name", "text"])
    assert [s.image_id for s in samples] == table.column("image_id").to_pylist()  # every row once, plan order
    for s, name, text in zip(samples, table.column("output_name").to_pylist(), table.column("text").to_pylist()):
        assert s.output_name == name and s.text == text
        assert s.image == reference[f"{name}.png"]  # the same pixels and bytes as the files layout
        label, ref = json.loads(s.label), json.loads(reference[f"{name}.json"])
        assert label["image"] == f"image_{s.image_id:08d}.png"
        assert {k: v for k, v in label.items() if k != "image"} == {k: v for k, v in ref.items() if k != "image"}
    code, stdout, _ = render(cli, plan, out, layout)
    assert code == 0 and "rendered 0" in stdout  # resume: nothing left


def test_shards_are_byte_identical_for_one_and_two_workers(cli, job, tmp_path):
    plan, _ = job
    for layout in LAYOUTS:
        one, two = tmp_path / f"{layout}1", tmp_path / f"{layout}2"
        assert render(cli, plan, one, layout, "--workers", "1")[0] == 0
        assert render(cli, plan, two, layout, "--workers", "2")[0] == 0
        assert shards(one, layout) == shards(two, layout)


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
def test_sigkill_mid_shard_then_resume_loses_and_repeats_nothing(cli, job, tmp_path, layout):
    plan, _ = job
    clean = tmp_path / "clean"
    assert render(cli, plan, clean, layout, "--workers", "1")[0] == 0
    out = tmp_path / "out"
    proc = start_render(plan, out, "--workers", "2", "--layout", layout, "--shard-size", str(SHARD))
    deadline = time.monotonic() + 60
    while not list(out.glob(f"shard-*.{EXT[layout]}")):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)  # the parent and its workers, mid-way through other shards
    proc.wait()
    committed = shards(out, layout)
    assert 1 <= len(committed) < 5, "the kill came too late to test anything"
    for name, data in committed.items():  # whatever is there under a shard's name is whole
        assert data == shards(clean, layout)[name]
    code, stdout, _ = render(cli, plan, out, layout, "--workers", "2")
    assert code == 0
    rows_left = sum(min(SHARD, ROWS - k * SHARD) for k in range(5) if f"shard-{k:06d}.{EXT[layout]}" not in committed)
    assert f"rendered {rows_left}," in stdout  # only the shards not committed, none twice
    assert shards(out, layout) == shards(clean, layout)
    assert not list(out.glob(".tmp-*"))


def test_status_collect_export_and_preview_read_shards(cli, job, tmp_path):
    plan, reference = job
    out = tmp_path / "out"
    assert render(cli, plan, out, "parquet", "--workers", "1")[0] == 0
    (out / "shard-000004.parquet").unlink()  # the last shard: 8 rows missing
    code, stdout, _ = cli("status", plan, out)
    assert code == 0
    assert stdout.splitlines()[-1].split() == ["all", str(ROWS), str(ROWS - 8), "8", "0", "0"]
    assert cli("collect", out, "-o", tmp_path / "labels.parquet")[0] == 1  # 1: plan rows are missing
    collected = pq.read_table(tmp_path / "labels.parquet", columns=["image_id", "image"])
    assert collected.num_rows == ROWS - 8
    assert collected.column("image").to_pylist()[0] == "shard-000000.parquet/image_00000000.png"
    assert cli("export", out, "--to", "hf-imagefolder", "-o", tmp_path / "hf")[0] == 0
    exported = sorted(p for p in (tmp_path / "hf").rglob("*.png"))
    assert len(exported) == ROWS - 8
    name = exported[0].relative_to(next((tmp_path / "hf").iterdir())).as_posix()
    assert exported[0].read_bytes() == reference[name]
    assert cli("preview", out, "-n", "3", "-o", tmp_path / "sheet.png")[0] == 0
    assert (tmp_path / "sheet.png").stat().st_size > 0


def test_a_damaged_shard_is_rendered_again_and_layouts_do_not_mix(cli, job, tmp_path):
    plan, _ = job
    out = tmp_path / "out"
    assert render(cli, plan, out, "webdataset", "--workers", "1")[0] == 0
    good = (out / "shard-000001.tar").read_bytes()
    (out / "shard-000001.tar").write_bytes(good[: len(good) // 2])  # cut off, as a copy that stopped half-way
    code, stdout, _ = render(cli, plan, out, "webdataset")
    assert code == 0 and f"rendered {SHARD}," in stdout
    assert (out / "shard-000001.tar").read_bytes() == good
    code, _, err = cli("render", plan, "-o", out, "--quiet")  # the files layout into a shard dir
    assert code == 2 and "--layout webdataset --shard-size 10" in err
    code, _, err = render(cli, plan, tmp_path / "other", "parquet", "--rows", "0-3")
    assert code == 2 and "--rows" in err
