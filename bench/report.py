"""Where every bench script's Markdown report goes: the file named by --out (its folder made) and stdout."""

from __future__ import annotations

from pathlib import Path


def write_report(text: str, out: str | Path) -> int:
    """Write `text` to `out` and print it; the script's exit status (0)."""
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(text)
    return 0


# The block of a docs page that `bench/run.py --docs PAGE` keeps current: the results table, then one line
# per run that contributed rows ("- SECTIONS: commit ..., date, load").
BLOCK_START = "<!-- bench table: written by `bench/run.py --docs`; rows are replaced by later runs -->"
BLOCK_END = "<!-- end of bench table -->"


def update_docs_table(page: str | Path, rows: list[str], sections: list[str], provenance: str) -> None:
    """Merge a run's table rows into the bench block of `page`.

    A row replaces the row of the same measurement (first cell) in place; new measurements are appended;
    rows this run did not measure stay, as do the provenance lines of the runs that measured them
    (minus the sections this run measured again). The page must hold the block's two marker lines.
    """
    path = Path(page)
    text = path.read_text(encoding="utf-8")
    if BLOCK_START not in text or BLOCK_END not in text:
        raise SystemExit(f"{path}: no bench block; add the lines\n{BLOCK_START}\n{BLOCK_END}\nwhere the table goes")
    head, rest = text.split(BLOCK_START, 1)
    block, tail = rest.split(BLOCK_END, 1)
    old_rows = [line for line in block.splitlines() if line.startswith("| ") and not line.startswith("| measurement")]
    merged = {_first_cell(line): line for line in old_rows}
    merged.update({_first_cell(line): line for line in rows})
    runs = []
    for line in block.splitlines():
        if line.startswith("- ") and ": " in line:
            names, _, about = line[2:].partition(": ")
            kept = [n for n in names.split(", ") if n not in sections]
            if kept:
                runs.append(f"- {', '.join(kept)}: {about}")
    runs.append(f"- {', '.join(sections)}: {provenance}")
    table = ["| measurement | value | target | ok |", "|---|---|---|---|", *merged.values()]
    body = "\n".join(["", *table, "", "Sections and the runs that measured them:", "", *runs, ""])
    path.write_text(head + BLOCK_START + body + "\n" + BLOCK_END + tail, encoding="utf-8")


def _first_cell(row: str) -> str:
    return row.split(" | ", 1)[0].removeprefix("| ")
