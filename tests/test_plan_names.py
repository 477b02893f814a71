"""Output-name checks and row selection read a plan one row group at a time and still see across groups."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from synthocr.planner.plan import output_name
from synthocr.renderer import plan_names
from synthocr.renderer.pending import positions, selected_rows
from synthocr.renderer.row_groups import IdSpans
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


def test_groups_of_default_names_and_groups_of_others_in_one_plan(tmp_path):
    defaults = [output_name(i) for i in range(6)]  # two groups of the planner's names, then one of others
    plan_names.check_plan_names(_plan(tmp_path, defaults + ["n6", "n7", "n8"]), "plan p")
    with pytest.raises(PlanError, match="row 8, output_name '00000/image_00000004' is also the output_name of row 4"):
        plan_names.check_plan_names(_plan(tmp_path, defaults + ["n6", "n7", output_name(4)]), "plan p")
    with pytest.raises(PlanError, match="row 8, output_name 'n6' is also the output_name of row 6"):
        plan_names.check_plan_names(_plan(tmp_path, defaults + ["n6", "n7", "n6"]), "plan p")
    with pytest.raises(PlanError, match="row 6, output_name '00000' names a file"):  # next to the folder 00000
        plan_names.check_plan_names(_plan(tmp_path, defaults + ["00000", "00000.json/x", "n8"]), "plan p")


def test_a_default_name_in_another_ids_folder_is_not_a_default_name(tmp_path):
    names = [output_name(i) for i in range(6)]
    names[4] = "00001/image_00000004"  # the planner would name id 4 00000/image_00000004
    plan_names.check_plan_names(_plan(tmp_path, names), "plan p")  # a usable name all the same
    names[5] = "00001/image_00000004"
    with pytest.raises(PlanError, match="row 5"):
        plan_names.check_plan_names(_plan(tmp_path, names), "plan p")


@pytest.mark.parametrize(
    ("ids", "unique"),
    [([3, 4, 9], True), ([9, 4, 3], True), ([4, 9, 4], False), ([4, 4, 9], False), ([7], True), ([], True)],
)
def test_id_spans_tell_repeats_within_a_group_in_any_order(ids, unique):
    spans = IdSpans()
    assert spans.add(pa.array(ids, pa.int64())) is unique
    if unique and ids:
        assert spans.spans == [(min(ids), max(ids))]


@pytest.mark.parametrize(
    ("column", "values", "bad_row"),
    [
        ("blur_radius", [0.5, float("nan"), 0.5], 1),
        ("blur_radius", [0.5, 0.5, float("inf")], 2),
        ("brightness_offset", [float("-inf"), 0.0, 0.0], 0),
        ("background_x", [0.0, 1.0, 1.0000001], 2),
        ("seed", [1, -1, 2], 1),
        ("padding_top", [0, 20000, 0], 1),
    ],
)
def test_ranges_name_the_first_bad_row_of_a_column(column, values, bad_row):
    from synthocr.schemas.plan import PLAN_SCHEMA, check_ranges

    field = PLAN_SCHEMA.field(column)
    table = pa.table({"image_id": pa.array([7, 8, 9], pa.int64()), column: pa.array(values, field.type)})
    with pytest.raises(PlanError, match=rf"row {40 + bad_row} \(image_id {7 + bad_row}\), column '{column}'"):
        check_ranges(table, first_row=40)
    check_ranges(table.slice(0, bad_row), first_row=40)  # the rows before it pass


def test_a_negative_id_does_not_vouch_for_its_name(tmp_path):
    # default_numbers gives -1 for a name that is no default: id -1 must not make "../x" pass as one
    with pytest.raises(PlanError, match=r"row 1, output_name '\.\./x'"):
        plan_names.check_plan_names(_plan(tmp_path, [output_name(0), "../x", output_name(2)], [0, -1, 2]), "plan p")
