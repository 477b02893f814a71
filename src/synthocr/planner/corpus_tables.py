"""Tabular corpus files (CSV, TSV, JSON Lines, Parquet): one column's texts, one per line.

Read as plain text, such a file gave texts such as `1,"Hello, world",pos` and its header line, or
`{"text": "...", "id": 1}`. Its text column is extracted once into a plain UTF-8 file, one text per
line, which the corpus index reads like any other. Extractions are cached by the source's content and
column (under `$SYNTHOCR_CACHE`, else `$XDG_CACHE_HOME/synthocr`, else `~/.cache/synthocr`), so a large
Parquet file is read once, and written atomically, so concurrent planners never see half a file.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from synthocr.errors import UserError, not_utf8_problem

TABLE_SUFFIXES = {
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_FORMAT_VERSION = b"1"  # of the extracted files: bump when what is extracted changes
_BREAKS = re.compile(r"[\r\n]+")
_HEAD = 1 << 16
_MAX_FIELD = 1 << 30  # characters in one CSV cell


def table_format(path: Path) -> str | None:
    """ "csv", "jsonl" or "parquet" for a tabular corpus file, by its extension; None for a text file."""
    return TABLE_SUFFIXES.get(path.suffix.lower())


def header_delimiter(header: str) -> str:
    """The field separator a CSV header line uses: a comma, else a semicolon or a tab (Excel in locales with
    a decimal comma writes ';'; a .tsv file tabs)."""
    return "," if "," in header else next((d for d in ";\t" if d in header), ",")


def cache_dir() -> Path:
    """Where extracted corpus columns are kept."""
    if os.environ.get("SYNTHOCR_CACHE"):
        return Path(os.environ["SYNTHOCR_CACHE"]) / "corpus"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "synthocr" / "corpus"


def extract_column(path: Path, column: str) -> tuple[Path, str]:
    """The plain-text file holding column `column` of the table at `path`, one text per line (line breaks
    inside a text become spaces; empty cells, nulls and values that are not text are left out), and the
    sha1 of the table's bytes.

    Raises:
        UserError: the file cannot be read as its format, has no such column, or no text in it.
    """
    digest = hashlib.sha1()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            digest.update(chunk)
    sha1 = digest.hexdigest()
    key = hashlib.sha1(b"\0".join((_FORMAT_VERSION, sha1.encode(), column.encode()))).hexdigest()
    target = cache_dir() / f"{key}.txt"
    if target.is_file():
        return target, sha1
    kind = table_format(path)
    texts = {"csv": _csv_texts, "jsonl": _jsonl_texts, "parquet": _parquet_texts}[kind or "csv"]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".txt")
    except OSError as exc:
        raise UserError(
            f"cannot write the corpus cache in {target.parent} ({exc.strerror}), where the texts of {path} "
            "are extracted; set SYNTHOCR_CACHE to a writable folder."
        ) from None
    written = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            for value in texts(path, column):
                text = _BREAKS.sub(" ", value).strip()
                if text:
                    out.write(text + "\n")
                    written += 1
        if not written:
            raise UserError(f"corpus file {path}: column {column!r} holds no text (every cell is empty or null).")
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target, sha1


def _missing(path: Path, column: str, columns: list[str]) -> UserError:
    return UserError(
        f"corpus file {path} has no column {column!r}; its columns are {columns}. Set the specification's "
        "corpus_column to the one that holds the texts."
    )


def _csv_texts(path: Path, column: str) -> Iterator[str]:
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
    problem = not_utf8_problem(f"corpus file {path}", head, cut=len(head) == _HEAD)
    if problem:
        raise UserError(f"{problem} (in Excel: save as 'CSV UTF-8').")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        header_line = fh.readline()
        delimiter = "\t" if path.suffix.lower() == ".tsv" else header_delimiter(header_line)
        header = next(csv.reader([header_line], delimiter=delimiter), [])
        names = [h.strip() for h in header]
        if column not in names:
            raise _missing(path, column, names)
        at = names.index(column)
        rows = csv.reader(fh, delimiter=delimiter)
        limit = csv.field_size_limit(_MAX_FIELD)  # a text may be a whole article: more than csv's 128 KiB
        try:
            for fields in rows:
                if at < len(fields):
                    yield fields[at]
        except (csv.Error, UnicodeDecodeError) as exc:
            raise UserError(
                f"corpus file {path} cannot be read as CSV near line {rows.line_num + 1} ({exc})."
            ) from None
        finally:
            csv.field_size_limit(limit)


def _jsonl_texts(path: Path, column: str) -> Iterator[str]:
    seen_column = False
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if number == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line.strip():
                continue
            try:
                row = orjson.loads(line)
            except orjson.JSONDecodeError as exc:
                raise UserError(
                    f"corpus file {path} line {number} is not JSON ({exc}); one JSON object per line."
                ) from None
            if not isinstance(row, dict):
                raise UserError(f"corpus file {path} line {number} is not a JSON object; one object per line.")
            value = row.get(column)
            seen_column = seen_column or column in row
            if isinstance(value, str):
                yield value
    if not seen_column:
        raise UserError(f"corpus file {path}: no line has the key {column!r}; set the specification's corpus_column.")


def _parquet_texts(path: Path, column: str) -> Iterator[str]:
    try:
        table = pq.ParquetFile(path)
        names = table.schema_arrow.names
        if column not in names:
            raise _missing(path, column, names)
        kind = table.schema_arrow.field(column).type
        if not (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_dictionary(kind)):
            raise UserError(f"corpus file {path}: column {column!r} holds {kind}, not text; name a text column.")
        for batch in table.iter_batches(columns=[column], batch_size=65536):
            yield from (v for v in batch.column(0).to_pylist() if isinstance(v, str))
    except (OSError, pa.ArrowException) as exc:
        raise UserError(f"corpus file {path} cannot be read as Parquet ({exc}).") from None
