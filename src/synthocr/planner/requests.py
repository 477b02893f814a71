"""Request files: per-row plan values from CSV, JSONL or Parquet, checked row by row, bad rows set aside."""

from __future__ import annotations

import csv
import difflib
import io
import itertools
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

from synthocr.config.bounded import LimitExceeded, loads_bounded_json
from synthocr.config.rules import MAX_TEXT_LENGTH
from synthocr.errors import UserError, describe_char, not_utf8_problem
from synthocr.planner.corpus_formats import header_delimiter, wide_encoding
from synthocr.planner.text_case import apply_case
from synthocr.schemas.colors import BACKGROUND_COLOR_NAMES, INK_COLOR_NAMES
from synthocr.schemas.output_names import check_output_name
from synthocr.schemas.params import BACKGROUND_KINDS, COMBINE_UPRIGHT_MAX, CONFIG_DIRECTIONS, RANGE_PARAMS, TEXT_CASES
from synthocr.schemas.plan import PLAN_SCHEMA, VALUE_BOUNDS
from synthocr.schemas.text_rules import NOT_ONE_LINE, language_problem

FORMATS = ("csv", "jsonl", "parquet")
# Drawn after the other columns (planner/colors.py), the outline's from the ink's: requested values go in last.
COLOUR_COLUMNS = (
    "ink_r",
    "ink_g",
    "ink_b",
    "background_r",
    "background_g",
    "background_b",
    "stroke_r",
    "stroke_g",
    "stroke_b",
)
# Columns the planner derives or assigns itself: a request may not set them.
DERIVED = {
    "image_id": "the planner numbers the rows",
    "template": "the planner records the template it filled",
    "fallback_fonts": "the planner picks the fonts that draw what the row's font lacks (the spec's fallback_fonts)",
    "fallback_sha1": "the planner records the fallback fonts' fingerprints",
    "font_sha1": "the planner records the font's fingerprint, which its renderer checks",
    "corpus_file": "the planner records which corpus file a drawn text came from; a requested text has none",
    "corpus_line": "the planner records which corpus line a drawn text came from; a requested text has none",
}
REQUEST_COLUMNS = tuple(n for n in PLAN_SCHEMA.names if n not in DERIVED)
REJECTED_HEADER = ("row_number", "error_type", "error_message", "raw_data")
_SURROGATE = re.compile("[\ud800-\udfff]")
_PARAM_OF_COLUMN = {col: p for p in RANGE_PARAMS for col in p.column_names}


@dataclass(frozen=True)
class RawRequest:
    """One row of a request file: its 1-based number, the values it gives (None = not given), its raw text."""

    row_number: int
    values: dict[str, Any]
    raw: str
    error: tuple[str, str] | None = None  # (error_type, message) found while reading


@dataclass(frozen=True)
class Rejection:
    """A request row left out of the plan, as written to the rejected file."""

    row_number: int
    error_type: str
    error_message: str
    raw_data: str


@dataclass(frozen=True)
class RequestFile:
    """A request file read from disk: every row, good or bad, in file order."""

    path: Path | None  # None for requests made in memory (the Python API): rejections raise instead
    rows: list[RawRequest]

    @property
    def rejected_path(self) -> Path | None:
        """`<input>.rejected.csv`, next to the request file."""
        return self.path.with_name(self.path.name + ".rejected.csv") if self.path else None


def request_format(path: Path, fmt: str | None) -> str:
    """The format named by `fmt`, else by the file extension.

    Raises:
        UserError: neither names a known format.
    """
    if fmt:
        if fmt not in FORMATS:
            raise UserError(f"--format {fmt!r} is not one of {list(FORMATS)}.")
        return fmt
    suffix = path.suffix.lower().lstrip(".")
    suffix = {"json": "jsonl", "ndjson": "jsonl", "pq": "parquet"}.get(suffix, suffix)
    if suffix not in FORMATS:
        raise UserError(
            f"request file {path}: cannot tell its format from the extension {path.suffix!r}; "
            f"pass --format {{{','.join(FORMATS)}}}."
        )
    return suffix


def read_requests(path: str | Path, fmt: str | None = None) -> RequestFile:
    """Read every row of a request file; rows that cannot be parsed carry their error.

    Raises:
        UserError: the file is missing, unreadable or not of the format at all.
    """
    path = Path(path)
    kind = request_format(path, fmt)
    if not path.is_file():
        raise UserError(f"request file {path} does not exist; pass the path of a CSV, JSONL or Parquet file.")
    try:
        if kind == "parquet":
            rows = _read_parquet(path)
        else:
            data = path.read_bytes()
            wide = wide_encoding(data)  # Excel's "Unicode Text": UTF-16, tab-separated
            problem = None if wide else not_utf8_problem(f"request file {path}", data)
            if problem:  # Excel's plain "CSV" is Windows-1252; its "CSV UTF-8" is what we read
                raise UserError(f"{problem} (in Excel: save as 'CSV UTF-8').")
            text = data.decode(wide or "utf-8-sig")  # a byte-order mark (Excel's UTF-8 CSV) is dropped
            rows = _read_csv(text) if kind == "csv" else _read_jsonl(text)
    except (OSError, UnicodeDecodeError, csv.Error, pa.ArrowException) as exc:
        raise UserError(f"request file {path} cannot be read as {kind} ({exc}); check its format.") from None
    return RequestFile(path, rows)


def _read_csv(text: str) -> list[RawRequest]:
    """Rows of a CSV file, comma-separated, or semicolon- or tab-separated when its header says so (Excel
    in locales with a decimal comma writes ';')."""
    first = text.split("\n", 1)[0]
    delimiter = header_delimiter(first)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        return []
    out = []
    for number, fields in enumerate(reader, start=1):
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(fields)
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            out.append(
                RawRequest(
                    number,
                    {},
                    buf.getvalue(),
                    ("invalid_row", f"has {len(fields)} fields, the header has {len(header)}"),
                )
            )
            continue
        values = {k.strip(): (v if v != "" else None) for k, v in zip(header, fields)}
        out.append(RawRequest(number, values, buf.getvalue()))
    return out


def _read_jsonl(text: str) -> list[RawRequest]:
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = loads_bounded_json(line)
        except json.JSONDecodeError as exc:
            out.append(
                RawRequest(number, {}, line, ("invalid_json", f"not valid JSON ({exc.msg} at column {exc.colno})"))
            )
            continue
        except LimitExceeded as exc:  # a request row is a flat object
            out.append(RawRequest(number, {}, line[:1000], ("invalid_json", f"JSON {exc}")))
            continue
        if _has_lone_surrogate(obj):  # "\ud800" is valid JSON but no character: no font, file or label takes it
            out.append(RawRequest(number, {}, line, ("invalid_value", "holds a lone surrogate (\\ud800-\\udfff)")))
            continue
        if not isinstance(obj, dict):
            out.append(
                RawRequest(number, {}, line, ("invalid_json", f"expected a JSON object, got {type(obj).__name__}"))
            )
            continue
        out.append(RawRequest(number, obj, line))
    return out


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        return not value.isascii() and _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(map(_has_lone_surrogate, value))
    return False


def _read_parquet(path: Path) -> list[RawRequest]:
    table = pq.read_table(path)
    return [
        RawRequest(i, row, json.dumps(row, ensure_ascii=False, default=str))
        for i, row in enumerate(table.to_pylist(), start=1)
    ]


# --- checking one row --------------------------------------------------------------


class _Invalid(Exception):
    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


def _as_int(col: str, v: Any) -> int:
    if isinstance(v, bool):
        raise _Invalid("invalid_type", f"{col}: expected an integer, got {v!r}")
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str):
        try:
            return int(v.strip())
        except ValueError:
            pass
    raise _Invalid("invalid_type", f"{col}: expected an integer, got {v!r}")


def _as_float(col: str, v: Any) -> float:
    if isinstance(v, bool):
        raise _Invalid("invalid_type", f"{col}: expected a number, got {v!r}")
    try:
        out = float(v.strip() if isinstance(v, str) else v)
    except (TypeError, ValueError):
        raise _Invalid("invalid_type", f"{col}: expected a number, got {v!r}") from None
    if not np.isfinite(out):
        raise _Invalid("invalid_type", f"{col}: expected a finite number, got {v!r}")
    return out


def _as_str(col: str, v: Any) -> str:
    if not isinstance(v, str):
        raise _Invalid("invalid_type", f"{col}: expected a string, got {v!r}")
    return v


def _choice(col: str, v: Any, options: Sequence[str], error_type: str = "invalid_value") -> str:
    s = _as_str(col, v)
    if s not in options:
        close = difflib.get_close_matches(s, list(options), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else f"; expected one of {list(options)[:10]}"
        raise _Invalid(error_type, f"{col}: {s!r} is not known{hint}")
    return s


@dataclass
class RequestContext:
    """What a request row is checked against: specs, fonts and their coverage, background files."""

    spec_names: list[str]
    font_names: list[str]  # healthy fonts, in FontCoverage.healthy order
    spec_fonts: NDArray[np.bool_]  # (n_specs, n_fonts)
    coverage: Callable[[list[str]], NDArray[np.bool_]]
    background_files: list[str]
    font_instances: list[tuple[str, ...]] = field(default_factory=list)  # named instances per healthy font
    # (texts, spec per text) -> coverage with the specs' fallback fonts (None: no spec has any)
    drawable: Callable[[list[str], NDArray[np.int64]], NDArray[np.bool_]] | None = None
    color_modes: tuple[str, ...] = ("RGB", "L")
    _font_index: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._font_index = {f: i for i, f in enumerate(self.font_names)}


def check_request(values: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
    """Typed values of one request row.

    Raises:
        _Invalid: naming the first problem (error type and message).
    """
    out: dict[str, Any] = {}
    for col, v in values.items():
        if v is None:
            continue
        if col in DERIVED:
            raise _Invalid("unknown_column", f"{col}: cannot be requested ({DERIVED[col]})")
        if col not in REQUEST_COLUMNS:
            close = difflib.get_close_matches(str(col), list(REQUEST_COLUMNS), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise _Invalid("unknown_column", f"{col}: not a plan column{hint}")
        field_type = PLAN_SCHEMA.field(col).type
        if col in _PARAM_OF_COLUMN or col in COLOUR_COLUMNS:
            p = _PARAM_OF_COLUMN.get(col)
            lo, hi = p.bounds if p else (0, 255)
            x: float = _as_int(col, v) if (p is None or p.is_int) else _as_float(col, v)
            if not lo <= x <= hi:
                unit = f" {p.unit}" if p else ""
                raise _Invalid("out_of_range", f"{col}: {x} is outside the allowed range [{lo}, {hi}]{unit}")
            out[col] = x
        elif col == "spec":
            out[col] = _choice(col, v, ctx.spec_names, "unknown_spec")
        elif col == "text_direction":
            out[col] = _choice(col, v, CONFIG_DIRECTIONS)  # auto: resolved from the text when planned
        elif col == "text_case":
            out[col] = _choice(col, v, TEXT_CASES)
        elif col == "combine_upright_digits":
            n = _as_int(col, v)
            if not 0 <= n <= COMBINE_UPRIGHT_MAX:
                raise _Invalid(
                    "out_of_range", f"{col}: {n} is outside the allowed range [0, {COMBINE_UPRIGHT_MAX}] digits"
                )
            out[col] = n
        elif col == "language":
            tag = _as_str(col, v)
            bad_language = language_problem(tag)
            if bad_language:
                raise _Invalid("invalid_value", f"language: {bad_language}")
            out[col] = tag
        elif col == "background_kind":
            out[col] = _choice(col, v, BACKGROUND_KINDS)
        elif col == "background_file":
            out[col] = _choice(col, v, ctx.background_files, "unknown_background")
        elif col == "color_mode":
            out[col] = _choice(col, v, ctx.color_modes)
        elif col == "ink_color":
            out[col] = _choice(col, v, INK_COLOR_NAMES)
        elif col == "background_color":
            out[col] = _choice(col, v, BACKGROUND_COLOR_NAMES)
        elif col == "min_contrast":
            x = _as_float(col, v)
            if not 1.0 <= x <= 21.0:
                raise _Invalid("out_of_range", f"{col}: {x} is outside the allowed range [1, 21] (WCAG contrast ratio)")
            out[col] = x
        elif col == "font":
            out[col] = _choice(col, v, ctx.font_names, "unknown_font")
        elif col == "text":
            text = _as_str(col, v)
            if not text.strip():
                raise _Invalid("invalid_value", "text: must be one non-empty line")
            brk = NOT_ONE_LINE.search(text)
            if brk:
                raise _Invalid(
                    "invalid_value",
                    f"text: has {describe_char(brk.group())}, a line break or a space drawn with ink; an image "
                    "holds one line of text: put a plain space there",
                )
            if len(text) > MAX_TEXT_LENGTH:
                raise _Invalid("out_of_range", f"text: {len(text)} characters, more than {MAX_TEXT_LENGTH} in one line")
            out[col] = text
        elif col == "output_name":
            name = _as_str(col, v)
            problem = check_output_name(name)
            if problem:
                raise _Invalid("invalid_output_name", f"output_name {name!r} {problem}")
            out[col] = name
        elif col == "seed":
            x = _as_int(col, v)
            if not 0 <= x < 2**63:
                raise _Invalid("out_of_range", f"{col}: {x} is outside [0, 2**63)")
            out[col] = x
        elif pa.types.is_integer(field_type) or pa.types.is_floating(field_type):  # background_x/_y, min_contrast
            x = _as_float(col, v)
            lo, hi = VALUE_BOUNDS[col]
            if not lo <= x <= hi:
                raise _Invalid("out_of_range", f"{col}: {x} is outside the allowed range [{lo}, {hi}]")
            out[col] = x
        else:
            out[col] = _as_str(col, v)
    if out.get("font_instance"):
        _check_instance(out, ctx)
    if "background_file" in out:
        if out.setdefault("background_kind", "image") != "image":
            raise _Invalid("invalid_value", "background_file: only allowed with background_kind 'image'")
    if "text" in out:
        cased = apply_case(out["text"], out.get("text_case", "as_is"), out.get("language", ""))
        covered = _covered(ctx, cased)
        if "font" in out:
            can = covered[:, ctx._font_index[out["font"]]]
            problem = f"font {out['font']!r} lacks a character of text {out['text']!r}"
        else:
            can = np.asarray((covered & ctx.spec_fonts).any(axis=1), bool)
            problem = f"no font eligible for this row covers every character of {out['text']!r}"
        if not (can[ctx.spec_names.index(out["spec"])] if "spec" in out else can.any()):
            raise _Invalid("uncovered_text", problem)
        if "spec" not in out:
            out[SPECS_ALLOWED] = can
    elif "font" in out and "spec" not in out:
        # A font asked for alone: a specification whose fonts include it draws texts from a corpus of its script
        home = ctx.spec_fonts[:, ctx._font_index[out["font"]]]
        if home.any():
            out[SPECS_ALLOWED] = home
    return out


# The key of a checked row that names no spec, holding which specifications may draw it (fit_specs).
SPECS_ALLOWED = "_specs_allowed"
SWAP_TRIES = 64  # rows of a spec fit_specs looks at for one that may swap, before it gives up the swap


def _covered(ctx: RequestContext, text: str) -> NDArray[np.bool_]:
    """Per specification and font, whether the font draws `text`: by itself, or with the fallback fonts of
    that specification."""
    specs = np.arange(len(ctx.spec_names))
    if ctx.drawable is None:
        return np.broadcast_to(ctx.coverage([text])[0], (len(specs), len(ctx.font_names)))
    return np.asarray(ctx.drawable([text] * len(specs), specs), bool)


def fit_specs(specs: NDArray[np.int16], allowed: Sequence[NDArray[np.bool_] | None]) -> NDArray[np.int16]:
    """The allocation `specs` of the rows that name no spec, with each row whose allowed specifications (None:
    any) lack its own given one that it may have: swapped with the first row that may have any spec and holds
    one it may have, else with one of the first SWAP_TRIES rows holding such a spec that may have its own (so
    the allocation's counts stand), else given the one it may have furthest below its share.

    A requested text of Arabic that the allocation gave to the Greek specification, whose fonts cannot draw
    it, stopped the whole plan ("after 20 tries, no font ... covers"); a font asked for alone went to a
    specification whose corpus it cannot draw."""
    out = specs.copy()
    shares: list[int] = np.bincount(specs, minlength=next((len(m) for m in allowed if m is not None), 0)).tolist()
    counts = list(shares)
    free: dict[int, list[int]] = {}  # spec -> rows that may have any spec and held it, then rows given it
    bound: dict[int, list[int]] = {}  # the same of the rows that may have some specs only
    first: dict[int, int] = {}  # spec -> where in free[spec] the rows that still hold it start
    for i, spec in enumerate(out.tolist()):
        (free if allowed[i] is None else bound).setdefault(spec, []).append(i)
    for i, mask in enumerate(allowed):
        if mask is None or mask[out[i]]:
            continue
        own, options, best = int(out[i]), np.flatnonzero(mask).tolist(), None
        for spec in options:
            rows, k = free.get(spec, []), first.get(spec, 0)
            while k < len(rows) and out[rows[k]] != spec:  # given another spec since
                k += 1
            first[spec] = k
            if k < len(rows) and (best is None or rows[k] < best):
                best = rows[k]
        for spec in options if best is None else ():
            candidates = (j for j in bound.get(spec, ()) if out[j] == spec)
            for j in itertools.islice(candidates, SWAP_TRIES):
                theirs = allowed[j]
                if theirs is not None and theirs[own] and (best is None or j < best):
                    best = j
                    break
        if best is None:  # the spec it may have furthest below its share of the allocation
            spec = min(options, key=lambda o: (counts[o] / max(shares[o], 1), o))
            counts[own] -= 1
            counts[spec] += 1
            out[i] = spec
            continue
        out[i], out[best] = out[best], own
        (free if allowed[best] is None else bound).setdefault(own, []).append(best)
        bound.setdefault(int(out[i]), []).append(i)
    return out


def _check_instance(out: dict[str, Any], ctx: RequestContext) -> None:
    """A requested font_instance names one of the named instances of the row's requested font."""
    instance = out["font_instance"]
    if "font" not in out:
        raise _Invalid(
            "invalid_value", f"font_instance: {instance!r} needs a font in the same row (the font it is an instance of)"
        )
    index = ctx._font_index[out["font"]]
    names = ctx.font_instances[index] if index < len(ctx.font_instances) else ()
    if instance not in names:
        has = f"it offers {list(names)}" if names else "it is neither a variable font nor a font collection"
        raise _Invalid(
            "invalid_value",
            f"font_instance: {instance!r} is not a named instance or face of font {out['font']!r}; {has}",
        )


# --- the valid rows as columns --------------------------------------------------------


@dataclass(frozen=True)
class RequestColumns:
    """The values valid requests give, column by column (`given[col]` marks the rows that give one)."""

    values: dict[str, NDArray[Any]]
    given: dict[str, NDArray[np.bool_]]
    n: int

    @classmethod
    def from_rows(cls, rows: list[dict[str, Any]]) -> RequestColumns:
        n = len(rows)
        cols = sorted({c for r in rows for c in r})
        values: dict[str, NDArray[Any]] = {}
        given: dict[str, NDArray[np.bool_]] = {}
        for col in cols:
            mask = np.array([col in r for r in rows], bool)
            raw = [r.get(col) for r in rows]
            field_type = PLAN_SCHEMA.field(col).type
            if pa.types.is_integer(field_type) or pa.types.is_floating(field_type):
                dtype = field_type.to_pandas_dtype()
                values[col] = np.array([x if x is not None else 0 for x in raw]).astype(dtype)
            else:
                values[col] = np.array(raw, dtype=object)
            given[col] = mask
        return cls(values, given, n)

    def slice(self, start: int, stop: int) -> RequestColumns:
        return RequestColumns(
            {k: v[start:stop] for k, v in self.values.items()},
            {k: m[start:stop] for k, m in self.given.items()},
            stop - start,
        )

    def text_values(self) -> list[str | None] | None:
        if "text" not in self.given:
            return None
        return [t if g else None for t, g in zip(self.values["text"], self.given["text"])]

    def font_indices(self, font_names: list[str]) -> NDArray[np.int64] | None:
        if "font" not in self.given:
            return None
        index = {f: i for i, f in enumerate(font_names)}
        return np.array([index[f] if g else -1 for f, g in zip(self.values["font"], self.given["font"])], np.int64)

    def apply(self, columns: dict[str, Any], only: Sequence[str] | None = None) -> None:
        """Replace sampled values by requested ones, in place (text, font and output_name are handled apart)."""
        for col, mask in self.given.items():
            if col in ("text", "font", "output_name") or not mask.any():
                continue
            if (only is None and col in COLOUR_COLUMNS) or (only is not None and col not in only):
                continue
            current = columns[col]
            if isinstance(current, tuple):  # dictionary column as (values, codes)
                current = np.array(current[0], dtype=object)[current[1]]
            columns[col] = np.where(mask, self.values[col], current)

    def output_names(self, start: int, default: Callable[[int], str]) -> list[str]:
        names = self.values.get("output_name")
        mask = self.given.get("output_name")
        if names is None or mask is None:
            return [default(start + i) for i in range(self.n)]
        return [str(names[i]) if mask[i] else default(start + i) for i in range(self.n)]


@dataclass(frozen=True)
class RequestPlan:
    """The outcome of checking a request file: a spec per valid row, their values, and the rejections."""

    task: NDArray[np.int16]
    columns: RequestColumns
    rejected: list[Rejection]
    source: RequestFile


def check_requests(file: RequestFile, ctx: RequestContext, allocate: Callable[[int], NDArray[np.int16]]) -> RequestPlan:
    """Check every row, write the rejected ones to `<input>.rejected.csv`, and lay out the valid ones.

    Rows that name no `spec` get theirs from `allocate(count)` (the batch
    allocation over those rows), in file order.

    Raises:
        UserError: no row is valid ("no valid requests", with the rejected file's path).
    """
    valid: list[dict[str, Any]] = []
    rejected: list[Rejection] = []
    seen_names: dict[str, int] = {}
    for row in file.rows:
        try:
            if row.error:
                raise _Invalid(*row.error)
            values = check_request(row.values, ctx)
            name = values.get("output_name")
            if name is not None:
                if name in seen_names:
                    raise _Invalid(
                        "duplicate_output_name", f"output_name {name!r} is already used by row {seen_names[name]}"
                    )
                seen_names[name] = row.row_number
        except _Invalid as exc:
            rejected.append(Rejection(row.row_number, exc.error_type, str(exc), row.raw))
            continue
        valid.append(values)
    if file.rejected_path is None:
        if rejected:
            details = "; ".join(f"task {r.row_number}: {r.error_message}" for r in rejected[:10])
            raise UserError(f"{len(rejected)} of {len(file.rows)} tasks cannot be planned: {details}.")
    else:
        write_rejected(file.rejected_path, rejected)
    if not valid:
        where = f"; see {file.rejected_path}" if rejected else ""
        raise UserError(f"request file {file.path}: no valid requests ({len(rejected)} rejected{where}).")
    free = [i for i, v in enumerate(valid) if "spec" not in v]
    task = np.zeros(len(valid), np.int16)
    if free:
        task[free] = fit_specs(allocate(len(free)), [valid[i].pop(SPECS_ALLOWED, None) for i in free])
    for i, v in enumerate(valid):
        if "spec" in v:
            task[i] = ctx.spec_names.index(v["spec"])
    for v in valid:
        v.pop("spec", None)
    return RequestPlan(task, RequestColumns.from_rows(valid), rejected, file)


def write_rejected(path: Path, rejected: list[Rejection]) -> None:
    """The rejected rows as CSV (row_number, error_type, error_message, raw_data); a stale file is removed."""
    if not rejected:
        path.unlink(missing_ok=True)
        return
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(REJECTED_HEADER)
        for r in rejected:
            writer.writerow([r.row_number, *map(neutralise_cell, (r.error_type, r.error_message, r.raw_data))])


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may run as a formula (OWASP CSV injection)


def neutralise_cell(value: object) -> object:
    """A cell a spreadsheet shows as text: a string starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
