"""Writes reference.json beside this file: how LibreOffice Calc shows cells of many Excel number formats,
for tests/test_sheet_numbers.py, and prints how often synthocr shows the same.

Needs LibreOffice (`apt-get install libreoffice-calc-nogui`) and openpyxl; the tests need neither of them
but openpyxl. Run from the repository root: `python tests/data/sheet_numbers/make_reference.py`. It writes
a workbook of every format code applied to numbers (or dates and times), has `soffice --headless` convert it
to CSV with "save cell contents as shown" (the 9th token of the CSV filter's options) and to ODS, and reads
both. Where synthocr follows Excel and LibreOffice shows otherwise, the case records what synthocr shows
and a reason from WHY; a difference no reason explains stops the run.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from synthocr.planner.document_text import xml_part
from synthocr.planner.number_format import _parse, display
from synthocr.planner.sheet_text import _TABLE, _ods_rows, cell_text

NUMBER_FORMATS = [
    "General", "0", "0.00", "#,##0", "#,##0.00", "0%", "0.00%", "0.00E+00", "##0.0E+0", "0.0E+0", "#0.0E+0",
    "00.00E+00", "0.00E-00", "#,##0;(#,##0)", "#,##0.00;[Red]-#,##0.00", "#,##0.00;[Red](#,##0.00)",
    '"$"#,##0.00', "$#,##0.00_);($#,##0.00)", '"$"#,##0_);("$"#,##0)', '"$"#,##0.00_);[Red]("$"#,##0.00)',
    "[$€-407] #,##0.00", "#,##0.00 [$€-407]", "[$£-809]#,##0.00", "[$$-409]#,##0.00", '#,##0.00\\ "€"',
    "[$USD] #,##0.00", '#,##0.00 "€";-#,##0.00 "€"', "#,##0.00_ ;[Red]-#,##0.00\\ ",
    '_-* #,##0.00\\ "€"_-;\\-* #,##0.00\\ "€"_-;_-* "-"??\\ "€"_-;_-@_-',
    '_("$"* #,##0.00_);_("$"* \\(#,##0.00\\);_("$"* "-"??_);_(@_)', '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)',
    "0.0", "#.##", "0.0#", "???.???", "000000", "00000-0000", "(###) ###-####", "000-00-0000", '#,##0,"K"',
    '0.0,,"M"', "#,##0,", "# ?/?", "# ??/??", "?/?", "# ?/4", "# ??/16", "# ??/100", "??/??", '0 "kg"',
    '"Total: "0.00', "\\$0.00", '0.00;-0.00;"zero"', "0;-0;;@", '[>=1000]#,##0;[<0]"neg "0.0;0.00',
    "[<=9999999]###-####;(###) ###-####", "[Blue]0.0;[Red]-0.0", "@", "0.000", "#,##0.000", "0.00\\%",
    "+0.0;-0.0;0.0", "0.0%;(0.0%)", "#,##0.00 ;(#,##0.00)", "[>100]0;0.00", "# ##0.00", "0.00 ;-0.00 ", "#",
    "0.##########", "[<0]0.0;0", "[<-10]0.0;[<0]0.00;0", '[=0]"zero";0.0', "[Red][<=100]0;[Blue][>100]0.00",
    "0.00;[Red]0.00",
]  # fmt: skip
DATE_FORMATS = [
    "mm-dd-yy", "d-mmm-yy", "d-mmm", "mmm-yy", "h:mm AM/PM", "h:mm:ss AM/PM", "h:mm", "h:mm:ss", "m/d/yy h:mm",
    "mm:ss", "[h]:mm:ss", "mm:ss.0", "yyyy-mm-dd", "dd/mm/yyyy", "dd.mm.yyyy", "yyyy-mm-dd hh:mm:ss",
    "dddd, mmmm d, yyyy", "ddd d mmm yy", "mmmmm", "mmmm yyyy", "d/m/yy", "yy", "[mm]:ss", "[ss]", "h:mm am/pm",
    "hh:mm A/P", "hh:mm:ss.00", "[$-F800]dddd\\, mmmm dd\\, yyyy", "[$-F400]h:mm:ss\\ AM/PM",
    "[$-409]mmmm d, yyyy;@", "dd/mm/yyyy\\ hh:mm", 'yyyy"年"m"月"d"日"', "m/d/yyyy", "[h]:mm", "d", "dd", "ddd",
    "mmm d, yyyy", "h", "hh", "[$-409]h:mm:ss AM/PM;@", "yyyy-mm-ddThh:mm", "mm/dd/yyyy hh:mm:ss AM/PM",
    "YYYY-MM-DD", "mm:ss.00",
]  # fmt: skip
VALUES = {
    "number": [0, 1, -1, 0.5, -0.5, 1234.5678, -1234.5678, 0.005, 1234567.891, -0.004, 12345678901234.0,
               0.000123456, 1 / 3, 99.995, 1e-12, 42, 2.675, -987654.321, 0.1 + 0.2, 3.25],
    "date": [45296.5625, 45296.0, 0.75, 0.999994, 1.5, 45657.4999942, 36526.1, 25569.0, 61, 366.0000116,
             0.0034722, 2958465.5, 45352.25, 44926.99999, 0.5],
    "date1904": [43834.5625, 0.75, 1.5, 100.25, 40000.999994],
}  # fmt: skip
TEXTS = [("Apple", "General"), ("Apple", "@"), ("Apple", '"Ref: "@'), ("Apple", '0;-0;0;"Item "@'),
         ("Apple", "0.00"), ("Apple", '_-* #,##0.00\\ "€"_-;\\-* #,##0.00\\ "€"_-;_-* "-"??\\ "€"_-;_-@_-'),
         (True, "General"), (False, "0.00"), ("#DIV/0!", "General"), ("#N/A", "0.00")]  # fmt: skip
WHY = {
    "general": "General: Excel shows at most 11 characters (0.333333333, 1.23457E+13); LibreOffice's CSV every digit",
    "negative-zero": "a negative number that rounds to zero keeps its minus sign in Excel (-0.00); LibreOffice drops it",
    "day-before-1900-03-01": "Excel's 1900 calendar (serial 0 is 1900-01-00, 60 is 1900-02-29); LibreOffice counts "
    "from 1899-12-30",
    "time-rounding": "Excel rounds a time to the second (or decimal) shown; LibreOffice 7.4 cuts it (4:59.998 is 0:04)",
    "trailing-point": "Excel keeps the decimal point of #.## or 0.## with no decimals after it (1.); LibreOffice drops it",
    "ampm-case": "Excel writes am/pm and A/P in the case the code has; LibreOffice AM/PM, and a/p for A/P",
    "system-time": "[$-F400] is the reader's long time, h:mm:ss AM/PM in en-US Excel; LibreOffice's is hh:mm:ss AM/PM",
    "boolean": "Excel shows a boolean as TRUE or FALSE whatever its number format; LibreOffice as the number 0",
    "fraction-rounding": "a fraction of a fixed denominator rounds the 15-digit value half up (2.675: 2 68/100, as 0.00 "
    "gives 2.68 in both); LibreOffice the binary value (2 67/100)",
    "libreoffice-error": "LibreOffice shows #FMT for a fraction or duration past its limits",
}
FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,true,false,false"  # 9th: as shown


def main() -> int:
    groups = [("number", NUMBER_FORMATS), ("date", DATE_FORMATS), ("date1904", DATE_FORMATS)]
    formats: list[dict] = []
    unexplained = 0
    totals = {"cells": 0, "equal": 0, "ods_equal": 0}
    with tempfile.TemporaryDirectory() as tmp:
        for group, codes in groups:
            shown, ods, ours = _convert(Path(tmp), group, codes, VALUES[group])
            for j, code in enumerate(codes):
                entry: dict = {"code": code, "values": group, "libreoffice": [], "differ": {}}
                for i, value in enumerate(VALUES[group]):
                    lo, mine = shown[i][j].strip(), (ours[i][j] or "").strip()
                    entry["libreoffice"].append(lo)
                    totals["cells"] += 1
                    totals["equal"] += lo == mine
                    in_ods = " ".join((ods[i][j] or "").split())
                    totals["ods_equal"] += " ".join(lo.split()) == in_ods  # Calc's <text:s/> runs read as one space
                    if " ".join(lo.split()) != in_ods:
                        print(f"ODS {code!r:40} {value!r:22} LibreOffice's CSV {lo!r:20} its content.xml {in_ods!r}")
                    if lo != mine:
                        why = _why(code, value, lo, mine, group == "date1904")
                        unexplained += why is None
                        print(f"{code!r:44} {value!r:22} LibreOffice {lo!r:26} synthocr {mine!r:20} {why}")
                        entry["differ"][str(i)] = [mine, why]
                formats.append(entry)
        texts = _texts(Path(tmp))
    totals["cells"] += len(texts)
    totals["equal"] += sum(len(t) == 3 for t in texts)
    reference = {
        "about": "How LibreOffice Calc (version below) shows Excel number formats: make_reference.py beside this "
        "file wrote a workbook of each code applied to each value of its group and had soffice --headless convert "
        "it to CSV with 'save cell contents as shown'. Under 'differ', by value index: what synthocr shows instead, "
        "as Excel does, and why (reasons in 'why'). Texts: [value, code, LibreOffice's(, synthocr's, why)].",
        "libreoffice": subprocess.run(["soffice", "--version"], capture_output=True, text=True).stdout.strip(),
        "why": WHY,
        "values": VALUES,
        "totals": totals,
        "formats": formats,
        "texts": texts,
    }
    lines = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in reference.items() if k != "formats"]
    lines.append('  "formats": [\n' + ",\n".join(f"    {json.dumps(f, ensure_ascii=False)}" for f in formats) + "\n  ]")
    (Path(__file__).parent / "reference.json").write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    print(f"{totals['cells']} cells: synthocr (.xlsx) shows what LibreOffice shows in {totals['equal']}; "
          f"LibreOffice's own .ods (content.xml) in {totals['ods_equal']} of the {totals['cells'] - len(texts)} "
          f"number cells; {unexplained} differences unexplained")  # fmt: skip
    return 1 if unexplained else 0


def _convert(tmp: Path, group: str, codes: list[str], values: list) -> tuple[list, list, list]:
    """The cells as LibreOffice's CSV shows them, as its ODS holds them, as synthocr reads the workbook:
    rows of values, a column per format code."""
    book = Workbook()
    if group == "date1904":
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    for i, value in enumerate(values, start=1):
        for j, code in enumerate(codes, start=1):
            sheet.cell(i, j, value).number_format = code
    path = tmp / f"{group}.xlsx"
    book.save(path)
    for target in (FILTER, "ods"):
        subprocess.run(["soffice", "--headless", "--convert-to", target, "--outdir", str(tmp), str(path)],
                       check=True, capture_output=True)  # fmt: skip
    with open(tmp / f"{group}.csv", encoding="utf-8", newline="") as fh:
        shown = [row + [""] * (len(codes) - len(row)) for row in csv.reader(fh)]
    with zipfile.ZipFile(tmp / f"{group}.ods") as doc:
        table = next(xml_part(doc, "content.xml", "ods").iter(f"{_TABLE}table"))
    ods = [list(row) + [None] * (len(codes) - len(row)) for row in itertools.islice(_ods_rows(table), len(values))]
    read = load_workbook(path, read_only=True, data_only=True)
    ours = [
        [cell_text(c, group == "date1904") if c.value is not None else None for c in row]
        for row in read.active.iter_rows()
    ]
    read.close()
    return shown, ods, ours


def _texts(tmp: Path) -> list[list]:
    """Texts, booleans and error values: [value, code, LibreOffice's] (+ [synthocr's, why] where they differ)."""
    book = Workbook()
    for i, (value, code) in enumerate(TEXTS, start=1):
        book.active.cell(i, 1, value).number_format = code
    book.save(tmp / "texts.xlsx")
    subprocess.run(["soffice", "--headless", "--convert-to", FILTER, "--outdir", str(tmp), str(tmp / "texts.xlsx")],
                   check=True, capture_output=True)  # fmt: skip
    with open(tmp / "texts.csv", encoding="utf-8", newline="") as fh:
        shown = [row[0] if row else "" for row in csv.reader(fh)]
    read = load_workbook(tmp / "texts.xlsx", read_only=True, data_only=True)
    ours = [cell_text(row[0], False) or "" for row in read.active.iter_rows()]
    read.close()
    out = []
    for (value, code), lo, mine in zip(TEXTS, shown, ours):
        lo, mine = lo.strip(), mine.strip()
        out.append([value, code, lo] if lo == mine else [value, code, lo, mine, "boolean"])
        if lo != mine:
            print(f"{code!r:44} {value!r:22} LibreOffice {lo!r:26} synthocr {mine!r:20} boolean")
    return out


def _why(code: str, value: float, lo: str, mine: str, date1904: bool) -> str | None:
    """The reasons from WHY that explain a difference (joined by +), None if none do."""
    date = _parse(code)[0].kind == "date"
    if lo == "#FMT":
        return "libreoffice-error"
    if code in ("General", "@"):
        return "general"
    if date and not date1904 and 0 <= value < 61 and re.search(r"[yd]|mmm", code.lower()):
        return "day-before-1900-03-01"
    candidates: list[tuple[str, list[str]]] = [(mine, [])]
    if date:  # what synthocr shows for the time cut to the unit shown, as LibreOffice does
        places = re.search(r"s\.(0+)", code.lower())
        half = 0.5 * 10 ** -(len(places.group(1)) if places else 0) / 86400
        candidates.append(((display(value - half, code, date1904) or "").strip(), ["time-rounding"]))
    if "/" in code:  # a fraction of the binary value, just below the decimal one
        candidates.append(((display(value - 1e-9, code) or "").strip(), ["fraction-rounding"]))
    if mine.endswith(".") and ".#" in code:
        candidates.append((mine[:-1], ["trailing-point"]))
    for text, reasons in list(candidates):
        if value < 0 and text.startswith("-"):
            candidates.append((text[1:].strip(), [*reasons, "negative-zero"]))
    for text, reasons in candidates:
        if text == lo and reasons:
            return "+".join(reasons)
        if date and re.search(r"am/pm|a/p", code.lower()) and text.upper() == lo.upper():
            return "+".join([*reasons, "ampm-case"])
        if "F400" in code and text == lo.removeprefix("0"):
            return "+".join([*reasons, "system-time"])
    return None


if __name__ == "__main__":
    sys.exit(main())
