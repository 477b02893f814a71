"""docs/first-ten-minutes.md works as written: its files are written and its shell blocks run, in page order,
in a fresh folder with the repository's configs, as a new user would run them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "first-ten-minutes.md"
FENCE = re.compile(r"^```(?P<lang>[\w-]*)(?P<info>[^\n]*)\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
SKIP = "<!-- docs-test: skip"


def page_steps() -> list[tuple[str, str, str]]:
    """(kind, body, path) per block: "file" blocks (with title="PATH") and "sh" blocks not marked skip."""
    text = PAGE.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        title = re.search(r'title="([^"]+)"', m["info"])
        if before.startswith(SKIP):
            continue
        if title:
            out.append(("file", m["body"], title.group(1)))
        elif m["lang"] in ("sh", "bash"):
            out.append(("sh", m["body"], ""))
    return out


def test_the_page_has_the_steps_a_user_needs():
    kinds = [k for k, _, _ in page_steps()]
    assert kinds.count("file") == 2 and kinds.count("sh") >= 5
    commands = " ".join(body for kind, body, _ in page_steps() if kind == "sh")
    for command in ("preview", "plan", "inspect", "render", "status", "export"):
        assert f"synthocr {command} " in commands


@pytest.mark.slow
def test_first_ten_minutes_runs_as_written(tmp_path):
    (tmp_path / "configs").symlink_to(ROOT / "configs")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    printed = []
    for kind, body, path in page_steps():
        if kind == "file":
            target = tmp_path / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(body, encoding="utf-8")
            continue
        proc = subprocess.run(
            ["sh", "-e", "-c", body], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
        )
        assert proc.returncode == 0, f"{body}\n{proc.stdout}\n{proc.stderr}"
        assert "Traceback" not in proc.stderr
        printed.append(proc.stdout + proc.stderr)
    for sheet in ("first.png", "shop.png", "blurred.png", "rendered.png"):
        with Image.open(tmp_path / sheet) as im:
            assert im.width > 300, sheet
    assert not (tmp_path / "typo.png").exists()
    typo = next(p for p in printed if "exit status" in p)
    assert "did you mean 'rotation_angle_max'?" in typo and "exit status 2" in typo
    assert len(list((tmp_path / "build" / "shop").rglob("image_*.json"))) == 60
    assert any((tmp_path / "build" / "shop-paddleocr").iterdir())
