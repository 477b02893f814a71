"""Output-name checks and row selection read a plan one row group at a time and still see across groups."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthocr.planner.plan import output_name
from synthocr.renderer import plan_names
from synthocr.renderer.pending import positions, selected_rows
from synthocr.schemas.plan import PlanError


def _plan(tmp_path, names, ids=None, group=3, **extra):
    path = tmp_path / "names.parquet"
    ids = list(range(len(names))) if ids is None else ids
    pq.write_table(
        pa.table({"image_id": pa.array(ids, pa.int64()), "output_name": names, **extra}), path, row_group_size=group
    )
    return pq.ParquetFile(path)


def test_default_names_pass(tmp_path):
    plan_names.check_plan_names(_plan(tmp_path, [output_name(i) for i in range(20)]), "plan p")


def test_duplicate_in_another_row_group_names_both_rows(tmp_path):
    names = [f"n{i}" for i in range(10)]
    names[8] = "n1"
    with pytest.raises(PlanError, match=r"row 8, output_name 'n1' is also the output_name of row 1"):
        plan_names.check_plan_names(_plan(tmp_path, names), "plan p")


def test_custom_name_equal_to_another_rows_default_is_refused(tmp_path):
    names = [output_name(i) for i in range(10)]
    names[9] = output_name(2)  # row 9 (id 9) takes row 2's default name
    with pytest.raises(PlanError, match="row 9"):
        plan_names.check_plan_names(_plan(tmp_path, names), "plan p")


def test_default_names_with_overlapping_id_groups_are_compared(tmp_path):
    ids = [0, 1, 2, 0, 4, 5]  # the second group repeats id 0, and with it the default name
    with pytest.raises(PlanError, match="row 3"):
        plan_names.check_plan_names(_plan(tmp_path, [output_name(i) for i in ids], ids), "plan p")


def test_colliding_digests_are_not_duplicates(tmp_path, monkeypatch):
    monkeypatch.setattr(plan_names, "name_digests", lambda names: np.zeros(len(names), np.uint64))
    plan_names.check_plan_names(_plan(tmp_path, [f"x/n{i}" for i in range(10)]), "plan p")


def test_file_where_a_folder_goes_in_another_row_group(tmp_path):
    names = [f"n{i}" for i in range(9)] + ["n1.png/inner"]
    with pytest.raises(PlanError, match="row 1, output_name 'n1' names a file"):
        plan_names.check_plan_names(_plan(tmp_path, names), "plan p")


def test_bad_name_is_named_by_its_plan_row(tmp_path):
    names = [f"n{i}" for i in range(10)]
    names[7] = "a/../b"
    with pytest.raises(PlanError, match="row 7"):
        plan_names.check_plan_names(_plan(tmp_path, names), "plan p")


def test_digests_depend_on_the_bytes_only():
    names = pa.array(["", "a", "ab", "ba", "ab", "a" * 1024, "", "é"])
    digests = plan_names.name_digests(names)
    assert digests[2] == digests[4] and digests[0] == digests[6]
    assert len(set(digests.tolist())) == 6
    sliced = plan_names.name_digests(names.slice(2, 3))  # an array with an offset, as row groups give
    assert sliced.tolist() == digests[2:5].tolist()


def test_selection_across_row_groups(tmp_path):
    ids = list(range(100, 120))
    pf = _plan(tmp_path, [f"n{i}" for i in ids], ids, group=4, font_size=pa.array([i % 7 for i in ids], pa.int32()))
    where = selected_rows(pf, 20, None, "font_size > 3", None)
    assert np.flatnonzero(where).tolist() == [i for i, v in enumerate(ids) if v % 7 > 3]
    wanted = tmp_path / "ids.txt"
    wanted.write_text("119\n101\n110\n")
    assert np.flatnonzero(selected_rows(pf, 20, "0-15", None, str(wanted))).tolist() == [1, 10]


def test_positions_are_compact():
    mask = np.zeros(5_000_000, bool)
    mask[[0, 3, 2_000_000, 4_999_999]] = True
    found = positions(mask)
    assert found.dtype == np.int32 and found.tolist() == [0, 3, 2_000_000, 4_999_999]
