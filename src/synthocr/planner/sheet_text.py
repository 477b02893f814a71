"""The texts of a spreadsheet column: Excel workbooks (.xlsx, .xlsm, and Excel 97-2003's .xls) and OpenDocument
spreadsheets (.ods, LibreOffice Calc's own), one text per cell under a header, written as the spreadsheet shows
it.

Given as a corpus file, a workbook was "not text but a ZIP archive", to be saved as CSV first. Product
names, prices, dates and the like are often kept in one: each worksheet whose first row (the first that is
not empty) names the column gives the column's cells, sheets in order. Every cell reads as Excel last showed
it: a formula's value, not the formula; a number, date, time, currency or percentage by its number format
(`1,234.50`, `1/5/2024`, `12%`: number_format.py, en-US separators), a boolean as TRUE or FALSE, an error
value as shown (#DIV/0!, #N/A). Calc stores what each cell shows beside its value, and that is read.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from typing import IO, Any

from synthocr.errors import UserError
from synthocr.extras import require
from synthocr.planner.date_format import excel_serial
from synthocr.planner.document_text import odf_paragraphs, odt_paragraph, xml_part
from synthocr.planner.number_format import AS_SHOWN_BUILTIN, display, general

MAX_SHEET_BYTES = 1 << 30  # the workbook's parts, unzipped: more is a ZIP bomb, not a table of texts


def sheet_texts(fh: IO[bytes], column: str, where: str) -> Iterator[str]:
    """The cells of column `column` in every worksheet that has it, as Excel shows them.

    Raises:
        UserError: the file is not a workbook openpyxl reads, unzips past MAX_SHEET_BYTES, has no sheet with
            such a column, or its cells there all show nothing.
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
    except (SyntaxError, zipfile.BadZipFile, EOFError, KeyError, ValueError, TypeError, OSError) as exc:
        # A part's XML malformed: expat's ParseError and lxml's XMLSyntaxError (openpyxl parses with lxml where
        # it is installed) are both SyntaxErrors.
        raise UserError(f"{where} cannot be read as an Excel workbook ({exc}); save it again.") from None
    date1904 = book.epoch.year == 1904  # a workbook made on a Mac long ago counts days from 1904
    try:
        sheets = ((sheet.title, _xlsx_rows(sheet)) for sheet in book.worksheets)
        yield from _column_texts(sheets, column, where, lambda cell: cell_text(cell, date1904))
    except (SyntaxError, zipfile.BadZipFile, EOFError, KeyError, ValueError, TypeError) as exc:
        # A sheet's XML cut or malformed, read as its rows are.
        raise UserError(f"{where} cannot be read as an Excel workbook ({exc}); save it again.") from None
    finally:
        book.close()


def _xlsx_rows(sheet: Any) -> Iterator[tuple[Any, ...]]:
    """A worksheet's rows as tuples of openpyxl's read-only cells, None for an empty one."""
    for row in sheet.iter_rows():
        yield tuple(None if cell.value is None else cell for cell in row)


def cell_text(cell: Any, date1904: bool) -> str | None:
    """What an openpyxl read-only cell shows (None: nothing): an error value as it is, a date, time or
    duration (which openpyxl gives as datetime, time, timedelta) by its serial number, any value by the
    cell's number format. Built-in formats Excel writes in the reader's locale (id 14, a short date) are
    written as en-US Excel shows them."""
    value = cell.value
    if cell.data_type == "e":
        return str(value)
    if not isinstance(value, int | float | str):
        value = excel_serial(value, date1904)
    style = getattr(cell, "style_array", None)
    try:
        code = AS_SHOWN_BUILTIN.get(style.numFmtId if style is not None else -1) or cell.number_format
    except (IndexError, KeyError):  # a style naming a format the workbook does not define: Excel's General
        code = "General"
    return display(value, code, date1904)


MAX_XLS_BYTES = 256 << 20  # an Excel 97-2003 workbook is read whole: at most 65,536 rows of 256 cells a sheet


def xls_texts(fh: IO[bytes], column: str, where: str) -> Iterator[str]:
    """The cells of column `column` in every worksheet of an Excel 97-2003 workbook (.xls, BIFF8, read by
    xlrd) that has it, as Excel shows them: by each cell's number format, as in .xlsx.

    Raises:
        UserError: the file is larger than MAX_XLS_BYTES or not a workbook xlrd reads (an .xlsx renamed,
            a workbook with a password), has no sheet with such a column, or its cells there all show nothing.
    """
    xlrd = require("xlrd", "Excel 97-2003 (.xls) corpus files")
    data = fh.read(MAX_XLS_BYTES + 1)
    if len(data) > MAX_XLS_BYTES:
        raise UserError(
            f"{where} is larger than {MAX_XLS_BYTES >> 20} MiB, more than an Excel 97-2003 workbook holds; "
            "save the column as CSV instead."
        )
    if data.startswith(b"PK\x03\x04"):
        raise UserError(
            f"{where} is a ZIP archive, as an .xlsx or .ods workbook is, not an Excel 97-2003 workbook: give it "
            "the extension of what it is (.xlsx or .ods)."
        )
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, logfile=_Quiet())
    except Exception as exc:  # xlrd raises its own XLRDError, and struct, index and assertion errors on a damaged file
        raise UserError(
            f"{where} cannot be read as an Excel 97-2003 workbook ({type(exc).__name__}: {exc}); open it in a "
            "spreadsheet and save it again (as .xlsx, or the column as CSV)."
        ) from None
    try:
        sheets = ((name, _xls_rows(book, name)) for name in book.sheet_names())
        yield from _column_texts(sheets, column, where, lambda cell: _xls_cell(book, cell, xlrd))
    except UserError:
        raise
    except Exception as exc:  # a sheet damaged past its header, read as its rows are
        raise UserError(
            f"{where} cannot be read as an Excel 97-2003 workbook ({type(exc).__name__}: {exc}); open it in a "
            "spreadsheet and save it again (as .xlsx, or the column as CSV)."
        ) from None
    finally:
        book.release_resources()


class _Quiet:
    """Where xlrd writes its warnings (a format it does not know, a damaged record): nowhere, as the cells
    read are checked as they are used."""

    def write(self, text: str) -> int:
        return len(text)


def _xls_rows(book: Any, name: str) -> Iterator[tuple[Any, ...]]:
    """A worksheet's rows as tuples of xlrd cells, None for an empty or blank one."""
    sheet = book.sheet_by_name(name)
    for r in range(sheet.nrows):
        yield tuple(None if cell.ctype in (0, 6) else cell for cell in sheet.row(r))  # XL_CELL_EMPTY, _BLANK
    book.unload_sheet(name)


def _xls_cell(book: Any, cell: Any, xlrd: Any) -> str | None:
    """What an xlrd cell shows: text as it is, an error value by its name, a boolean as TRUE or FALSE, a number
    or date (a serial number, as Excel stores it) by its number format."""
    if cell.ctype == xlrd.XL_CELL_TEXT:
        return str(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#N/A")
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return "TRUE" if cell.value else "FALSE"
    code = "General"
    if 0 <= cell.xf_index < len(book.xf_list):
        key = book.xf_list[cell.xf_index].format_key
        shown = book.format_map.get(key)
        code = AS_SHOWN_BUILTIN.get(key) or (shown.format_str if shown is not None else "General") or "General"
    return display(float(cell.value), code, book.datemode == 1)


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
MAX_ROWS = 1 << 20  # rows of one sheet, as Calc and Excel have at most: a row repeated past it is cut there


def ods_texts(fh: IO[bytes], column: str, where: str) -> Iterator[str]:
    """The cells of column `column` in every sheet of an OpenDocument spreadsheet (content.xml) that has it,
    as Calc shows them; runs of rows and cells Calc stores once with a repeat count are read that many times.

    Raises:
        UserError: the file is not a complete spreadsheet, has no sheet with such a column, or its cells
            there all show nothing.
    """
    try:
        with zipfile.ZipFile(fh) as doc:
            body = xml_part(doc, "content.xml", where)
    except (zipfile.BadZipFile, EOFError, UnicodeDecodeError) as exc:  # the last: a member's name not UTF-8
        raise UserError(f"{where} cannot be read as an OpenDocument spreadsheet ({exc}); save it again.") from None
    sheets = ((table.get(f"{_TABLE}name", ""), _ods_rows(table)) for table in body.iter(f"{_TABLE}table"))
    yield from _column_texts(sheets, column, where, lambda text: text)


def _ods_rows(table: Any) -> Iterator[tuple[str | None, ...]]:
    """A sheet's rows as tuples of what each cell shows, None for an empty one."""
    rows = 0
    for row in table.iter(f"{_TABLE}table-row"):
        cells: list[str | None] = []
        for cell in row:
            if cell.tag not in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                continue
            repeat = min(_count(cell.get(f"{_TABLE}number-columns-repeated")), 16384)
            cells.extend([_ods_cell(cell)] * repeat)
        repeat = min(_count(row.get(f"{_TABLE}number-rows-repeated")), MAX_ROWS - rows)
        if repeat <= 0:
            return
        rows += repeat
        if any(v is not None for v in cells):
            for _ in range(repeat):
                yield tuple(cells)
        else:
            yield ()  # empty rows: counted, not spelled out


def _ods_cell(cell: Any) -> str | None:
    """What a cell shows: its paragraphs, which Calc writes for every cell, numbers and dates as formatted,
    and empty where its format hides the value (`;;;`, or a section left empty: Calc writes `<text:p/>` beside
    the value). A cell another program wrote with a value and no paragraph shows its value (a number in
    General)."""
    paragraphs = [odt_paragraph(p) for p in odf_paragraphs(cell)]
    if paragraphs:
        return "\n".join(paragraphs) if any(paragraphs) else None
    kind = cell.get(f"{_OFFICE}value-type", "")
    if kind in ("float", "currency", "percentage"):
        try:
            number = float(cell.get(f"{_OFFICE}value", ""))
        except ValueError:
            return None
        return general(number * 100) + "%" if kind == "percentage" else general(number)
    if kind == "boolean":
        return "TRUE" if cell.get(f"{_OFFICE}boolean-value") == "true" else "FALSE"
    return cell.get(f"{_OFFICE}{kind}-value") if kind in ("date", "time") else None


def _count(value: str | None) -> int:
    """A repeat count as Calc writes it (absent: 1); one that is no positive number counts once."""
    return int(value) if value is not None and value.isdigit() and int(value) > 0 else 1


def _column_texts(
    sheets: Iterator[tuple[str, Iterator[tuple[Any, ...]]]], column: str, where: str, show: Callable[[Any], str | None]
) -> Iterator[str]:
    """What the cells under the header `column` show (`show(cell)`, None for nothing) in each sheet (title,
    rows) whose first row that is not empty names it."""
    headers: dict[str, list[str]] = {}
    texts = hidden = 0  # cells of the column that show a text; that show nothing (a format such as ;;;)
    for title, rows in sheets:
        header = next((row for row in rows if any(v is not None for v in row)), None)
        if header is None:
            continue
        names = ["" if v is None else (show(v) or "").strip() for v in header]
        headers[title] = names
        if column not in names:
            continue
        at = names.index(column)
        for row in rows:
            cell: Any = row[at] if at < len(row) else None
            if cell is None:
                continue
            text = show(cell)
            if text:
                texts += 1
                yield text
            else:
                hidden += 1
    if not any(column in names for names in headers.values()):
        shown = "; ".join(f"{title}: {names}" for title, names in headers.items()) or "no sheet has a header row"
        raise UserError(
            f"{where} has no column {column!r} in any sheet ({shown}). Set the specification's corpus_column "
            "to the header of the column that holds the texts."
        )
    if hidden and not texts:
        raise UserError(
            f"{where}: the {hidden} cells of column {column!r} show no text (their number format hides them, "
            "as ;;; does); give them a format that shows them, or name another column with corpus_column."
        )
