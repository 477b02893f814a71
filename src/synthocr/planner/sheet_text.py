"""The texts of a spreadsheet column: Excel workbooks (.xlsx, .xlsm) and OpenDocument spreadsheets (.ods,
LibreOffice Calc's own), one text per cell under a header.

Given as a corpus file, a workbook was "not text but a ZIP archive", to be saved as CSV first. Product
names, addresses and the like are often kept in one: each worksheet whose first row (the first that is not
empty) names the column gives the column's text cells, sheets in order. Cells read as Excel last showed
them (a formula's value, not the formula); numbers and dates are not text and are counted, not drawn.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from typing import IO, Any

from synthocr.errors import UserError
from synthocr.extras import require
from synthocr.planner.document_text import odt_paragraph, xml_part

MAX_SHEET_BYTES = 1 << 30  # the workbook's parts, unzipped: more is a ZIP bomb, not a table of texts


def sheet_texts(fh: IO[bytes], column: str, where: str) -> Iterator[str]:
    """The text cells of column `column` in every worksheet that has it.

    Raises:
        UserError: the file is not a workbook openpyxl reads, unzips past MAX_SHEET_BYTES, has no sheet with
            such a column, or holds only numbers there.
    """
    openpyxl = require("openpyxl", "Excel corpus files")
    try:
        with zipfile.ZipFile(fh) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
        fh.seek(0)
        if unzipped > MAX_SHEET_BYTES:
            raise UserError(
                f"{where} unzips to {unzipped >> 20} MiB, over the {MAX_SHEET_BYTES >> 20} MiB limit for a workbook "
                "(a ZIP bomb?); save the column as CSV instead."
            )
        book = openpyxl.load_workbook(fh, read_only=True, data_only=True)
    except (zipfile.BadZipFile, EOFError, KeyError, ValueError, TypeError, OSError) as exc:
        raise UserError(f"{where} cannot be read as an Excel workbook ({exc}); save it again.") from None
    try:
        sheets = ((sheet.title, sheet.iter_rows(values_only=True)) for sheet in book.worksheets)
        yield from _column_texts(sheets, column, where)
    except (SyntaxError, zipfile.BadZipFile, EOFError, KeyError, ValueError, TypeError) as exc:
        # A sheet's XML cut or malformed (expat's ParseError is a SyntaxError), read as its rows are.
        raise UserError(f"{where} cannot be read as an Excel workbook ({exc}); save it again.") from None
    finally:
        book.close()


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
MAX_ROWS = 1 << 20  # rows of one sheet, as Calc and Excel have at most: a row repeated past it is cut there


def ods_texts(fh: IO[bytes], column: str, where: str) -> Iterator[str]:
    """The text cells of column `column` in every sheet of an OpenDocument spreadsheet (content.xml) that
    has it; runs of rows and cells Calc stores once with a repeat count are read that many times.

    Raises:
        UserError: the file is not a complete spreadsheet, has no sheet with such a column, or holds only
            numbers there.
    """
    try:
        with zipfile.ZipFile(fh) as doc:
            body = xml_part(doc, "content.xml", where)
    except (zipfile.BadZipFile, EOFError) as exc:
        raise UserError(f"{where} cannot be read as an OpenDocument spreadsheet ({exc}); save it again.") from None
    sheets = ((table.get(f"{_TABLE}name", ""), _ods_rows(table)) for table in body.iter(f"{_TABLE}table"))
    yield from _column_texts(sheets, column, where)


def _ods_rows(table: Any) -> Iterator[tuple[Any, ...]]:
    """A sheet's rows as tuples of cell values: a string for a text cell, a float for a number, date and the
    like (what they are does not matter here), None for an empty one."""
    rows = 0
    for row in table.iter(f"{_TABLE}table-row"):
        cells: list[Any] = []
        for cell in row:
            if cell.tag not in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                continue
            repeat = min(_count(cell.get(f"{_TABLE}number-columns-repeated")), 16384)
            kind = cell.get(f"{_OFFICE}value-type", "")
            paragraphs = [odt_paragraph(p) for p in cell.iter(f"{_TEXT}p")]
            value: Any = None
            if kind not in ("", "string"):
                value = 0.0  # a number, date, time, currency, percentage or boolean
            elif any(paragraphs):
                value = "\n".join(paragraphs)
            cells.extend([value] * repeat)
        repeat = min(_count(row.get(f"{_TABLE}number-rows-repeated")), MAX_ROWS - rows)
        if repeat <= 0:
            return
        rows += repeat
        if any(v is not None for v in cells):
            for _ in range(repeat):
                yield tuple(cells)
        else:
            yield ()  # empty rows: counted, not spelled out


def _count(value: str | None) -> int:
    """A repeat count as Calc writes it (absent: 1); one that is no positive number counts once."""
    return int(value) if value is not None and value.isdigit() and int(value) > 0 else 1


def _column_texts(sheets: Iterator[tuple[str, Iterator[tuple[Any, ...]]]], column: str, where: str) -> Iterator[str]:
    """The text cells under the header `column` of each sheet (title, rows) whose first row that is not
    empty names it."""
    headers: dict[str, list[str]] = {}
    texts = others = 0  # cells of the column that hold text; numbers, dates or booleans
    for title, rows in sheets:
        header = next((row for row in rows if any(v is not None for v in row)), None)
        if header is None:
            continue
        names = ["" if v is None else str(v).strip() for v in header]
        headers[title] = names
        if column not in names:
            continue
        at = names.index(column)
        for row in rows:
            value: Any = row[at] if at < len(row) else None
            if isinstance(value, str):
                texts += 1
                yield value
            elif value is not None:
                others += 1
    if not any(column in names for names in headers.values()):
        shown = "; ".join(f"{title}: {names}" for title, names in headers.items()) or "no sheet has a header row"
        raise UserError(
            f"{where} has no column {column!r} in any sheet ({shown}). Set the specification's corpus_column "
            "to the header of the column that holds the texts."
        )
    if others and not texts:
        raise UserError(
            f"{where}: column {column!r} holds {others} numbers or dates and no text; format the column as "
            "Text in the spreadsheet (or name a column of texts with corpus_column)."
        )
