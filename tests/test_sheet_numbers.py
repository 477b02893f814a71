"""Spreadsheet cells that hold numbers, dates, times, currencies, percentages and booleans are texts, written
as the spreadsheet shows them (they were counted, not drawn): against LibreOffice Calc's own rendering of
2,390 cells (tests/data/sheet_numbers), and through `synthocr plan`."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml

from synthocr.planner.date_format import excel_serial
from synthocr.planner.number_format import display, general
from synthocr.planner.sheet_text import cell_text

REFERENCE = json.loads((Path(__file__).parent / "data" / "sheet_numbers" / "reference.json").read_text("utf-8"))


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNTHOCR_CACHE", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def shown(tmp_path_factory) -> dict[str, list[list[str]]]:
    """What synthocr reads from workbooks of the reference's cells (a column per format code, a row per
    value, as make_reference.py wrote them for LibreOffice), by value group."""
    from openpyxl import Workbook, load_workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    folder = tmp_path_factory.mktemp("sheets")
    out = {}
    for group, values in REFERENCE["values"].items():
        codes = [f["code"] for f in REFERENCE["formats"] if f["values"] == group]
        book = Workbook()
        if group == "date1904":
            book.epoch = CALENDAR_MAC_1904
        for i, value in enumerate(values, start=1):
            for j, code in enumerate(codes, start=1):
                book.active.cell(i, j, value).number_format = code
        book.save(folder / f"{group}.xlsx")
        read = load_workbook(folder / f"{group}.xlsx", read_only=True, data_only=True)
        rows = [[(cell_text(c, read.epoch.year == 1904) or "").strip() for c in row] for row in read.active.iter_rows()]
        read.close()
        out[group] = [list(column) for column in zip(*rows)]  # by format code
    return out


@pytest.mark.parametrize(
    ("group", "index"),
    [(f["values"], i) for i, f in enumerate(REFERENCE["formats"])],
    ids=[f"{f['values']}:{f['code']}" for f in REFERENCE["formats"]],
)
def test_cells_show_what_libreoffice_shows_or_what_excel_does(shown, group, index):
    """Each value under each code, as read from an .xlsx, is what LibreOffice 7.4 showed (its CSV "as shown";
    ends stripped, as every text is), but where Excel is known to show otherwise: then the reference names
    the reason (General's 11 characters, -0.00, 1900-01-00, ...)."""
    entry = REFERENCE["formats"][index]
    column = [f["code"] for f in REFERENCE["formats"] if f["values"] == group].index(entry["code"])
    expected = [entry["differ"].get(str(i), [lo])[0] for i, lo in enumerate(entry["libreoffice"])]
    got = shown[group][column]
    wrong = [(v, e, g) for v, e, g in zip(REFERENCE["values"][group], expected, got) if e != g]
    assert not wrong, f"{entry['code']!r}: (value, expected, shown) {wrong}"


@pytest.mark.parametrize("case", REFERENCE["texts"], ids=lambda case: f"{case[0]!r}:{case[1]}")
def test_texts_booleans_and_errors_show_as_the_reference_says(case):
    value, code, lo, *ours = case
    assert (display(value, code) or "").strip() == (ours[0] if ours else lo)


def test_the_reference_agrees_with_libreoffice_in_most_cells():
    """The figures quoted in the docs: 2,127 of 2,390 cells as LibreOffice shows them, the rest for a reason."""
    totals = REFERENCE["totals"]
    differ = sum(len(f["differ"]) for f in REFERENCE["formats"]) + sum(len(t) > 3 for t in REFERENCE["texts"])
    assert (totals["cells"], totals["equal"], differ) == (2390, 2127, 2390 - 2127)
    reasons = {why for f in REFERENCE["formats"] for _, why in f["differ"].values()} | {"boolean"}
    assert {part for why in reasons for part in why.split("+")} <= set(REFERENCE["why"])


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (1 / 3, "0.333333333"), (-2 / 3, "-0.666666667"), (1234567.891, "1234567.891"),
     (12345678901, "12345678901"), (123456789012, "1.23457E+11"), (0.0001, "0.0001"), (0.00001, "0.00001"),
     (0.0000123456, "1.23456E-05"), (1e-10, "1E-10"), (0.1 + 0.2, "0.3"), (1e20, "1E+20")],
)  # fmt: skip
def test_general_is_excels_eleven_characters(value, text):
    assert general(value) == text == display(value, "General")


@pytest.mark.parametrize("serial", [0.25, 1.0, 59.5, 61.0, 366.75, 25569.0, 45296.5625, 2958465.0])
def test_a_serial_comes_back_from_what_openpyxl_makes_of_it(serial):
    from openpyxl.utils.datetime import from_excel

    assert excel_serial(from_excel(serial)) == pytest.approx(serial, abs=1e-8)
    assert excel_serial(dt.timedelta(days=serial)) == pytest.approx(serial)


def _plan(cli, root: Path, corpus_file: str, column: str, total: int = 60):
    spec = {"name": "t", "corpus_file": corpus_file, "corpus_column": column, "text_source": "lines",
            "min_text_length": 1, "font_filter": "DejaVuSans.ttf"}  # fmt: skip
    config = {"total_images": total, "seed": 3, "corpus_dir": str(root / "corpus"), "specifications": [spec]}
    path = root / "c.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    code, _, err = cli("plan", path, "-o", root / "p.parquet")
    return code, err, (pd.read_parquet(root / "p.parquet") if code == 0 else None)


RECEIPT = {  # value, number format: what Excel shows
    "price": [(3.5, '"$"#,##0.00', "$3.50"), (1234.5, "#,##0.00 [$€-407]", "1,234.50 €"), (-12, "#,##0.00;(#,##0.00)",
              "(12.00)"), (0.075, "0.0%", "7.5%"), (1 / 3, "General", "0.333333333"), (7, "0", "7")],
    "date": [(dt.datetime(2024, 1, 5, 13, 30), "mm-dd-yy", "1/5/2024"), (dt.date(2023, 12, 31), "dddd, mmmm d, yyyy",
             "Sunday, December 31, 2023"), (dt.time(18, 45), "h:mm AM/PM", "6:45 PM"),
             (dt.timedelta(hours=36, minutes=5), "[h]:mm", "36:05"), (dt.datetime(2024, 3, 1), "d-mmm-yy", "1-Mar-24")],
    "other": [(True, "General", "TRUE"), ("#DIV/0!", "General", "#DIV/0!"), ("Tea", "General", "Tea"),
              (5551234567, "[<=9999999]###-####;(###) ###-####", "(555) 123-4567"), (0, "0;-0;;@", None)],
}  # fmt: skip


def test_a_workbook_of_prices_and_dates_gives_them_as_excel_shows_them(cli, tmp_path):
    """A column of prices or dates was an error ("holds N numbers or dates and no text"); a formula's error
    value and booleans were left out or counted. Every cell is now its displayed text; a zero its format
    hides (`0;-0;;@`) shows nothing and is left out."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(RECEIPT))
    for i in range(max(len(column) for column in RECEIPT.values())):
        for j, column in enumerate(RECEIPT.values(), start=1):
            if i < len(column):
                sheet.cell(i + 2, j, column[i][0]).number_format = column[i][1]
    (tmp_path / "corpus").mkdir()
    book.save(tmp_path / "corpus" / "receipts.xlsx")
    for column, cells in RECEIPT.items():
        code, err, frame = _plan(cli, tmp_path, "receipts.xlsx", column)
        assert code == 0, err
        assert set(frame.text) == {text for _, _, text in cells if text}, column


def _ods(path: Path, rows: list[str]) -> None:
    """An OpenDocument spreadsheet as Calc writes one: each cell's value and type, and what it shows."""
    ns = {"office": "office:1.0", "table": "table:1.0", "text": "text:1.0"}
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        + " ".join(f'xmlns:{k}="urn:oasis:names:tc:opendocument:xmlns:{v}"' for k, v in ns.items())
        + '><office:body><office:spreadsheet><table:table table:name="Receipts">'
        + "".join(f"<table:table-row>{row}</table:table-row>" for row in rows)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)


def test_an_opendocument_spreadsheet_gives_what_calc_shows(cli, tmp_path):
    """Calc writes what each cell shows beside its value: that is the text. A cell some other program wrote
    with a value and nothing shown gives its value (a number in General). A cell whose format hides its value
    (`;;;`, as Calc 7.4 writes it: an empty paragraph) gives nothing, where its value was drawn."""

    def cell(kind: str, value: str, shown: str | None) -> str:
        attr = {"float": "value", "currency": "value", "percentage": "value", "date": "date-value",
                "time": "time-value", "boolean": "boolean-value"}[kind]  # fmt: skip
        text = "" if shown is None else f"<text:p>{shown}</text:p>" if shown else "<text:p/>"
        return f'<table:table-cell office:value-type="{kind}" office:{attr}="{value}">{text}</table:table-cell>'

    header = '<table:table-cell office:value-type="string"><text:p>total</text:p></table:table-cell>'
    rows = [header] + [
        cell("currency", "1234.5", "1.234,50 €"),
        cell("percentage", "0.075", "7.5%"),
        cell("date", "2024-01-05", "Friday, January 5, 2024"),
        cell("time", "PT13H30M00S", "01:30 PM"),
        cell("boolean", "true", "TRUE"),
        cell("float", "0.333333333333333", None),
        cell("float", "123.5", ""),
        cell("date", "2024-01-05", ""),
        '<table:table-cell office:value-type="string"><office:annotation><text:p>a comment</text:p>'
        "</office:annotation><text:p>Shown text</text:p></table:table-cell>",  # a cell's comment is not shown
        '<table:table-cell office:value-type="float" office:value="12" table:number-columns-repeated="1">'
        "<text:p>1<text:s/>2</text:p></table:table-cell>",
    ]
    (tmp_path / "corpus").mkdir()
    _ods(tmp_path / "corpus" / "receipts.ods", rows)
    code, err, frame = _plan(cli, tmp_path, "receipts.ods", "total")
    assert code == 0, err
    assert set(frame.text) == {
        "1.234,50 €",
        "7.5%",
        "Friday, January 5, 2024",
        "01:30 PM",
        "TRUE",
        "0.333333333",
        "1 2",
        "Shown text",
    }


def test_a_column_whose_format_hides_every_cell_is_a_clear_error(cli, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["qty"])
    for n in (1, -2, 0):
        book.active.append([n])
        book.active.cell(book.active.max_row, 1).number_format = ";;;"
    (tmp_path / "corpus").mkdir()
    book.save(tmp_path / "corpus" / "hidden.xlsx")
    code, err, _ = _plan(cli, tmp_path, "hidden.xlsx", "qty")
    assert code == 2 and "the 3 cells of column 'qty' show no text (their number format hides them" in err


@pytest.mark.parametrize(
    "code", ['# ?/?1E+00:3=[Red]"', "[", '"unterminated', "\\", "0.0,,,,,", ";;;;;;", "[h", "E+", "@@0", '?/"0"']
)
def test_a_malformed_format_code_shows_something_or_nothing_never_fails(code):
    for value in (0, -1.5, 1e300, 45296.5625, True, "text"):
        assert isinstance(display(value, code), str | None)
