"""Every label of a render joined to its plan row in one Parquet table, with a completeness check against the plan."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from synthocr.analysis.outputs import Output, find_outputs, plan_path_of, read_label
from synthocr.errors import UserError
from synthocr.output_paths import atomic_output, check_output_path
from synthocr.renderer.io import open_plan
from synthocr.schemas.labels import Label

log = logging.getLogger(__name__)

BATCH_ROWS = 4096  # labels read and written per batch: memory stays bounded for large renders
POINT = pa.list_(pa.float64(), 2)  # [x, y] in final image pixels
REGION = pa.struct(
    [
        pa.field("text", pa.string()),
        pa.field("polygon", pa.list_(POINT)),
        pa.field("bbox", pa.list_(pa.float64(), 4)),  # x0, y0, x1, y1 clipped to the image
    ]
)
# Columns added after the plan's own columns.
LABEL_FIELDS = [
    pa.field("image", pa.string()),  # image path relative to the output dir
    pa.field("label", pa.string()),  # label JSON path relative to the output dir
    pa.field("width", pa.int32()),
    pa.field("height", pa.int32()),
    pa.field("chars", pa.list_(REGION)),
    pa.field("words", pa.list_(REGION)),
    pa.field("line", REGION),
    pa.field("baseline", pa.list_(POINT)),  # the line's baseline (empty in labels older than version 4)
    pa.field("plan_differs", pa.list_(pa.string())),  # plan columns whose value differs from the label's
]
META_COLLECTED_FROM = "synthocr.collected_from"


@dataclass
class CollectSummary:
    """What `collect_labels` found: rows written, plan rows without output, outputs not in the plan."""

    plan_path: str
    rows: int = 0
    missing: list[int] = field(default_factory=list)  # image_id of plan rows with no finished output
    extra: list[str] = field(default_factory=list)  # output names the plan does not have
    differs: list[int] = field(default_factory=list)  # image_id of rows whose label records other parameters


def _rendered_params(pairs: list[tuple[Output, Label]], plan_rows: pa.Table) -> tuple[pa.Table, list[list[str]]]:
    """The plan columns as each label records them (the parameters its image was rendered with), and per
    row the columns whose value differs from the plan's now. A column the label lacks keeps the plan's
    value and counts as differing. Columns where every label agrees with the plan are the plan's own."""
    schema = plan_rows.schema
    columns: list[pa.Array | pa.ChunkedArray] = []
    differs: list[list[str]] = [[] for _ in pairs]
    params = [label.params for _, label in pairs]
    for i, f in enumerate(schema):
        planned = plan_rows.column(i).combine_chunks()
        absent = np.array([f.name not in p for p in params], bool)
        try:
            recorded = pa.array([p.get(f.name) for p in params], type=f.type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            recorded = None  # a value the column's type cannot hold: the plan's stays, the rows are flagged
        if recorded is None:
            changed = np.ones(len(params), bool)
        else:
            recorded = pc.if_else(pa.array(absent), planned, recorded) if absent.any() else recorded
            a, b = (_plain(recorded), _plain(planned))
            changed = ~pc.fill_null(pc.equal(a, b), False).to_numpy(zero_copy_only=False) | absent
        columns.append(planned if recorded is None or not changed.any() else recorded)
        for r in np.flatnonzero(changed):
            differs[r].append(f.name)
    return pa.Table.from_arrays(columns, schema=schema), differs


def _plain(array: pa.Array) -> pa.Array:
    """A dictionary array as its values (two dictionaries of the same strings compare equal)."""
    return array.cast(array.type.value_type) if pa.types.is_dictionary(array.type) else array


def _label_columns(pairs: list[tuple[Output, Label]], differs: list[list[str]]) -> list[pa.Array]:
    """The label columns (LABEL_FIELDS) of a batch, with their declared types."""
    values: dict[str, list[Any]] = {f.name: [] for f in LABEL_FIELDS}
    for output, label in pairs:
        values["image"].append(output.image_location)
        values["label"].append(output.label_rel)
        values["width"].append(label.width)
        values["height"].append(label.height)
        values["chars"].append([r.to_dict() for r in label.chars])
        values["words"].append([r.to_dict() for r in label.words])
        values["line"].append(label.line.to_dict())
        values["baseline"].append(label.regions.baseline_points())
    values["plan_differs"] = differs
    return [pa.array(values[f.name], type=f.type) for f in LABEL_FIELDS]


def collect_labels(out_dir: str | Path, output: str | Path, plan: str | Path | None = None) -> CollectSummary:
    """Write one Parquet table of every finished output in `out_dir`: the parameters it was rendered with,
    its image path and geometry.

    Rows follow plan order. The plan is `plan`, or the one recorded in the output dir's checkpoint;
    its metadata is copied into the table. The plan columns hold the values each label records (what
    the image was rendered with); `plan_differs` lists the columns where the plan now says otherwise,
    and `summary.differs` the ids of those rows. Only finished outputs of that plan count
    (renderer.finished); outputs whose name is not in the plan are left out and reported in `extra`.

    Raises:
        UserError: no outputs, no readable plan, a label whose image_id differs from its plan row.
    """
    out = os.fspath(out_dir)
    check_output_path(output, "-o", "file")
    plan_path = plan_path_of(out, plan)
    plan_table = open_plan(plan_path).read()
    position = {name: i for i, name in enumerate(plan_table.column("output_name").to_pylist())}
    outputs, scan = find_outputs(out, plan_path)
    summary = CollectSummary(plan_path=plan_path)
    matched = sorted((position[o.name], o) for o in outputs)
    summary.extra = sorted(scan.extra)
    ids = plan_table.column("image_id").to_numpy()
    found = np.zeros(plan_table.num_rows, bool)
    found[[p for p, _ in matched]] = True
    summary.missing = ids[~found].tolist()

    schema = plan_table.schema.append(LABEL_FIELDS[0])
    for f in LABEL_FIELDS[1:]:
        schema = schema.append(f)
    meta = {**(plan_table.schema.metadata or {}), META_COLLECTED_FROM.encode(): _where(out).encode()}
    schema = schema.with_metadata(meta)
    dest = Path(output)
    with atomic_output(dest, "-o") as tmp, pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
        for start in range(0, max(len(matched), 1), BATCH_ROWS):
            batch = matched[start : start + BATCH_ROWS]
            positions = pa.array([p for p, _ in batch], pa.int64())
            rows = plan_table.take(positions)
            pairs = [(o, read_label(o)) for _, o in batch]
            for (p, o), (_, label) in zip(batch, pairs):
                if label.image_id != ids[p]:
                    raise UserError(
                        f"label {o.label_path} has image_id {label.image_id}, but its plan row in {plan_path} has "
                        f"{ids[p]}: the output dir holds another plan's outputs. Pass the right plan with --plan."
                    )
            recorded, differs = _rendered_params(pairs, rows)
            summary.differs += [label.image_id for (_, label), d in zip(pairs, differs) if d]
            table = pa.Table.from_arrays([*recorded.columns, *_label_columns(pairs, differs)], schema=schema)
            writer.write_table(table)
            summary.rows += table.num_rows
    log.info(
        "collected %d labels from %s into %s (%d missing, %d extra, %d differ from the plan)",
        summary.rows,
        out,
        dest,
        len(summary.missing),
        len(summary.extra),
        len(summary.differs),
    )
    return summary


def _where(out: str) -> str:
    """The output dir as an absolute path, or its URL."""
    return out if "://" in out else str(Path(out).resolve())
