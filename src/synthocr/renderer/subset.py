"""Plans without their metadata: a subset of a plan written back by pandas (`DataFrame.to_parquet`) made renderable.

pandas keeps the columns but drops the Parquet key-value metadata that holds the config, its
fingerprint and the asset roots, and it may narrow dictionary indices and add an index column. The
rows are cast back to the plan schema and checked (types, ranges, unique ids, safe output names);
the metadata comes from the plan they were selected from (`--metadata-from`, by default the plan
the output dir's checkpoint records). The result is written into the output dir (`_plans/`, which
every worker reaches and the output scan skips), so the renderer reads it as any plan and each
row renders to the same bytes as in the full plan.
"""

from __future__ import annotations

import hashlib
import io
import logging

import pyarrow as pa
import pyarrow.parquet as pq

from synthocr.errors import UserError
from synthocr.extras import url_to_fs
from synthocr.renderer.io import check_plan_rows, open_plan, read_checkpoint
from synthocr.renderer.storage import Storage, makedirs, with_retries, write_atomic
from synthocr.schemas.plan import PLAN_SCHEMA, PlanError, plan_metadata, validate_plan

log = logging.getLogger(__name__)

SUBSET_DIR = "_plans"
PANDAS_INDEX = "__index_level_0__"


def has_metadata(path: str) -> bool:
    """Whether the Parquet file at `path` carries synthocr's plan metadata (False when it is unreadable)."""
    try:
        fs, inner = url_to_fs(path) if "://" in path else (None, path)
        schema = pq.read_schema(fs.open(inner, "rb") if fs is not None else inner)
    except (OSError, pa.ArrowException, ValueError):
        return True  # let open_plan report what is wrong with it
    return bool(plan_metadata(schema))


def adopt_subset(path: str, store: Storage, metadata_from: str | None, run_id: str) -> tuple[str, str]:
    """The rows of the metadata-less plan `path`, checked and given the metadata of their full plan, written
    into `store` as `_plans/subset-<sha1>.parquet`.

    Returns:
        The URL or path of the written plan, and that of the full plan whose metadata it took.

    Raises:
        UserError: no plan to take the metadata from, columns that are missing, unknown or of a type
            that does not cast, or rows that break the plan contract.
    """
    try:
        names = pq.read_schema(_open(path)).names
    except (OSError, pa.ArrowException) as exc:
        raise UserError(f"plan {path} is not a readable Parquet file ({exc}).") from None
    if not {"image_id", "output_name"} <= set(names):
        raise UserError(
            f"plan {path} has no synthocr metadata: it was not written by `synthocr plan`, nor is it a subset "
            "of such a plan (no image_id and output_name columns)."
        )
    source = metadata_from or _recorded_plan(store)
    if source is None:
        raise UserError(
            f"plan {path} has no synthocr metadata (pandas' to_parquet drops it), and the output dir "
            f"{store.url} records no plan to take it from. Pass the plan the rows were selected from: "
            f"synthocr render {path} -o {store.url} --metadata-from FULL_PLAN."
        )
    full = open_plan(source)
    try:
        table = pq.read_table(_open(path))
    except (OSError, pa.ArrowException) as exc:
        raise UserError(f"plan {path} is not a readable Parquet file ({exc}).") from None
    if PANDAS_INDEX in table.column_names:
        table = table.drop_columns([PANDAS_INDEX])
    table = _cast(table, path)
    table = table.replace_schema_metadata(full.schema_arrow.metadata)
    try:
        validate_plan(table, where=f"plan {path}")
    except PlanError as exc:
        raise UserError(str(exc)) from None
    buf = io.BytesIO()
    pq.write_table(table, buf, compression="zstd")
    data = buf.getvalue()
    check_plan_rows(pq.ParquetFile(pa.BufferReader(data)), path)  # before anything is written
    rel = f"{SUBSET_DIR}/subset-{hashlib.sha1(data).hexdigest()[:16]}.parquet"
    with_retries(lambda: makedirs(store, SUBSET_DIR), f"creating {store.path(SUBSET_DIR)}")
    with_retries(lambda: write_atomic(store, rel, data, run_id), f"writing {store.path(rel)}")
    adopted = store.path(rel) if store.local else f"{store.url.rstrip('/')}/{rel}"
    log.warning(
        "plan %s has no synthocr metadata (written by pandas or another tool): its %d rows were checked "
        "against the plan schema and take the metadata of %s; provenance beyond that is lost "
        "(whether the rows still equal that plan's is not checked). Rendering from %s.",
        path,
        table.num_rows,
        source,
        adopted,
    )
    return adopted, source


def _open(path: str):
    if "://" not in path:
        return path
    fs, inner = url_to_fs(path)
    return fs.open(inner, "rb")


def _recorded_plan(store: Storage) -> str | None:
    checkpoint = read_checkpoint(store) or {}
    recorded = checkpoint.get("plan_path")
    return recorded if isinstance(recorded, str) and recorded else None


def _cast(table: pa.Table, path: str) -> pa.Table:
    """The table with exactly the plan schema's columns, in its order and with its types."""
    expected = PLAN_SCHEMA.remove_metadata()
    missing = [n for n in expected.names if n not in table.column_names]
    extra = [n for n in table.column_names if n not in expected.names]
    if missing or extra:
        parts = ([f"missing columns {missing}"] if missing else []) + ([f"unknown columns {extra}"] if extra else [])
        raise UserError(
            f"plan {path} is not a subset of a synthocr plan: {'; '.join(parts)}. Keep every plan column "
            "and add none (select rows in pandas, not columns)."
        )
    columns = []
    for f in expected:
        column = table.column(f.name)
        try:
            if pa.types.is_dictionary(f.type) and not pa.types.is_dictionary(column.type):
                column = column.cast(f.type.value_type).dictionary_encode().cast(f.type)
            else:
                column = column.cast(f.type)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            raise UserError(
                f"plan {path}: column {f.name} ({column.type}) does not convert to the plan's {f.type} ({exc})."
            ) from None
        columns.append(column)
    return pa.Table.from_arrays(columns, schema=expected)
