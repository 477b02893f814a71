"""Reading a plan one row group at a time, so that memory follows a row group, not the plan."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from synthocr.schemas.arrow_numpy import to_numpy


def row_groups(pf: pq.ParquetFile, columns: list[str] | None) -> Iterator[tuple[int, pa.Table]]:
    """(plan position of its first row, its `columns`) of each row group, in order.

    Decoded in this thread: Arrow's pool threads would each keep memory of their own after the pass
    (about 20 MiB on a 10M-row plan's checks), for little gain on a few columns of one group.
    """
    start = 0
    for i in range(pf.metadata.num_row_groups):
        group = pf.read_row_group(i, columns=columns, use_threads=False)
        yield start, group
        start += group.num_rows


class IdSpans:
    """Whether a plan's image_ids are unique, told group by group: they are when each group's are and the
    groups' id ranges do not overlap (as the planner writes them); only overlapping ranges need more."""

    def __init__(self) -> None:
        self.spans: list[tuple[int, int]] = []

    def add(self, ids: pa.Array | pa.ChunkedArray) -> bool:
        """Record a group's ids; False when the group repeats one."""
        if len(ids) == 0:
            return True
        if not ids.null_count and pa.types.is_integer(ids.type):
            values = to_numpy(ids)
            if (values[1:] > values[:-1]).all():  # ascending, as the planner writes them: unique at a glance
                self.spans.append((int(values[0]), int(values[-1])))
                return True
        if len(pc.unique(ids)) != len(ids):
            return False
        bounds = pc.min_max(ids)
        self.spans.append((bounds["min"].as_py(), bounds["max"].as_py()))
        return True

    def overlap(self) -> bool:
        """Whether two recorded groups' id ranges overlap (then uniqueness is not known from the groups)."""
        spans = sorted(self.spans)
        return any(nxt[0] <= prev[1] for prev, nxt in zip(spans, spans[1:]))
