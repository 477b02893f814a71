"""The plan's Arrow schema, its metadata keys, and the check every stage runs on it."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from synthocr import __version__
from synthocr.schemas.arrow_numpy import to_numpy
from synthocr.schemas.params import COMBINE_UPRIGHT_MAX, RANGE_PARAMS

# Bump it with every change of the columns (names, types, order); tests/test_schema_versions.py fails until
# then, and a plan of another version is refused with a clear error instead of being misread.
# 2: every parameter of every effect is a column (sine wavelength and phase, perspective corners, crop
#    sides, lighting kind, angle and centre, motion-blur angle), sampled from the declarations; colours come
#    from ink colour modes and background palettes (ink_color, background_color) with a min_contrast, in
#    place of ink_gray, background_gray and color_tint.
# 3: a `template` column (the template a text was filled from; "" for the other text sources).
# 4: a `font_sha1` column (the font file's sha1 when planned, checked by the renderer before it draws).
# 5: text styles: letter_spacing, word_spacing, underline_*, strikethrough_*, emphasis_*, shadow_*, stroke_*.
# 6: a `language` column (the BCP 47 tag HarfBuzz shapes the text for; "" for none).
# 7: a `font_instance` column (the named instance of a variable font the row is drawn in; "" for the default).
# 8: `text_direction` may be `ttb-mixed` (a vertical line whose horizontal scripts are turned sideways).
# 9: `fallback_fonts` and `fallback_sha1` columns (the fonts that draw the characters the row's font lacks).
# 10: a `text_case` column (how the text was cased: as_is, upper, lower, title).
# 11: a `slant_angle` column (the synthetic italic's shear, an effect).
# 12: an `emphasis_italic` column (the emphasised run of words in synthetic italic).
# 13: a `combine_upright_digits` column (in vertical lines, runs of up to that many digits upright in one em).
PLAN_SCHEMA_VERSION = "14"
META_SCHEMA_VERSION = "plan_schema_version"  # key of the version in the Arrow schema metadata

_ARROW = {"float32": pa.float32(), "int16": pa.int16(), "uint8": pa.uint8()}
_DICT = pa.dictionary(pa.int32(), pa.string())


def _param_fields() -> list[pa.Field]:
    return [pa.field(col, _ARROW[p.dtype], nullable=False) for p in RANGE_PARAMS for col in p.column_names]


PLAN_SCHEMA = pa.schema(
    [
        pa.field("image_id", pa.int64(), nullable=False),
        pa.field("spec", _DICT, nullable=False),
        pa.field("seed", pa.int64(), nullable=False),
        pa.field("text", pa.string(), nullable=False),
        pa.field("text_case", _DICT, nullable=False),  # how `text` was cased (TEXT_CASES); it holds the cased text
        pa.field("text_direction", _DICT, nullable=False),
        # In a vertical line, runs of up to this many ASCII digits set upright in one em (tate-chu-yoko); 0: none.
        pa.field("combine_upright_digits", pa.uint8(), nullable=False),
        pa.field("language", _DICT, nullable=False),  # BCP 47 tag HarfBuzz shapes the text for ("" for none)
        pa.field("corpus_file", _DICT, nullable=False),  # relative to the corpus root
        pa.field("corpus_line", pa.int64(), nullable=False),  # 0-based line the text starts on
        pa.field("template", _DICT, nullable=False),  # name of the template filled ("" for other text sources)
        pa.field("font", _DICT, nullable=False),  # relative to the font root
        pa.field("font_sha1", _DICT, nullable=False),  # the font file's sha1 when planned; checked by the renderer
        pa.field("font_instance", _DICT, nullable=False),  # named instance of a variable font ("" for the default)
        # Fonts drawing the characters `font` lacks, in order of preference, `|`-separated ("" for none), and
        # their sha1s when planned, in the same order.
        pa.field("fallback_fonts", _DICT, nullable=False),
        pa.field("fallback_sha1", _DICT, nullable=False),
        pa.field("background_kind", _DICT, nullable=False),
        pa.field("background_file", _DICT, nullable=False),  # "" unless kind == "image"
        # Offset of an image crop or of procedural texture (paper), fraction of the free width / height.
        pa.field("background_x", pa.float32(), nullable=False),
        pa.field("background_y", pa.float32(), nullable=False),
        *_param_fields(),
        pa.field("ink_color", _DICT, nullable=False),  # ink colour mode (schemas/colors.py)
        pa.field("background_color", _DICT, nullable=False),  # background palette (schemas/colors.py)
        pa.field("min_contrast", pa.float32(), nullable=False),  # WCAG ratio the ink keeps over the background
        pa.field("ink_r", pa.uint8(), nullable=False),
        pa.field("ink_g", pa.uint8(), nullable=False),
        pa.field("ink_b", pa.uint8(), nullable=False),
        pa.field("background_r", pa.uint8(), nullable=False),
        pa.field("background_g", pa.uint8(), nullable=False),
        pa.field("background_b", pa.uint8(), nullable=False),
        pa.field("color_mode", _DICT, nullable=False),  # "RGB" or "L"
        pa.field("output_name", pa.string(), nullable=False),  # relative to the output dir, no extension
    ],
    metadata={META_SCHEMA_VERSION: PLAN_SCHEMA_VERSION},
)

# Keys of the Parquet key-value metadata.
META_CONFIG = "synthocr.config"  # resolved config, canonical JSON
META_FINGERPRINT = "synthocr.config_fingerprint"  # sha1 of META_CONFIG
META_PLAN_FINGERPRINT = "synthocr.plan_fingerprint"  # config + asset inventory + version
META_VERSION = "synthocr.version"
META_ROOTS = "synthocr.asset_roots"  # JSON {"font": ..., "corpus": ..., "background": ...}
META_SEED = "synthocr.seed"
META_ROWS = "synthocr.rows"
META_CORPUS_FILES = "synthocr.corpus_files"  # JSON {corpus_file: {"sha1": ..., "bytes": ...}} of the files read
BUILTIN_ROOT = "builtin"  # an asset root meaning "shipped with the package"
SHARD_SIZE = 1000  # images per output folder of the files layout (2 files each): part of output_name


class PlanError(ValueError):
    """A plan that does not follow the contract; the message says what to do."""


def plan_metadata(table_or_schema: pa.Table | pa.Schema) -> dict[str, str]:
    """The plan's synthocr metadata as text (empty for a file from another tool)."""
    schema = table_or_schema.schema if isinstance(table_or_schema, pa.Table) else table_or_schema
    meta = schema.metadata or {}
    return {k.decode(): v.decode() for k, v in meta.items() if k.startswith(b"synthocr.")}


def asset_roots(meta: Mapping[str, str]) -> dict[str, str]:
    """Font, corpus and background roots recorded in a plan's metadata."""
    return json.loads(meta.get(META_ROOTS, "{}"))


def validate_plan(table: pa.Table, *, where: str = "plan") -> None:
    """Check schema equality, unique image ids and the declared ranges.

    Raises:
        PlanError: naming the first column or row that breaks the contract.
    """
    check_schema_version(table.schema, where=where)
    expected = PLAN_SCHEMA.remove_metadata()
    # Whether a column may hold nulls is the writer's choice (pyarrow's set_column, polars and Spark write
    # every column nullable): the values are what is checked, below.
    actual = pa.schema([f.with_nullable(False) for f in table.schema.remove_metadata()])
    if not actual.equals(expected):
        missing = [f.name for f in expected if f.name not in actual.names]
        extra = [n for n in actual.names if n not in expected.names]
        wrong = [
            f"{f.name} ({actual.field(f.name).type}, expected {f.type})"
            for f in expected
            if f.name in actual.names and not actual.field(f.name).type.equals(f.type)
        ]
        parts = []
        if missing:
            parts.append(f"missing columns {missing}")
        if extra:
            parts.append(f"unknown columns {extra}")
        if wrong:
            parts.append(f"wrong types {wrong}")
        if not parts and sorted(actual.names) == sorted(expected.names):
            parts.append("its columns are in another order")
        raise PlanError(
            f"{where} is not a synthocr plan of schema version {PLAN_SCHEMA_VERSION}: "
            + "; ".join(parts or ["a column name is repeated"])
            + ". Re-create it with `synthocr plan CONFIG`."
        )
    if table.num_rows == 0:
        return
    for name, column in zip(table.schema.names, table.columns):
        if column.null_count:
            row = pc.index(pc.is_null(column), True).as_py()
            image_id = table.column("image_id")[row].as_py() if "image_id" in table.schema.names else None
            at = f"row {row}" + (f" (image_id {image_id})" if image_id is not None else "")
            raise PlanError(
                f"{where}: {at}, column {name!r} is empty (null); every plan value is set. Fill it in or "
                "re-create the plan with `synthocr plan`."
            )
    ids = to_numpy(table.column("image_id"))
    if len(np.unique(ids)) != len(ids):
        raise PlanError(f"{where}: image_id values are not unique; re-create the plan with `synthocr plan`.")
    check_ranges(table, where=where)


def check_schema_version(schema: pa.Schema, *, where: str = "plan") -> None:
    """A schema that records a plan schema version records this one (a table without the key passes).

    Raises:
        PlanError: naming both versions and the synthocr that wrote the plan.
    """
    meta = schema.metadata or {}
    found = meta.get(META_SCHEMA_VERSION.encode())
    if not found or found.decode() == PLAN_SCHEMA_VERSION:
        return
    writer = meta.get(META_VERSION.encode(), b"an unknown version").decode()
    # A plan of another build with the same version number: only re-planning helps (that build is gone).
    other = f", or render it with synthocr {writer}" if writer != __version__ else ""
    build = ", an earlier build of this version" if writer == __version__ else ""
    raise PlanError(
        f"{where} has plan schema version {found.decode()} (written by synthocr {writer}{build}); this synthocr "
        f"reads version {PLAN_SCHEMA_VERSION}. Re-create the plan from its config with `synthocr plan CONFIG`"
        f"{other}."
    )


RANGE_COLUMNS = [col for p in RANGE_PARAMS for col in p.column_names]
# Numeric columns that are not range parameters, with the values the renderer accepts.
OTHER_BOUNDS: dict[str, tuple[float, float]] = {
    "image_id": (0, 2**63 - 1),
    "seed": (0, 2**63 - 1),  # numpy's generators take no negative seed
    "corpus_line": (-1, 2**63 - 1),  # -1: not from a corpus line
    "background_x": (0.0, 1.0),
    "background_y": (0.0, 1.0),
    "min_contrast": (1.0, 21.0),  # WCAG contrast ratio
    "combine_upright_digits": (0, COMBINE_UPRIGHT_MAX),
}
VALUE_BOUNDS: dict[str, tuple[float, float]] = {
    **{col: p.bounds for p in RANGE_PARAMS for col in p.column_names},
    **OTHER_BOUNDS,
}
NUMERIC_COLUMNS = [n for n in PLAN_SCHEMA.names if n in VALUE_BOUNDS]


def check_ranges(table: pa.Table, *, where: str = "plan", first_row: int = 0) -> None:
    """Every numeric column of the plan that `table` holds is finite and within its bounds (VALUE_BOUNDS).

    NaN fails too (a min/max would skip it). `first_row` is the plan row number of the table's first row.

    Raises:
        PlanError: naming the first bad row (its number and image_id) and column, and the value.
    """
    if table.num_rows == 0:
        return
    index = {name: i for i, name in enumerate(table.schema.names)}  # table.column_names is a new list each time
    for col in NUMERIC_COLUMNS:
        if col not in index:
            continue
        lo, hi = VALUE_BOUNDS[col]
        column = table.column(index[col])
        if _within(column, lo, hi):
            continue
        ok = pc.and_(pc.greater_equal(column, lo), pc.less_equal(column, hi))  # false for NaN
        if pa.types.is_floating(column.type):
            ok = pc.and_(ok, pc.is_finite(column))
        if pc.all(ok).as_py():
            continue
        row = pc.index(ok, False).as_py()
        image_id = f" (image_id {table.column('image_id')[row]})" if "image_id" in table.column_names else ""
        raise PlanError(
            f"{where}: row {first_row + row}{image_id}, column {col!r}: {column[row]} is not a finite number in "
            f"the allowed range [{lo}, {hi}]; re-create the plan with `synthocr plan`, or fix that value."
        )


def _within(column: pa.ChunkedArray, lo: float, hi: float) -> bool:
    """Whether every value of `column` is finite and in [lo, hi]: the common case, asked of the column's
    buffer through numpy (one min and one max; with the column lookup above, the plan's 120 number
    columns take 0.14 s per million rows, 0.69 s through Arrow's calls and their scalars) and without
    making an Arrow scalar from a Python number, which would import pandas (about 0.3 s) before the
    workers start."""
    if column.null_count or not (pa.types.is_integer(column.type) or pa.types.is_floating(column.type)):
        return False
    values = to_numpy(column)
    if len(values) == 0:
        return True
    low, high = values.min(), values.max()  # NaN anywhere makes both NaN, and NaN compares false
    return bool(lo <= low and high <= hi and math.isfinite(low) and math.isfinite(high))


def row_to_python(row: Mapping[str, Any]) -> dict[str, Any]:
    """A plan row as plain JSON-able Python values."""
    out = dict(zip(_COLUMNS, map(row.__getitem__, _COLUMNS)))
    if not all(map(_PLAIN_TYPES.__contains__, map(type, out.values()))):  # numpy scalars, say (rare)
        for name, value in out.items():
            if isinstance(value, np.generic):
                out[name] = value.item()
    return out


_COLUMNS: tuple[str, ...] = tuple(PLAN_SCHEMA.names)
_PLAIN_TYPES = frozenset({int, float, str, bool, type(None)})
