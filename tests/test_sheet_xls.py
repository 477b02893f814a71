"""Excel 97-2003 workbooks (.xls) as corpus files: a column's cells as Excel shows them, read by xlrd. They were
read as text (binary garbage, then an encoding error). tests/data/sheet_numbers/prices.xls was written by
LibreOffice Calc 7.4 (`soffice --headless --convert-to xls` of an openpyxl workbook: prices in several
formats, a formula, a division by zero, a boolean, a date, a share, a text, and a second sheet)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from helpers import plan_corpus
from synthocr.errors import UserError
from synthocr.planner.sheet_text import xls_texts

pytest.importorskip("xlrd")

PRICES = Path(__file__).parent / "data" / "sheet_numbers" / "prices.xls"
# What Calc shows for the price column of both sheets ("$3.50": "$"#,##0.00; =B2+B3 under #,##0.00 [$€-407];
# =1/0; TRUE; 2024-01-05 18:45 under m/d/yyyy h:mm AM/PM; 0.075 under 0.0%; the second sheet's 7 under 000).
SHOWN = ["$3.50", "1,234.50 €", "1,238.00 €", "#DIV/0!", "TRUE", "1/5/2024 6:45 PM", "7.5%", "on sale", "007"]


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNTHOCR_CACHE", str(tmp_path / "cache"))


def _plan(cli, root: Path, name: str, column: str):
    return plan_corpus(cli, root, name, {"corpus_column": column, "min_text_length": 1})


def test_an_xls_column_gives_its_cells_as_excel_shows_them():
    with PRICES.open("rb") as fh:
        assert list(xls_texts(fh, "price", "prices.xls")) == SHOWN


def test_an_xls_corpus_file_plans_through_the_cli(cli, tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "prices.xls").write_bytes(PRICES.read_bytes())
    code, err, plan = _plan(cli, tmp_path, "prices.xls", "price")
    assert code == 0, err
    assert set(plan["text"]) == set(SHOWN)
    assert set(plan["corpus_file"]) == {"prices.xls"}


def test_an_xls_without_the_column_names_the_columns_it_has(cli, tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "prices.xls").write_bytes(PRICES.read_bytes())
    code, err, _ = _plan(cli, tmp_path, "prices.xls", "cost")
    assert code == 2 and "no column 'cost'" in err and "'price'" in err and "Traceback" not in err


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "cannot be read as an Excel 97-2003 workbook"),
        (b"not a workbook at all\n" * 40, "cannot be read as an Excel 97-2003 workbook"),
        (b"", "is empty"),
    ],
)
def test_a_damaged_xls_is_a_clear_error(cli, tmp_path, data, message):
    """A cut compound document, text named .xls, an empty file: one paragraph, exit 2, no traceback."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "bad.xls").write_bytes(data)
    code, err, _ = _plan(cli, tmp_path, "bad.xls", "price")
    assert code == 2 and message in err and "bad.xls" in err and "Traceback" not in err, err


def test_an_xlsx_named_xls_says_to_rename_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(UserError, match=r"\.xlsx or \.ods"):
        list(xls_texts(io.BytesIO(buffer.getvalue()), "price", "renamed.xls"))
