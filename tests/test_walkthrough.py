"""The walkthrough of docs/selection.md: the script runs, renders exactly the picked rows, and the page shows it verbatim."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "docs" / "walkthrough.py"
MARKER = "# --- walkthrough ---\n"


def page_block() -> str:
    """The first python code block of docs/selection.md."""
    page = (ROOT / "docs" / "selection.md").read_text(encoding="utf-8")
    return page.split("```python\n", 1)[1].split("```", 1)[0]


def test_page_shows_the_script_verbatim():
    assert page_block() == SCRIPT.read_text(encoding="utf-8").split(MARKER, 1)[1]


@pytest.mark.slow
def test_walkthrough_renders_exactly_the_picked_rows(tmp_path):
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "exactly the ones picked" in result.stdout
    count = int(result.stdout.split("exactly the ones picked")[0].rsplit("rendered ", 1)[1].split()[0])
    assert 2 < count < 30  # the query picked some rows, and not all of them were rendered
    with Image.open(tmp_path / "font_size.png") as im:
        assert im.format == "PNG" and im.width > 300
