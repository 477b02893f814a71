"""How render deals rows to workers and reads plan rows: every row once, in order, whatever the cut."""

from __future__ import annotations

import numpy as np
import pyarrow.parquet as pq
import pytest

from synthocr.renderer.io import PlanRows, check_plan_rows, open_plan
from synthocr.renderer.run import deal


@pytest.mark.parametrize(
    ("n", "chunk", "workers"), [(2000, 64, 2), (100, 64, 2), (5, 64, -1), (2000, 64, 1), (130, 16, 3)]
)
def test_deal_gives_every_row_once_in_order_with_small_tasks_at_the_end(n, chunk, workers):
    chunks = deal(np.arange(n, dtype=np.int64), chunk, workers)
    assert np.array_equal(np.concatenate(chunks), np.arange(n))
    assert all(0 < len(c) <= chunk for c in chunks)
    if workers != 1 and n > 4 * chunk * max(workers, 2):
        assert len(chunks[-1]) == chunk // 4 and len(chunks[0]) == chunk


def test_plan_rows_reads_across_row_groups_and_keeps_the_last_ones(tmp_path, job):
    plan, _ = job
    small = tmp_path / "groups.parquet"
    table = pq.read_table(plan)
    pq.write_table(table, small, row_group_size=7)
    pf = open_plan(str(small))
    check_plan_rows(pf, str(small))
    reader = PlanRows(pf)
    picked = np.array([0, 6, 7, 20, 47], np.int64)
    rows = reader.read(picked)
    assert [r["image_id"] for r in rows] == table.column("image_id").take(picked).to_pylist()
    assert len(reader._groups) <= PlanRows.KEEP_GROUPS
    assert reader.read(np.arange(14, 21)) == table.slice(14, 7).to_pylist()


def test_duplicate_ids_in_different_row_groups_are_found(tmp_path, job):
    from synthocr.errors import UserError

    plan, _ = job
    table = pq.read_table(plan)
    ids = table.column("image_id").to_numpy().copy()
    ids[-1] = ids[0]  # the last row group repeats an id of the first
    bad = tmp_path / "dup.parquet"
    pq.write_table(
        table.set_column(table.schema.get_field_index("image_id"), table.schema.field("image_id"), [ids]),
        bad,
        row_group_size=10,
    )
    with pytest.raises(UserError, match="not unique"):
        check_plan_rows(open_plan(str(bad)), str(bad))
