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
    "hard_stops",
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


def figures(xml: Path) -> dict[str, Counter]:
    """Per category: outcome counts, tests passed/failed, kills survived and files lost."""
    table: dict[str, Counter] = defaultdict(Counter)
    for case in ET.parse(xml).iter("testcase"):
        category = case.get("classname", "").rsplit(".", 1)[-1].removeprefix("test_")
        row = table[category]
        failed = case.find("failure") is not None or case.find("error") is not None
        skipped = case.find("skipped") is not None
        row["failed" if failed else "skipped" if skipped else "passed"] += 1
        for prop in case.iter("property"):
            name, value = prop.get("name"), prop.get("value", "")
            if name == "outcome":
                row[value] += 1
            elif name == "outcomes":
                row.update(ast.literal_eval(value))
            elif name in ("kills", "files_lost"):
                row[name] += int(value)
    return table


def markdown(table: dict[str, Counter]) -> str:
    head = (
        "| category | cases tried | clean error | excluded with warning | planned / rendered | kills survived "
        "| files lost | tests passed | tests failed |"
    )
    lines = [head, "|" + "---|" * 9]
    total: Counter = Counter()
    for category in [c for c in CATEGORIES if c in table] + sorted(set(table) - set(CATEGORIES)):
        row = table[category]
        cases = sum(row[k] for k in ("clean_error", "excluded", "planned", "rendered"))
        total.update(row)
        total["cases"] += cases
        lines.append(
            f"| {category} | {cases} | {row['clean_error']} | {row['excluded']} | "
            f"{row['planned'] + row['rendered']} | {row['kills']} | {row['files_lost']} | {row['passed']} "
            f"| {row['failed']} |"
        )
    lines.append(
        f"| **all** | {total['cases']} | {total['clean_error']} | {total['excluded']} | "
        f"{total['planned'] + total['rendered']} | {total['kills']} | {total['files_lost']} | "
        f"{total['passed']} | {total['failed']} |"
    )
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
