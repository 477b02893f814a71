"""What a plan holds, per specification: rows, directions, scripts, text length, fonts and every range parameter."""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from synthocr.errors import UserError
from synthocr.renderer.io import check_plan_schema, open_parquet
from synthocr.renderer.row_groups import row_groups
from synthocr.schemas.arrow_numpy import to_numpy
from synthocr.schemas.params import EFFECTS, RANGE_PARAMS, Effect
from synthocr.schemas.plan import plan_metadata

if TYPE_CHECKING:
    import pandas as pd

_INTEGER_COLUMNS = frozenset(col for p in RANGE_PARAMS if p.is_int for col in p.column_names)
# The effect each effect parameter's column belongs to: its values mean something only where the effect applies.
EFFECT_OF_COLUMN: dict[str, Effect] = {col: e for e in EFFECTS for p in e.params for col in p.column_names}
PROCEDURAL = "(procedural)"  # the background source of rows without a background image
ALL = "all"  # the name of the column that summarises the whole plan


def read_plan_frame(path: str | Path) -> pd.DataFrame:
    """The whole plan as a DataFrame (dictionary columns become categoricals); errors as `synthocr render`."""
    return open_summarised(path).read().to_pandas()


def open_summarised(path: str | Path, columns: Iterable[str] | None = None) -> pq.ParquetFile:
    """A plan, or a subset of one written by pandas: `render` takes those (with the metadata of the plan they
    came from), and a summary needs only their `columns` (default SUMMARY_COLUMNS).

    Raises:
        UserError: not Parquet, a plan whose metadata is broken, or a subset without a column the summary reads.
    """
    pf = open_parquet(path)  # its footer parsed once (about 8 MiB and a second per 10M rows)
    if plan_metadata(pf.schema_arrow):
        check_plan_schema(pf, path)
        return pf
    missing = [c for c in (SUMMARY_COLUMNS if columns is None else columns) if c not in pf.schema_arrow.names]
    if missing:
        raise UserError(
            f"plan {path} has no synthocr metadata and lacks the plan column(s) {', '.join(missing[:8])}"
            f"{' ...' if len(missing) > 8 else ''}; write the subset with every column of the plan "
            "(`frame[rows].to_parquet(path)`)."
        )
    return pf


def param_columns() -> list[str]:
    """Plan columns of the range parameters, in declaration order (e.g. font_size, padding_top, rotation_angle)."""
    return [col for p in RANGE_PARAMS for col in p.column_names]


CHUNK_CODE_POINTS = 1 << 22  # code points classified at once: about 16 MB of UTF-32


def _char_script(code: int) -> str:
    """The script of a letter (first word of its Unicode name: LATIN, ARABIC, CJK, ...), "" for anything else."""
    ch = chr(code)
    if not ch.isalpha():
        return ""
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else "UNKNOWN"


def _scripts_of(texts: np.ndarray) -> np.ndarray:
    """Dominant script of each text; vectorised: each distinct code point is named once, then looked up."""
    result = np.empty(len(texts), dtype=object)
    longest = max(1, max((len(t) for t in texts), default=1))
    step = max(1, CHUNK_CODE_POINTS // longest)
    for start in range(0, len(texts), step):
        chunk = np.asarray(texts[start : start + step], dtype=f"<U{longest}")
        codes = chunk.view(np.uint32).reshape(len(chunk), longest)  # zero-padded UTF-32
        distinct = np.flatnonzero(np.bincount(codes.ravel()))
        names, ids = np.unique([_char_script(int(c)) for c in distinct], return_inverse=True)
        lookup = np.zeros(int(distinct[-1]) + 1, np.int64)
        lookup[distinct] = ids
        flat = np.arange(len(chunk))[:, None] * len(names) + lookup[codes]
        counts = np.bincount(flat.ravel(), minlength=len(chunk) * len(names)).reshape(len(chunk), len(names))
        counts[:, names == ""] = 0  # not letters (and the padding)
        best = names[counts.argmax(axis=1)].astype(object)
        best[counts.max(axis=1) == 0] = "COMMON"
        result[start : start + len(chunk)] = best
    return result


def dominant_script(text: str) -> str:
    """The Unicode script most letters of `text` belong to (first word of their names: LATIN, ARABIC, CJK, ...).

    Text without letters (digits, punctuation) gives "COMMON"; a tie goes to the alphabetically first script.
    """
    return str(_scripts_of(np.array([text], dtype=object))[0])


class Tally:
    """What the summary reports of one specification (or the whole plan), gathered a row group at a time:
    counts of the categories, and per numeric column its rows, float64 sum, min and max (over every row for
    the range parameters and the text length, over the rows its effect applies to for an effect's columns)."""

    def __init__(self) -> None:
        self.rows = 0
        self.counts: dict[str, Counter[str]] = {k: Counter() for k in _COUNTED}
        width = len(_NUMERIC)
        self.n = np.zeros(width, np.int64)
        self.total = np.zeros(width)
        self.low = np.full(width, np.inf)
        self.high = np.full(width, -np.inf)

    def merge(self, other: Tally) -> None:
        self.rows += other.rows
        for key, counter in other.counts.items():
            self.counts[key].update(counter)
        self.n += other.n
        self.total += other.total
        np.minimum(self.low, other.low, out=self.low)
        np.maximum(self.high, other.high, out=self.high)

    def applied_rows(self, effect: str) -> int:
        """The rows the effect applies to."""
        return int(self.n[_POSITION[APPLIED + effect]])

    def stats(self, column: str) -> dict[str, float] | None:
        """min / mean / max of one _NUMERIC entry (a plan column, LENGTH, or APPLIED + an effect column)."""
        k = _POSITION[column]
        if not self.n[k]:
            return None
        return {"min": float(self.low[k]), "mean": float(self.total[k] / self.n[k]), "max": float(self.high[k])}

    def ranked(self, key: str) -> list[tuple[str, int]]:
        """The counts of one category, most rows first, ties by name: the same however the rows are split."""
        return sorted(self.counts[key].items(), key=lambda item: (-item[1], item[0]))

    def summary(self, name: str, total: int, top: int) -> dict[str, Any]:
        rows = max(self.rows, 1)
        fonts = self.ranked("font")
        return {
            "name": name,
            "rows": self.rows,
            "share": self.rows / total if total else 0.0,
            "text_direction": dict(self.ranked("text_direction")),
            "combine_upright_digits": dict(self.ranked("combine_upright_digits")),
            "language": dict(self.ranked("language")),
            "font_instance": dict(self.ranked("font_instance")),
            "fallback_fonts": dict(self.ranked("fallback_fonts")),
            "text_case": dict(self.ranked("text_case")),
            "script": dict(self.ranked("script")),
            "text_length": self.stats(LENGTH),
            "fonts": len(fonts),
            "top_fonts": [[f, n] for f, n in fonts[:top]],
            "params": {col: self.stats(col) for col in param_columns()},
            "effects": {e.name: self.applied_rows(e.name) / rows for e in EFFECTS},
            "applied": {col: self.stats(APPLIED + col) for col in EFFECT_OF_COLUMN},
            "background_kind": dict(self.ranked("background_kind")),
            "background_source": dict(self.ranked("background_source")),
        }


# Plan columns counted value by value; with the script of each text and the first folder of its background.
_CATEGORIES = (
    "text_direction",
    "combine_upright_digits",
    "language",
    "font",
    "font_instance",
    "fallback_fonts",
    "text_case",
    "background_kind",
)
_COUNTED = (*_CATEGORIES, "script", "background_source")
LENGTH = "(text length)"
APPLIED = "applied:"  # an effect column over the rows its effect applies to
_BLOCK = 16  # columns reduced at once
# Every numeric statistic, one entry per column: the range parameters and the text length over every row,
# then each effect's columns over the rows it applies to (the count of its own column is the effect's share).
_NUMERIC = (*param_columns(), LENGTH, *(APPLIED + col for col in EFFECT_OF_COLUMN))
_POSITION = {column: k for k, column in enumerate(_NUMERIC)}
# The plan columns the summary reads.
SUMMARY_COLUMNS = sorted(
    {
        "spec",
        "text",
        *_CATEGORIES,
        "background_file",
        *param_columns(),
    }
    | {e.name for e in EFFECTS}
    | set(EFFECT_OF_COLUMN)
)


def categories_of(column: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """A string column as (code of each row, the distinct values): Arrow's dictionary, without a string per row."""
    array = column.combine_chunks()
    if not pa.types.is_dictionary(array.type):
        array = pc.dictionary_encode(array)
    values = [str(v) for v in array.dictionary.to_pylist()]
    indices = array.indices
    codes = numbers_of(indices)  # NaN for a null (a subset edited in pandas)
    if indices.null_count:
        values.append("(null)")
        codes = np.where(np.isnan(codes), len(values) - 1, codes)
    return codes.astype(np.int64), values


def numbers_of(column: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A number column as float64: from its buffer (Arrow's own conversion imports pandas, about 40 MiB,
    which `inspect` otherwise never needs), or NaN for its nulls, where a subset edited in pandas has some."""
    if column.null_count:
        return np.asarray(column.to_numpy(zero_copy_only=False), np.float64)
    return np.asarray(to_numpy(column), np.float64)


def applied_masks(group: pa.Table) -> dict[str, np.ndarray]:
    """Per effect, the rows of `group` it applies to: those whose strength differs from its neutral value."""
    return {e.name: numbers_of(group.column(e.name)) != float(np.float32(e.neutral)) for e in EFFECTS}


def _factorize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(code of each value, the distinct values in order of first appearance), as pandas.factorize gives them;
    in numpy, so that `inspect` never imports pandas (about 40 MiB)."""
    distinct, first, inverse = np.unique(values, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(order), np.int64)
    rank[order] = np.arange(len(order))
    return rank[inverse.reshape(-1)], distinct[order]


def _group_tallies(group: pa.Table) -> dict[str, Tally]:
    """One row group's tally per specification: the rows sorted by specification once, then every
    statistic of every column in a few numpy reductions over the segments, and the categories counted
    by their dictionary codes."""
    spec_index, spec_values = categories_of(group.column("spec"))
    codes, first = _factorize(spec_index)  # specifications in order of first appearance
    names = [spec_values[i] for i in first]
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes, minlength=len(names))
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])

    def numbers(col: str) -> np.ndarray:
        return numbers_of(group.column(col))

    lengths = numbers_of(pc.utf8_length(group.column("text")))
    on = applied_masks(group)
    # Per statistic (n, total, low, high), per specification, per _NUMERIC entry; filled a block of columns
    # at a time (each column a contiguous row, in specification order), so a group's copies stay small.
    n = np.empty((len(names), len(_NUMERIC)), np.int64)
    total, low, high = (np.empty((len(names), len(_NUMERIC))) for _ in range(3))
    for k0 in range(0, len(_NUMERIC), _BLOCK):
        block = _NUMERIC[k0 : k0 + _BLOCK]
        values = np.stack([lengths if c == LENGTH else numbers(c.removeprefix(APPLIED)) for c in block])[:, order]
        mask = np.stack(
            [on[EFFECT_OF_COLUMN[c[len(APPLIED) :]].name] if c.startswith(APPLIED) else np.ones(len(order), bool)
             for c in block]
        )[:, order]  # fmt: skip
        span = slice(k0, k0 + len(block))
        n[:, span] = np.add.reduceat(mask, starts, axis=1, dtype=np.int64).T
        total[:, span] = np.add.reduceat(np.where(mask, values, 0.0), starts, axis=1).T
        low[:, span] = np.minimum.reduceat(np.where(mask, values, np.inf), starts, axis=1).T
        high[:, span] = np.maximum.reduceat(np.where(mask, values, -np.inf), starts, axis=1).T
    categories = {col: categories_of(group.column(col)) for col in _CATEGORIES}
    file_index, files = categories_of(group.column("background_file"))
    source_index, sources = _factorize(np.array([f.split("/", 1)[0] if f else PROCEDURAL for f in files]))
    categories["background_source"] = (source_index[file_index], [str(v) for v in sources])
    texts = np.array(group.column("text").to_pylist(), dtype=object)  # Arrow's to_numpy would import pandas
    script_index, script_values = _factorize(_scripts_of(texts))
    categories["script"] = (script_index, [str(v) for v in script_values])
    tallies: dict[str, Tally] = {}
    for k, name in enumerate(names):
        t = tallies[name] = Tally()
        t.rows = int(sizes[k])
        t.n, t.total, t.low, t.high = n[k].copy(), total[k].copy(), low[k].copy(), high[k].copy()
    for key, (index, labels) in categories.items():
        counts = np.bincount(codes * len(labels) + index, minlength=len(names) * len(labels))
        for k, name in enumerate(names):
            row = counts[k * len(labels) : (k + 1) * len(labels)]
            tallies[name].counts[key].update({labels[j]: int(row[j]) for j in np.flatnonzero(row)})
    return tallies


def summarise_plan(frame: pd.DataFrame, top: int = 5) -> dict[str, Any]:
    """Per-specification summary of a plan frame, in plan order of first appearance, then the whole plan.

    Args:
        frame: the plan as read by `read_plan_frame` (or any frame with its SUMMARY_COLUMNS).
        top: how many of the most used fonts to list per specification.

    Returns:
        A JSON-able dict: {"rows": N, "specs": [{"name", "rows", "share", "text_direction", "script",
        "text_length", "fonts", "top_fonts", "params": {column: {"min", "mean", "max"}}, "effects":
        {effect: share of rows it applies to}, "applied": {effect column: {"min", "mean", "max"} over
        the rows its effect applies to, or None}, "background_kind": {kind: rows},
        "background_source": {first folder of the background file, or "(procedural)": rows}}, ...]},
        where the last entry, named "all", covers every row.
    """
    return summary_of(*tally_plan(frame_groups(frame)), top)


def summarise_plan_file(path: str | Path, top: int = 5) -> dict[str, Any]:
    """summarise_plan of the plan at `path`, read one row group at a time: memory does not grow with the
    plan (reading it whole took about 1.6 KB a row). Errors as `synthocr render`."""
    return summary_of(*tally_plan(file_groups(path)), top)


def frame_groups(frame: pd.DataFrame) -> Callable[[], Iterator[pa.Table]]:
    """A plan frame as the row groups tally_plan reads (one)."""
    table = pa.Table.from_pandas(frame[SUMMARY_COLUMNS], preserve_index=False)
    return lambda: iter([table])


def file_groups(path: str | Path) -> Callable[[], Iterator[pa.Table]]:
    """The summary's columns of the plan at `path`, a row group at a time, as often as asked (opened once)."""
    pf = open_summarised(path)
    return lambda: (group for _, group in row_groups(pf, SUMMARY_COLUMNS))


def tally_plan(groups: Callable[[], Iterator[pa.Table]]) -> tuple[dict[str, Tally], Tally]:
    """Each specification's tally (in order of first appearance) and the whole plan's, over the row groups."""
    tallies: dict[str, Tally] = {}
    for group in groups():
        for name, part in _group_tallies(group).items():
            tallies.setdefault(name, Tally()).merge(part)
    whole = Tally()
    for t in tallies.values():
        whole.merge(t)
    return tallies, whole


def summary_of(tallies: dict[str, Tally], whole: Tally, top: int) -> dict[str, Any]:
    """summarise_plan's result from tally_plan's."""
    total = whole.rows
    specs = [t.summary(name, total, top) for name, t in tallies.items()]
    if total:
        specs.append(whole.summary(ALL, total, top))
    return {"rows": total, "specs": specs}


def _number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.3g}"


def _decimals(stats: list[dict[str, float]], integer: bool) -> int:
    """Decimals that give about two significant digits at the largest magnitude of a row (0 for integers)."""
    if integer:
        return 0
    biggest = max(max(abs(s["min"]), abs(s["max"])) for s in stats)
    return 0 if biggest == 0 else int(min(6, max(0, 1 - math.floor(math.log10(biggest)))))


def _fixed_point(v: float, decimals: int) -> str:
    v = round(v, decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{v:.{decimals}f}"


def _range_cell(s: dict[str, float], decimals: int) -> str:
    """`min / mean / max`, or the single value of a fixed parameter; the mean of integers gets one decimal."""
    if s["min"] == s["max"]:
        return _number(s["min"])
    mean = _fixed_point(s["mean"], max(decimals, 1))
    return f"{_fixed_point(s['min'], decimals)} / {mean} / {_fixed_point(s['max'], decimals)}"


def _percent(fraction: float) -> str:
    """A share in whole percent that never rounds a non-zero share to 0% or a partial one to 100%."""
    share = 100 * fraction
    if 0 < share < 1:
        return "<1%"
    if 99 < share < 100:
        return ">99%"
    return f"{share:.0f}%"


def _upright(counts: dict[str, int]) -> dict[str, int]:
    """Tate-chu-yoko per row: "up to N" digits combined in one em, or "off" (N is 0)."""
    return {"off" if k == "0" else f"up to {k}": n for k, n in counts.items()}


def _mix_cell(counts: dict[str, int], rows: int) -> str:
    if len(counts) == 1:
        return next(iter(counts))
    shown = " ".join(f"{k} {_percent(v / rows)}" for k, v in list(counts.items())[:2])
    return shown + (f" +{len(counts) - 2}" if len(counts) > 2 else "")


def _rows_of_table(
    specs: list[dict[str, Any]], whole: dict[str, Any], varying: list[str]
) -> list[tuple[str, list[str]]]:
    """Table rows (heading, one cell per specification); decimals follow the whole plan, so blocks agree."""
    lengths = [s["text_length"] for s in specs]
    rows = [
        ("rows", [f"{s['rows']} ({_percent(s['share'])})" for s in specs]),
        ("direction", [_mix_cell(s["text_direction"], s["rows"]) for s in specs]),
        *(
            [("upright digits", [_mix_cell(_upright(s["combine_upright_digits"]), s["rows"]) for s in specs])]
            if any(whole["combine_upright_digits"].keys() - {"0"})  # only for a plan that sets digits upright
            else []
        ),
        *(
            [("language", [_mix_cell({k or "none": v for k, v in s["language"].items()}, s["rows"]) for s in specs])]
            if any(whole["language"])  # only for a plan with a language
            else []
        ),
        ("script", [_mix_cell(s["script"], s["rows"]) for s in specs]),
        *(
            [
                (
                    "font instance",
                    [_mix_cell({k or "default": v for k, v in s["font_instance"].items()}, s["rows"]) for s in specs],
                )
            ]
            if any(whole["font_instance"])  # only for a plan that draws variable fonts' named instances
            else []
        ),
        *(
            [
                (
                    "fallback fonts",
                    [_mix_cell({k or "none": v for k, v in s["fallback_fonts"].items()}, s["rows"]) for s in specs],
                )
            ]
            if any(whole["fallback_fonts"])  # only for a plan with rows that need fallback fonts
            else []
        ),
        *(
            [("text case", [_mix_cell(s["text_case"], s["rows"]) for s in specs])]
            if set(whole["text_case"]) - {"as_is"}  # only for a plan with cased rows
            else []
        ),
        ("text length", [_range_cell(t, 0) for t in lengths]),
        ("fonts", [str(s["fonts"]) for s in specs]),
        ("background", [_mix_cell(s["background_kind"], s["rows"]) for s in specs]),
    ]
    for col in varying:
        effect = EFFECT_OF_COLUMN.get(col)
        if effect is None:
            stats = [s["params"][col] for s in specs]
            decimals = _decimals([whole["params"][col]], col in _INTEGER_COLUMNS)
            rows.append((col, [_range_cell(st, decimals) for st in stats]))
            continue
        if col == effect.name:  # the effect's share of rows first, then its parameters where it applies
            rows.append((f"{effect.name} %", [_percent(s["effects"][effect.name]) for s in specs]))
        decimals = _decimals([whole["applied"][col]], col in _INTEGER_COLUMNS)
        rows.append((col, [_range_cell(st, decimals) if st else "-" for st in (s["applied"][col] for s in specs)]))
    return rows


def _table(specs: list[dict[str, Any]], whole: dict[str, Any], first: int, varying: list[str]) -> list[str]:
    rows = _rows_of_table(specs, whole, varying)
    widths = [max(len(s["name"]), *(len(r[1][i]) for r in rows)) for i, s in enumerate(specs)]

    def line(head: str, cells: list[str]) -> str:
        return "  ".join([head.ljust(first), *(c.rjust(w) for c, w in zip(cells, widths))])

    return [line("", [s["name"] for s in specs]), *(line(head, cells) for head, cells in rows)]


def format_summary(summary: dict[str, Any], width: int = 100) -> str:
    """A plain-text table of `summarise_plan`'s result: one column per specification, wrapped to `width` characters.

    Numeric cells read `min / mean / max`; a parameter fixed at one value shows that value alone, and
    parameters fixed at the same value in every row are listed on one line below the tables.
    """
    specs = summary["specs"]
    if not specs:
        return "0 rows"
    whole = specs[-1]
    if len(specs) == 2:  # one specification: its column equals the whole plan's
        specs = specs[:1]
    fixed = [c for c in param_columns() if whole["params"][c]["min"] == whole["params"][c]["max"]]
    never = [e.name for e in EFFECTS if whole["effects"][e.name] == 0]
    varying = [c for c in param_columns() if c not in fixed]
    lines = [
        f"{summary['rows']} rows, {len(summary['specs']) - 1} specification(s); numbers are min / mean / max",
        "'<effect> %': rows the effect applies to; its parameters: over those rows",
    ]
    first = max(len("text length"), *(len(c) + 2 for c in varying))
    # Wrap the specification columns into blocks that fit the width.
    blocks: list[list[dict[str, Any]]] = [[]]
    used = first
    for s in specs:
        cell = max(len(s["name"]), *(len(c) for _, cells in _rows_of_table([s], whole, varying) for c in cells)) + 2
        if blocks[-1] and used + cell > width:
            blocks.append([])
            used = first
        blocks[-1].append(s)
        used += cell
    for block in blocks:
        lines += ["", *_table(block, whole, first, varying)]
    if never:
        lines += ["", *_wrap_items("effects applied to no row: ", never, width)]
    fixed = [c for c in fixed if EFFECT_OF_COLUMN.get(c) is None or EFFECT_OF_COLUMN[c].name not in never]
    if fixed:
        items = [f"{c} {_number(whole['params'][c]['min'])}" for c in fixed]
        lines += ["", *_wrap_items("fixed in every row: ", items, width)]
    sources = [f"{k} {_percent(v / whole['rows'])}" for k, v in whole["background_source"].items()]
    lines += ["", *_wrap_items("background sources: ", sources, width)]
    lines += ["", "top fonts:"]
    for s in specs:
        fonts = ", ".join(f"{f} {_percent(n / s['rows'])}" for f, n in s["top_fonts"])
        lines.append(f"  {s['name']}: {fonts}")
    return "\n".join(lines)


def _wrap_items(head: str, items: list[str], width: int) -> list[str]:
    """`head` and the comma-separated `items` in lines of at most `width` (when an item fits), never breaking
    inside an item (a parameter's name stays with its value)."""
    lines, line = [], head.rstrip()
    for k, item in enumerate(items):
        piece = item + ("," if k < len(items) - 1 else "")
        if line.strip() and len(line) + 1 + len(piece) > width:
            lines.append(line)
            line = "  " + piece
        else:
            line = f"{line} {piece}" if line else piece
    lines.append(line)
    return lines
