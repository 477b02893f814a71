"""`make reliability`: run the whole reliability suite and print its figures as a Markdown table."""

from __future__ import annotations

import argparse
import ast
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
CATEGORIES = (
    "configs",
    "fonts",
    "corpus",
    "backgrounds",
    "requests",
    "plans",
    "output_dir",
    "output_paths",
    "limits",
    "parsing",
    "hard_stops",
    "kills",
    "security",
)


def run_suite(extra: list[str]) -> tuple[int, Path, float]:
    """pytest over this folder with every marker selected; the JUnit XML carries each case's outcome."""
    xml = Path(tempfile.mkdtemp()) / "reliability.xml"
    started = time.monotonic()
    code = subprocess.call(
        [
            sys.executable,
            "-m",
            "pytest",
            str(HERE),
            "-q",
            "-m",
            "",
            "-p",
            "no:cacheprovider",
            "-o",
            "junit_family=legacy",
            f"--junitxml={xml}",
            *extra,
        ]
    )
    return code, xml, time.monotonic() - started


OUTCOME_KEYS = ("clean_error", "row_failure", "excluded", "planned", "rendered")
SUMMED = ("kills", "files_lost", "byte_different", "damaged_done")


def _failure_kind(case: ET.Element) -> str | None:
    """How a failed case failed: a hang (the suite's time limit), a traceback (an exception escaped), or a check."""
    node = case.find("failure")
    if node is None:
        node = case.find("error")
    if node is None:
        return None
    text = f"{node.get('message', '')} {node.text or ''}"
    if "Hung" in text or "hung" in text or "Timeout" in text:
        return "hangs"
    if "AssertionError" in text or "Failed:" in text:
        return "check_failed"
    return "tracebacks"


def figures(xml: Path) -> dict[str, Counter]:
    """Per category: outcome counts, tracebacks, hangs, kills, damaged outputs, byte changes, peak memory."""
    table: dict[str, Counter] = defaultdict(Counter)
    for case in ET.parse(xml).iter("testcase"):
        category = case.get("classname", "").rsplit(".", 1)[-1].removeprefix("test_")
        row = table[category]
        kind = _failure_kind(case)
        skipped = case.find("skipped") is not None
        row["failed" if kind else "skipped" if skipped else "passed"] += 1
        if kind and kind != "check_failed":
            row[kind] += 1
        for prop in case.iter("property"):
            name, value = prop.get("name"), prop.get("value", "")
            if name == "outcome":
                row[value] += 1
            elif name == "outcomes":
                row.update(ast.literal_eval(value))
            elif name in SUMMED:
                row[name] += int(value)
            elif name == "peak_rss_mb":
                row["peak_rss_mb"] = max(row["peak_rss_mb"], int(value))
    return table


COLUMNS = (
    "cases tried",
    "clean errors",
    "row failures",
    "excluded with warning",
    "planned / rendered",
    "tracebacks",
    "hangs",
    "damaged counted done",
    "byte-different after kills",
    "kills",
    "peak MB (largest case)",
    "tests passed",
    "tests failed",
)


def _cells(row: Counter) -> list[object]:
    cases = sum(row[k] for k in OUTCOME_KEYS) + row["tracebacks"] + row["hangs"]
    return [
        cases,
        row["clean_error"],
        row["row_failure"],
        row["excluded"],
        row["planned"] + row["rendered"],
        row["tracebacks"],
        row["hangs"],
        row["damaged_done"],
        row["byte_different"],
        row["kills"],
        row["peak_rss_mb"] or "",
        row["passed"],
        row["failed"],
    ]


def markdown(table: dict[str, Counter]) -> str:
    lines = ["| category | " + " | ".join(COLUMNS) + " |", "|" + "---|" * (len(COLUMNS) + 1)]
    total: Counter = Counter()
    for category in [c for c in CATEGORIES if c in table] + sorted(set(table) - set(CATEGORIES)):
        row = table[category]
        peak = max(total["peak_rss_mb"], row["peak_rss_mb"])
        total.update(row)
        total["peak_rss_mb"] = peak
        lines.append(f"| {category} | " + " | ".join(map(str, _cells(row))) + " |")
    lines.append("| **all** | " + " | ".join(f"**{c}**" if c != "" else "" for c in _cells(total)) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    _, extra = parser.parse_known_args()  # everything is passed on to pytest (e.g. -x, -k fonts)
    code, xml, seconds = run_suite(extra)
    print()
    print(markdown(figures(xml)))
    print(f"\n{seconds:.0f} s; pytest exit status {code}")
    return code


if __name__ == "__main__":
    sys.exit(main())
