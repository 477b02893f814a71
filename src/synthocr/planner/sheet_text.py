"""The texts of a spreadsheet column: Excel workbooks (.xlsx, .xlsm), one text per cell under a header.

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
        headers: dict[str, list[str]] = {}
        texts = others = 0  # cells of the column that hold text; numbers, dates or booleans
        for sheet in book.worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = next((row for row in rows if any(v is not None for v in row)), None)
            if header is None:
                continue
            names = ["" if v is None else str(v).strip() for v in header]
            headers[sheet.title] = names
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
                "Text in Excel (or name a column of texts with corpus_column)."
            )
    finally:
        book.close()
