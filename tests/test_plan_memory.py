"""What keeps render's memory flat in the plan's size: exact-size positions, reads by row group, one open plan
shared with the workers, and no renderer in a process that renders nothing."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pyarrow.parquet as pq
import pytest

from synthocr.renderer import io as plan_io
from synthocr.renderer import pending
from synthocr.renderer.io import image_ids, open_plan, plan_reader, plan_stamp, share_plan


@pytest.mark.parametrize("n", [0, 1, 7, 50, 203])
def test_positions_are_flatnonzero_across_blocks(monkeypatch, n):
    monkeypatch.setattr(pending, "POSITION_BLOCK", 7)
    rng = np.random.default_rng(n)
    for p in (0.0, 0.3, 1.0):
        mask = rng.random(n) < p
        got = pending.positions(mask)
        assert got.dtype == np.int32
        assert np.array_equal(got, np.flatnonzero(mask))


def test_image_ids_reads_the_row_groups_of_the_rows_asked(tmp_path, job):
    plan, _ = job
    small = tmp_path / "groups.parquet"
    table = pq.read_table(plan)
    pq.write_table(table, small, row_group_size=7)
    rows = np.array([0, 6, 7, 20, 47], np.int64)
    assert image_ids(open_plan(str(small)), rows).tolist() == table.column("image_id").take(rows).to_pylist()
    assert image_ids(open_plan(str(small)), rows[:0]).tolist() == []


def test_a_shared_plan_is_read_through_until_the_file_changes(tmp_path, job):
    plan, _ = job
    path = tmp_path / "shared.parquet"
    table = pq.read_table(plan)
    pq.write_table(table, path)
    stamp = plan_stamp(str(path))
    pf = open_plan(str(path))
    share_plan(str(path), stamp, pf)
    assert plan_reader(str(path)).pf is pf
    assert plan_reader(str(path)) is plan_reader(str(path))  # kept, with its decoded row groups
    pq.write_table(table.slice(0, 5), tmp_path / "new.parquet")
    os.replace(tmp_path / "new.parquet", path)  # rewritten in place: another inode
    fresh = plan_reader(str(path))
    assert fresh.pf is not pf and fresh.pf.metadata.num_rows == 5


def test_a_render_without_workers_opens_the_plan_once(tmp_path, job, monkeypatch):
    from synthocr.renderer import run
    from synthocr.renderer.run import render_plan

    plan, reference = job
    opened: list[str] = []

    def counting(path):
        opened.append(str(path))
        return open_plan(path)

    monkeypatch.setattr(run, "open_plan", counting)
    monkeypatch.setattr(plan_io, "open_plan", counting)
    monkeypatch.setattr(plan_io, "_READERS", {})
    summary = render_plan(plan, tmp_path / "out", workers=1, progress=False)
    assert summary.rendered == len(reference) // 2
    assert opened == [str(plan)]


def test_a_dry_run_and_status_load_no_renderer(tmp_path, job):
    """OpenCV, HarfBuzz and the renderer's modules cost every process that loads them about 50 MiB."""
    plan, _ = job
    probe = (
        "import sys\nfrom synthocr.cli import main\n"
        f"assert main(['render', {str(plan)!r}, '-o', {str(tmp_path / 'out')!r}, '--dry-run']) == 0\n"
        f"assert main(['status', {str(plan)!r}, {str(tmp_path / 'out')!r}]) == 0\n"
        "print(sorted(m for m in ('cv2', 'uharfbuzz', 'synthocr.renderer.chunk', 'synthocr.planner.plan') "
        "if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("collide", [False, True])
def test_plan_positions_finds_each_name_once_even_when_digests_collide(tmp_path, job, monkeypatch, collide):
    import pyarrow as pa

    from synthocr.renderer import resume

    if collide:  # every digest the same: only the exact comparisons tell names apart
        monkeypatch.setattr(resume, "name_digests", lambda names: np.zeros(len(names), np.uint64))
    plan, _ = job
    small = tmp_path / "groups.parquet"
    table = pq.read_table(plan)
    pq.write_table(table, small, row_group_size=7)
    plan_names = table.column("output_name").to_pylist()
    asked = [plan_names[40], "nowhere/image_1", plan_names[3], plan_names[7], plan_names[0] + "x"]
    position, ids = resume.plan_positions(open_plan(str(small)), pa.array(asked, pa.string()))
    assert position.tolist() == [40, -1, 3, 7, -1]
    assert ids.tolist() == [table.column("image_id")[p].as_py() if p >= 0 else -1 for p in position.tolist()]


@pytest.mark.parametrize("collide", [False, True])
def test_index_hits_are_exact_matches_of_name_image_and_key(tmp_path, monkeypatch, collide):
    import pyarrow as pa

    from synthocr.renderer import done_index, resume
    from synthocr.renderer.storage import Storage
    from synthocr.schemas.output_names import default_numbers

    if collide:  # every name digest the same: only the keys and the exact comparisons tell rows apart
        monkeypatch.setattr(resume, "name_digests", lambda names: np.zeros(len(names), np.uint64))
    monkeypatch.setattr(resume, "LOOKUP_BLOCK", 2)
    monkeypatch.setattr(done_index, "SEGMENT_GROUP_ROWS", 2)

    def table(rows):
        names, images, keys = zip(*rows)
        return pa.Table.from_arrays(
            [pa.array(names, pa.string()), pa.array(images, pa.string()), pa.array(keys, pa.uint64())],
            schema=done_index.INDEX_SCHEMA,
        )

    store = Storage(str(tmp_path))
    planned = "00000/image_00000007"  # a default name: the candidates keep it as its number
    done_index.write_segment(
        store,
        table([("a/x", "x.png", 1), ("a/y", "y.png", 2), ("c", "c.png", 4), (planned, "image_00000007.png", 6)]),
        "a.parquet",
        "t",
    )
    done_index.write_segment(store, table([("a/y", "y.png", 2), ("b/z", "z.jpg", 3)]), "b.parquet", "t")
    (tmp_path / done_index.INDEX_DIR / "c.parquet").write_bytes(b"not parquet")  # skipped, with a warning
    rows = [
        ("a/x", ".png", 1),  # in the index
        ("a/x", ".png", 9),  # changed since (another key)
        ("a/y", ".png", 2),  # in two segments
        ("b/z", ".png", 3),  # another image
        ("b/w", ".png", 3),  # another name, same key
        ("c", ".png", 4),
        ("d", ".png", 5),  # not in the index
        (planned, ".png", 6),
        (planned, ".jpg", 6),  # another image
    ]
    names, exts, keys = zip(*rows)
    numbers = default_numbers(pa.array(names, pa.string()))
    candidates = pa.table(
        [
            pa.array(numbers, pa.int32()),
            pa.array(["" if k >= 0 else name for k, name in zip(numbers, names)], pa.string()),
            pa.array([resume.IMAGE_EXTS.index(e) for e in exts], pa.int8()),
            pa.array(keys, pa.uint64()),
        ],
        names=["number", "name", "ext", "key"],
    )
    assert numbers.tolist() == [-1] * 7 + [7, 7]
    assert resume._names(candidates).to_pylist() == list(names)
    hit, indexed, segments = resume._index_hits(store, candidates)
    assert hit.tolist() == [True, False, True, False, False, True, False, True, False]
    assert (indexed, segments) == (6, ["a.parquet", "b.parquet", "c.parquet"])
    assert resume._index_hits(Storage(str(tmp_path / "none")), candidates)[0].tolist() == [False] * 9


def test_default_names_are_the_planners_and_only_they_parse_to_a_number():
    import pyarrow as pa

    from synthocr.schemas.output_names import default_names, default_numbers, output_name

    ids = np.array([0, 1, 999, 1000, 123456, 12345678, 99999999])
    made = [output_name(int(i)) for i in ids]
    assert default_names(ids).to_pylist() == made
    others = [
        "00001/image_00000001",  # the folder of another id
        "00000/image_0000001x",
        "00000/image_000000012",  # 21 bytes
        "00000/Image_00000001",
        "0000a/image_00000001",
        "00000-image_00000001",
        "01000/image_100000000",  # ids of 10^8 and more are longer: kept as text
        "",
        "x",
    ]
    names = pa.array(made + others, pa.string())
    assert default_numbers(names).tolist() == ids.tolist() + [-1] * len(others)
    assert default_numbers(names.slice(3, 5)).tolist() == [1000, 123456, 12345678, 99999999, -1]
    assert default_numbers(names.cast(pa.large_string())).tolist() == ids.tolist() + [-1] * len(others)
