"""Choosing plan rows to render: `--rows 10,20-30` and `--where "<pandas query>"`."""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from synthocr.errors import UserError
from synthocr.extras import url_to_fs

if TYPE_CHECKING:  # pandas is imported where a query or an id file needs it: most renders do not
    import pandas as pd

ID_COLUMN = "image_id"


def rows_mask(spec: str, n_rows: int) -> NDArray[np.bool_]:
    """Which plan rows "10,20-30" (inclusive ranges) picks, as a mask of one byte a row: a range is set
    in place, so `--rows 0-999999` costs no array of its positions."""
    keep = np.zeros(n_rows, bool)
    for part in spec.split(","):
        part = part.strip()
        lo, sep, hi = part.partition("-")
        try:
            a, b = int(lo), int(hi) if sep else int(lo)
        except ValueError:
            raise UserError(f"--rows: {part!r} is not a row number or range like 20-30.") from None
        if a < 0 or b < a or b >= n_rows:
            raise UserError(f"--rows: {part!r} is outside the plan's rows 0-{n_rows - 1} (or reversed).")
        keep[a : b + 1] = True
    return keep


_ALLOWED = (
    ast.Expression,
    ast.BoolOp,
    ast.BinOp,
    ast.UnaryOp,
    ast.Compare,
    ast.Name,
    ast.Constant,
    ast.List,
    ast.Tuple,
    ast.Load,
    ast.boolop,
    ast.operator,
    ast.unaryop,
    ast.cmpop,
)


_BACKTICKED = re.compile(r"`([^`]*)`")


def _unquote(query: str, columns: list[str], listing: str) -> str:
    """The query with each backtick-quoted column name (pandas' `` `font size` ``) replaced by a plain name.

    Raises:
        UserError: a backtick-quoted name that is not a column.
    """

    def name(match: re.Match[str]) -> str:
        if match.group(1) not in columns:
            raise UserError(f"--where: `{match.group(1)}` is not a column. {listing}")
        return f"__column_{columns.index(match.group(1))}"

    return _BACKTICKED.sub(name, query)


def _listing(columns: list[str], label_columns: Sequence[str]) -> tuple[str, str]:
    """What a query may name ("plan columns", or "plan and label columns" where labels add some) and the
    sentence listing them, for messages."""
    extra = [c for c in columns if c in label_columns]
    if not extra:
        return "plan columns", f"Columns: {', '.join(columns)}."
    plan = [c for c in columns if c not in label_columns]
    return "plan and label columns", f"Plan columns: {', '.join(plan)}. Label columns: {', '.join(extra)}."


def _check_query(query: str, columns: list[str], label_columns: Sequence[str] = ()) -> None:
    """Only comparisons, arithmetic and and/or/not over the columns and literals.

    pandas would also run attribute access and method calls (`text.__class__`, `font_size.values`):
    the query is user text, so anything beyond plain expressions is refused before pandas sees it.
    Column names may be quoted in backticks, as pandas allows.
    """
    kinds, listing = _listing(columns, label_columns)
    quoted = {f"__column_{i}" for i in range(len(columns))}
    hint = (
        f"--where {query!r} is not a valid query: use only {kinds}, literals, comparisons (== != < <= > >= in), "
        f"arithmetic and and/or/not, e.g. \"spec == 'latin' and font_size > 30\". {listing}"
    )
    try:
        tree = ast.parse(_unquote(query, columns, listing), mode="eval")
    except SyntaxError:
        raise UserError(f"{hint} (not a valid expression)") from None
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            raise UserError(f"{hint} ({type(node).__name__.lower()} is not allowed)")
        if isinstance(node, ast.Name) and node.id not in columns and node.id not in quoted:
            raise UserError(f"{hint} ({node.id!r} is not one of the {kinds})")


def select_where(frame: pd.DataFrame, query: str, label_columns: Sequence[str] = ()) -> NDArray[np.int64]:
    """Positions of rows matching a pandas query over the frame's columns only.

    The query sees the frame's columns and nothing else: no local or global
    names, so `@variables` and module functions are unavailable, and no
    attribute access, subscript or call (_check_query). `label_columns` names the
    frame's columns that come from the labels rather than the plan (export's
    LABEL_COLUMNS), so the messages list both kinds.
    """
    import pandas as pd

    _check_query(query, list(frame.columns), label_columns)
    try:
        mask = frame.eval(query, local_dict={}, global_dict={}, engine="python")
    except Exception as exc:  # pandas raises many types for a bad expression; all are the user's input
        raise UserError(
            f"--where {query!r} is not a valid query over the {_listing(list(frame.columns), label_columns)[0]} "
            f"({type(exc).__name__}: {exc}). {_listing(list(frame.columns), label_columns)[1]}"
        ) from None
    if not isinstance(mask, pd.Series) or mask.dtype != bool:
        raise UserError(
            f"--where {query!r} must be a true/false condition, e.g. \"spec == 'latin' and font_size > 30\"."
        )
    return np.flatnonzero(mask.to_numpy())


def read_ids(path: str) -> NDArray[np.int64]:
    """The image ids listed in `path`: a Parquet or CSV file with an `image_id` column, or a text file with
    one id per line (blank lines and lines starting with # are skipped). Local path or fsspec URL.

    Raises:
        UserError: the file is missing or unreadable, has no image_id column, or holds a value that is
            not a whole number.
    """
    import pandas as pd

    lower = path.lower()
    try:
        fs, inner = url_to_fs(path)
        with fs.open(inner, "rb") as fh:
            if lower.endswith((".parquet", ".pq")):
                frame = pd.read_parquet(fh, columns=[ID_COLUMN])
            elif lower.endswith((".csv", ".tsv")):
                frame = pd.read_csv(fh, sep="\t" if lower.endswith(".tsv") else ",", dtype=str, encoding="utf-8-sig")
            else:
                lines = fh.read().decode("utf-8-sig").splitlines()
                values = [v.strip() for v in lines if v.strip() and not v.lstrip().startswith("#")]
                frame = pd.DataFrame({ID_COLUMN: values})
    except FileNotFoundError:
        raise UserError(
            f"--ids {path} does not exist; write the ids there (one per line, or a CSV/Parquet column)."
        ) from None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise UserError(f"--ids {path} is not readable as a list of image ids ({type(exc).__name__}: {exc}).") from None
    if ID_COLUMN not in frame.columns:
        raise UserError(
            f"--ids {path} has no {ID_COLUMN} column (columns: {', '.join(map(str, frame.columns))}); "
            f"write one, e.g. df[['{ID_COLUMN}']].to_csv(path, index=False)."
        )
    values = frame[ID_COLUMN]
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() | (numbers != numbers.round())
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise UserError(f"--ids {path}: value {values.iloc[row]!r} (entry {row + 1}) is not a whole image id.")
    return np.unique(numbers.to_numpy().astype(np.int64))


def unknown_ids(unknown: NDArray[np.int64], source: str) -> UserError:
    """The error for `--ids` that name ids the plan does not have (the first few are named)."""
    shown = ", ".join(map(str, unknown[:10].tolist())) + (" ..." if len(unknown) > 10 else "")
    return UserError(f"--ids {source}: {len(unknown)} ids are not in the plan: {shown}.")
