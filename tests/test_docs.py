"""The docs' parameter and effect tables are the ones the declarations make, and the README stays a short front door."""

from __future__ import annotations

from pathlib import Path

from synthocr.schemas.reference import color_table, effects_table, range_table

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
HINT = "is out of date: replace it with the output of `python -m synthocr.schemas.reference`"


def test_config_page_range_table_matches_params() -> None:
    assert range_table() in (DOCS / "config.md").read_text(encoding="utf-8"), f"docs/config.md's range table {HINT}"


def test_effects_page_table_matches_declarations() -> None:
    assert effects_table() in (DOCS / "effects.md").read_text(encoding="utf-8"), f"docs/effects.md's table {HINT}"


def test_backgrounds_page_color_table_matches_declarations() -> None:
    text = (DOCS / "backgrounds.md").read_text(encoding="utf-8")
    assert color_table() in text, f"docs/backgrounds.md's colour table {HINT}"


def test_readme_stays_short() -> None:
    size = len((ROOT / "README.md").read_bytes())
    assert size <= 12 * 1024, f"README.md is {size} bytes; keep it under 12 KB and move details into docs/ pages"
