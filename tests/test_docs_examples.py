"""The code blocks of the docs run: every `sh`/`bash` and `python` block of README.md and docs/*.md, page by page.

Each page runs in a fresh folder that links `configs`, `src`, `docs` and `tests` of the repository and `.venv`
to the running environment, with that environment's `bin` first on PATH, so a block may call `synthocr`,
`.venv/bin/synthocr` or `python` and use repository paths. The blocks of a page run in order and share the folder.
A page steers its blocks with HTML comments, which neither GitHub nor the site shows:

- `<!-- docs-test: skip -->` (a reason may follow `skip`) on the line before a block: the block is not run;
- `<!-- docs-test: before: COMMAND -->`: a shell command run at that place (to make a file a block reads);
- a block whose info string has `title="PATH"` (```` ```yaml title="mydata/own.yaml" ````) is written to PATH
  instead of being run (Material shows the title above the block).

Blocks of other languages (output, JSON, YAML without a title) are only shown.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Pages whose blocks a test of their own runs, with checks of what they print.
OWN_TEST = {"first-ten-minutes.md": "tests/test_first_ten_minutes.py"}
PAGES = [ROOT / "README.md", *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name not in OWN_TEST)]
LINKED = ("configs", "src", "docs", "tests")
RUN = {"sh": "sh", "bash": "sh", "python": "python"}
FENCE = re.compile(r"^```(?P<lang>[\w-]*)(?P<info>[^\n]*)\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
DIRECTIVE = re.compile(r"^<!-- docs-test: (?P<what>skip|before:)(?P<rest>.*?)-->[ \t]*$", re.M)
ANY_DIRECTIVE = re.compile(r"<!-- docs-test:")


@dataclass(frozen=True)
class Step:
    """One thing a page does in the test: run shell or Python code, or write a file."""

    kind: str  # "sh", "python" or "file"
    body: str
    line: int  # 1-based line of the block in its page
    path: str = ""


def steps(text: str) -> list[Step]:
    """What a page's blocks and docs-test comments ask for, in page order."""
    found: list[tuple[int, Step | None]] = []
    skipped_at: set[int] = set()  # offsets of the fences that a skip comment right before them names
    directives = list(DIRECTIVE.finditer(text))
    assert len(directives) == len(ANY_DIRECTIVE.findall(text)), "a docs-test comment this test does not understand"
    for d in directives:
        line = text.count("\n", 0, d.start()) + 1
        if d["what"] == "skip":
            skipped_at.add(d.end() + 1)
        else:
            found.append((d.start(), Step("sh", d["rest"].strip(), line)))
    for m in FENCE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        title = re.search(r'title="([^"]+)"', m["info"])
        if m.start() in skipped_at:
            skipped_at.discard(m.start())
        elif title:
            found.append((m.start(), Step("file", m["body"], line, title.group(1))))
        elif m["lang"] in RUN:
            found.append((m.start(), Step(RUN[m["lang"]], m["body"], line)))
    assert not skipped_at, "a skip comment that is not on the line right before a code block"
    return [step for _, step in sorted(found, key=lambda f: f[0]) if step is not None]


def runnable(page: Path) -> bool:
    return any(s.kind != "file" for s in steps(page.read_text(encoding="utf-8")))


def test_steps_follow_the_comments() -> None:
    text = (
        "<!-- docs-test: before: echo hi -->\n```sh\necho run\n```\n<!-- docs-test: skip (no) -->\n```sh\n"
        'echo skipped\n```\n```yaml title="a/b.yaml"\nx: 1\n```\n```\noutput\n```\n```python\nprint(1)\n```\n'
    )
    assert steps(text) == [
        Step("sh", "echo hi", 1),
        Step("sh", "echo run\n", 2),
        Step("file", "x: 1\n", 9, "a/b.yaml"),
        Step("python", "print(1)\n", 15),
    ]


@pytest.mark.slow
@pytest.mark.parametrize("page", [p for p in PAGES if runnable(p)], ids=lambda p: p.relative_to(ROOT).as_posix())
def test_page_examples_run(page: Path, tmp_path: Path) -> None:
    for name in LINKED:
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    (tmp_path / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env["MPLBACKEND"] = "Agg"
    name = page.relative_to(ROOT).as_posix()
    for k, step in enumerate(steps(page.read_text(encoding="utf-8"))):
        if step.kind == "file":
            target = tmp_path / step.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(step.body, encoding="utf-8")
            continue
        script = tmp_path / f".docs_block_{k}.{'py' if step.kind == 'python' else 'sh'}"
        script.write_text(step.body, encoding="utf-8")
        command = [sys.executable, str(script)] if step.kind == "python" else ["bash", "-eo", "pipefail", str(script)]
        result = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, (
            f"{name}, the block at line {step.line}, exited {result.returncode}:\n{step.body}\n"
            f"--- stdout ---\n{result.stdout[-2000:]}\n--- stderr ---\n{result.stderr[-4000:]}"
        )
